from django.core.management.base import BaseCommand

from stats.standings import standings_refresh


class Command(BaseCommand):
    help = "Refresh the tournament standings view (CONCURRENTLY: reads go on meanwhile)."

    def handle(self, *args, **options) -> None:
        refreshed_at = standings_refresh()
        self.stdout.write(f"tournament standings refreshed at {refreshed_at.isoformat()}")
