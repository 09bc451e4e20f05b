"""A progress bar for the archive's long commands (archive_matches, rebuild_read_models)."""

from __future__ import annotations

from django.core.management.base import OutputWrapper


class Progress:
    """A bar redrawn in place on a terminal; elsewhere (logs, CI) a line every tenth of the run."""

    WIDTH = 30

    def __init__(self, out: OutputWrapper, *, total: int, unit: str = "matches") -> None:
        self.out = out
        self.total = total
        self.unit = unit
        self.done = 0
        self.tty = out.isatty()
        self.every = max(1, total // 10)

    def advance(self, count: int = 1) -> None:
        before, self.done = self.done, self.done + count
        if self.tty:
            filled = self.WIDTH * self.done // max(self.total, 1)
            bar = "#" * filled + "." * (self.WIDTH - filled)
            self.out.write(f"\r[{bar}] {self.done:,}/{self.total:,} {self.unit}", ending="")
            self.out.flush()
        elif self.done // self.every > before // self.every or self.done == self.total:
            self.out.write(f"{self.done:,}/{self.total:,} {self.unit}")

    def close(self) -> None:
        if self.tty and self.done:
            self.out.write("")
