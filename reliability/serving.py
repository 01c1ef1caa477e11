"""The web app under gunicorn while the index changes under it; and HTTP load.

Indexing while serving: gunicorn (2 workers, 127.0.0.1, a free port) answers a steady
stream of requests from a few client threads while the indexing command adds, changes
and removes releases, and now and then swaps in a `--rebuild`. A set of "versioned"
releases is rewritten before every run: each carries its version marker (revzq0003) in
its title and in every paragraph of its body, and none is ever added or removed. So in
every answer:

* a search for their shared word finds exactly all of them, each once;
* each hit's title version equals its snippet's version, and a release's title version
  equals every version in its body (old text or new text, never half);
* all of them carry the same version (one run is one commit);
* one client never sees a version older than one it has already seen.

After each run: every added release is found, every removed one answers 404.
The corpus is only edited between runs, as a curator would with a running indexer
idle: the indexer cannot read a release and its sidecar in one atomic step.
"""

import json
import random
import re
import threading
import time
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path
from urllib.parse import quote, urlencode

from bs4 import BeautifulSoup

from bench.generate import FIRST_DAY, LAST_DAY, add_releases, generate_corpus
from bench.load import get, run_load, serving
from bench.queries import QUERIES, with_each_year
from reliability import describe_difference, index_ids, run_indexer, snapshot_difference, tree_snapshot
from reliability.kills import corpus_ids

SHARED_WORD = "quillfeather"  # in every versioned release and in no generated one
FOLDER = "versioned"
_MARKER = re.compile(r"revzq(\d{4})")
MAX_REQUESTS = 100_000  # per harness run, whatever the duration
REQUEST_KINDS = ("api-search", "html-search", "api-release", "html-release", "facet-search")


def marker(version: int) -> str:
    return f"revzq{version:04d}"


def versioned_text(number: int, version: int) -> str:
    """A release whose title and every paragraph carry its version marker."""
    m = marker(version)
    paragraphs = [
        f"WASHINGTON -- {SHARED_WORD.capitalize()} revision {m}: Secretary of Homeland Security Jeh Johnson "
        f"met officials from Panama about border security, notice {number}.",
        *(f"{SHARED_WORD.capitalize()} revision {m}, paragraph {p}: the partners reviewed cargo screening "
          f"and information sharing at the ports." for p in range(2, 6)),
    ]
    return f"{SHARED_WORD.capitalize()} notice {number} revision {m}\n\nRelease Date: March 3, 2015\n\n" + "\n\n".join(paragraphs) + "\n"


def write_versioned(corpus_dir: Path, count: int, version: int) -> list[str]:
    """(Re)write the versioned releases at `version`, each file replaced in one rename."""
    ids = []
    for number in range(count):
        path = Path(corpus_dir) / FOLDER / f"v-{number:03d}.txt"
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name("." + path.name + ".tmp")  # dot files are not releases
        tmp.write_text(versioned_text(number, version), encoding="utf-8")
        tmp.replace(path)
        ids.append(f"{FOLDER}/{path.name}")
    return ids


def versions(text: str) -> set[int]:
    return {int(v) for v in _MARKER.findall(text)}


@dataclass
class ServingResult:
    releases: int  # at the start
    versioned: int
    index_runs: int
    rebuilds: int
    requests: int
    requests_during_runs: int  # sent or answered while an indexing run was going on
    failures: int  # not 200, or no answer
    inconsistent: int  # answered, but breaking one of the properties above
    by_kind: dict[str, int]
    versions_seen: list[int]
    seconds: float
    problems: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return asdict(self)


class _Stream:
    """Client threads sending a steady mix of requests and checking every answer."""

    def __init__(self, port: int, versioned: list[str], seed: int):
        self.port, self.versioned, self.seed = port, versioned, seed
        self.stop = threading.Event()
        self.indexing = threading.Event()  # set while an indexing run is going on
        self.during_runs = 0  # requests sent or answered while a run was going on
        self.lock = threading.Lock()
        self.requests = 0
        self.failures: list[str] = []
        self.inconsistent: list[str] = []
        self.by_kind: Counter = Counter()
        self.seen: set[int] = set()

    def run(self, clients: int) -> list[threading.Thread]:
        threads = [threading.Thread(target=self._client, args=(n,), daemon=True) for n in range(clients)]
        for thread in threads:
            thread.start()
        return threads

    def _client(self, number: int) -> None:
        rng = random.Random(f"{self.seed}:{number}")
        newest = 0  # the highest version this client has seen
        while not self.stop.is_set():
            with self.lock:
                if self.requests >= MAX_REQUESTS:
                    return
                self.requests += 1
            kind = REQUEST_KINDS[rng.randrange(len(REQUEST_KINDS))]
            path = self._path(kind, rng)
            during = self.indexing.is_set()
            try:
                status, body = get(self.port, path)
            except Exception as exc:  # noqa: BLE001 - any failure to answer is the finding
                self._record(kind, failure=f"GET {path}: no answer: {type(exc).__name__}: {exc}")
                continue
            if during or self.indexing.is_set():
                with self.lock:
                    self.during_runs += 1
            if status != 200:
                self._record(kind, failure=f"GET {path}: HTTP {status}: {body[:300]!r}")
                continue
            try:
                seen, problem = self._check(kind, body.decode("utf-8"))
            except Exception as exc:  # noqa: BLE001 - an unreadable answer is inconsistent
                seen, problem = set(), f"unreadable answer: {type(exc).__name__}: {exc}"
            if not problem and seen and min(seen) < newest:
                problem = f"went back to version {min(seen)} after this client had seen {newest}"
            newest = max([newest, *seen])
            self._record(kind, seen=seen, inconsistent=f"GET {path}: {problem}" if problem else None)

    def _record(self, kind: str, failure: str | None = None, seen: set[int] = frozenset(), inconsistent: str | None = None):
        with self.lock:
            self.by_kind[kind] += 1
            self.seen |= seen
            if failure:
                self.failures.append(failure)
            if inconsistent:
                self.inconsistent.append(inconsistent)

    def _path(self, kind: str, rng: random.Random) -> str:
        if kind == "api-search":
            return f"/api/search?q={SHARED_WORD}&per_page=100"
        if kind == "html-search":
            return f"/search?q={SHARED_WORD}&per_page=100"
        if kind == "api-release":
            return "/api/releases/" + quote(rng.choice(self.versioned))
        if kind == "html-release":
            return "/release/" + quote(rng.choice(self.versioned))
        spec = rng.choice(QUERIES)
        return ("/api/search?" if rng.random() < 0.5 else "/search?") + urlencode(spec.query_args())

    def _check(self, kind: str, text: str) -> tuple[set[int], str | None]:
        """The versions an answer shows, and what is wrong with it (None when nothing is)."""
        if kind == "api-search":
            data = json.loads(text)
            hits = [(h["id"], h["title"], re.sub(r"<[^>]*>", "", h["snippet"])) for h in data["results"]]
            return _check_hits(hits, data["total"], len(self.versioned))
        if kind == "html-search":
            soup = BeautifulSoup(text, "html.parser")
            hits = [(a["href"].split("?")[0], a.get_text(), li.select_one(".snippet").get_text())
                    for li in soup.select("li.result") for a in li.select(".result-title a")]
            summary = " ".join(soup.select_one(".results-summary").get_text().split())
            total = int(summary.split()[0].replace(",", "")) if summary[:1].isdigit() else 0
            return _check_hits(hits, total, len(self.versioned))
        if kind == "api-release":
            data = json.loads(text)
            return _check_release(data["title"], data["body"])
        if kind == "html-release":
            soup = BeautifulSoup(text, "html.parser")
            return _check_release(soup.select_one("#release-title").get_text(), soup.select_one(".body").get_text())
        if text.lstrip().startswith("{"):
            json.loads(text)
        elif "</html>" not in text:
            return set(), "the page ends before </html>"
        return set(), None


def _check_hits(hits: list[tuple[str, str, str]], total: int, expected: int) -> tuple[set[int], str | None]:
    seen: set[int] = set()
    problems = []
    if total != expected or len(hits) != expected:
        problems.append(f"{total} results ({len(hits)} listed) for {SHARED_WORD!r}, expected exactly {expected}")
    ids = [h[0] for h in hits]
    if len(set(ids)) != len(ids):
        problems.append(f"a release is listed twice: {sorted(i for i, n in Counter(ids).items() if n > 1)[:3]}")
    for release_id, title, snippet in hits:
        in_title, in_snippet = versions(title), versions(snippet)
        seen |= in_title | in_snippet
        if len(in_title) != 1 or (in_snippet and in_snippet != in_title):
            problems.append(f"{release_id}: title {title!r} has versions {sorted(in_title)}, snippet {sorted(in_snippet)}")
    if len(seen) > 1:
        problems.append(f"the results mix versions {sorted(seen)}: one run's changes were not seen whole")
    return seen, "; ".join(problems[:4]) or None


def _check_release(title: str, body: str) -> tuple[set[int], str | None]:
    in_title, in_body = versions(title), versions(body)
    if len(in_title) != 1 or in_body != in_title:
        return in_title | in_body, f"title {title!r} has versions {sorted(in_title)}, body has {sorted(in_body)}"
    return in_title, None


def run_serving(work_dir: Path, releases: int = 200, versioned: int = 12, rounds: int = 4, clients: int = 3,
                seed: int = 0, churn: int = 15) -> ServingResult:
    """Serve an index with gunicorn while `rounds` indexing runs change it (every third a rebuild)."""
    started = time.monotonic()
    work_dir = Path(work_dir)
    corpus_dir, index_dir = work_dir / "corpus", work_dir / "index"
    rng = random.Random(seed)
    generate_corpus(corpus_dir, releases, seed=seed)
    versioned_ids = write_versioned(corpus_dir, versioned, 0)
    first = run_indexer(corpus_dir, index_dir)
    if first.returncode != 0:
        raise RuntimeError(f"the first indexing run failed: {first.describe()}")
    problems: list[str] = []
    runs = rebuilds = 0
    with serving(index_dir, work_dir / "gunicorn.log", workers=2) as (port, _master):
        stream = _Stream(port, versioned_ids, seed)
        threads = stream.run(clients)
        try:
            time.sleep(0.5)
            for round_ in range(1, rounds + 1):
                rebuild = round_ % 3 == 0
                write_versioned(corpus_dir, versioned, round_)
                generated = sorted(corpus_ids(corpus_dir) - set(versioned_ids))
                removed = rng.sample(generated, min(churn, len(generated)))
                for relpath in removed:
                    (corpus_dir / relpath).unlink()
                    (corpus_dir / relpath).with_name(Path(relpath).stem + ".meta.json").unlink(missing_ok=True)
                added = add_releases(corpus_dir, churn, seed=seed * 1000 + round_)
                stream.indexing.set()
                try:
                    done = run_indexer(corpus_dir, index_dir, rebuild=rebuild)
                finally:
                    stream.indexing.clear()
                runs, rebuilds = runs + 1, rebuilds + rebuild
                if done.returncode != 0:
                    problems.append(f"round {round_}: the indexing run failed: {done.describe()}")
                problems += [f"round {round_}: {p}" for p in _after_run(port, corpus_dir, index_dir, added, removed,
                                                                       versioned_ids, round_)]
                time.sleep(0.3)
        finally:
            stream.stop.set()
            for thread in threads:
                thread.join(timeout=60)
    log = (work_dir / "gunicorn.log").read_text(errors="replace")
    errors = [line for line in log.splitlines() if "Traceback" in line or "[ERROR]" in line or "[CRITICAL]" in line]
    if errors:
        problems.append(f"gunicorn's log has {len(errors)} error lines, the first: {errors[0]!r}")
    problems += [f"failed request: {f}" for f in stream.failures[:10]]
    problems += [f"inconsistent answer: {i}" for i in stream.inconsistent[:10]]
    if stream.seen != set(range(rounds + 1)) and not stream.failures:
        # Not a failure of the app by itself, but the test did not see what it was meant to.
        problems.append(f"the clients saw versions {sorted(stream.seen)}, not every one of 0..{rounds}")
    return ServingResult(
        releases=releases + versioned,
        versioned=versioned,
        index_runs=runs,
        rebuilds=rebuilds,
        requests=sum(stream.by_kind.values()),
        requests_during_runs=stream.during_runs,
        failures=len(stream.failures),
        inconsistent=len(stream.inconsistent),
        by_kind=dict(stream.by_kind),
        versions_seen=sorted(stream.seen),
        seconds=round(time.monotonic() - started, 1),
        problems=problems,
    )


def _after_run(port: int, corpus_dir: Path, index_dir: Path, added: list[str], removed: list[str],
               versioned_ids: list[str], version: int) -> list[str]:
    """Right after a run, every worker must answer from the new index."""
    problems = []
    ids = index_ids(index_dir) or []
    want = corpus_ids(corpus_dir)
    if sorted(ids) != sorted(want):
        problems.append(f"the index differs from the corpus: {describe_difference(ids, want)}")
    for _ in range(4):  # enough requests to reach both workers
        status, body = get(port, f"/api/search?q={SHARED_WORD}&per_page=100")
        seen = {v for h in json.loads(body)["results"] for v in versions(h["title"])} if status == 200 else set()
        if seen != {version}:
            problems.append(f"after the run, a search shows versions {sorted(seen)} (HTTP {status}), expected {version}")
    for relpath in added[:5]:
        status, _ = get(port, "/api/releases/" + quote(relpath))
        if status != 200:
            problems.append(f"added release {relpath} answers HTTP {status} after the run")
    for relpath in removed[:5]:
        status, _ = get(port, "/api/releases/" + quote(relpath))
        if status != 404:
            problems.append(f"removed release {relpath} answers HTTP {status} after the run, expected 404")
    return problems


# ---------------------------------------------------------------------------------------
# Load


@dataclass
class LoadResult:
    releases: int
    clients: int
    seconds: float
    requests: int
    requests_per_second: float
    latency_ms: dict | None  # p50, p95, p99, mean, n
    errors: int
    error_kinds: dict
    index_unchanged: bool  # the index folder was byte-for-byte untouched by serving
    problems: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return asdict(self)


def load_paths() -> list[str]:
    """Searches with facet filters and highlighted snippets, as pages and as JSON.

    Every query in every year: more distinct searches than a worker's result cache holds.
    """
    specs = with_each_year(QUERIES, range(FIRST_DAY.year, LAST_DAY.year + 1))
    paths = []
    for n, spec in enumerate(specs):
        prefix = "/api/search?" if n % 2 else "/search?"
        paths.append(prefix + urlencode(spec.query_args()))
    random.Random(0).shuffle(paths)
    return paths


def run_load_test(work_dir: Path, releases: int = 300, seconds: float = 10.0, clients: int = 4, seed: int = 0) -> LoadResult:
    """Index `releases` generated releases, then load gunicorn on 127.0.0.1 for `seconds`."""
    work_dir = Path(work_dir)
    corpus_dir, index_dir = work_dir / "corpus", work_dir / "index"
    if not (index_dir / "CURRENT").exists():
        generate_corpus(corpus_dir, releases, seed=seed)
        done = run_indexer(corpus_dir, index_dir)
        if done.returncode != 0:
            raise RuntimeError(f"indexing for the load test failed: {done.describe()}")
    problems = []
    before = tree_snapshot(index_dir)
    with serving(index_dir, work_dir / "gunicorn.log", workers=2) as (port, _master):
        figures = run_load(port, load_paths(), clients=clients, seconds=seconds)
    changed = snapshot_difference(before, tree_snapshot(index_dir))
    if changed:
        problems.append(f"serving changed the index folder: {changed}")
    if figures["errors"]:
        problems.append(f"{figures['errors']} requests failed under load: {figures['error_kinds']}")
    if not figures["requests"]:
        problems.append("no request was answered")
    return LoadResult(
        releases=len(index_ids(index_dir) or []),
        clients=clients,
        seconds=figures["seconds"],
        requests=figures["requests"],
        requests_per_second=figures["requests_per_second"],
        latency_ms=figures["latency_ms"],
        errors=figures["errors"],
        error_kinds=figures["error_kinds"],
        index_unchanged=not changed,
        problems=problems,
    )
