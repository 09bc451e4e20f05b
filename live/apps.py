from django.apps import AppConfig


class LiveConfig(AppConfig):
    name = "live"

    def ready(self) -> None:
        # A player's new match reaches their `me/events` stream through hooks, not a call from the
        # projector or the solo service (docs/design.md).
        from django.db.models.signals import post_save

        from history.models import MatchPlayer
        from history.signals import matches_projected
        from live.notify import notify_projected, notify_solo_result

        matches_projected.connect(notify_projected, dispatch_uid="live.notify-projected")
        post_save.connect(notify_solo_result, sender=MatchPlayer, dispatch_uid="live.notify-solo")
