"""Query latency: the fixed query mix through our search and through FTS5, in three modes.

Each engine is warmed up with one pass, then timed over several rounds; every figure is
a percentile over all (query, round) timings of one mode.
"""

import statistics
import time
from pathlib import Path

from werkzeug.datastructures import MultiDict

from bench.fts5 import Fts5Index
from bench.queries import QuerySpec
from webapp.params import parse_params
from webapp.engine import Engine
from webapp.search import search

# mode -> what the search computes besides the top 10 and the total
MODES = {
    "search": {"facets": False, "snippets": False},
    "facets": {"facets": True, "snippets": False},
    "facets+snippets": {"facets": True, "snippets": True},
}


class OurEngine:
    """Our search as the web app calls it, on one Engine (its generation reused)."""

    def __init__(self, index_dir: Path):
        # No page cache: repeated rounds of a fixed query list would otherwise time only
        # cache lookups. The per-generation caches (facet and term document sets) stay on.
        self.index = Engine(index_dir, cache_pages=False)
        # Opened and warmed as a web worker is when it starts, before any request.
        self.index.generation()

    def search(self, spec: QuerySpec, facets: bool, snippets: bool) -> int:
        """Read the spec's GET parameters as the app does, search, return the total."""
        params, _ = parse_params(MultiDict(spec.query_args()))
        return search(self.index, params, facets=facets, snippets=snippets).total


class Fts5Engine:
    """The FTS5 baseline on one read connection; SQLite's page cache stays on, as the OS's does for ours."""

    def __init__(self, db_path: Path):
        self.index = Fts5Index(db_path)

    def search(self, spec: QuerySpec, facets: bool, snippets: bool) -> int:
        """The same search in SQL; return the total."""
        return self.index.search(spec, facets=facets, snippets=snippets).total


def time_engine(engine: OurEngine | Fts5Engine, specs: list[QuerySpec], rounds: int) -> dict:
    """Per mode: p50/p95/p99 in ms over all timings; per query: total hits and median ms;
    and every +facets+snippets timing of each query."""
    figures, per_query = {}, {spec.label: {"kind": spec.kind} for spec in specs}
    full: dict[str, list[float]] = {}
    for mode, options in MODES.items():
        timings: dict[str, list[float]] = {spec.label: [] for spec in specs}
        for spec in specs:  # warm-up: opens the searcher, fills OS and engine caches
            per_query[spec.label]["total"] = engine.search(spec, **options)
        for _ in range(rounds):
            for spec in specs:
                started = time.perf_counter()
                engine.search(spec, **options)
                timings[spec.label].append((time.perf_counter() - started) * 1000)
        figures[mode] = percentiles([t for ts in timings.values() for t in ts])
        for label, ts in timings.items():
            per_query[label][f"{mode}_ms"] = round(statistics.median(ts), 3)
        if mode == "facets+snippets":
            full = timings
    return {"modes": figures, "queries": per_query, "timings": full}


def first_pass(engine: OurEngine | Fts5Engine, specs: list[QuerySpec]) -> dict:
    """One pass of the mix with facets and snippets on a just-opened engine: what the
    first searches after a start (or an index change) cost, caches still empty."""
    timings = []
    for spec in specs:
        started = time.perf_counter()
        engine.search(spec, **MODES["facets+snippets"])
        timings.append((time.perf_counter() - started) * 1000)
    return percentiles(timings)


def percentiles(samples: list[float]) -> dict[str, float]:
    """p50, p95, p99 and mean of `samples` (milliseconds), rounded for reading."""
    cuts = statistics.quantiles(samples, n=100, method="inclusive") if len(samples) > 1 else samples * 99
    return {
        "p50": round(cuts[49], 3),
        "p95": round(cuts[94], 3),
        "p99": round(cuts[98], 3),
        "mean": round(statistics.fmean(samples), 3),
        "n": len(samples),
    }
