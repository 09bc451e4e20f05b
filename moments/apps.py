from django.apps import AppConfig


class MomentsConfig(AppConfig):
    """The key moments: pure rules (detection, placement), their consumer, stored moments and `redetect`."""

    name = "moments"
