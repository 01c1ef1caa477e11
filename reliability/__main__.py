"""`python -m reliability [--long] [--part NAME ...]`: run every harness, print a table,
write the figures as JSON to reliability/out/.

The short variant uses CI-sized inputs (a few hundred releases, seconds of load); --long
uses the large ones (20+ kills over 3,000 releases, 10,000 releases under load).
Exit status 1 when any property failed.
"""

import json
import platform
import shutil
import sys
import time
import traceback
from dataclasses import asdict, is_dataclass
from pathlib import Path

import click

from reliability.abuse import run_abuse
from reliability.fuzz import fuzz_app, run_fuzz
from reliability.hostile import run_hostile
from reliability.kills import run_full_disk, run_kills
from reliability.serving import run_load_test, run_serving

OUT = Path(__file__).resolve().parent / "out"
BUNDLED = Path(__file__).resolve().parent.parent / "corpus"

SIZES = {
    "short": {
        "hostile": {"good": 30},
        "kills": {"releases": 300, "kills": 5},
        "disk": {"added": 1500},
        "serving": {"releases": 200, "versioned": 12, "rounds": 4, "clients": 3},
        "fuzz": {"examples": 300},
        "load": {"releases": 300, "seconds": 10.0, "clients": 4},
        "abuse": {"releases": 300, "seconds": 8.0, "clients": 4, "huge_words": 30_000, "huge_bytes": 2_000_000},
    },
    "long": {
        "hostile": {"good": 500},
        "kills": {"releases": 3000, "kills": 24, "changes": 600},
        "disk": {"added": 3000},
        "serving": {"releases": 2000, "versioned": 40, "rounds": 12, "clients": 4, "churn": 60},
        "fuzz": {"examples": 3000},
        "load": {"releases": 10000, "seconds": 60.0, "clients": 8},
        "abuse": {"releases": 10000, "seconds": 30.0, "clients": 4},
    },
}
PARTS = ("hostile", "kills", "disk", "serving", "fuzz", "load", "abuse")


def _fuzz(work_dir: Path, examples: int):
    from indexer.build import update_index

    shutil.copytree(BUNDLED, work_dir / "corpus")
    summary = update_index(work_dir / "corpus", work_dir / "index")
    return run_fuzz(fuzz_app(work_dir / "index"), tuple(summary.added), examples=examples)


RUNNERS = {
    "hostile": run_hostile,
    "kills": run_kills,
    "disk": run_full_disk,
    "serving": run_serving,
    "fuzz": _fuzz,
    "load": run_load_test,
    "abuse": run_abuse,
}


@click.command()
@click.option("--long", "long_", is_flag=True, help="The long variant: 3,000 releases killed 24 times, 10,000 under load.")
@click.option("--part", "parts", type=click.Choice(PARTS), multiple=True, help="Run only these parts (repeatable).")
@click.option("--work-dir", type=click.Path(file_okay=False, path_type=Path), default=OUT / "work",
              show_default=True, help="Scratch space for corpora, indexes and logs; emptied per part.")
@click.option("--seed", default=0, show_default=True, help="Seed of the generated corpora and of the kill points.")
@click.option("--keep", is_flag=True, help="Keep each part's corpora, indexes and logs instead of removing them.")
def main(long_: bool, parts: tuple[str, ...], work_dir: Path, seed: int, keep: bool):
    """Prove the indexer and the web app survive hostile input, kills, a full disk,
    indexing while serving, fuzzed queries and load."""
    variant = "long" if long_ else "short"
    results: dict = {"variant": variant, "seed": seed, "python": platform.python_version(), "parts": {}}
    started = time.monotonic()
    for part in parts or PARTS:
        scratch = work_dir / part
        shutil.rmtree(scratch, ignore_errors=True)
        scratch.mkdir(parents=True)
        click.echo(f"{part}…", err=True)
        part_started = time.monotonic()
        kwargs = dict(SIZES[variant][part])
        if part not in ("fuzz",):
            kwargs["seed"] = seed
        try:
            outcome = RUNNERS[part](scratch, **kwargs)
            figures = asdict(outcome) if is_dataclass(outcome) else dict(outcome)
        except Exception as exc:  # noqa: BLE001 - one broken part must not hide the others
            figures = {"problems": [f"the harness stopped: {type(exc).__name__}: {exc}",
                                    traceback.format_exc(limit=6)]}
        figures["wall_seconds"] = round(time.monotonic() - part_started, 1)
        results["parts"][part] = figures
        if not keep:
            shutil.rmtree(scratch, ignore_errors=True)
    results["seconds"] = round(time.monotonic() - started, 1)
    OUT.mkdir(parents=True, exist_ok=True)
    out = OUT / f"results-{variant}.json"
    out.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    click.echo(format_table(results))
    click.echo(f"\nall figures: {out}")
    sys.exit(1 if any(p.get("problems") for p in results["parts"].values()) else 0)


def format_table(results: dict) -> str:
    """The figures a reader asks for first, one row each, then every problem found."""
    parts = results["parts"]
    groups: dict[str, list[tuple[str, str]]] = {part: [] for part in parts}

    def row(part: str, label: str, value) -> None:
        groups[part].append((label, str(value)))

    h = parts.get("hostile", {})
    if "cases" in h:
        row("hostile", "hostile cases among good releases", f"{h['cases']} among {h['good']}")
        row("hostile", "indexed / failed / warnings / ignored / skipped",
            f"{h['indexed']} / {h['failed']} / {h['warnings']} / {h['ignored']} / {h['skipped']}")
        row("hostile", "a FIFO named like a release", h["fifo"])
        for name, seconds in h["parse_seconds"].items():
            row("hostile", f"time to parse {name}", seconds)
    k = parts.get("kills", {})
    if "trials" in k:
        killed = [t for t in k["trials"] if t["killed"]]
        row("kills", "kills survived / delivered (runs that ended first)", f"{k['survived']} / {k['kills']} ({k['missed']})")
        row("kills", "releases checked after each kill", _short_list([t["releases_checked"] for t in killed]))
        row("kills", "kills by phase", _counts(t["aimed_at"].split()[0] for t in killed))
        row("kills", "kills by kind of run", _counts(t["kind"] for t in killed))
        row("kills", "longest a worker process outlived a kill", f"{max([0, *(t['orphans_lingered'] for t in killed)])} s")
        row("kills", "index right after a kill", _counts(f"state {t['after_kill']} the run" for t in killed))
        row("kills", "corpus at the end; most stale full builds left on disk", f"{k['releases']}; {k['stale_builds']}")
    d = parts.get("disk", {})
    if "technique" in d:
        row("disk", "technique", d["technique"])
        row("disk", "update: exit status, clear message", f"{d['returncode']}, {_clear(d['message'], d['traceback'])}")
        row("disk", "--rebuild: exit status, clear message",
            f"{d['rebuild_returncode']}, {_clear(d['rebuild_message'], d['rebuild_traceback'])}")
        row("disk", "previous index usable; recovered once space was freed",
            f"{'yes' if d['previous_index_usable'] else 'NO'}; {'yes' if d['recovered'] else 'NO'}")
    s = parts.get("serving", {})
    if "requests" in s:
        row("serving", "indexing runs (rebuilds) over releases", f"{s['index_runs']} ({s['rebuilds']}) over {s['releases']}")
        row("serving", "requests served (of them during indexing runs)", f"{s['requests']:,} ({s['requests_during_runs']:,})")
        row("serving", "failed / inconsistent requests", f"{s['failures']} / {s['inconsistent']}")
        row("serving", "versions seen", _short_list(s["versions_seen"], 14))
    f = parts.get("fuzz", {})
    if "cases" in f:
        row("fuzz", "cases tried (examples per property)", f"{f['cases']:,} ({f['examples']:,})")
        row("fuzz", "answers by status", ", ".join(f"{c}: {n}" for c, n in sorted(f["statuses"].items())))
    lo = parts.get("load", {})
    if "requests" in lo:
        lat = lo["latency_ms"] or {}
        row("load", "releases; clients; seconds", f"{lo['releases']:,}; {lo['clients']}; {lo['seconds']}")
        row("load", "requests; throughput", f"{lo['requests']:,}; {lo['requests_per_second']} req/s")
        row("load", "latency p50 / p95 / p99", f"{lat.get('p50')} / {lat.get('p95')} / {lat.get('p99')} ms")
        row("load", "errors", f"{lo['errors']} {lo['error_kinds'] or ''}".strip())
        row("load", "index untouched by serving", "yes" if lo["index_unchanged"] else "NO")
    a = parts.get("abuse", {})
    if "slowest" in a:
        normal = a["normal_under_load"]["latency_ms"] or {}
        row("abuse", "releases (two hostile); hostile requests by kind", f"{a['releases']:,}; {_short_list(list(a['hostile_kinds'].items()), 9)}")
        row("abuse", "slowest single hostile request", " ".join(str(v) for v in a["slowest"][0][:3]) + " s" if a["slowest"] else "-")
        row("abuse", "statuses of the single pass", ", ".join(f"{k}: {v}" for k, v in sorted(a["statuses"].items())))
        row("abuse", "hostile clients under load: requests; statuses",
            f"{a['hostile_load']['requests']:,}; {a['hostile_load']['statuses']}")
        row("abuse", "ordinary searches meanwhile: p50 / p95 / p99",
            f"{normal.get('p50')} / {normal.get('p95')} / {normal.get('p99')} ms ({a['normal_under_load']['requests']} requests)")
        row("abuse", "workers killed for timing out", a["worker_timeouts"])
    rows = []
    for part, figures in parts.items():
        row(part, "problems; seconds", f"{len(figures.get('problems', []))}; {figures.get('wall_seconds')}")
        rows += [(_label(part) if n == 0 else "", label, value) for n, (label, value) in enumerate(groups[part])]
    header = ("part", "measure", "value")
    width = [max(len(r[i]) for r in [header, *rows]) for i in range(3)]
    lines = [f"reliability ({results['variant']}, seed {results['seed']}): {results['seconds']} s",
             "  ".join(c.ljust(w) for c, w in zip(header, width)).rstrip(),
             "  ".join("-" * w for w in width)]
    lines += ["  ".join(c.ljust(w) for c, w in zip(r, width)).rstrip() for r in rows]
    problems = [(part, p) for part, figures in parts.items() for p in figures.get("problems", [])]
    if problems:
        lines += ["", f"{len(problems)} problems:"]
        lines += [f"- [{part}] {p}" for part, p in problems]
    return "\n".join(lines)


def _clear(message: str, traceback: bool) -> str:
    """Whether a full-disk message is a sentence naming the cause rather than a traceback."""
    if traceback:
        return "NO (traceback)"
    return "yes" if "No space left on device" in message else "NO (cause not named)"


def _counts(items) -> str:
    counts: dict[str, int] = {}
    for item in items:
        counts[item] = counts.get(item, 0) + 1
    return ", ".join(f"{name} {n}" for name, n in sorted(counts.items()))


def _label(part: str) -> str:
    return {"hostile": "hostile files", "kills": "SIGKILL", "disk": "full disk", "serving": "index while serving",
            "fuzz": "query fuzzing", "load": "load", "abuse": "hostile requests"}[part]


def _short_list(values: list, limit: int = 8) -> str:
    shown = ", ".join(str(v) for v in values[:limit])
    return shown + (f", … ({len(values)} in all)" if len(values) > limit else "")


if __name__ == "__main__":
    main()
