"""Hostile requests against gunicorn (2 workers) on a corpus with two hostile releases:
every one answers within a second with a status below 500 and strict JSON from the API,
ordinary searches keep a p99 under a second while four clients send them, and no worker
is killed. The long variant (10,000 releases, the 9.8 MB release, 30 s) runs in
`python -m reliability --long --part abuse`."""

from reliability.abuse import run_abuse


def test_hostile_requests_are_answered_fast_and_starve_nobody(tmp_path):
    result = run_abuse(tmp_path, releases=300, seconds=6.0, clients=4, huge_words=30_000, huge_bytes=2_000_000)
    assert result.problems == []
    assert set(result.hostile_kinds) == {
        "spelling: 64 made-up words", "spelling: 8 made-up words", "range over words", "wildcard",
        "long release page", "many facet values", "huge boost", "long query",
    }
    assert result.hostile_load["requests"] > 0 and result.normal_under_load["requests"] > 0
    assert result.worker_timeouts == 0
