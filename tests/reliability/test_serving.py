"""gunicorn answering a steady stream of searches while releases are added, changed and
removed and while --rebuild swaps the index: no failed request, every answer consistent
(see reliability.serving for the properties checked)."""

import pytest

from reliability.serving import REQUEST_KINDS, run_serving


@pytest.fixture(scope="module")
def serving(tmp_path_factory):
    return run_serving(tmp_path_factory.mktemp("serving"), releases=200, versioned=12, rounds=4, clients=3)


def test_every_request_during_indexing_succeeds(serving):
    assert serving.failures == 0
    assert serving.requests >= 100 and serving.requests_during_runs >= 50
    assert sorted(serving.by_kind) == sorted(REQUEST_KINDS)


def test_every_answer_shows_a_release_whole_old_or_new(serving):
    assert serving.inconsistent == 0


def test_the_runs_were_seen_one_after_another(serving):
    assert (serving.index_runs, serving.rebuilds) == (4, 1)
    assert serving.versions_seen == [0, 1, 2, 3, 4]
    assert serving.problems == []
