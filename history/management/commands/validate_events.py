import sys
from collections.abc import Iterator
from datetime import datetime

from django.core.management.base import BaseCommand, CommandError

from contract.events import InvalidEvent, decode_payload
from contract.match_check import match_violations
from history.management.matches import match_arguments, run_on_stream
from history.replay import latest_started_at, read_match_messages
from streaming.connection import connect


class Command(BaseCommand):
    help = (
        "Check a match's events against docs/contract.md (fields, types, tick order, the order within one player, "
        "game_end last): a stored match (ROOM_ID [--started-at T]) or a file of JSON lines (--file F, - for "
        "standard input). Prints each violation with its stream sequence (or line) and first bad field; "
        "exit status 1 when any."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("room_id", nargs="?")
        parser.add_argument("--started-at", help="ISO-8601 start of the match; default: the room's latest")
        parser.add_argument("--file", help="JSON lines to check before publishing them; - reads standard input")

    def handle(self, *args, room_id: str | None, started_at: str | None, file: str | None, **options) -> None:
        if (room_id is None) == (file is None):
            raise CommandError("give either ROOM_ID (a stored match) or --file F (JSON lines, - for stdin)")
        if file is not None:
            if started_at:
                raise CommandError("--started-at names a stored match; it does not apply to --file")
            where = "line"
            violations = match_violations(self._read_file(file))
        else:
            where = "seq"
            violations = match_violations(self._read_stream(room_id, started_at))
        for violation in violations:
            self.stdout.write(f"{where} {violation}")
        if violations:
            self.stderr.write(f"{len(violations)} violation(s)")
            sys.exit(1)
        self.stderr.write("no violations")

    def _read_file(self, name: str) -> list[tuple[int, object]]:
        try:
            stream = sys.stdin if name == "-" else open(name, encoding="utf-8")  # noqa: SIM115
        except OSError as error:
            raise CommandError(f"cannot read {name}: {error.strerror}") from error
        with stream:
            return list(_json_lines(stream))

    def _read_stream(self, room_id: str, started_at: str | None) -> list[tuple[int, object]]:
        when = match_arguments(room_id, started_at)
        messages, started = run_on_stream(_read(room_id, when))
        self.stderr.write(f"room {room_id}, match started at {started.isoformat()}: {len(messages)} event(s)")
        return [(message.seq, _decode(message.data)) for message in messages]


async def _read(room_id: str, when: datetime | None):
    client = await connect("validate_events", retry_forever=False)
    try:
        started_at = when or await latest_started_at(client, room_id)
        return await read_match_messages(client, room_id, started_at), started_at
    finally:
        await client.close()


def _decode(data: bytes) -> object:
    try:
        return decode_payload(data)
    except InvalidEvent as error:
        return error


def _json_lines(stream) -> Iterator[tuple[int, object]]:
    for number, line in enumerate(stream, start=1):
        if line.strip():
            yield number, _decode(line.encode())
