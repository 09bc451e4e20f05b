from django.apps import AppConfig


class ArchiveConfig(AppConfig):
    """The archive (SPEC section 15): every finished match's replay document kept in object storage."""

    name = "archive"
