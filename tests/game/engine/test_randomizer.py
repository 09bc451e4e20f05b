from hypothesis import given
from hypothesis import strategies as st

from game.engine.pieces import PIECES
from game.engine.randomizer import SevenBag


@given(st.integers(min_value=0, max_value=2**64))
def test_every_seven_pieces_from_a_bag_boundary_are_a_permutation(seed):
    bag = SevenBag(seed)
    pieces = [bag.next() for _ in range(70)]
    for start in range(0, 70, 7):
        assert sorted(pieces[start : start + 7]) == sorted(PIECES)


def test_the_same_seed_gives_the_same_sequence_and_peeking_does_not_change_it():
    plain, peeked = SevenBag(42), SevenBag(42)
    preview = peeked.peek(12)
    taken = [plain.next() for _ in range(30)]
    assert preview == taken[:12]
    assert [peeked.next() for _ in range(30)] == taken


def test_different_seeds_give_different_sequences():
    sequences = {tuple(SevenBag(seed).peek(21)) for seed in range(20)}
    assert len(sequences) == 20
