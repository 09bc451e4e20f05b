from django.core.management.base import BaseCommand, CommandError

from contract.events import parse_timestamp
from history.management.matches import LATEST_FINISHED_HELP, match_arguments, run_on_stream
from history.replay import latest_finished_started_at
from moments.redetect import MatchNotFinished, Redetection, redetect_match
from moments.signals import FollowUpFailed, moments_redetected
from streaming.connection import connect
from streaming.consumer import RetryLater


class Command(BaseCommand):
    help = (
        "Run the key moment detector's rules again over a stored, finished match (after a fix) and publish "
        "to game.{room_id}.moments only the moments not stored yet, with the detector's own Msg-Ids."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("room_id")
        parser.add_argument("--started-at", help=LATEST_FINISHED_HELP)
        parser.add_argument("--dry-run", action="store_true", help="say what would be published; publish nothing")

    def handle(self, *args, room_id: str, started_at: str | None = None, dry_run: bool = False, **options) -> None:
        when = match_arguments(room_id, started_at)
        result = run_on_stream(self._redetect(room_id, when, dry_run), MatchNotFinished, RetryLater)
        self._report(result, dry_run)
        if result.new and not dry_run:  # copies of the match kept elsewhere follow (the archive: docs/operations.md)
            started = parse_timestamp(result.started_at, "started_at")
            try:
                answers = moments_redetected.send(sender=Redetection, room_id=room_id, started_at=started)
            except FollowUpFailed as error:
                raise CommandError(f"moments published, but {error}") from None
            for _, line in answers:
                if line:
                    self.stdout.write(line)

    async def _redetect(self, room_id: str, when, dry_run: bool) -> Redetection:
        client = await connect("redetect", retry_forever=False)
        try:
            if when is None:
                when = await latest_finished_started_at(client, room_id)
                self.stderr.write(f"room {room_id}: the latest finished match, started at {when.isoformat()}")
            return await redetect_match(client, room_id, when, dry_run=dry_run)
        finally:
            await client.close()

    def _report(self, result: Redetection, dry_run: bool) -> None:
        verb = "would publish" if dry_run else "published"
        self.stdout.write(
            f"room {result.room_id}, match started at {result.started_at}: {result.events} event(s), "
            f"found {len(result.found)} moment(s), {result.already_stored} already stored, {verb} {len(result.new)}"
        )
        for item in result.new:
            self.stdout.write(
                f"{verb} {item.moment.type} player_id={item.moment.player_id} event_seq={item.event_seq} "
                f"msg_id={item.msg_id()}"
            )
