"""Benchmark rows for officials' pages and suggestions while typing (webapp.entities,
webapp.suggest), on the largest index a run built.

Whole requests through the web app in this process (Flask's test client: routing, the
work, templates and JSON; no network, so the HTTP rows' gunicorn costs are not in these):

- `/official/<name>` for the most and the least named officials: each name's first
  request (its searches not yet in the page cache), then repeated requests;
- `/api/suggest?q=<prefix>` for prefixes of 1 to 5 letters of officials, countries and
  title words, after one request has built the generation's completions (timed apart).
"""

import time
from pathlib import Path
from urllib.parse import quote

from bench.latency import percentiles
from indexer import vocabulary
from webapp import ENGINE_EXTENSION, create_app
from webapp.suggest import completions_of

NAMES = 20  # officials whose pages are timed: the most named half, the least named half
PREFIX_SOURCES = 12  # officials, countries and title words whose prefixes are typed
PREFIX_LENGTHS = range(1, 6)


class BrowseFailed(Exception):
    """A page or suggestion did not answer 200."""


def measure(index_dir: Path, rounds: int = 5) -> dict:
    """p50/p95 of official pages (first and repeated) and of suggestions, in ms."""
    app = create_app({"TESTING": True, "RELEASE_SEARCH_INDEX_DIR": Path(index_dir)})  # opened and warmed
    client = app.test_client()
    gen = app.extensions[ENGINE_EXTENSION].generation()

    by_count = sorted(gen.facets["official"].values.items(), key=lambda item: (-len(item[1]), item[0]))
    names = list(dict.fromkeys([n for n, _ in by_count[: NAMES // 2]] + [n for n, _ in by_count[-(NAMES // 2):]]))
    pages = [f"/official/{quote(name)}" for name in names]
    first = [_timed(client, url) for url in pages]
    repeated = [_timed(client, url) for _ in range(rounds) for url in pages]

    started = time.perf_counter()
    _timed(client, "/api/suggest?q=a")  # builds the generation's completions
    build_ms = (time.perf_counter() - started) * 1000
    completions = completions_of(gen)
    prefixes = sorted({source[:n] for source in _prefix_sources(gen) for n in PREFIX_LENGTHS})
    suggest = [_timed(client, f"/api/suggest?q={quote(prefix)}") for _ in range(rounds) for prefix in prefixes]
    return {
        "releases": len(gen.live),
        "official_first": percentiles(first),
        "official_repeated": percentiles(repeated),
        "suggest": percentiles(suggest),
        "suggest_build_ms": round(build_ms, 1),
        "suggest_keys": len(completions.keys),
        "suggest_mb": round(completions.nbytes / 2**20, 2),
        "names": len(names),
        "prefixes": len(prefixes),
    }


def _prefix_sources(gen) -> list[str]:
    """What a person might be typing: frequent officials, countries and title words."""
    sources = []
    for facet in ("official", "country"):
        values = sorted(gen.facets[facet].values.items(), key=lambda item: (-len(item[1]), item[0]))
        sources += [name.split()[-1].lower() for name, _ in values[: PREFIX_SOURCES // 3]]
    words = [t for t, _ in vocabulary.read_titles(gen.path).most_common() if " " not in t]
    return sources + words[: PREFIX_SOURCES // 3]


def _timed(client, url: str) -> float:
    started = time.perf_counter()
    response = client.get(url)
    elapsed = (time.perf_counter() - started) * 1000
    if response.status_code != 200:
        raise BrowseFailed(f"{url} answered {response.status_code}: {response.get_data(as_text=True)[:300]}")
    return elapsed


def format_report(figures: dict) -> str:
    """The rows as text, under the benchmark's other tables."""
    rows = [
        ("/official/<name>, first request", figures["official_first"]),
        ("/official/<name>, repeated", figures["official_repeated"]),
        ("/api/suggest?q=<prefix>", figures["suggest"]),
    ]
    width = max(len(label) for label, _ in rows)
    lines = [
        f"Officials' pages and suggestions, ms, at {figures['releases']:,} releases (Flask test client in one process, "
        f"no network; {figures['names']} officials, {figures['prefixes']} prefixes)",
        f"{'request'.ljust(width)}  {'n':>5}  {'p50':>7}  {'p95':>7}",
        *(f"{label.ljust(width)}  {p['n']:>5}  {p['p50']:>7.2f}  {p['p95']:>7.2f}" for label, p in rows),
        f"  suggestions built once per index generation: {figures['suggest_build_ms']:,.1f} ms, "
        f"{figures['suggest_keys']:,} keys, about {figures['suggest_mb']} MB",
    ]
    return "\n".join(lines)
