"""Faults while indexing: SIGKILL at chosen points of a run, and a disk that fills up.

The indexing command runs on a pseudo-terminal, so it prints its progress
("reading 150/300", "indexing 100/220"); each kill is aimed at one phase of a run:
start-up, reading files, parsing and adding documents, or the commit after the last
document (Whoosh writes the segment and its table of contents there). After each kill:
the index opens, it holds either the whole state before the run or the whole state after
it (never a mix, never a duplicate), every kind of search works through webapp.search,
and the next run completes with exactly the corpus's releases.
"""

import os
import pty
import random
import re
import select
import signal
import subprocess
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from bench.generate import add_releases, generate_corpus
from indexer.sources import find_sources
from indexer import store
from reliability import (
    child_env,
    corpus_documents,
    describe_difference,
    duplicates,
    index_documents,
    index_ids,
    indexer_argv,
    run_indexer,
)
from webapp.params import SearchParams
from webapp.engine import Engine, IndexMissing
from webapp.search import get_release, search

PHASES = ("indexing", "commit", "reading", "start")  # in the order kills are shared out
_PROGRESS = re.compile(r"(reading|indexing) ([\d,]+)/([\d,]+)")
RUN_TIMEOUT = 600  # seconds for one indexing run, whatever the size
SEARCHES = [
    SearchParams(),
    SearchParams(q="security"),
    SearchParams(q="border security", sort="newest"),
    SearchParams(q='"law enforcement" OR smuggling', per_page=50),
    SearchParams(q="secur*", sort="oldest", page=2),
    SearchParams(q="panama"),
]


@dataclass
class KillTrial:
    number: int
    kind: str  # "incremental" or "rebuild"
    aimed_at: str  # e.g. "indexing 100/220 +0.031s"
    killed: bool  # False: the run ended before the kill point was reached
    after_kill: str  # "before" (the run left no trace), "after" (it had committed), or what went wrong
    orphans_lingered: float  # seconds its second writer process outlived the killed command
    releases_checked: int  # releases whose id and content hash were compared after the kill
    searches: int
    next_run_seconds: float
    stale_builds: int = 0  # gen-* folders neither live nor kept for open readers, after the next run
    problems: list[str] = field(default_factory=list)


@dataclass
class KillResult:
    releases: int
    kills: int  # kills delivered to a running indexer
    survived: int  # kills after which every check held
    missed: int  # runs that ended before their kill point
    trials: list[KillTrial]
    stale_builds: int  # the most gen-* folders left over after any trial (killed rebuilds leave them)
    seconds: float
    problems: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass
class _Killed:
    killed: bool
    aimed_at: str
    returncode: int
    output: str
    lingered: float = 0.0  # seconds the command's other processes (the second writer) outlived it


ORPHAN_GRACE = 5.0  # seconds a worker process may take to notice its parent is gone


def _reap_group(pgid: int) -> float:
    """Wait for the killed command's other processes to exit by themselves; SIGKILL any that
    are still there after ORPHAN_GRACE. Returns how long they lingered (0: none were left)."""
    started = time.monotonic()
    while time.monotonic() - started < ORPHAN_GRACE:
        try:
            os.killpg(pgid, 0)
        except ProcessLookupError:
            return round(time.monotonic() - started, 2) if time.monotonic() - started > 0.01 else 0.0
        time.sleep(0.02)
    os.killpg(pgid, signal.SIGKILL)
    return ORPHAN_GRACE


def corpus_ids(corpus_dir: Path) -> set[str]:
    """The ids the index must hold: every release file found (all generated ones are good)."""
    return {s.relpath for s in find_sources(corpus_dir)[0]}


def run_and_kill(argv: list[str], phase: str, at: int, delay: float, timeout: float = RUN_TIMEOUT) -> _Killed:
    """Run the indexing command on a pty; SIGKILL it `delay` s after it reaches `phase`.

    `at` is the progress count to wait for in "reading" or "indexing" (the command prints
    every 50th); "commit" waits for the last "indexing N/N"; "start" counts from spawn.
    """
    master, slave = pty.openpty()
    started = time.monotonic()
    child = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=slave, stderr=slave, env=child_env(),
                             start_new_session=True)
    os.close(slave)
    output = b""
    reached_at = started if phase == "start" else None
    aimed = f"start +{delay:.3f}s"
    try:
        while True:
            now = time.monotonic()
            if now - started > timeout:
                raise TimeoutError(f"`{' '.join(argv)}` ran over {timeout}s")
            if reached_at is not None and now >= reached_at + delay:
                if child.poll() is None:
                    os.kill(child.pid, signal.SIGKILL)  # the command's own process, as `kill -9 PID` does
                    child.wait()
                    lingered = _reap_group(child.pid)
                    return _Killed(True, aimed, child.returncode, output.decode(errors="replace"), lingered)
                break
            wait = 0.05 if reached_at is None else max(0.0, reached_at + delay - now)
            ready, _, _ = select.select([master], [], [], min(wait, 0.05))
            if ready:
                try:
                    chunk = os.read(master, 4096)
                except OSError:  # EIO: the child closed the terminal (it exited)
                    chunk = b""
                if not chunk:
                    child.wait(timeout=RUN_TIMEOUT)
                    break
                output += chunk
                if reached_at is None:
                    seen = _reached(output.decode(errors="replace"), phase, at)
                    if seen:
                        reached_at, aimed = time.monotonic(), f"{seen} +{delay:.3f}s"
            elif child.poll() is not None:
                break
        child.wait()
        return _Killed(False, aimed + " (not reached: the run had ended)", child.returncode,
                       output.decode(errors="replace"))
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
        os.close(master)


def _reached(output: str, phase: str, at: int) -> str | None:
    """The progress line showing `phase` has got to `at`, if it has."""
    for name, done, total in _PROGRESS.findall(output):
        done, total = int(done.replace(",", "")), int(total.replace(",", ""))
        if phase == "commit" and name == "indexing" and done == total:
            return f"commit after indexing {done}/{total}"
        if phase == name and done >= min(at, total):
            return f"{name} {done}/{total}"
    return None


def check_index(index_dir: Path, allowed: dict[str, dict[str, str]], sample: int,
                rng: random.Random) -> tuple[str, int, int, list[str]]:
    """Open the index the way the web app does and run every kind of search on it.

    `allowed` names the states the index may be in, each as id -> content hash. Returns
    which one it is in, how many releases were checked (id and content), how many
    searches ran, and problems.
    """
    problems: list[str] = []
    documents = index_documents(index_dir)
    if documents is None:
        return "no index", 0, 0, ["the index does not open: there is no live index"]
    ids = [release_id for release_id, _ in documents]
    state = next((name for name, want in allowed.items() if sorted(want.items()) == documents), None)
    if duplicates(ids):
        problems.append(f"{len(duplicates(ids))} releases are indexed twice: {duplicates(ids)[:5]}")
    if state is None:
        problems.append("the index holds neither the state before the run nor the state after it: " + " / ".join(
            f"vs {name}: {describe_difference(ids, set(want))}, "
            f"{sum(1 for i, h in documents if i in want and want[i] != h)} with other content"
            for name, want in allowed.items()))
        state = "mixed"
    index = Engine(index_dir)
    searches = 0
    try:
        everything = search(index, SearchParams(per_page=100))
        searches += 1
        if everything.total != len(ids):
            problems.append(f"a search for everything counts {everything.total} releases; the index holds {len(ids)}")
        for params in SEARCHES:
            page = search(index, params)
            searches += 1
            hit_ids = [hit.id for hit in page.results]
            if duplicates(hit_ids):
                problems.append(f"search {params} lists {duplicates(hit_ids)} twice")
            if not set(hit_ids) <= set(ids):
                problems.append(f"search {params} lists releases not in the index: {sorted(set(hit_ids) - set(ids))[:5]}")
            for facet in ("country", "official", "year"):
                for value in page.facets.get(facet, [])[:1]:
                    filtered = search(index, SearchParams(q=params.q, **{facet: (value.value,)}))
                    searches += 1
                    if filtered.total != value.count:
                        problems.append(f"facet {facet}={value.value!r} counts {value.count} for q={params.q!r}, "
                                        f"but filtering by it finds {filtered.total}")
        looked_up = rng.sample(ids, min(sample, len(ids))) if sample else ids
        for release_id in looked_up:
            detail = get_release(index, release_id, q="security")
            if detail is None or detail.hit.id != release_id:
                problems.append(f"get_release({release_id!r}) found {detail.hit.id if detail else None!r}")
    except IndexMissing as exc:
        problems.append(f"search raised IndexMissing: {exc}")
    except Exception as exc:  # noqa: BLE001 - any exception from a search is the finding
        problems.append(f"search raised {type(exc).__name__}: {exc}")
    finally:
        index.close()
    return state, len(ids), searches, problems


def mutate(corpus_dir: Path, rng: random.Random, trial: int, changes: int) -> None:
    """Add, change and remove releases: about `changes` files in all."""
    present = sorted(corpus_ids(corpus_dir))
    add_releases(corpus_dir, max(1, changes // 4), seed=10_000 + trial)
    for relpath in rng.sample(present, min(len(present) // 3, max(1, changes // 8))):
        path = corpus_dir / relpath
        path.unlink()
        path.with_name(Path(relpath).stem + ".meta.json").unlink(missing_ok=True)
    present = sorted(corpus_ids(corpus_dir))
    for relpath in rng.sample(present, min(len(present), changes - changes // 4 - changes // 8)):
        path = corpus_dir / relpath
        data = path.read_bytes()
        # Appended text changes the hash; the release stays readable in its own encoding.
        path.write_bytes(data + f"\nRevision {trial}: officials reviewed border security again.\n".encode("ascii"))


def run_kills(work_dir: Path, releases: int = 300, kills: int = 5, seed: int = 0, sample: int = 25,
              changes: int | None = None) -> KillResult:
    """Kill the indexing command `kills` times over a corpus of `releases` generated releases."""
    started = time.monotonic()
    work_dir = Path(work_dir)
    corpus_dir, index_dir = work_dir / "corpus", work_dir / "index"
    rng = random.Random(seed)
    generate_corpus(corpus_dir, releases, seed=seed)
    changes = changes or max(20, releases // 3)
    problems: list[str] = []
    first = run_indexer(corpus_dir, index_dir, timeout=RUN_TIMEOUT)
    if first.returncode != 0:
        raise RuntimeError(f"the first, uninterrupted indexing run failed: {first.describe()}")
    trials: list[KillTrial] = []
    lives: list[str] = []
    _stale_builds(index_dir, lives)
    phases = [PHASES[i % len(PHASES)] for i in range(kills)]
    rng.shuffle(phases)
    attempts = 0
    while sum(t.killed for t in trials) < kills and attempts < kills * 3:
        attempts += 1
        phase = phases[sum(t.killed for t in trials)]
        # Every third run a --rebuild: it builds a new index aside, parsing every release.
        kind = "rebuild" if attempts % 3 == 0 else "incremental"
        before = dict(index_documents(index_dir) or [])
        mutate(corpus_dir, rng, attempts, changes)
        after = corpus_documents(corpus_dir)
        total = len(after) if (kind == "rebuild" or phase == "reading") else changes
        at = rng.randrange(1, max(2, total))
        # After "start", up to the time imports and the scan take; in the commit, within the
        # first tenth of a second (Whoosh writes the segment, then its table of contents).
        delay = {"start": rng.uniform(0.0, 1.5), "commit": rng.uniform(0.0, 0.1)}.get(phase, rng.uniform(0.0, 0.25))
        argv = _without_quiet(indexer_argv(corpus_dir, index_dir, rebuild=kind == "rebuild"))
        run = run_and_kill(argv, phase, at, delay)
        trial = KillTrial(len(trials) + 1, kind, run.aimed_at, run.killed, "", run.lingered, 0, 0, 0.0)
        if run.lingered >= ORPHAN_GRACE:
            trial.problems.append(f"a process of the killed command was still running {ORPHAN_GRACE:.0f} s later "
                                  "(it holds the index's lock, so the next run would have to wait for it)")
        if run.killed:
            state, checked, searches, found = check_index(index_dir, {"before": before, "after": after}, sample, rng)
            trial.after_kill, trial.releases_checked, trial.searches = state, checked, searches
            trial.problems += found
        elif run.returncode != 0:
            trial.problems.append(f"the run ended by itself with status {run.returncode}:\n{run.output[-2000:]}")
        # The next run must complete and leave exactly the corpus.
        next_started = time.monotonic()
        done = run_indexer(corpus_dir, index_dir, timeout=RUN_TIMEOUT)
        trial.next_run_seconds = round(time.monotonic() - next_started, 2)
        trial.stale_builds = _stale_builds(index_dir, lives)
        if done.returncode != 0:
            trial.problems.append(f"the run after the kill failed: {done.describe()}")
        documents = index_documents(index_dir) or []
        if documents != sorted(after.items()):
            ids = [i for i, _ in documents]
            trial.problems.append(f"after the next run the index differs from the corpus: {describe_difference(ids, set(after))}, "
                                  f"{sum(1 for i, h in documents if after.get(i, h) != h)} with old content")
        trials.append(trial)
        problems += [f"trial {trial.number} ({kind}, killed at {trial.aimed_at}): {p}" for p in trial.problems]
    delivered = sum(t.killed for t in trials)
    if delivered < kills:
        problems.append(f"only {delivered} of {kills} kills landed on a running indexer in {attempts} runs")
    return KillResult(
        releases=len(corpus_ids(corpus_dir)),
        kills=delivered,
        survived=sum(1 for t in trials if t.killed and not t.problems),
        missed=sum(1 for t in trials if not t.killed),
        trials=trials,
        stale_builds=max([0, *(t.stale_builds for t in trials)]),
        seconds=round(time.monotonic() - started, 1),
        problems=problems,
    )


def killed_rebuild_leftovers(work_dir: Path, releases: int = 150, seed: int = 0) -> tuple[bool, list[str]]:
    """Kill a --rebuild while it adds documents, then run an ordinary update.

    Returns whether the kill landed, and the gen-* folders left on disk that are neither
    live nor kept for readers: each is a whole index's worth of disk that no run removes
    until some later --rebuild succeeds.
    """
    work_dir = Path(work_dir)
    corpus_dir, index_dir = work_dir / "corpus", work_dir / "index"
    generate_corpus(corpus_dir, releases, seed=seed)
    if run_indexer(corpus_dir, index_dir).returncode != 0:
        raise RuntimeError("the first indexing run failed")
    lives: list[str] = []
    _stale_builds(index_dir, lives)
    killed = run_and_kill(_without_quiet(indexer_argv(corpus_dir, index_dir, rebuild=True)), "indexing", releases // 2, 0.0)
    done = run_indexer(corpus_dir, index_dir)
    if done.returncode != 0:
        raise RuntimeError(f"the update after the killed rebuild failed: {done.describe()}")
    live = (store.read_pointer(index_dir) or {}).get("dir")
    keep = {live, *lives[-2:]}
    return killed.killed, sorted(p.name for p in index_dir.iterdir() if p.is_dir() and p.name.startswith("gen-")
                                 and p.name not in keep)


def _without_quiet(argv: list[str]) -> list[str]:
    """Progress is printed only without -q."""
    return [a for a in argv if a != "-q"]


def _stale_builds(index_dir: Path, lives: list[str]) -> int:
    """Full builds on disk that are neither live nor the one live before it (kept for
    readers that opened it a moment ago). `lives`: the live folder after each run so far."""
    live = (store.read_pointer(index_dir) or {}).get("dir")
    if live and (not lives or lives[-1] != live):
        lives.append(live)
    keep = set(lives[-2:])
    return sum(1 for p in Path(index_dir).iterdir() if p.is_dir() and p.name.startswith("gen-") and p.name not in keep)


# ---------------------------------------------------------------------------------------
# A full disk


@dataclass
class DiskResult:
    technique: str  # how the disk was filled
    index_dir: str
    returncode: int  # of the incremental run that hit the full disk
    message: str  # the last lines that run printed on stderr
    traceback: bool  # whether it printed a Python traceback
    rebuild_returncode: int  # the same for a --rebuild on the full disk
    rebuild_message: str
    rebuild_traceback: bool
    leftover_builds: int  # gen-* folders besides the live one after the failed rebuild
    previous_index_usable: bool
    recovered: bool  # a run after space was freed completed with exactly the corpus
    problems: list[str] = field(default_factory=list)


def mount_tmpfs(path: Path, size: str) -> None:
    """Mount a tmpfs of `size` on `path`; raises with the reason when mounting is refused."""
    path.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path)],
                          capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"cannot mount a tmpfs on {path} (root is needed): {done.stderr.strip()}")


def remount(path: Path, size: str) -> None:
    subprocess.run(["mount", "-o", f"remount,size={size}", str(path)], check=True, capture_output=True)


def unmount(path: Path) -> None:
    subprocess.run(["umount", str(path)], check=True, capture_output=True)


def run_full_disk(work_dir: Path, seed: int = 0, base: int = 20, added: int = 1500, size: str = "2m") -> DiskResult:
    """Index onto a small tmpfs, then add more than fits: a clear message, the old index intact."""
    work_dir = Path(work_dir)
    corpus_dir, index_dir = work_dir / "corpus", work_dir / "index"
    generate_corpus(corpus_dir, base, seed=seed)
    mount_tmpfs(index_dir, size)
    try:
        return _full_disk(corpus_dir, index_dir, seed, added, size)
    finally:
        unmount(index_dir)


def _full_disk(corpus_dir: Path, index_dir: Path, seed: int, added: int, size: str) -> DiskResult:
    problems: list[str] = []
    first = run_indexer(corpus_dir, index_dir)
    if first.returncode != 0:
        raise RuntimeError(f"the first run did not fit on the {size} tmpfs: {first.describe()}")
    before = dict(index_documents(index_dir) or [])
    add_releases(corpus_dir, added, seed=seed + 1)
    after = corpus_ids(corpus_dir)
    full = run_indexer(corpus_dir, index_dir)
    problems += _judge_message("incremental run", full, len(after) - len(before))
    rebuild = run_indexer(corpus_dir, index_dir, rebuild=True)
    problems += _judge_message("--rebuild", rebuild, len(after))
    for label, run in (("incremental run", full), ("--rebuild", rebuild)):
        if str(index_dir) not in run.stderr:
            problems.append(f"{label} on a full disk does not name the index folder {index_dir}")
    live = (store.read_pointer(index_dir) or {}).get("dir")
    leftover = [p.name for p in index_dir.iterdir() if p.is_dir() and p.name.startswith("gen-") and p.name != live]
    if leftover:
        problems.append(f"the failed --rebuild left {leftover} beside the live index, holding space on a full disk")
    state, _, _, found = check_index(index_dir, {"before": before}, sample=0, rng=random.Random(seed))
    problems += [f"on the full disk: {p}" for p in found]
    usable = not found
    # Free space, then the next run must finish the work.
    remount(index_dir, "256m")
    done = run_indexer(corpus_dir, index_dir)
    ids = index_ids(index_dir) or []
    recovered = done.returncode == 0 and sorted(ids) == sorted(after)
    if not recovered:
        problems.append(f"after space was freed the next run did not complete the index: {done.describe()}; "
                        f"{describe_difference(ids, after)}")
    return DiskResult(
        technique=f"tmpfs of {size} mounted on the index folder",
        index_dir=str(index_dir),
        returncode=full.returncode,
        message=_last_lines(full.stderr),
        traceback="Traceback" in full.stderr,
        rebuild_returncode=rebuild.returncode,
        rebuild_message=_last_lines(rebuild.stderr),
        rebuild_traceback="Traceback" in rebuild.stderr,
        leftover_builds=len(leftover),
        previous_index_usable=usable,
        recovered=recovered,
        problems=problems,
    )


def _last_lines(text: str, n: int = 3) -> str:
    return "\n".join(text.strip().splitlines()[-n:])


def _judge_message(label: str, run, pending: int) -> list[str]:
    """A full disk must end the run non-zero, with a sentence, not a traceback."""
    problems = []
    if run.returncode == 0:
        problems.append(f"{label} on a full disk exited 0 with {pending} releases unwritten; stdout: {run.stdout.strip()[-300:]}")
    if "Traceback" in run.stderr:
        last = run.stderr.strip().splitlines()[-1]
        problems.append(f"{label} on a full disk printed a traceback ending {last!r} instead of a message")
    if "No space left on device" not in run.stderr:
        problems.append(f"{label} on a full disk does not say the disk is full; stderr ends {run.stderr.strip()[-300:]!r}")
    return problems

