"""The SQLite FTS5 baseline: the same parsed releases and query specs, answered by SQLite.

It does the work our search does — BM25 top hits with the title weighted, facet counts
where each facet ignores its own filter, <mark> snippets — so the two can be timed side by
side. Facets are GROUP BYs over side tables; filters are EXISTS clauses (OR within a
facet, AND across facets).
"""

import html
import sqlite3
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from bench.queries import QuerySpec
from indexer.load import load_release
from indexer.release import Release
from indexer.sources import find_sources

TITLE_WEIGHT = 2.5  # the Whoosh schema's field_boost on title
SNIPPET_TOKENS = 48
LEAD_CHARS = 240  # shown for an empty query, which has nothing to highlight
_OPEN, _CLOSE = "\x02", "\x03"  # snippet() markers, turned into <mark> after escaping

SCHEMA = """
CREATE TABLE release (
    rowid INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, title TEXT NOT NULL,
    date TEXT, year TEXT, issuer TEXT, url TEXT
);
CREATE INDEX release_year ON release (year);
CREATE VIRTUAL TABLE release_text USING fts5 (title, body, tokenize = 'porter unicode61 remove_diacritics 2');
CREATE TABLE release_country (
    release INTEGER NOT NULL REFERENCES release, country TEXT NOT NULL, PRIMARY KEY (release, country)
) WITHOUT ROWID;
CREATE INDEX release_country_value ON release_country (country, release);
CREATE TABLE release_official (
    release INTEGER NOT NULL REFERENCES release, official TEXT NOT NULL, PRIMARY KEY (release, official)
) WITHOUT ROWID;
CREATE INDEX release_official_value ON release_official (official, release);
"""

# facet -> (table, column naming the release, value column); year lives on release itself.
FACETS = {
    "country": ("release_country", "release", "country"),
    "official": ("release_official", "release", "official"),
    "year": ("release", "rowid", "year"),
}


@dataclass
class Fts5Page:
    """What one FTS5 search returns, shaped like our ResultPage's figures."""

    total: int
    results: list[tuple[str, str, str]]  # (id, title, snippet HTML)
    facets: dict[str, list[tuple[str, int]]]  # facet -> (value, count), most frequent first


def read_releases(corpus_dir: Path) -> Iterator[Release]:
    """Every release in `corpus_dir`, parsed exactly as the indexing command parses it."""
    corpus_dir = Path(corpus_dir)
    for source in find_sources(corpus_dir)[0]:
        yield load_release(source.path, corpus_dir)


def build(db_path: Path, releases: Iterable[Release]) -> int:
    """Write a fresh FTS5 database of `releases`; return how many were written."""
    db_path = Path(db_path)
    db_path.unlink(missing_ok=True)
    db = sqlite3.connect(db_path)
    try:
        db.executescript(SCHEMA)
        count = 0
        with db:
            for count, r in enumerate(releases, 1):
                year = r.date[:4] if r.date else None
                row = (count, r.id, r.title, r.date, year, r.issuer, r.url)
                db.execute("INSERT INTO release VALUES (?, ?, ?, ?, ?, ?, ?)", row)
                db.execute("INSERT INTO release_text (rowid, title, body) VALUES (?, ?, ?)", (count, r.title, r.body))
                db.executemany("INSERT OR IGNORE INTO release_country VALUES (?, ?)", [(count, c) for c in r.countries])
                db.executemany("INSERT OR IGNORE INTO release_official VALUES (?, ?)", [(count, o) for o in r.officials])
            db.execute("INSERT INTO release_text (release_text) VALUES ('optimize')")
        return count
    finally:
        db.close()


class Fts5Index:
    """A read connection to a built database; a temp table holds the current query's matches."""

    def __init__(self, db_path: Path):
        self.db = sqlite3.connect(f"file:{Path(db_path).resolve()}?mode=ro", uri=True)
        self.db.execute("CREATE TEMP TABLE matched (rowid INTEGER PRIMARY KEY, score REAL NOT NULL)")

    def close(self) -> None:
        """Close the connection; the temp table goes with it."""
        self.db.close()

    def search(self, spec: QuerySpec, *, facets: bool = False, snippets: bool = False, limit: int = 10) -> Fts5Page:
        """Top `limit` hits by bm25() and the total; with facets, counts for every facet."""
        match = spec.fts5_match()
        params: dict = {"match": match, "limit": limit}
        filters = {
            facet: _filter_clause(facet, values, params)
            for facet, values in (("country", spec.countries), ("official", spec.officials), ("year", spec.years))
            if values
        }
        source = f"({_matches_sql(match)})"
        counted = "release"  # an empty query matches every release: count over the table itself
        if facets and match is not None:  # the match is read once and counted three times
            self.db.execute("DELETE FROM temp.matched")
            self.db.execute(f"INSERT INTO temp.matched {_matches_sql(match)}", params)
            source = counted = "temp.matched"
        rows = self.db.execute(
            f"""SELECT m.rowid, r.id, r.title, count(*) OVER () FROM {source} m JOIN release r ON r.rowid = m.rowid
            WHERE {_all(filters.values())} ORDER BY m.score, r.date DESC, r.rowid LIMIT :limit""",
            params,
        ).fetchall()
        marked = self._snippets(match, [row[0] for row in rows]) if snippets else {}
        return Fts5Page(
            total=rows[0][3] if rows else 0,
            results=[(id_, title, marked.get(rowid, "")) for rowid, id_, title, _ in rows],
            facets={facet: self._facet_counts(facet, counted, filters, params) for facet in FACETS} if facets else {},
        )

    def _facet_counts(self, facet: str, matched: str, filters: dict[str, str], params: dict) -> list[tuple[str, int]]:
        """Counts of `facet`'s values over the `matched` releases that pass every other facet's filter."""
        table, key, column = FACETS[facet]
        others = _all(clause for name, clause in filters.items() if name != facet)
        return self.db.execute(
            f"""SELECT f.{column}, count(*) AS n FROM {matched} m JOIN {table} f ON f.{key} = m.rowid
            WHERE f.{column} IS NOT NULL AND {others} GROUP BY f.{column} ORDER BY n DESC, f.{column}""",
            params,
        ).fetchall()

    def _snippets(self, match: str | None, rowids: list[int]) -> dict[int, str]:
        """rowid -> escaped body fragment with <mark> around the matched words."""
        if not rowids:
            return {}
        wanted = ", ".join(str(int(r)) for r in rowids)
        if match is None:
            sql = f"SELECT rowid, substr(body, 1, {LEAD_CHARS}) FROM release_text WHERE rowid IN ({wanted})"
        else:
            sql = f"""SELECT rowid, snippet(release_text, 1, '{_OPEN}', '{_CLOSE}', '…', {SNIPPET_TOKENS})
            FROM release_text WHERE release_text MATCH :match AND rowid IN ({wanted})"""
        rows = self.db.execute(sql, {"match": match}).fetchall()
        return {rowid: html.escape(text).replace(_OPEN, "<mark>").replace(_CLOSE, "</mark>") for rowid, text in rows}


def _matches_sql(match: str | None) -> str:
    """Every matching release with its score (lower is better); all releases for no query."""
    if match is None:
        return "SELECT rowid, 0.0 AS score FROM release"
    score = f"bm25(release_text, {TITLE_WEIGHT}, 1.0)"
    return f"SELECT rowid, {score} AS score FROM release_text WHERE release_text MATCH :match"


def _filter_clause(facet: str, values: tuple[str, ...], params: dict) -> str:
    """An EXISTS test that a matched release (m) carries any of `values`; binds them in params."""
    table, key, column = FACETS[facet]
    names = []
    for n, value in enumerate(values):
        params[f"{facet}{n}"] = value
        names.append(f":{facet}{n}")
    return f"EXISTS (SELECT 1 FROM {table} f WHERE f.{key} = m.rowid AND f.{column} IN ({', '.join(names)}))"


def _all(clauses: Iterable[str]) -> str:
    return " AND ".join(clauses) or "1"
