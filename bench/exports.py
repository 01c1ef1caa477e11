"""Feeds and exports over HTTP: /search.atom and /search.csv latency, and how much a
worker's memory grows while it exports every release.

One gunicorn worker, so every request lands on the process whose memory is sampled
(/proc, every few milliseconds, from another thread). Requests run one at a time:
these are the costs of one feed poll and one export, not throughput.
"""

import threading
import time
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlencode

from bench.latency import percentiles
from bench.load import get, serving, worker_memory
from bench.queries import QUERIES

FEEDS = [spec.query_args() for spec in QUERIES[::5]]  # every fifth query of the mix: words, phrases, filters
FEED_ROUNDS = 3  # timed passes over FEEDS, after one untimed pass
EXPORTS = 5  # timed exports of every release, after the measured first one
SAMPLE_SECONDS = 0.005
MB = 1024 * 1024


class ExportFailed(Exception):
    """A feed or an export did not answer 200 with what it should hold."""


def bench_exports(index_dir: Path, log_path: Path, releases: int) -> dict:
    """Feed and CSV latencies (ms) and the worker's memory growth over one full export."""
    with serving(index_dir, log_path, workers=1) as (port, master):
        (worker,) = [w["pid"] for w in worker_memory(master)]
        feed_paths = ["/search.atom" + ("?" + urlencode(args) if args else "") for args in FEEDS]
        for path in feed_paths:  # opens the index, fills the worker's caches: what a live worker has
            _fetch(port, path)
        feed_ms = [_timed(port, path)[0] for _ in range(FEED_ROUNDS) for path in feed_paths]

        # The first export in this worker's life, so nothing it allocates was allocated before.
        before = _memory(worker)
        with _peak_memory(worker) as peak:
            first_ms, body = _timed(port, "/search.csv")
        rows = body.count(b"\r\n") - 1  # the header line; no value in the generated corpus holds a line break
        if rows != releases:
            raise ExportFailed(f"/search.csv held {rows} rows, not the {releases} releases indexed")
        csv_ms = [_timed(port, "/search.csv")[0] for _ in range(EXPORTS)]
        after = _memory(worker)
    return {
        "releases": releases,
        "feed_requests": len(feed_ms),
        "feed_latency_ms": percentiles(feed_ms),
        "csv_rows": rows,
        "csv_bytes": len(body),
        "csv_first_ms": round(first_ms, 1),
        "csv_latency_ms": percentiles(csv_ms),
        "memory_mb": {
            "rss_before": before["rss"],
            "rss_peak_growth": round(peak["rss"] - before["rss"], 1),
            "anon_before": before["anon"],
            "anon_peak_growth": round(peak["anon"] - before["anon"], 1),
            "rss_after_all_exports": after["rss"],
            "anon_after_all_exports": after["anon"],
        },
    }


def _fetch(port: int, path: str) -> bytes:
    status, body = get(port, path)
    if status != 200:
        raise ExportFailed(f"{path} answered {status}: {body[:300]!r}")
    return body


def _timed(port: int, path: str) -> tuple[float, bytes]:
    """Milliseconds to the last byte, and the body."""
    started = time.perf_counter()
    body = _fetch(port, path)
    return (time.perf_counter() - started) * 1000, body


def _memory(pid: int) -> dict[str, float]:
    """VmRSS (all resident pages, the index's mapped ones included) and RssAnon (the
    process's own heap), in MB."""
    fields = dict(line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines() if ":" in line)
    return {"rss": int(fields["VmRSS"].split()[0]) / 1024, "anon": int(fields["RssAnon"].split()[0]) / 1024}


@contextmanager
def _peak_memory(pid: int):
    """The highest VmRSS and RssAnon seen while the block runs (sampled)."""
    peak = _memory(pid)
    stop = threading.Event()

    def sample() -> None:
        while not stop.wait(SAMPLE_SECONDS):
            now = _memory(pid)
            for key in peak:
                peak[key] = max(peak[key], now[key])

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    try:
        yield peak
    finally:
        stop.set()
        sampler.join()
        now = _memory(pid)
        for key in peak:
            peak[key] = max(peak[key], now[key])


def format_exports(figures: dict) -> list[str]:
    """The feed and export rows of the benchmark's table."""
    if "error" in figures:
        return ["Feeds and exports: FAILED", f"  {figures['error']}"]
    feed, csv, memory = figures["feed_latency_ms"], figures["csv_latency_ms"], figures["memory_mb"]
    return [
        f"Feeds and exports on gunicorn -w 1 at {figures['releases']:,} releases, one request at a time",
        f"  /search.atom (50 newest, {len(FEEDS)} searches x {FEED_ROUNDS}): p50 {feed['p50']:.1f} ms, p95 {feed['p95']:.1f} ms",
        f"  /search.csv (all {figures['csv_rows']:,} rows, {figures['csv_bytes'] / MB:.1f} MB): first {figures['csv_first_ms']:.0f} ms; "
        f"then p50 {csv['p50']:.0f} ms, p95 {csv['p95']:.0f} ms over {csv['n']}",
        f"  worker memory over its first full export: RSS +{memory['rss_peak_growth']} MB at peak "
        f"(from {memory['rss_before']:.1f} MB; includes the index's mapped pages it read), "
        f"private heap +{memory['anon_peak_growth']} MB (from {memory['anon_before']:.1f} MB)",
    ]
