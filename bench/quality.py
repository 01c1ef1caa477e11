"""Extraction and ranking quality on a labelled set of real releases.

    python -m bench.quality [--set DIR]      (make quality [QUALITY_SET=DIR])

The set's docs/ are indexed together with the project's corpus/ into a temporary index,
by the real indexing code. The facts are then read back from the index's stored fields
(what a search result shows) and compared with the set's labels.json (schema in the
set's README); every miss is printed, then one closing line of scores:

    quality: titles=0.94 dates=0.95 invented=0 officials_f1=0.91 countries_f1=0.98 mrr3=0.96 zero_result_queries=0 language=1.00

titles: share of labelled headlines (title_in_text) the extracted title matches with a
difflib ratio >= 0.8 on case/accent-folded, whitespace-normalized text. dates: share of
page-stated dates extracted exactly. invented: files with no labelled date that got one.
officials_f1, countries_f1: micro-averaged F1 over files; an official matches on the
surname (the label's last word or any later word, for Spanish double surnames, or its
text_variants spelling), case- and accent-insensitive, each label at most once.
mrr3: mean reciprocal rank, within the first 3, of the labelled file for each labelled
query sent as `q` to /api/search?per_page=3; zero_result_queries: how many found nothing.
language: share of files whose stored language is the labelled one.
"""

import argparse
import difflib
import json
import shutil
import sys
import tempfile
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from whoosh import index as whoosh_index

from indexer import store
from indexer.build import update_index

REPO = Path(__file__).resolve().parent.parent
DEFAULT_SET = REPO.parent / "shared" / "realworld"
TITLE_SIMILARITY = 0.8
MRR_DEPTH = 3
_PARTICLES = {"de", "del", "la", "las", "los", "y", "van", "von", "da", "dos"}


def fold(text: str) -> str:
    """Case- and accent-free text with single spaces: what the scores compare."""
    text = unicodedata.normalize("NFKD", text.replace("’", "'").replace("‘", "'"))
    return " ".join("".join(c for c in text if not unicodedata.combining(c)).casefold().split())


@dataclass
class Counts:
    """True positives, false positives and false negatives, summed over files."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, tp: int, fp: int, fn: int) -> None:
        self.tp, self.fp, self.fn = self.tp + tp, self.fp + fp, self.fn + fn

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class Report:
    """Every score of one evaluation, and the misses behind them, as lines to print."""

    titles: float = 0.0
    dates: float = 0.0
    invented: int = 0
    officials: Counts = field(default_factory=Counts)
    countries: Counts = field(default_factory=Counts)
    mrr3: float = 0.0
    zero_result_queries: int = 0
    language: float = 0.0
    lines: list[str] = field(default_factory=list)

    def summary(self) -> str:
        """The closing line, in the one fixed form."""
        return (
            f"quality: titles={self.titles:.2f} dates={self.dates:.2f} invented={self.invented} "
            f"officials_f1={self.officials.f1:.2f} countries_f1={self.countries.f1:.2f} mrr3={self.mrr3:.2f} "
            f"zero_result_queries={self.zero_result_queries} language={self.language:.2f}"
        )


def evaluate(set_dir: Path, corpus_dir: Path = REPO / "corpus") -> Report:
    """Index the set's docs/ with `corpus_dir` in a temporary folder and score the labels."""
    set_dir = Path(set_dir)
    labels = json.loads((set_dir / "labels.json").read_text(encoding="utf-8"))
    with tempfile.TemporaryDirectory(prefix="quality-") as tmp:
        corpus, index_dir = Path(tmp) / "corpus", Path(tmp) / "index"
        shutil.copytree(corpus_dir, corpus)
        shutil.copytree(set_dir / "docs", corpus / "docs")
        summary = update_index(corpus, index_dir)
        if summary.failed:
            raise RuntimeError(f"the set did not index cleanly: {summary.failed}")
        stored = _stored_fields(index_dir)
        report = Report()
        _score_facts(labels, stored, report)
        _score_queries(labels, index_dir, report)
    return report


def _stored_fields(index_dir: Path) -> dict[str, dict]:
    """id -> stored fields of every release, read from the index itself, read-only."""
    ix = whoosh_index.open_dir(str(store.live_index_path(index_dir)))
    try:
        with ix.searcher() as searcher:
            return {doc["id"]: doc for doc in searcher.all_stored_fields()}
    finally:
        ix.close()


def _values(doc: dict, fieldname: str) -> list[str]:
    """A comma-joined facet field as its list of values."""
    return [v for v in (doc.get(fieldname) or "").split(",") if v]


def _score_facts(labels: list[dict], stored: dict[str, dict], report: Report) -> None:
    lines = report.lines
    titled = [lab for lab in labels if lab.get("title") and lab.get("title_in_text")]
    page_dated = [lab for lab in labels if lab.get("date_source") == "page"]
    undated = [lab for lab in labels if lab.get("date") is None]

    title_hits = 0
    lines.append(f"titles: {len(titled)} labelled headlines")
    for lab in titled:
        got = stored[lab["file"]].get("title") or ""
        ratio = difflib.SequenceMatcher(None, fold(got), fold(lab["title"])).ratio()
        if ratio >= TITLE_SIMILARITY:
            title_hits += 1
        else:
            lines.append(f"  MISS {lab['file']}: got {got!r}, want {lab['title']!r} ({ratio:.2f})")
    report.titles = title_hits / len(titled) if titled else 1.0

    date_hits = 0
    lines.append(f"dates: {len(page_dated)} page-stated dates, {len(undated)} undated files")
    for lab in page_dated:
        got = stored[lab["file"]].get("date") or None
        if got == lab["date"]:
            date_hits += 1
        else:
            lines.append(f"  MISS {lab['file']}: got {got}, want {lab['date']}")
    for lab in undated:
        got = stored[lab["file"]].get("date") or None
        if got:
            report.invented += 1
            lines.append(f"  INVENTED {lab['file']}: got {got}, the page states no date")
    report.dates = date_hits / len(page_dated) if page_dated else 1.0

    lines.append("officials:")
    for lab in labels:
        got = _values(stored[lab["file"]], "official_value")
        extra, missing = _match_officials(got, lab.get("officials", []), lab.get("text_variants", {}))
        report.officials.add(len(got) - len(extra), len(extra), len(missing))
        if extra or missing:
            lines.append(f"  MISS {lab['file']}: extra {extra}, missing {missing}")
    lines.append(
        f"  precision {report.officials.precision:.2f}, recall {report.officials.recall:.2f}, "
        f"F1 {report.officials.f1:.2f}"
    )

    lines.append("countries:")
    for lab in labels:
        got = set(_values(stored[lab["file"]], "country_value"))
        want = set(lab.get("countries", []))
        report.countries.add(len(got & want), len(got - want), len(want - got))
        if got != want:
            lines.append(f"  MISS {lab['file']}: extra {sorted(got - want)}, missing {sorted(want - got)}")
    lines.append(
        f"  precision {report.countries.precision:.2f}, recall {report.countries.recall:.2f}, "
        f"F1 {report.countries.f1:.2f}"
    )

    language_hits = 0
    lines.append("language:")
    for lab in labels:
        got = stored[lab["file"]].get("language")
        if got == lab.get("language"):
            language_hits += 1
        else:
            lines.append(f"  MISS {lab['file']}: got {got}, want {lab.get('language')}")
    report.language = language_hits / len(labels) if labels else 1.0


def _surname_tokens(name: str) -> set[str]:
    """The words of a labelled name that count as its surname: the last, and any later than the first."""
    words = [w.strip(".,") for w in fold(name).split()]
    return {words[-1], *(w for w in words[1:] if w not in _PARTICLES)} if words else set()


def _match_officials(got: list[str], want: list[str], variants: dict[str, str]) -> tuple[list[str], list[str]]:
    """(extracted names matching no label, labels no extracted name matched), one to one."""
    unmatched = list(want)
    extra = []
    for name in got:
        words = fold(name).split()
        surname = words[-1].strip(".,") if words else ""
        label = next(
            (lab for lab in unmatched
             if surname in _surname_tokens(lab) or (lab in variants and surname in _surname_tokens(variants[lab]))),
            None,
        )
        if label is None:
            extra.append(name)
        else:
            unmatched.remove(label)
    return extra, unmatched


def _score_queries(labels: list[dict], index_dir: Path, report: Report) -> None:
    from webapp import create_app  # the web app only for this part: the rest needs no Flask

    client = create_app({"RELEASE_SEARCH_INDEX_DIR": index_dir}).test_client()
    total, reciprocal = 0, 0.0
    report.lines.append("queries:")
    for lab in labels:
        for query in lab.get("queries", []):
            total += 1
            answer = client.get("/api/search", query_string={"q": query, "per_page": MRR_DEPTH}).get_json()
            ids = [hit["id"] for hit in answer.get("results", [])]
            if answer.get("total", 0) == 0:
                report.zero_result_queries += 1
            if lab["file"] in ids[:MRR_DEPTH]:
                reciprocal += 1 / (ids.index(lab["file"]) + 1)
                if ids[0] == lab["file"]:
                    continue
            rank = ids.index(lab["file"]) + 1 if lab["file"] in ids else None
            report.lines.append(
                f"  MISS {query!r} -> {lab['file']}: rank {rank or f'> {MRR_DEPTH}'} of {answer.get('total', 0)}"
                f" (top: {ids[:1]})"
            )
    report.mrr3 = reciprocal / total if total else 1.0
    report.lines.append(f"  {total} queries, {report.zero_result_queries} found nothing")


def main(argv: list[str] | None = None) -> int:
    """Print every miss, then the closing line of scores."""
    parser = argparse.ArgumentParser(prog="python -m bench.quality", description=__doc__.split("\n\n")[0])
    parser.add_argument("--set", dest="set_dir", type=Path, default=DEFAULT_SET,
                        help=f"a labelled set: docs/ and labels.json (default {DEFAULT_SET})")
    args = parser.parse_args(argv)
    if not (args.set_dir / "labels.json").is_file() or not (args.set_dir / "docs").is_dir():
        parser.error(f"{args.set_dir} has no labels.json and docs/ folder")
    report = evaluate(args.set_dir)
    print("\n".join(report.lines))
    print(report.summary())
    return 0


if __name__ == "__main__":
    sys.exit(main())
