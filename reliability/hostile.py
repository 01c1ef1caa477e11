"""Hostile release files placed among good ones, and what the indexer must make of each.

Every case says what must happen to it: indexed (with the text it must decode to),
failed or warned about (with the reason the summary must give), ignored, or absent
(neither indexed nor reported, such as a folder whose name ends in .txt).

Unreadable files: tests run as root, and root ignores permission bits, so a chmod 000
file is still read. The cases that really make reading fail for root are a dangling
symlink (open() fails with ENOENT), a symlink loop (ELOOP) and, separately, a FIFO
(open() blocks until a writer appears: see `write_fifo`).
"""

import html
import json
import os
import random
import re
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

from bench.generate import generate_corpus
from indexer.build import Summary, update_index
from indexer.load import MAX_HTML_ELEMENTS, MAX_TEXT_CHARS
from indexer.sidecar import MAX_VALUES
from indexer.sources import MAX_BYTES, OUTSIDE
from reliability import child_env, describe_difference, index_ids, run_indexer
from webapp.engine import Engine
from webapp.search import get_release

FOLDER = "hostile"
LARGE_BYTES = 50 * 1024 * 1024
IGNORED_REASON = "not a release file (expected one of .htm, .html, .md, .txt)"
SIDECAR_SUFFIX = "; indexed without the sidecar"

# What scripts in hostile HTML would do if they ran: an alert, and a marker in the DOM.
# The browser test looks for both.
ALERT_ID = "hostile-ran"
INJECTED_ID = "injected"
SMART_QUOTES = "“Smart quotes” survive — it’s a test… costing €5"
LATIN1_TEXT = "Panamá, São Tomé, Zürich and Ñuñoa: ½ of the señores agreed"
UTF16_TEXT = "Ciudad de México — “Acuerdo” on 日本 and Ελλάδα"
TRUNCATED_TEXT = "The Señor from Bogotá said the café"


@dataclass(frozen=True)
class HostileCase:
    """One hostile file and what the indexer must do with it."""

    name: str  # short label for tables and test ids
    relpath: str  # the release id the file would have
    outcome: str  # "indexed", "failed", "warning" (indexed, reported), "ignored", "skipped", "absent"
    reason: str = ""  # regular expression the reported reason must match in full
    text: tuple[str, ...] = ()  # must appear in the indexed body (decoded correctly)
    not_text: tuple[str, ...] = ()  # must not appear in the indexed body
    title_words: tuple[str, ...] = ()  # when given, every word of the indexed title is one of these


@dataclass
class HostileCorpus:
    corpus_dir: Path
    good: list[str]  # ids of the ordinary generated releases
    cases: list[HostileCase]

    @property
    def expected_ids(self) -> set[str]:
        """Every id the index must hold: the good releases and the readable hostile ones."""
        return set(self.good) | {c.relpath for c in self.cases if c.outcome in ("indexed", "warning")}


@dataclass
class HostileResult:
    cases: int
    good: int
    indexed: int
    failed: int
    warnings: int
    ignored: int
    skipped: int
    seconds: float
    fifo: str  # what the indexing command did with a FIFO named like a release
    parse_seconds: dict[str, str]  # files whose shape is hostile -> time to read and parse them
    problems: list[str] = field(default_factory=list)


def _exact(text: str) -> str:
    return re.escape(text)


def write_hostile_corpus(corpus_dir: Path, good: int = 30, seed: int = 0) -> HostileCorpus:
    """Write `good` generated releases and every hostile case under `corpus_dir`."""
    corpus_dir = Path(corpus_dir)
    good_ids = generate_corpus(corpus_dir, good, seed=seed)
    base = corpus_dir / FOLDER
    base.mkdir(parents=True, exist_ok=True)
    cases: list[HostileCase] = []

    def add(name: str, data: bytes | str, case_kwargs: dict, *, relname: str | None = None) -> None:
        relname = relname or f"{name}.txt"
        path = base / relname
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
        cases.append(HostileCase(name=name, relpath=f"{FOLDER}/{relname}", **case_kwargs))

    add("empty", b"", {"outcome": "failed", "reason": _exact("empty file")})
    add("whitespace-only", b" \t\r\n \n\n\t  \r\n", {"outcome": "failed", "reason": _exact("empty file")})
    add("binary-nul", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 8,
        {"outcome": "failed", "reason": _exact("binary file (contains NUL bytes)")})
    add("binary-control", bytes([1, 2, 3, 4, 5, 6, 7, 8, 11, 14, 15, 16]) * 200 + b"some words",
        {"outcome": "failed", "reason": _exact("binary file (mostly control characters)")})
    add("truncated-utf8",
        _release_text("Truncated UTF-8 release", TRUNCATED_TEXT).encode("utf-8") + " caf".encode() + "é".encode()[:1],
        {"outcome": "indexed", "text": (TRUNCATED_TEXT,), "not_text": ("Ã", "\ufffd")})
    add("windows-1252", _release_text("Windows-1252 release", SMART_QUOTES).encode("cp1252"),
        {"outcome": "indexed", "text": (SMART_QUOTES,), "not_text": ("â€",)})
    add("latin-1", _release_text("Latin-1 release", LATIN1_TEXT).encode("latin-1"),
        {"outcome": "indexed", "text": (LATIN1_TEXT,), "not_text": ("Ã",)})
    add("utf-16-bom", _release_text("UTF-16 release", UTF16_TEXT).encode("utf-16"),
        {"outcome": "indexed", "text": (UTF16_TEXT,)})
    add("utf-16be-bom", b"\xfe\xff" + _release_text("UTF-16 big-endian release", UTF16_TEXT).encode("utf-16-be"),
        {"outcome": "indexed", "text": (UTF16_TEXT,)})
    add("deeply-nested-html", _nested_html(5000), {"outcome": "indexed", "text": ("Deeply nested marker text survives.",)},
        relname="deeply-nested-html.html")
    add("unclosed-html",
        "<html><head><title>Unclosed HTML release</title><body><h1>Unclosed HTML release<p>Unclosed paragraph "
        "marker text about border security <b>bold <i>never closed <div><table><tr><td>cell text",
        {"outcome": "indexed", "text": ("Unclosed paragraph marker text about border security",)},
        relname="unclosed-html.html")
    # An HTML parser reads everything after an unclosed <title> as its text: the page's
    # text must still be indexed, and the title must not run its words together.
    add("unclosed-title",
        "<html><head><title>Unclosed title<body><h1>Heading</h1><p>Paragraph about border security.</p>",
        {"outcome": "indexed", "text": ("Paragraph about border security.",),
         "title_words": ("Unclosed", "title", "Heading", "Paragraph", "about", "border", "security.")},
        relname="unclosed-title.html")
    add("script-html", script_html(),
        {"outcome": "indexed", "text": ("Hostilemarker visible paragraph", "<script>alert('escaped-payload')</script>"),
         "not_text": ("script-tag-ran", "window.__pwned")},
        relname="script-html.html")
    large = b"border security cooperation\n" * (LARGE_BYTES // 28)
    add("large-50mb", large, {"outcome": "failed", "reason": _exact(f"too large: {len(large):,} bytes (limit {MAX_BYTES:,})")})
    add("no-extension", _release_text("No extension", "A release saved without an extension."),
        {"outcome": "ignored", "reason": _exact(IGNORED_REASON)}, relname="README")
    add("spaces-non-ascii", _release_text("Año nuevo release", "Señal de paz from the Ministerio in Panamá."),
        {"outcome": "indexed", "text": ("Señal de paz from the Ministerio in Panamá.",)},
        relname="Año nuevo — señal de paz (2).txt")
    add("sidecar-invalid-json", _release_text("Sidecar with broken JSON", "The sidecar beside this release is broken."),
        {"outcome": "warning", "reason": r"sidecar is not valid JSON: .+" + re.escape(SIDECAR_SUFFIX),
         "text": ("The sidecar beside this release is broken.",)})
    (base / "sidecar-invalid-json.meta.json").write_bytes(b'{"title": "Never used", "date": "2019-01-01",,}')
    add("sidecar-wrong-date", _release_text("Sidecar with an impossible date", "The sidecar date is February 30."),
        {"outcome": "warning", "reason": _exact("sidecar date '2019-02-30' is not a real date: day is out of range for month"
                                                + SIDECAR_SUFFIX),
         "text": ("The sidecar date is February 30.",)})
    (base / "sidecar-wrong-date.meta.json").write_text('{"title": "Never used either", "date": "2019-02-30"}')

    add_issue9_cases(base, add, cases)

    # Symlinks and special files.
    (base / "loop-a.txt").symlink_to("loop-b.txt")
    (base / "loop-b.txt").symlink_to("loop-a.txt")
    for name in ("loop-a", "loop-b"):
        cases.append(HostileCase(name=f"symlink-loop-{name[-1]}", relpath=f"{FOLDER}/{name}.txt", outcome="failed",
                                 reason=_exact("cannot read: Too many levels of symbolic links")))
    (base / "dangling.txt").symlink_to("no-such-release.txt")
    cases.append(HostileCase(name="dangling-symlink", relpath=f"{FOLDER}/dangling.txt", outcome="failed",
                             reason=_exact("cannot read: No such file or directory")))
    # A folder that links to its parent: walking it must not go round for ever, nor index
    # the release inside twice.
    add("inside-looping-folder", _release_text("Inside a looping folder", "A release in a folder with a loop."),
        {"outcome": "indexed", "text": ("A release in a folder with a loop.",)}, relname="loopdir/inside.txt")
    (base / "loopdir" / "again").symlink_to("..", target_is_directory=True)
    cases.append(HostileCase(name="folder-symlink-loop", relpath=f"{FOLDER}/loopdir/again/loopdir/inside.txt",
                             outcome="absent"))
    # A folder named like a release: it is walked as a folder, not opened as a file.
    add("inside-folder-named-txt", _release_text("Inside a folder named .txt", "A release inside folder.txt."),
        {"outcome": "indexed", "text": ("A release inside folder.txt.",)}, relname="folder.txt/inside.txt")
    cases.append(HostileCase(name="folder-named-txt", relpath=f"{FOLDER}/folder.txt", outcome="absent"))
    return HostileCorpus(corpus_dir, good_ids, cases)


DISTINCT_WORDS = 150_000
COUNTRY_MENTIONS = 10_000


def add_issue9_cases(base: Path, add, cases: list[HostileCase]) -> None:
    """The files of issue 9 that stopped a whole run, were published when they should not
    be, or cost minutes or gigabytes: each must be reported and the rest indexed."""
    good = _release_text("Release with a bad sidecar", "The text of this release is fine.")
    sidecar = {"outcome": "warning", "text": ("The text of this release is fine.",)}
    add("sidecar-deep", good, {**sidecar, "reason": _exact(
        "sidecar is nested too deeply to read (JSON arrays or objects inside each other)" + SIDECAR_SUFFIX)})
    (base / "sidecar-deep.meta.json").write_text("[" * 100_000 + "]" * 100_000)
    add("sidecar-many-officials", good, {**sidecar, "reason": _exact(
        f"sidecar field 'officials' lists 20,000 values; at most {MAX_VALUES} are allowed" + SIDECAR_SUFFIX)})
    (base / "sidecar-many-officials.meta.json").write_text(json.dumps({"officials": [
        f"Official Number{n}" for n in range(20_000)]}))
    for key in ("countries", "officials", "title"):
        value = '"Sur \\ud800 title"' if key == "title" else '["x\\ud800"]'
        add(f"sidecar-surrogate-{key}", good, {"outcome": "indexed", "text": ("The text of this release is fine.",)})
        (base / f"sidecar-surrogate-{key}.meta.json").write_text(f'{{"{key}": {value}}}')
    # os.walk hands over a name that is not UTF-8 with its bytes escaped: "\udcff" is byte 0xff.
    add("name-not-utf8", good, {"outcome": "failed", "reason": _exact(
        "the file name is not valid UTF-8; rename it to UTF-8 to index it")}, relname="bad\udcff name.txt")
    add("name-terminal-escape", _release_text("Escape name", "A release whose name holds an escape sequence."),
        {"outcome": "indexed", "text": ("A release whose name holds an escape sequence.",)},
        relname="escape\x1b]0;pwned\x07\x1b[31mred.txt")
    add("name-cr-lf", _release_text("Line break name", "A release whose name holds CR and LF."),
        {"outcome": "indexed", "text": ("A release whose name holds CR and LF.",)}, relname="line\r\nbreak.txt")
    (base / "passwd.txt").symlink_to("/etc/passwd")
    cases.append(HostileCase(name="symlink-out-of-corpus", relpath=f"{FOLDER}/passwd.txt", outcome="skipped",
                             reason=_exact(OUTSIDE)))
    distinct = distinct_words_release()
    add("distinct-words-9.8mb", distinct, {"outcome": "warning", "reason": _exact(
        f"text of {len(distinct):,} characters; only the first {distinct.rfind(' ', 0, MAX_TEXT_CHARS):,} are indexed"),
        "text": (distinct.split("\n")[2],)})  # the first line of words (the first is the title)
    add("country-mentions-10000",
        "Panama release\n\nWASHINGTON -- " + "Officials from Panama met again. " * COUNTRY_MENTIONS + "\n",
        {"outcome": "indexed", "text": ("Officials from Panama met again.",)})
    elements = 300_000
    add("html-300000-elements", "<html><head><title>Elements</title></head><body><p>Border security.</p>"
        + "<i a=1 b=2 c=3 d=4 e=5>t</i>" * elements + "</body></html>",
        {"outcome": "failed", "reason": _exact(f"HTML of {elements + 5:,} elements; at most {MAX_HTML_ELEMENTS:,} are read")},
        relname="html-300000-elements.html")
    hyphens = "Hyphens\n\n" + "Aa-" * 3_000_000 + "\n"
    add("hyphenated-9mb-word", hyphens, {"outcome": "warning", "reason": r"text of [\d,]+ characters; only the first "
                                         r"[\d,]+ are indexed", "text": ("Aa-Aa-Aa",)})


def distinct_words_release(words: int = DISTINCT_WORDS, size: int = 9_800_000, seed: int = 0) -> str:
    """A 9.8 MB release naming `words` distinct made-up words (each once, in order, then
    drawn at random): a lexicon far past any real corpus's, for range and prefix queries."""
    rng = random.Random(seed)
    found: set[str] = set()
    while len(found) < words:
        found.add("".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(rng.randint(5, 12))))
    vocabulary = sorted(found)
    lines = ["Distinct words release", ""]
    lines += [" ".join(vocabulary[n:n + 12]) + "." for n in range(0, words, 12)]
    length = sum(len(line) + 1 for line in lines)
    while length < size:
        line = " ".join(rng.sample(vocabulary, 12)) + "."
        lines.append(line)
        length += len(line) + 1
    return "\n".join(lines) + "\n"


def write_fifo(corpus_dir: Path) -> HostileCase:
    """A FIFO named like a release: root can open it, but open() blocks until a writer comes.

    Kept out of write_hostile_corpus so that an indexer hanging on it cannot hide what
    happens to the other cases.
    """
    path = Path(corpus_dir) / FOLDER / "fifo.txt"
    path.parent.mkdir(parents=True, exist_ok=True)
    os.mkfifo(path)
    return HostileCase(name="fifo", relpath=f"{FOLDER}/fifo.txt", outcome="failed", reason=r".+")


def check_fifo(work_dir: Path, timeout: float = 20) -> tuple[str, list[str]]:
    """Run the indexing command on one good release and a FIFO; it must report the FIFO."""
    corpus = Path(work_dir) / "corpus"
    good = corpus / FOLDER / "good.txt"
    good.parent.mkdir(parents=True, exist_ok=True)
    good.write_text(_release_text("Beside a FIFO", "A good release beside a FIFO."))
    case = write_fifo(corpus)
    try:
        done = run_indexer(corpus, Path(work_dir) / "index", timeout=timeout)
    except subprocess.TimeoutExpired:
        return "blocked", [f"{case.name} ({case.relpath}): the indexing command was still waiting after {timeout:.0f} s; "
                           "it opened the FIFO, and open() blocks until a writer appears"]
    finally:
        (corpus / case.relpath).unlink()  # a FIFO left behind would hang the next tool that walks the folder
    reported = [line for line in done.stderr.splitlines() if line.startswith(f"failed: {case.relpath}: ")]
    problems = []
    if done.returncode != 1 or len(reported) != 1:
        problems.append(f"{case.name}: expected exit 1 and one failure line for {case.relpath}: {done.describe()}")
    if index_ids(Path(work_dir) / "index") != [f"{FOLDER}/good.txt"]:
        problems.append(f"{case.name}: the good release beside the FIFO was not indexed alone")
    return (reported[0].split(": ", 2)[2] if reported else "not reported"), problems


def slow_files() -> dict[str, bytes]:
    """Files under the size limit whose shape, not size, is hostile: each must be read in
    seconds (linear work takes well under one), not minutes."""
    return {
        "nested-50000.html": _nested_html(50_000).encode(),  # 550 KB: <div> 50,000 deep
        "paragraphs-50000.html": b"<html><body>" + b"<p>Border security.</p>" * 50_000 + b"</body></html>",  # 1.2 MB
        "lines-100000.txt": b"Talks\n\n" + b"Secretary Napolitano met Panama officials.\n" * 100_000,  # 4.3 MB
    }


def check_parse_time(work_dir: Path, limit: float = 10.0) -> tuple[dict[str, str], list[str]]:
    """Read and parse each of `slow_files`, each in a child process stopped after `limit` s."""
    folder = Path(work_dir) / "slow"
    folder.mkdir(parents=True, exist_ok=True)
    code = "import sys; from reliability.hostile import _time_parse; _time_parse(sys.argv[1])"
    figures, problems = {}, []
    for name, data in slow_files().items():
        path = folder / name
        path.write_bytes(data)
        try:
            done = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True, text=True,
                                  timeout=limit, env=child_env())
        except subprocess.TimeoutExpired:
            figures[name] = f"over {limit:.0f} s (stopped)"
            problems.append(f"{name} ({len(data):,} bytes) was still being parsed after {limit:.0f} s")
            continue
        figures[name] = done.stdout.strip() or f"exit {done.returncode}: {done.stderr.strip()[-300:]}"
        if done.returncode != 0:
            problems.append(f"{name}: the parse crashed: {done.stderr.strip()[-300:]}")
    return figures, problems


def _time_parse(path: str) -> None:
    """In a child process: read and parse one file, print 'seconds outcome'."""
    import time

    from indexer.load import load_release
    from indexer.sources import SourceError

    path = Path(path)
    started = time.perf_counter()
    try:
        load_release(path, path.parent)
        outcome = "parsed"
    except SourceError as exc:
        outcome = f"failed: {exc}"
    print(f"{time.perf_counter() - started:.2f} s, {outcome}")


def _release_text(title: str, sentence: str) -> str:
    return (
        f"{title}\n\nRelease Date: March 3, 2015\n\n"
        f"WASHINGTON -- {sentence} Secretary of Homeland Security Jeh Johnson met officials from "
        "Panama to discuss border security.\n"
    )


def _nested_html(depth: int) -> str:
    return (
        "<html><head><title>Deeply nested HTML release</title></head><body><h1>Deeply nested HTML release</h1>"
        + "<div>" * depth + "<p>Deeply nested marker text survives.</p>" + "</div>" * depth
        + "</body></html>"
    )


def script_html() -> str:
    """An HTML release whose markup tries to run script, and whose text spells out markup."""
    return f"""<!DOCTYPE html>
<html><head>
<title>Hostile script release</title>
<script>alert('script-tag-ran'); window.__pwned = 1;</script>
<meta http-equiv="refresh" content="0; url=javascript:alert('meta-refresh-ran')">
</head>
<body onload="alert('body-onload-ran')">
<h1>Hostile script release <img src=x onerror="alert('{ALERT_ID}')"></h1>
<p onclick="alert('onclick-ran')">Hostilemarker visible paragraph about border security.</p>
<img src="x" onerror="alert('{ALERT_ID}'); document.body.dataset.pwned = 'img'">
<svg onload="alert('{ALERT_ID}')"><circle r="1"/></svg>
<iframe src="javascript:alert('{ALERT_ID}')"></iframe>
<a href="javascript:alert('{ALERT_ID}')">a javascript link</a>
<p>Text that spells out markup: {html.escape("<script>alert('escaped-payload')</script>")} and
{html.escape(f'<img src=x id="{INJECTED_ID}" onerror="alert(1)">')} and
{html.escape(f'<b id="{INJECTED_ID}">bold</b>')}.</p>
<script src="data:text/javascript,alert('script-src-ran')"></script>
</body></html>
"""


def check_hostile(corpus: HostileCorpus, summary: Summary, index_dir: Path) -> list[str]:
    """Every case against the run's summary and the index; a sentence per violation."""
    problems = []
    failed = dict(summary.failed)
    warnings = dict(summary.warnings)
    ignored = dict(summary.ignored)
    skipped = dict(summary.skipped)
    indexed = set(summary.added) | set(summary.updated) | set(summary.unchanged)
    if len(failed) != len(summary.failed):
        problems.append(f"summary.failed names a file twice: {summary.failed}")
    missing_good = sorted(set(corpus.good) - indexed)
    if missing_good:
        problems.append(f"{len(missing_good)} good releases were not indexed: {missing_good[:5]}")
    index = Engine(index_dir)
    try:
        for case in corpus.cases:
            problems += _check_case(case, failed, warnings, ignored, skipped, indexed, index)
    finally:
        index.close()
    ids = index_ids(index_dir) or []
    if sorted(set(ids)) != sorted(corpus.expected_ids) or len(ids) != len(set(ids)):
        problems.append(f"the index does not hold exactly the expected releases: "
                        f"{describe_difference(ids, corpus.expected_ids)}")
    return problems


def _check_case(case, failed, warnings, ignored, skipped, indexed, index) -> list[str]:
    where = f"{case.name} ({case.relpath})"
    reported = {"failed": failed, "warning": warnings, "ignored": ignored, "skipped": skipped}
    problems = []
    for kind, items in reported.items():
        expected_here = case.outcome == kind
        if case.relpath in items and not expected_here:
            problems.append(f"{where}: expected {case.outcome}, but reported as {kind}: {items[case.relpath]!r}")
        elif expected_here and case.relpath not in items:
            problems.append(f"{where}: expected to be reported as {kind}, but it was not")
        elif expected_here and not re.fullmatch(case.reason, items[case.relpath]):
            problems.append(f"{where}: {kind} reason {items[case.relpath]!r} does not match {case.reason!r}")
    should_index = case.outcome in ("indexed", "warning")
    if should_index != (case.relpath in indexed):
        problems.append(f"{where}: expected {case.outcome}, but the summary "
                        f"{'lists' if case.relpath in indexed else 'does not list'} it as indexed")
    # An id must be UTF-8: a name that is not can be neither indexed nor looked up.
    detail = get_release(index, case.relpath) if case.relpath.isascii() or _utf8(case.relpath) else None
    if not should_index:
        if detail is not None:
            problems.append(f"{where}: expected {case.outcome}, but the index holds a release with this id")
        return problems
    if detail is None:
        return problems + [f"{where}: not found in the index"]
    for text in case.text:
        if text not in detail.body:
            problems.append(f"{where}: indexed body lacks {text!r}; it begins {detail.body[:200]!r}")
    for text in case.not_text:
        if text in detail.body or text in detail.hit.title:
            problems.append(f"{where}: indexed text contains {text!r}, which should not survive extraction")
    if case.title_words and not (detail.hit.title and set(detail.hit.title.split()) <= set(case.title_words)):
        problems.append(f"{where}: title {detail.hit.title!r} has words that are not in the file "
                        f"(words run together?); expected words from {list(case.title_words)}")
    return problems


def _utf8(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def run_hostile(work_dir: Path, good: int = 30, seed: int = 0) -> HostileResult:
    """Write the hostile corpus, index it, check every case."""
    corpus = write_hostile_corpus(Path(work_dir) / "corpus", good=good, seed=seed)
    index_dir = Path(work_dir) / "index"
    summary = update_index(corpus.corpus_dir, index_dir)
    problems = check_hostile(corpus, summary, index_dir)
    fifo, found = check_fifo(Path(work_dir) / "fifo")
    problems += found
    parse_seconds, found = check_parse_time(Path(work_dir))
    problems += found
    return HostileResult(
        cases=len(corpus.cases),
        good=len(corpus.good),
        indexed=len(summary.added),
        failed=len(summary.failed),
        warnings=len(summary.warnings),
        ignored=len(summary.ignored),
        skipped=len(summary.skipped),
        seconds=round(summary.seconds, 2),
        fifo=fifo,
        parse_seconds=parse_seconds,
        problems=problems,
    )
