#!/usr/bin/env python
"""Django's command-line utility."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    from django.core.management import execute_from_command_line

    try:
        execute_from_command_line(sys.argv)
    except BrokenPipeError:
        if not _stdout_is_closed():
            raise  # a socket's, not the reader's: a real error
        end_quietly_after_the_reader_left()


def _stdout_is_closed() -> bool:
    """Whether standard output is a pipe with no reader left (poll says POLLERR for its write end)."""
    import select

    try:
        poller = select.poll()
        poller.register(sys.stdout.fileno(), select.POLLOUT)
        return any(events & (select.POLLERR | select.POLLHUP) for _, events in poller.poll(0))
    except (AttributeError, OSError, ValueError):  # no poll(), or no file behind stdout
        return True


def end_quietly_after_the_reader_left() -> None:
    """`manage.py replay ROOM | head`: the reader went away, which is no error of ours to print.

    Every command that writes to standard output ends here, through this one place. Standard output
    is pointed at /dev/null so that Python's own flush at exit does not fail again, and the exit
    status is the shell's for a writer stopped by SIGPIPE (128 + 13), as `yes | head` gives.
    """
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    sys.exit(141)


if __name__ == "__main__":
    main()
