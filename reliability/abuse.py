"""Hostile requests against the served app: every one must answer fast, with a status
below 500 (and strict JSON from the API), without starving ordinary searches or getting
a worker killed.

A generated corpus plus two hostile releases (one of 150,000 distinct words, one naming
a country 10,000 times) is indexed and served by gunicorn with two workers. A catalogue
of hostile requests of each kind the abuse-proofing issue names (spelling of many
made-up words, ranges over words, wildcards, long release pages, many facet values,
huge boosts, long queries), with varied words, is sent once each to find the slowest;
then four clients send them for a while as a fifth sends ordinary searches, whose p99
is the figure that matters to everyone else.
"""

import json
import random
import string
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from urllib.parse import quote, urlencode

from bench.generate import generate_corpus
from bench.load import get, run_load, serving
from bench.queries import QUERIES
from reliability import run_indexer

HUGE = "huge-vocabulary.txt"
MENTIONS = "many-mentions.txt"
SLOW_SECONDS = 1.0  # no hostile request may take longer
NORMAL_P99_SECONDS = 1.0  # ordinary searches' p99 while hostile requests run


@dataclass
class AbuseResult:
    releases: int
    hostile_kinds: dict  # kind -> number of distinct requests in the catalogue
    slowest: list  # the ten slowest single requests: [seconds, status, kind, path]
    statuses: dict  # status -> count, over the single pass
    hostile_load: dict  # the hostile clients' figures under load
    normal_under_load: dict  # the ordinary client's figures under load
    worker_timeouts: int  # "WORKER TIMEOUT" lines in gunicorn's log
    problems: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return asdict(self)


def write_hostile_releases(corpus_dir: Path, seed: int = 0, *, words: int = 150_000, size: int = 9_800_000) -> None:
    """The two releases that made requests slow: `words` distinct words in `size` bytes
    (150,000 in 9.8 MB), and 10,000 mentions of Panama."""
    rnd = random.Random(seed)
    vocabulary = sorted({"zq" + "".join(rnd.choices(string.ascii_lowercase, k=6)) for _ in range(words + words // 10)})
    kept = vocabulary[:words]
    lines = [" ".join(kept[i : i + 12]) for i in range(0, words, 12)]
    body = "\n".join(lines)
    repeats = max(1, size // (len(body) + 1))
    (corpus_dir / HUGE).write_text("A release of many words\n\n" + "\n".join([body] * repeats) + "\n")
    (corpus_dir / MENTIONS).write_text(
        "Panama, Panama and Panama\n\n" + "\n".join("Officials of Panama met in Panama." for _ in range(5000)) + "\n"
    )


def hostile_catalogue(rnd: random.Random) -> list[tuple[str, str]]:
    """(kind, path) of the hostile requests, each kind with varied words."""

    def made_up(n: int) -> str:
        return " ".join("".join(rnd.choices(string.ascii_lowercase, k=rnd.randint(6, 11))) for _ in range(n))

    def search(q: str, api: bool = False, **extra) -> str:
        return ("/api/search?" if api else "/search?") + urlencode({"q": q, **extra})

    out = []
    for n in range(6):
        out.append(("spelling: 64 made-up words", search(made_up(64), api=n % 2 == 1)))
        out.append(("spelling: 8 made-up words", search(made_up(8), api=n % 2 == 0)))
    for q in ("{a TO zz}", "[a TO z]", "{zq TO zr}", "body:[a TO zzzz]", "title:{a TO zzz}", "[0 TO 9999999]"):
        out.append(("range over words", search(q)))
        out.append(("range over words", search(q, api=True)))
    for q in ("zq*", "zqa*", "zqb*", "zq?a*", "zq*a", "se*ity", "co*", "re*", "zq* OR zr* OR zs*", "a*b*c*d*"):
        out.append(("wildcard", search(q)))
        out.append(("wildcard", search(q, api=True)))
    for q in ("", "panama", "panama OR officials", "zqa*"):
        for release in (HUGE, MENTIONS):
            out.append(("long release page", f"/release/{quote(release)}?" + urlencode({"q": q})))
    out.append(("long release page", f"/api/releases/{quote(HUGE)}"))
    for facet in ("country", "official", "year", "issuer"):
        values = [str(1990 + n % 40) if facet == "year" else f"Value {n} {made_up(1)}" for n in range(361)]
        out.append(("many facet values", "/search?" + urlencode([(facet, v) for v in values])))
        out.append(("many facet values", "/api/search?" + urlencode([(facet, v) for v in values[:20]])))
    for q in ("security^" + "9" * 400, "border^1e308 security^1e308", "(security^99999)^99999"):
        out.append(("huge boost", search(q, api=True)))
    common = [spec.q for spec in QUERIES if spec.q][:40]
    for n in range(4):
        words = rnd.sample(common, min(20, len(common)))
        out.append(("long query", search(" OR ".join(words)[:500])))
        out.append(("long query", search('"' + " ".join(words)[:480] + '"', api=True)))
        out.append(("long query", search("(" * 30 + made_up(5) + ")" * 30)))
        out.append(("long query", search(made_up(40), api=True, sort="newest", per_page="100", page="1000")))
    return out


def run_abuse(work_dir: Path, releases: int = 300, seconds: float = 10.0, clients: int = 4, seed: int = 0,
              huge_words: int = 150_000, huge_bytes: int = 9_800_000) -> AbuseResult:
    """Index, serve, send the catalogue once (slowest request), then under load."""
    work_dir = Path(work_dir)
    corpus_dir, index_dir = work_dir / "corpus", work_dir / "index"
    problems: list[str] = []
    generate_corpus(corpus_dir, releases, seed=seed)
    write_hostile_releases(corpus_dir, seed, words=huge_words, size=huge_bytes)
    done = run_indexer(corpus_dir, index_dir, timeout=3600)
    # Exit status 1 with warnings only is right: the huge release is indexed up to the
    # indexer's text limit, and says so.
    if done.returncode not in (0, 1) or ", 0 failed" not in done.stdout:
        problems.append(f"indexing the corpus with its hostile releases did not succeed: {done.describe()}")
    catalogue = hostile_catalogue(random.Random(seed))
    normal = ["/search?" + urlencode(spec.query_args()) for spec in QUERIES]
    log_path = work_dir / "gunicorn.log"
    with serving(index_dir, log_path, workers=2) as (port, _master):
        for _, path in catalogue[:8]:  # warm both workers' caches a little, as in service
            get(port, path)
        single = _single_pass(port, catalogue, problems)
        hostile, ordinary = _under_load(port, catalogue, normal, clients, seconds)
    timeouts = log_path.read_text(errors="replace").count("WORKER TIMEOUT")
    slow = [r for r in single if r[0] > SLOW_SECONDS]
    if slow:
        problems.append(f"{len(slow)} hostile requests took over {SLOW_SECONDS} s, e.g. {slow[:3]}")
    p99 = (ordinary["latency_ms"] or {}).get("p99")
    if p99 is None or p99 > NORMAL_P99_SECONDS * 1000:
        problems.append(f"ordinary searches' p99 was {p99} ms under hostile load (target {NORMAL_P99_SECONDS * 1000:.0f})")
    if ordinary["errors"]:
        problems.append(f"{ordinary['errors']} ordinary searches failed under hostile load: {ordinary['error_kinds']}")
    if hostile["server_errors"]:
        problems.append(f"{hostile['server_errors']} hostile requests got a 5xx other than the budget's 503 under load")
    if timeouts:
        problems.append(f"gunicorn killed {timeouts} workers for timing out")
    statuses: dict[str, int] = {}
    for _, status, _, _ in single:
        statuses[str(status)] = statuses.get(str(status), 0) + 1
    kinds: dict[str, int] = {}
    for kind, _ in catalogue:
        kinds[kind] = kinds.get(kind, 0) + 1
    return AbuseResult(
        releases=releases + 2,
        hostile_kinds=kinds,
        slowest=sorted(single, reverse=True)[:10],
        statuses=statuses,
        hostile_load=hostile,
        normal_under_load=ordinary,
        worker_timeouts=timeouts,
        problems=problems,
    )


def _single_pass(port: int, catalogue, problems: list[str]) -> list[list]:
    """Each hostile request once: [seconds, status, kind, path], with a problem for any
    5xx or any API answer that is not strict JSON."""
    timed = []
    for kind, path in catalogue:
        started = time.perf_counter()
        status, body = get(port, path)
        seconds = round(time.perf_counter() - started, 3)
        timed.append([seconds, status, kind, path[:120]])
        if status >= 500:
            problems.append(f"{kind}: {path[:120]} answered HTTP {status}")
        if path.startswith("/api/") and not _strict_json(body):
            problems.append(f"{kind}: {path[:120]} did not answer strict JSON")
    return timed


def _strict_json(body: bytes) -> bool:
    def refuse(constant):
        raise ValueError(constant)

    try:
        json.loads(body, parse_constant=refuse)
    except ValueError:
        return False
    return True


def _under_load(port: int, catalogue, normal: list[str], clients: int, seconds: float) -> tuple[dict, dict]:
    """`clients` threads send hostile requests while one sends ordinary searches."""
    hostile_paths = [path for _, path in catalogue]
    random.Random(1).shuffle(hostile_paths)
    statuses: dict[str, int] = {}
    lock = threading.Lock()

    def hostile_client(n: int, stop: threading.Event) -> None:
        i = n
        while not stop.is_set():
            try:
                status, _ = get(port, hostile_paths[i % len(hostile_paths)])
            except OSError as exc:
                status = type(exc).__name__
            with lock:
                statuses[str(status)] = statuses.get(str(status), 0) + 1
            i += clients

    stop = threading.Event()
    threads = [threading.Thread(target=hostile_client, args=(n, stop), daemon=True) for n in range(clients)]
    for thread in threads:
        thread.start()
    started = time.perf_counter()
    try:
        ordinary = run_load(port, normal, clients=1, seconds=seconds)
    finally:
        stop.set()
        for thread in threads:
            thread.join()
    elapsed = time.perf_counter() - started
    # A 503 is the time budget answering with a sentence; any other 5xx, or no answer, is a failure.
    failed = sum(n for s, n in statuses.items() if not s.isdigit() or (int(s) >= 500 and s != "503"))
    return {"clients": clients, "seconds": round(elapsed, 1), "requests": sum(statuses.values()),
            "statuses": dict(sorted(statuses.items())), "server_errors": failed}, ordinary

