"""Load on gunicorn (127.0.0.1, 2 workers), bounded to 10 seconds: searches with facet
filters and highlighted snippets, as pages and JSON. Every request answers 200, and the
index folder is untouched by serving."""

from reliability.serving import run_load_test


def test_searches_with_facets_and_highlights_under_load(tmp_path):
    load = run_load_test(tmp_path, releases=300, seconds=10.0, clients=4)
    assert (load.errors, load.error_kinds) == (0, {})
    assert load.requests > 0 and load.latency_ms["n"] == load.requests
    # Percentiles are ordered by definition, so that says nothing; this can fail: at 300
    # releases a search with facets and snippets takes tens of milliseconds, and a p99 of
    # a second means requests waited on a stalled or restarted worker.
    assert load.latency_ms["p99"] < 1000, load.latency_ms
    assert load.index_unchanged
    assert load.problems == []
