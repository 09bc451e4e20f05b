from django.apps import AppConfig


class MomentsConfig(AppConfig):
    """The key moments: pure rules (detection, placement), their consumer, stored moments and `redetect`."""

    name = "moments"

    def ready(self) -> None:
        # setup_stream makes the detector's partitions from its consumer config, found by durable name.
        from moments.consumer import MomentDetector
        from streaming.durables import DETECTOR_DURABLE
        from streaming.registry import register_consumer

        register_consumer(DETECTOR_DURABLE, MomentDetector)
