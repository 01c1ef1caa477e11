"""`python -m bench.run --size 1000 [--size 10000] [--http-seconds 30] [--skip-http]`.

Generates (or reuses) a synthetic corpus per size, indexes it with the real indexing
command, times the fixed query mix through our search and an FTS5 baseline, loads the
largest index over HTTP, then prints a table and writes every figure as JSON.
"""

import hashlib
import json
import os
import platform
import re
import shutil
import sqlite3
import statistics
import time
from collections import Counter
from pathlib import Path

import click
import whoosh

from bench import browse, fts5, generate
from bench.exports import ExportFailed, bench_exports
from bench.generate import FIRST_DAY, LAST_DAY, MIXES, VOCABULARY, add_releases, generate_corpus
from bench.indexing import IndexingFailed, dir_size, run_indexer
from bench.latency import MODES, Fts5Engine, OurEngine, first_pass, percentiles, time_engine
from bench.load import ServerFailed, run_load, serving, worker_memory
from bench.queries import DEAD_ENDS, QUERIES, with_each_year
from bench.report import format_report
from indexer import store
from webapp.params import SORTS

ADDED = 10  # releases added to the largest corpus for the incremental-update figure
WORKERS = 2  # gunicorn workers, one per core of the machines this runs on
WARMUP_SECONDS = 60  # an upper bound; the warm-up ends after its request count
YEARS = range(FIRST_DAY.year, LAST_DAY.year + 1)  # for the varied HTTP requests
MB = 1024 * 1024
FIRST_PASS = "first pass, cold"  # one pass right after opening, before the timed rounds
OUT = Path(__file__).resolve().parent / "out"
# The generator and its vocabulary as imported: a change to either regenerates cached corpora.
GENERATOR_VERSION = hashlib.sha256(Path(generate.__file__).read_bytes() + VOCABULARY.read_bytes()).hexdigest()[:16]


@click.command()
@click.option("--size", "sizes", type=click.IntRange(min=10), multiple=True, default=[1000], show_default=True,
              help="Releases in a corpus; repeat for several sizes.")
@click.option("--seed", default=0, show_default=True, help="Generator seed: same seed and size, same corpus.")
@click.option("--rounds", type=click.IntRange(min=1), default=5, show_default=True,
              help="Timed passes over the query mix.")
@click.option("--http-seconds", type=click.FloatRange(min=1), default=30.0, show_default=True,
              help="Duration of the HTTP load, split between its two phases.")
@click.option("--clients", type=click.IntRange(min=1), default=8, show_default=True, help="Concurrent HTTP clients.")
@click.option("--skip-http", is_flag=True, help="Leave out the gunicorn load test.")
@click.option("--mix", type=click.Choice(sorted(MIXES)), default="standard", show_default=True,
              help="Release lengths: standard (150..1,200 words, most short) or long (about 1,000 words).")
@click.option("--indexing-only", is_flag=True, help="Measure indexing only: no FTS5, queries or HTTP.")
@click.option("--work-dir", type=click.Path(file_okay=False, path_type=Path), default=OUT,
              help="Where corpora, indexes and logs go.  [default: bench/out]")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=OUT / "results.json",
              help="The JSON file of all figures.  [default: bench/out/results.json]")
def main(sizes, seed, rounds, http_seconds, clients, skip_http, mix, indexing_only, work_dir, out):
    """Benchmark indexing, search latency (ours vs SQLite FTS5) and HTTP throughput."""
    try:
        http = None if skip_http or indexing_only else (http_seconds, clients)
        results = run_benchmark(sorted(set(sizes)), seed, rounds, work_dir, http, mix=mix, queries=not indexing_only)
    except IndexingFailed as exc:
        raise click.ClickException(f"indexing failed, so there is nothing to measure: {exc}") from None
    except browse.BrowseFailed as exc:
        raise click.ClickException(f"an official's page or a suggestion failed: {exc}") from None
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=2) + "\n")
    click.echo(format_report(results))
    if "browse" in results:
        click.echo("\n" + browse.format_report(results["browse"]))  # officials' pages, suggestions
    click.echo(f"\nall figures: {out}")
    if "error" in results.get("http", {}):
        raise click.ClickException(f"HTTP load test failed: {results['http']['error']}")
    if "error" in results.get("exports", {}):
        raise click.ClickException(f"feeds and exports failed: {results['exports']['error']}")


def run_benchmark(sizes: list[int], seed: int, rounds: int, work_dir: Path, http: tuple[float, int] | None, *,
                  mix: str = "standard", queries: bool = True) -> dict:
    """Every figure for every size, plus HTTP on the largest; a plain dict, ready for JSON."""
    largest = max(sizes)
    config = {"sizes": sizes, "seed": seed, "rounds": rounds, "queries": len(QUERIES), "mix": mix}
    results = {"config": config, "machine": machine()}
    results["machine"]["gauge_seconds_at_start"] = gauge_seconds()
    results["sizes"] = {
        str(size): bench_size(work_dir, size, seed, rounds, update=size == largest, mix=mix, queries=queries)
        for size in sizes
    }
    if queries:
        _progress(f"[{largest}] timing officials' pages and suggestions")
        results["browse"] = browse.measure(work_dir / f"run-{largest}" / "index", rounds)
    if http:
        seconds, clients = http
        try:
            releases = results["sizes"][str(largest)]["fts5"]["releases"]
            results["http"] = bench_http(work_dir / f"run-{largest}", releases, seconds, clients)
        except ServerFailed as exc:
            results["http"] = {"error": str(exc)}
        # Feeds and exports (bench.exports): latency, and memory while exporting everything.
        _progress("[exports] /search.atom and /search.csv on gunicorn -w 1")
        run_dir = work_dir / f"run-{largest}"
        try:
            results["exports"] = bench_exports(run_dir / "index", run_dir / "gunicorn-exports.log", releases)
        except (ServerFailed, ExportFailed) as exc:
            results["exports"] = {"error": str(exc)}
    results["machine"]["gauge_seconds_at_end"] = gauge_seconds()
    return results


def bench_size(work_dir: Path, size: int, seed: int, rounds: int, *, update: bool, mix: str = "standard",
               queries: bool = True) -> dict:
    """Index one corpus size (and update it, for the largest), build FTS5, time queries."""
    cached = cached_corpus(work_dir, size, seed, mix)
    run_dir = work_dir / f"run-{size}"
    shutil.rmtree(run_dir, ignore_errors=True)
    run_dir.mkdir(parents=True)
    corpus = run_dir / "corpus"
    shutil.copytree(cached, corpus)  # a copy, so adding releases leaves the cache as generated
    index_dir = run_dir / "index"
    _progress(f"[{size}] indexing")
    corpus_mb = dir_size(corpus) / MB  # releases and sidecars, as read
    build = run_indexer(corpus, index_dir)
    figures = {
        "releases": size,
        "index": {
            "seconds": round(build.seconds, 2),
            "releases_per_second": round(size / build.seconds, 1),
            "cpu_seconds": round(build.cpu_seconds, 2),
            "corpus_mb": round(corpus_mb, 2),
            "mb_per_second": round(corpus_mb / build.seconds, 3),
            "peak_rss_mb": round(build.peak_rss_mb, 1),
            "index_mb": round(dir_size(store.live_index_path(index_dir)) / MB, 2),
            "summary": build.summary,
        },
    }
    if update:
        add_releases(corpus, ADDED, seed, mix)
        _progress(f"[{size}] re-indexing with {ADDED} new releases, then unchanged")
        added, unchanged = run_indexer(corpus, index_dir), run_indexer(corpus, index_dir)
        figures["update"] = {
            "added": ADDED,
            "seconds": round(added.seconds, 2),
            "summary": added.summary,
            "unchanged_seconds": round(unchanged.seconds, 2),
            "unchanged_summary": unchanged.summary,
        }
    if not queries:
        return figures
    _progress(f"[{size}] building the FTS5 baseline")
    figures["fts5"] = build_fts5(corpus, run_dir / "fts5.sqlite")
    _progress(f"[{size}] timing {len(QUERIES)} queries x {rounds} rounds x {len(MODES)} modes, ours then FTS5")
    figures["queries"] = compare_queries(index_dir, run_dir / "fts5.sqlite", rounds)
    return figures


def cached_corpus(work_dir: Path, size: int, seed: int, mix: str = "standard") -> Path:
    """bench/out/corpus-N-seedS[-MIX], generated once per generator version, reused after."""
    path = work_dir / (f"corpus-{size}-seed{seed}" + ("" if mix == "standard" else f"-{mix}"))
    marker = path / ".generated"  # dot files are not releases: the indexer skips them
    if marker.exists() and marker.read_text() == GENERATOR_VERSION:
        return path
    _progress(f"[{size}] generating the corpus")
    shutil.rmtree(path, ignore_errors=True)
    partial = path.with_name(path.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    generate_corpus(partial, size, seed, mix)
    (partial / marker.name).write_text(GENERATOR_VERSION)
    partial.rename(path)
    return path


def build_fts5(corpus: Path, db_path: Path) -> dict:
    """Parse the corpus as the indexer does, then load it into FTS5; both timed."""
    started = time.perf_counter()
    releases = list(fts5.read_releases(corpus))
    parsed = time.perf_counter()
    count = fts5.build(db_path, releases)
    built = time.perf_counter()
    return {
        "releases": count,
        "parse_seconds": round(parsed - started, 2),
        "build_seconds": round(built - parsed, 2),
        "releases_per_second": round(count / (built - started), 1),  # parse included, as in ours
        "db_mb": round(db_path.stat().st_size / MB, 2),
    }


def compare_queries(index_dir: Path, db_path: Path, rounds: int) -> dict:
    """The query mix through both engines; ratios ours/FTS5 per mode and percentile."""
    cold = {"ours": first_pass(OurEngine(index_dir), QUERIES), "fts5": first_pass(Fts5Engine(db_path), QUERIES)}
    ours = time_engine(OurEngine(index_dir), QUERIES, rounds)
    baseline = time_engine(Fts5Engine(db_path), QUERIES, rounds)
    ours["modes"][FIRST_PASS], baseline["modes"][FIRST_PASS] = cold["ours"], cold["fts5"]
    ratio = {
        mode: {p: round(ours["modes"][mode][p] / max(baseline["modes"][mode][p], 1e-6), 2) for p in ("p50", "p95")}
        for mode in ours["modes"]
    }
    per_query = []
    for label, mine in ours["queries"].items():
        theirs = baseline["queries"][label]
        row = {"query": label, "kind": mine["kind"], "ours_total": mine["total"], "fts5_total": theirs["total"]}
        for mode in MODES:
            row[f"ours_{mode}_ms"], row[f"fts5_{mode}_ms"] = mine[f"{mode}_ms"], theirs[f"{mode}_ms"]
        per_query.append(row)
    differ = [q["query"] for q in per_query if q["ours_total"] != q["fts5_total"]]
    dead_ends = time_engine(OurEngine(index_dir), DEAD_ENDS, rounds)
    return {
        "dead_ends": dead_end_rows(dead_ends),
        "ours": ours["modes"],
        "fts5": baseline["modes"],
        "ratio": ratio,
        "by_kind": by_kind(per_query),
        "totals_differ": differ,
        "per_query": per_query,
    }


def dead_end_rows(timed: dict) -> dict:
    """kind -> p50/p95 ms (+facets+snippets) over the dead-end queries of that kind."""
    kinds = {spec.kind for spec in DEAD_ENDS}
    return {
        kind: percentiles([ms for spec in DEAD_ENDS if spec.kind == kind for ms in timed["timings"][spec.label]])
        for kind in sorted(kinds)
    }


def by_kind(per_query: list[dict]) -> dict:
    """kind -> median over its queries of each per-query median, per engine and mode."""
    groups: dict[str, list[dict]] = {}
    for row in per_query:
        groups.setdefault(row["kind"], []).append(row)
    return {
        kind: {"queries": len(rows)} | {
            f"{engine}_{mode}_ms": round(statistics.median(r[f"{engine}_{mode}_ms"] for r in rows), 3)
            for engine in ("ours", "fts5")
            for mode in MODES
        }
        for kind, rows in groups.items()
    }


def bench_http(run_dir: Path, releases: int, seconds: float, clients: int) -> dict:
    """Three load phases on gunicorn -w 2: the fixed mix (repeats: served from the app's
    caches after the first pass); each query narrowed to each year (the byte-bounded cache of
    kept pages now holds them after their first pass); and searches
    never repeated within the run (each of those in three orders and at pages 1 to 3), so
    every request is answered and rendered afresh, with only the postings cache warm."""
    fixed = [spec.url() for spec in QUERIES]
    varied = [spec.url() for spec in with_each_year(QUERIES, YEARS)]
    unique = [f"{url}&sort={sort}&page={page}" for page in (1, 2, 3) for sort in SORTS for url in varied]
    _progress(f"[http] gunicorn -w {WORKERS}, {clients} clients, warm-up then {seconds:g}s")
    with serving(run_dir / "index", run_dir / "gunicorn.log", workers=WORKERS) as (port, master):
        # Each worker's first requests build its searcher and fill its page cache: a warm-up,
        # kept in the JSON, left out of the table.
        warmup_requests = 2 * WORKERS * len(fixed)
        phases = {
            "warmup": run_load(port, fixed, clients=clients, seconds=WARMUP_SECONDS, max_requests=warmup_requests),
            "fixed": run_load(port, fixed, clients=clients, seconds=seconds / 2),
            "varied": run_load(port, varied, clients=clients, seconds=seconds / 2),
            "unique": run_load(port, unique, clients=clients, seconds=seconds / 2, max_requests=len(unique)),
        }
        workers = worker_memory(master)
    distinct = {"fixed": len(fixed), "varied": len(varied), "unique": len(unique)}
    return {"releases": releases, "clients": clients, "workers": workers, "distinct_requests": distinct, **phases}


def machine() -> dict:
    """What the figures were measured on."""
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    return {
        "cpu": cpu,
        "cpus": len(os.sched_getaffinity(0)),
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "whoosh": whoosh.versionstring(),
        "load_average_at_start": os.getloadavg()[0],  # other work on the machine skews every figure
    }


def gauge_seconds() -> float:
    """Seconds a fixed pure-Python workload takes now (best of three): the machine's speed
    at that moment. A shared machine's speed drifts (here by up to 1.7x within an hour,
    CPU seconds as much as wall time), so runs of different hours compare by this, and a
    run whose gauge moved between start and end compares with nothing."""
    words = [f"w{i % 5000}" for i in range(600_000)]
    best = float("inf")
    for _ in range(3):
        started = time.perf_counter()
        counts = Counter(re.findall(r"\w+", " ".join(words)))
        json.loads(json.dumps(sorted(counts.items())))
        best = min(best, time.perf_counter() - started)
    return round(best, 4)


def _progress(message: str) -> None:
    click.echo(message, err=True)


if __name__ == "__main__":
    main()
