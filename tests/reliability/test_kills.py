"""SIGKILL during indexing, aimed at each phase of a run (start-up, reading, parsing and
adding documents, the commit): after every kill the index opens, holds the whole state
before the run or the whole state after it, answers every kind of search, and the next
run completes with exactly the corpus's releases."""

import pytest

from reliability.kills import PHASES, killed_rebuild_leftovers, run_kills


@pytest.fixture(scope="module")
def kills(tmp_path_factory):
    return run_kills(tmp_path_factory.mktemp("kills"), releases=300, kills=5, seed=0)


def test_every_kill_landed_on_a_running_indexer(kills):
    assert kills.kills == 5
    assert sorted({t.aimed_at.split()[0] for t in kills.trials if t.killed}) == sorted(PHASES)


def test_after_each_kill_the_index_is_whole_and_searchable(kills):
    # A kill that came after its run had ended is retried (the harness aims again), and that
    # run's own status is checked among the problems: only trials whose kill landed are judged here.
    landed = [t for t in kills.trials if t.killed]
    assert [(t.number, t.after_kill in ("before", "after"), t.problems) for t in landed] == [
        (t.number, True, []) for t in landed
    ]
    assert all(t.problems == [] for t in kills.trials)
    assert all(t.releases_checked >= 300 and t.searches >= len(PHASES) for t in landed)


def test_the_run_after_each_kill_completes_with_exactly_the_corpus(kills):
    assert kills.problems == []
    assert kills.survived == kills.kills == 5


def test_a_killed_rebuild_leaves_no_half_built_index_behind(tmp_path):
    """The next run holds the lock, so no other run can be building: a gen-* folder that is
    neither live nor kept for readers is a killed rebuild's, and should go."""
    killed, leftovers = killed_rebuild_leftovers(tmp_path, releases=150)
    assert killed
    assert leftovers == []
