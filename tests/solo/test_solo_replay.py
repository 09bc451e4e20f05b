"""GET /api/matches/{id}/replay of a solo match (docs/api.md): the server's run of the stored inputs."""

from __future__ import annotations

import pytest

from solo.verifier import replay_run
from tests.history.factories import api_client_for, user_create
from tests.solo.recorded_runs import recorded_runs

FIGURES = ("score", "lines_cleared", "level", "pieces_placed", "duration_ms")


@pytest.fixture(scope="module")
def runs(tmp_path_factory) -> list[dict]:
    return recorded_runs(tmp_path_factory.mktemp("human-runs"), 1, 400)


@pytest.fixture
def player(db):
    return user_create(username="replayer")


def posted(player, recorded: dict) -> dict:
    body = {name: recorded["live"][name] for name in FIGURES} | {"replay": recorded["run"]}
    response = api_client_for(player).post("/api/solo_results", body, format="json")
    assert response.status_code == 201, response.json()
    return response.json()


def test_a_verified_sprint_replays_as_events_of_one_player_with_its_moments(player, runs):
    sprint = next(r for r in runs if r["run"]["mode"] == "sprint" and r["live"]["ended"] == "goal")
    match = posted(player, sprint)

    response = api_client_for(player).get(f"/api/matches/{match['id']}/replay")

    assert response.status_code == 200
    replay = response.json()
    events = replay["events"]
    start, end = events[0], events[-1]
    assert start["type"] == "game_start" and start["data"]["players"] == [{"player_id": str(player.id)}]
    assert {k: start["data"]["config"][k] for k in ("mode", "seed", "settings")} == {
        k: sprint["run"][k] for k in ("mode", "seed", "settings")
    }
    locks = [e for e in events if e["type"] == "piece_lock"]
    assert len(locks) == sprint["live"]["pieces_placed"]
    assert locks[-1]["data"]["score"] == sprint["live"]["score"]
    assert sum(e["data"]["count"] for e in events if e["type"] == "line_clear") == sprint["live"]["lines_cleared"]
    assert end["type"] == "game_end" and end["data"]["players"][0]["duration_ms"] == sprint["live"]["duration_ms"]
    assert {e["player_id"] for e in events[1:-1]} == {str(player.id)}
    ticks = [e["tick"] for e in events]
    assert ticks == sorted(ticks)

    again = api_client_for(player).get(
        f"/api/matches/{match['id']}/replay", HTTP_IF_NONE_MATCH=response.headers["ETag"]
    )
    assert again.status_code == 304


def test_the_replay_has_the_moments_the_detector_finds_in_the_run(player, runs):
    # The skilled simulated player's runs with a tetris in them (the first found by the verifier).
    skilled = [r for r in runs if r["seed"] % 40 == 0]
    tetris = next(
        r
        for r in skilled
        if any(
            e["type"] == "line_clear" and e["data"]["count"] == 4 for e in replay_run(r["run"], events=True)["events"]
        )
    )
    match = posted(player, tetris)

    replay = api_client_for(player).get(f"/api/matches/{match['id']}/replay").json()

    assert "tetris" in {m["type"] for m in replay["moments"]}
    for moment in replay["moments"]:
        trigger = replay["events"][moment["data"]["event_seq"] - 1]
        assert (trigger["tick"], moment["player_id"]) == (moment["tick"], str(player.id))
        assert moment["data"]["started_at"] == replay["started_at"]


def test_a_solo_result_without_its_run_has_no_replay(player):
    body = {"score": 100, "lines_cleared": 1, "level": 1, "pieces_placed": 10, "duration_ms": 20_000}
    match = api_client_for(player).post("/api/solo_results", body, format="json").json()

    response = api_client_for(player).get(f"/api/matches/{match['id']}/replay")

    assert response.status_code == 404
    assert "without its run" in response.json()["detail"]
