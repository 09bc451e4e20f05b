from django.apps import AppConfig


class HistoryConfig(AppConfig):
    name = "history"

    def ready(self) -> None:
        # The projector is reached by its durable name (setup, the poison admin's Retry), never imported by streaming.
        from history.projector import MatchProjector, retry_poison
        from streaming.durables import PROJECTOR_DURABLE
        from streaming.registry import register_consumer

        register_consumer(PROJECTOR_DURABLE, MatchProjector, retry_poison=retry_poison)
