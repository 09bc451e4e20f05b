from django.apps import AppConfig


class ArchiveConfig(AppConfig):
    """The archive (docs/operations.md): every finished match's replay document kept in object storage."""

    name = "archive"

    def ready(self) -> None:
        # Reached by its durable name like the other consumers, never imported by streaming.
        from archive.archiver import MatchArchiver
        from archive.hooks import rewrite_after_redetect
        from moments.signals import moments_redetected
        from streaming.durables import ARCHIVER_DURABLE
        from streaming.registry import register_consumer

        register_consumer(ARCHIVER_DURABLE, MatchArchiver)
        moments_redetected.connect(rewrite_after_redetect, dispatch_uid="archive.rewrite_after_redetect")
