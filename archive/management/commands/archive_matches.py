import asyncio
from datetime import UTC, datetime, time

from django.core.management.base import BaseCommand, CommandError
from django.utils.dateparse import parse_date, parse_datetime

from archive.backfill import archive_matches, unarchived_matches
from archive.progress import Progress
from archive.store import ArchiveStore, StoreUnavailable


def instant(text: str) -> datetime:
    """An ISO-8601 date (midnight UTC) or datetime (UTC when it names no zone)."""
    moment = parse_datetime(text)
    if moment is None:
        day = parse_date(text)
        if day is None:
            raise ValueError(f"{text!r} is not an ISO-8601 date or datetime (2026-01-31, 2026-01-31T12:00:00Z)")
        moment = datetime.combine(day, time(), tzinfo=UTC)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


class Command(BaseCommand):
    help = (
        "Archive the finished matches the stream holds and the archive lacks (a first deployment on a running "
        "system), oldest first, with a progress bar. Safe to stop and run again."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--since", help="only matches started at or after this date or datetime")
        parser.add_argument("--until", help="only matches started before this date or datetime")

    def handle(self, *args, since: str | None = None, until: str | None = None, **options) -> None:
        try:
            start, end = (instant(since) if since else None), (instant(until) if until else None)
            store = ArchiveStore.from_settings()
            store.ensure_bucket()
        except (ValueError, StoreUnavailable) as error:
            raise CommandError(str(error)) from None
        matches = list(unarchived_matches(since=start, until=end))
        progress = Progress(self.stderr, total=len(matches))
        try:
            result = asyncio.run(archive_matches(matches, store=store, on_progress=progress.advance))
        except StoreUnavailable as error:
            raise CommandError(f"{error}; what was archived is recorded: run the command again") from None
        except (OSError, TimeoutError) as error:
            raise CommandError(f"cannot reach NATS ({error.__class__.__name__}); check NATS_URL") from None
        finally:
            progress.close()
        self.stdout.write(
            f"archived {result.archived:,} matches; {result.not_in_stream:,} no longer in the stream (left unarchived)"
        )
