"""An in-memory pull source for the runner: messages handed to it by the test, verdicts noted, no server.

It keeps the promises of `streaming.pull.client.PullSource` that the loop relies on: a fetch returns
at most a batch, what a batch leaves stays for the next fetch, and each message's verdict is noted
once it is flushed.
"""

from __future__ import annotations

from streaming.delivery import Delivery


def delivery(seq: int, data: bytes = b"{}", *, times: int = 1, subject: str = "game.room-1.events") -> Delivery:
    """A delivery as the server would hand it over, with a real ack subject."""
    reply = f"$JS.ACK.GAME_EVENTS.test.{times}.{seq}.{seq}.1700000000000000000.0".encode()
    return Delivery(subject, data, None, reply)


class InMemoryPull:
    def __init__(self, deliveries: list[Delivery] | None = None) -> None:
        self.waiting: list[Delivery] = list(deliveries or [])
        self.fetches: list[tuple[int, bool]] = []  # (batch, no_wait) of each fetch
        self.asked_ahead = 0
        self.written: list[tuple[str, bytes, float | None]] = []  # (verdict, ack subject, nak delay)
        self.verdicts: dict[int, list[str]] = {}  # stream sequence -> verdicts flushed, in order
        self.in_progress_reports = 0
        self.connected = True

    @property
    def is_connected(self) -> bool:
        return self.connected

    async def ensure_connected(self) -> bool:
        return self.connected

    async def fetch(self, batch: int, *, no_wait: bool = False) -> list[Delivery]:
        self.fetches.append((batch, no_wait))
        taken, self.waiting = self.waiting[:batch], self.waiting[batch:]
        return taken

    async def ask_ahead(self, batch: int) -> None:
        self.asked_ahead += 1

    def take_buffered(self) -> list[Delivery]:
        taken, self.waiting = self.waiting, []
        return taken

    def ack(self, replies: list[bytes]) -> None:
        self.written += [("ack", reply, None) for reply in replies]

    def term(self, replies: list[bytes]) -> None:
        self.written += [("term", reply, None) for reply in replies]

    def nak(self, replies: list[bytes], *, delay: float) -> None:
        self.written += [("nak", reply, delay) for reply in replies]

    def in_progress(self, replies: list[bytes]) -> int:
        self.in_progress_reports += 1
        return len(replies)

    async def flush(self) -> None:
        if not self.connected:
            raise ConnectionError("the in-memory pull source is disconnected")
        for verdict, reply, _ in self.written:
            seq = int(reply.decode().split(".")[5])
            self.verdicts.setdefault(seq, []).append(verdict)
        self.written.clear()

    async def round_trip(self) -> None:
        pass

    async def close(self) -> None:
        self.connected = False
