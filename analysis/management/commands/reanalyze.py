from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q

from analysis.services import matches_analysis_store
from analysis.solo import solo_analysis_input
from archive.management.commands.archive_matches import instant
from archive.progress import Progress
from archive.reads import match_replay_document
from archive.store import ArchiveUnreadable
from history.models import Match
from history.replay import ReplayGone, ReplayNotFound
from history.selectors import match_get
from solo.verifier import VerifierUnavailable
from streaming.world import NATS_UNAVAILABLE

CHUNK = 100  # rows written a statement at a time


def _analysable(match: Match) -> tuple:
    """(match, replay document) of a multiplayer match; with the run's key presses for a verified solo one."""
    if match.room_id is not None:
        return match, match_replay_document(match)
    row = match_get(match_id=match.id)
    found = solo_analysis_input(row) if row is not None else None
    if found is None:
        raise ReplayNotFound(f"no stored run for solo match {match.id}")
    return (match, *found)


class Command(BaseCommand):
    help = (
        "Recompute the analysis of every multiplayer match (docs/operations.md, match analysis) from its archived "
        "document, or the stream's where it is not archived yet, and of every verified solo match from its run, "
        "after a change to the rules; with a progress bar."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--since", help="only matches started at or after this date or datetime")

    def handle(self, *args, since: str | None = None, **options) -> None:
        matches = Match.objects.filter(Q(room_id__isnull=False) | Q(mode=Match.Mode.SOLO, verified=True))
        if since:
            try:
                matches = matches.filter(started_at__gte=instant(since))
            except ValueError as error:
                raise CommandError(str(error)) from None
        matches = list(matches.order_by("started_at", "id").only("id", "room_id", "started_at", "mode", "verified"))
        progress = Progress(self.stderr, total=len(matches))
        analysed = missing = 0
        chunk = []
        try:
            for match in matches:
                try:
                    chunk.append(_analysable(match))
                except (ReplayGone, ReplayNotFound, ArchiveUnreadable, VerifierUnavailable) as error:
                    missing += 1
                    self.stderr.write(f"match {match.id} not analysed: {error}")
                if len(chunk) == CHUNK:
                    analysed += matches_analysis_store(chunk)
                    chunk = []
                progress.advance()
            analysed += matches_analysis_store(chunk)
        except NATS_UNAVAILABLE as error:
            raise CommandError(f"cannot reach NATS ({error.__class__.__name__}); check NATS_URL") from None
        finally:
            progress.close()
        self.stdout.write(f"analysed {analysed:,} matches; {missing:,} with no document (archive, stream or run)")
