"""The consumer registry: each consumer's app registers it by durable name, and streaming finds it there."""

import pytest

from history.projector import MatchProjector, retry_poison
from moments.consumer import MomentDetector
from streaming.durables import DETECTOR_DURABLE, PROJECTOR_DURABLE, partition_durable
from streaming.registry import UnknownConsumer, registered_consumer, retriable_durables


def test_the_apps_register_the_projector_with_its_retry_and_the_detector_without():
    projector = registered_consumer(PROJECTOR_DURABLE)
    assert projector.factory is MatchProjector and projector.retry_poison is retry_poison
    detector = registered_consumer(DETECTOR_DURABLE)
    assert detector.factory is MomentDetector and detector.retry_poison is None
    assert retriable_durables() == [PROJECTOR_DURABLE]


def test_the_consumers_take_their_durable_names_from_the_one_place_that_writes_them():
    assert MatchProjector.durable == PROJECTOR_DURABLE
    assert MomentDetector.durable == DETECTOR_DURABLE
    assert registered_consumer(DETECTOR_DURABLE).factory(partition=2).durable == partition_durable(2)


def test_an_unregistered_durable_is_an_unknown_consumer():
    with pytest.raises(UnknownConsumer, match="nobody"):
        registered_consumer("nobody")
