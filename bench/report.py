"""The benchmark's figures as a plain-text table for the terminal (the JSON holds them all)."""

from bench.exports import format_exports


def format_report(results: dict) -> str:
    """Indexing, FTS5 build, query latency per size, then HTTP, as aligned text."""
    config, machine, sizes = results["config"], results["machine"], results["sizes"]
    lines = [
        f"release-search benchmark: seed {config['seed']}, {config['queries']} queries x {config['rounds']} rounds; "
        f"{machine['cpus']} CPUs ({machine['cpu']}), Python {machine['python']}, Whoosh {machine['whoosh']}, "
        f"SQLite {machine['sqlite']}; load average at start {machine['load_average_at_start']:.2f}; "
        f"{config.get('mix', 'standard')} releases",
    ]
    if "gauge_seconds_at_start" in machine:
        lines.append(f"machine gauge (a fixed pure-Python workload, seconds; compare runs of different hours by "
                     f"it): {machine['gauge_seconds_at_start']:.3f} at start, {machine['gauge_seconds_at_end']:.3f} at end")
    lines.append("")
    columns = [f"{int(size):,} releases" for size in sizes]
    rows = [
        ("Indexing (release-search index)", None),
        ("  first build, seconds", lambda f: f["index"]["seconds"]),
        ("  releases/s", lambda f: f["index"]["releases_per_second"]),
        ("  CPU seconds, both processes", lambda f: f["index"].get("cpu_seconds", "-")),
        ("  MB/s (releases and sidecars read)", lambda f: f["index"].get("mb_per_second", "-")),
        ("  peak memory of the command, MB", lambda f: f["index"]["peak_rss_mb"]),
        ("  index on disk, MB", lambda f: f["index"]["index_mb"]),
        ("  re-run after adding 10, seconds", lambda f: f["update"]["seconds"] if "update" in f else "-"),
        ("  re-run, nothing changed, seconds", lambda f: f["update"]["unchanged_seconds"] if "update" in f else "-"),
    ]
    if all("fts5" in f for f in sizes.values()):
        rows += [
            ("FTS5 baseline (same parsed releases)", None),
            ("  parse, seconds", lambda f: f["fts5"]["parse_seconds"]),
            ("  insert + optimize, seconds", lambda f: f["fts5"]["build_seconds"]),
            ("  releases/s, parse included", lambda f: f["fts5"]["releases_per_second"]),
            ("  database on disk, MB", lambda f: f["fts5"]["db_mb"]),
        ]
    cells = [[label, *("" if get is None else get(f) for f in sizes.values())] for label, get in rows]
    lines += _table(["", *columns], cells)
    for size, figures in sizes.items():
        if "queries" in figures:
            lines += ["", *_query_table(int(size), figures)]
    if "http" in results:
        lines += ["", *_http_table(results["http"])]
    if "exports" in results:
        lines += ["", *format_exports(results["exports"])]
    return "\n".join(lines)


def _query_table(size: int, figures: dict) -> list[str]:
    queries = figures["queries"]
    rows = []
    for mode, ours in queries["ours"].items():
        fts5, ratio = queries["fts5"][mode], queries["ratio"][mode]
        ratios = [f"{ratio['p50']:.1f}x", f"{ratio['p95']:.1f}x"]
        rows.append([mode, ours["p50"], ours["p95"], fts5["p50"], fts5["p95"], *ratios])
    kinds = [
        [kind, k["queries"], *(k[f"{engine}_{mode}_ms"] for mode in ("search", "facets+snippets") for engine in ("ours", "fts5"))]
        for kind, k in queries["by_kind"].items()
    ]
    differ = queries["totals_differ"]
    dead_ends = [[kind, f["n"], f["p50"], f["p95"]] for kind, f in queries.get("dead_ends", {}).items()]
    return [
        f"Query latency, ms, at {size:,} releases (+ any added): ours = webapp.search, page cache emptied before each;",
        "  timed rounds follow a warm-up pass; 'first pass, cold' is one pass right after opening (+facets+snippets)",
        *_table(["mode", "ours p50", "ours p95", "FTS5 p50", "FTS5 p95", "ratio p50", "ratio p95"], rows),
        "  by kind of query (median ms):",
        *("  " + line for line in _table(
            ["kind", "queries", "ours search", "FTS5 search", "ours +facets+snippets", "FTS5 +facets+snippets"], kinds
        )),
        f"  hit totals differ on {len(differ)} of {len(queries['per_query'])} queries"
        + (f" (stemmers and stop words differ), e.g. {', '.join(differ[:6])}" if differ else ""),
        "  no dead ends, ours only (+facets+snippets, ms): most words = no release has them all; misspelt = corrected",
        *("  " + line for line in _table(["path", "timings", "p50", "p95"], dead_ends)),
    ]


def _http_table(http: dict) -> list[str]:
    if "error" in http:
        return ["HTTP load: FAILED", f"  {http['error']}"]
    rows = []
    for phase in ("fixed", "varied", "unique"):
        if phase not in http:  # figures from before the unique phase
            continue
        p = http[phase]
        latency = p["latency_ms"] or {"p50": "-", "p95": "-", "p99": "-"}
        rows.append([phase, http["distinct_requests"][phase], p["seconds"], p["requests"], p["requests_per_second"],
                     latency["p50"], latency["p95"], latency["p99"], p["errors"]])
    workers = "; ".join(
        f"pid {w['pid']}: peak {w['hwm_mb']} MB, now {w['rss_mb']} MB ({w.get('private_mb')} MB private, "
        f"PSS {w.get('pss_mb')} MB)" for w in http["workers"]
    )
    return [
        f"HTTP /search on gunicorn -w 2 at {http['releases']:,} releases, {http['clients']} clients on 127.0.0.1 "
        "(fixed: the query mix repeated; varied: each query x each year, repeated once the cache holds them; "
        "unique: each of those x 3 orders x pages 1-3, none repeated, so none is served from a cache)",
        *_table(["phase", "distinct", "seconds", "requests", "req/s", "p50 ms", "p95 ms", "p99 ms", "errors"], rows),
        f"  workers: {workers}",
    ]


def _table(header: list, rows: list[list]) -> list[str]:
    """Left-aligned first column, right-aligned numbers, two spaces between columns."""
    cells = [[_cell(c) for c in row] for row in [header, *rows]]
    widths = [max(len(row[i]) for row in cells) for i in range(len(header))]
    aligned = [[c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(row, widths))] for row in cells]
    return ["  ".join(row).rstrip() for row in aligned]


def _cell(value) -> str:
    if isinstance(value, float):
        return f"{value:,.2f}"
    return f"{value:,}" if isinstance(value, int) else str(value)
