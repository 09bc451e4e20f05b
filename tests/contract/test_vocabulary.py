"""One contract vocabulary: the engine and the event schema take their words from contract.vocabulary."""

from contract import events as schema
from contract import vocabulary
from game.engine import board as engine_board
from game.engine import events as engine_events
from game.engine import pieces as engine_pieces
from moments import placement


def test_the_engine_and_the_schema_use_the_same_words():
    assert engine_pieces.PIECES is vocabulary.PIECES and engine_pieces.ROTATIONS is vocabulary.ROTATIONS
    assert engine_events.ACTIONS == schema.INPUT_ACTIONS == frozenset(vocabulary.INPUT_ACTIONS)
    assert frozenset(vocabulary.PIECES) == schema.PIECES and frozenset(vocabulary.ROTATIONS) == schema.ROTATIONS
    assert schema.BOARD_WIDTH == vocabulary.BOARD_WIDTH == placement.BOARD_WIDTH
    assert engine_board.EMPTY_ROW_TEXT == placement.EMPTY_ROW == vocabulary.EMPTY_CELL * vocabulary.BOARD_WIDTH


def test_the_vocabulary_is_the_spec_section_3_list():
    assert sorted(vocabulary.PIECES) == sorted("IOTSZJL")
    assert vocabulary.ROTATIONS == ("0", "R", "2", "L")
    assert set(vocabulary.INPUT_ACTIONS) == {
        "move_left", "move_right", "rotate_cw", "rotate_ccw", "rotate_180", "soft_drop", "hard_drop", "hold",
    }  # fmt: skip
    assert set(vocabulary.ROTATE_ACTIONS) < set(vocabulary.INPUT_ACTIONS)
    assert (vocabulary.BOARD_WIDTH, vocabulary.BOARD_VISIBLE_HEIGHT) == (10, 20)
