from django.apps import AppConfig


class HistoryConfig(AppConfig):
    name = "history"

    def ready(self) -> None:
        # The projector is reached by its durable name (setup, the poison admin's Retry), never imported by streaming.
        from history.projector import MatchProjector, retry_poison
        from streaming.durables import PROJECTOR_DURABLE
        from streaming.registry import register_consumer

        register_consumer(PROJECTOR_DURABLE, MatchProjector, retry_poison=retry_poison)

        # A deleted account's solo results go with it, however it is deleted (the API or the admin).
        from django.contrib.auth import get_user_model
        from django.db.models.signals import pre_delete

        from history.services import user_pre_delete_receiver

        pre_delete.connect(user_pre_delete_receiver, sender=get_user_model(), dispatch_uid="history-solo-results")
