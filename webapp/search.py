"""Answer a search: query, filters, facet counts, ranking, snippets, one page.

Facet counts are computed from per-value document sets built once per index
generation, so counting costs O(matches), not O(corpus) as Whoosh's own facets do;
matching and ranking (webapp.ranking) use per-term sets and score arrays built the same
way; a worker keeps one searcher and reopens it only when the indexing command has
changed the index.
"""

import math
import re
import threading
import time
from array import array
from collections import Counter, OrderedDict
from dataclasses import replace
from functools import cached_property
from pathlib import Path

from markupsafe import Markup
from whoosh import query as wq

from indexer import store
from indexer.schema import FACET_FIELDS, TERM_SEQUENCES, term_sequence
from webapp.highlight import WORD, Span, TermMatcher, mark, snippet
from webapp.params import FACETS, SearchParams
from webapp.query import make_parser, read_query, typed_words
from webapp.ranking import answerable_by_sets, matching_docs, rank, scored_matches
from webapp.results import FacetValue, Hit, Mention, ReleaseDetail, ResultPage

FACET_LIMIT = 100  # values listed per facet; selected values are always listed
PAGE_CACHE_SIZE = 256
TERM_CACHE_SIZE = 4096
SCORE_CACHE_BYTES = 256 * 2**20  # per-term score arrays kept, 8 bytes per document each (10,000: 3,200 terms)
SUGGEST_BELOW = 3  # offer "did you mean" when fewer results than this
NAME_FIELDS = ("country", "official", "issuer")


class IndexMissing(Exception):
    """There is no index to search yet."""


class ReleaseIndex:
    """One per process: the live index, reopened when the indexing command changes it."""

    def __init__(self, index_dir: Path, cached_pages: int = PAGE_CACHE_SIZE):
        self.index_dir = Path(index_dir)
        self.cached_pages = cached_pages  # 0 turns the page cache off (benchmarks)
        self._snapshot: Snapshot | None = None
        self._lock = threading.Lock()

    def snapshot(self) -> "Snapshot":
        """The searcher for the index as it is now (a directory listing per call to check)."""
        path = store.live_index_path(self.index_dir)
        if path is None:
            raise IndexMissing(f"there is no index in {self.index_dir} yet; run `release-search index` to build it")
        with self._lock:
            current = self._snapshot
            if current is None or current.path != path or not current.searcher.up_to_date():
                self._snapshot = Snapshot(path, self.cached_pages)
                if current is not None:
                    current.close()
            return self._snapshot

    def close(self) -> None:
        with self._lock:
            if self._snapshot is not None:
                self._snapshot.close()
                self._snapshot = None


class Snapshot:
    """A searcher on one index generation and everything derived from it, built lazily."""

    def __init__(self, path: Path, cached_pages: int = PAGE_CACHE_SIZE):
        self.path = path
        self.cached_pages = cached_pages
        self.ix = store.MappedStorage(str(path)).open_index()
        self.searcher = self.ix.searcher()
        self.reader = self.searcher.reader()
        self.parser = make_parser(self.ix.schema)
        self.matcher = TermMatcher(self.ix.schema["body"].analyzer, self.ix.schema["country"].analyzer)
        self._pages: OrderedDict = OrderedDict()
        self._term_docs: dict[tuple, frozenset[int]] = {}  # (field, term or phrase words) -> docs
        self._term_scores: OrderedDict[tuple[str, str], array] = OrderedDict()

    def close(self) -> None:
        self.searcher.close()

    @cached_property
    def all_docs(self) -> frozenset[int]:
        return frozenset(self.reader.all_doc_ids())

    @cached_property
    def facet_docs(self) -> dict[str, dict[str, frozenset[int]]]:
        """facet -> value -> live documents carrying it, from the facet fields' postings."""
        out = {}
        for facet, fieldname in FACET_FIELDS.items():
            values = {}
            for term in self.reader.lexicon(fieldname):
                docs = frozenset(self.reader.postings(fieldname, term).all_ids())
                if docs:
                    values[term.decode("utf-8")] = docs
            out[facet] = values
        return out

    @cached_property
    def doc_values(self) -> dict[str, dict[int, tuple[str, ...]]]:
        """facet -> document -> its values: the inverse of facet_docs, for small result sets."""
        out = {}
        for facet, values in self.facet_docs.items():
            per_doc: dict[int, list[str]] = {}
            for value, docs in values.items():
                for doc in docs:
                    per_doc.setdefault(doc, []).append(value)
            out[facet] = {doc: tuple(v) for doc, v in per_doc.items()}
        return out

    @cached_property
    def dates(self) -> dict[int, str]:
        """document -> "YYYY-MM-DD" ("" when unknown), read once from the date column."""
        column = self.reader.column_reader("date")
        return {doc: column[doc] for doc in self.all_docs}

    @cached_property
    def date_rank(self) -> dict[str, dict[int, int]]:
        """sort -> document -> position, unknown dates last either way, ties by id."""
        ids = self.reader.column_reader("id")
        known = sorted((d for d in self.all_docs if self.dates[d]), key=lambda d: (self.dates[d], ids[d]))
        unknown = sorted((d for d in self.all_docs if not self.dates[d]), key=lambda d: ids[d])
        newest = sorted(known, key=lambda d: self.dates[d], reverse=True) + unknown  # stable: ids ascending
        return {
            "oldest": {d: i for i, d in enumerate(known + unknown)},
            "newest": {d: i for i, d in enumerate(newest)},
        }

    def term_docs(self, fieldname: str, text: str) -> frozenset[int]:
        """Live documents containing a term; cached, since common terms recur across queries."""
        key = (fieldname, text)
        docs = self._term_docs.get(key)
        if docs is None:
            if key in self.reader:
                docs = frozenset(self.reader.postings(fieldname, text).all_ids())
            else:
                docs = frozenset()
            self._remember(key, docs)
        return docs

    def all_words_docs(self, fieldname: str, words) -> frozenset[int]:
        """Live documents containing every one of `words` (terms of one field)."""
        return frozenset.intersection(*(self.term_docs(fieldname, word) for word in words))

    @cached_property
    def term_sequences(self) -> dict:
        """field -> reader of its TERM_SEQUENCES column (an index older than those has none)."""
        schema = self.reader.schema
        return {f: self.reader.column_reader(c) for f, c in TERM_SEQUENCES.items() if c in schema and self.reader.has_column(c)}

    def answers_phrase(self, query) -> bool:
        """Whether phrase_docs can answer `query`: an exact phrase in a field with a sequence."""
        return type(query) is wq.Phrase and query.slop == 1 and bool(query.words) and query.fieldname in self.term_sequences

    def phrase_docs(self, phrase: wq.Phrase) -> frozenset[int]:
        """Live documents containing `phrase` (see answers_phrase); cached like terms.

        The documents with every word are searched for the words in a row in their term
        sequence: a substring test in C, where Whoosh's phrase matcher decodes and
        compares positions in Python (10,000 releases: 130-240 ms per phrase).
        """
        key = (phrase.fieldname, tuple(phrase.words))
        docs = self._term_docs.get(key)
        if docs is None:
            needle = term_sequence(phrase.words)
            sequence = self.term_sequences[phrase.fieldname]
            docs = frozenset(d for d in self.all_words_docs(phrase.fieldname, phrase.words) if needle in sequence[d])
            self._remember(key, docs)
        return docs

    def term_scores(self, fieldname: str, text: str) -> array:
        """document -> its BM25F score for a term (0.0 without it), from Whoosh's scorer.

        Built once per generation from the term's postings and kept in an LRU bounded in
        bytes, so ranking is additions, not Whoosh matchers walked per query.
        """
        key = (fieldname, text)
        scores = self._term_scores.get(key)
        if scores is not None:
            self._term_scores.move_to_end(key)
            return scores
        scores = array("d", bytes(8 * self.reader.doc_count_all()))
        context = self.searcher.context()
        for sub, offset in self.searcher.leaf_searchers():
            if key in sub.reader():
                matcher = wq.Term(fieldname, text).matcher(sub, context)
                while matcher.is_active():
                    scores[offset + matcher.id()] = matcher.score()
                    matcher.next()
        self._term_scores[key] = scores
        while len(self._term_scores) > 1 and len(self._term_scores) * len(scores) * 8 > SCORE_CACHE_BYTES:
            self._term_scores.popitem(last=False)
        return scores

    def _remember(self, key, docs: frozenset[int]) -> None:
        if len(self._term_docs) >= TERM_CACHE_SIZE:
            self._term_docs.clear()
        self._term_docs[key] = docs

    def surface_word(self, stem: str) -> str | None:
        """A word as written in some release whose stemmed form is `stem`."""
        for doc in self.reader.postings("body", stem).all_ids():
            for match in WORD.finditer(self.searcher.stored_fields(doc)["body"]):
                if self.matcher.forms(match.group())[0] == stem:
                    return match.group().lower()
        return None

    def docs_between(self, start: str | None, end: str | None) -> frozenset[int]:
        start, end = start or "0000-00-00", end or "9999-99-99"
        return frozenset(d for d, date in self.dates.items() if date and start <= date <= end)

    def cached(self, key, compute):
        """A small LRU of result pages; it dies with the snapshot, so never serves stale data."""
        if key in self._pages:
            self._pages.move_to_end(key)
            return self._pages[key], True
        page = compute()
        self._pages[key] = page
        if len(self._pages) > self.cached_pages:
            self._pages.popitem(last=False)
        return page, False


def search(index: ReleaseIndex, params: SearchParams, *, facets: bool = True, snippets: bool = True) -> ResultPage:
    """One page of results for `params`, with facet counts and highlighted snippets."""
    started = time.perf_counter()
    snap = index.snapshot()
    page, _ = snap.cached((params, facets, snippets), lambda: _search(snap, params, facets, snippets))
    return replace(page, seconds=time.perf_counter() - started)


def _search(snap: Snapshot, params: SearchParams, facets: bool, snippets: bool) -> ResultPage:
    reading = read_query(params.q, snap.parser)
    filters = {
        f: frozenset().union(*(snap.facet_docs[f].get(v, ()) for v in params.selected(f)))
        for f in FACETS
        if params.selected(f)
    }
    if params.date_from or params.date_to:
        filters["date"] = snap.docs_between(params.date_from, params.date_to)
    one_pass = reading.query is not None and params.sort == "relevance" and not filters
    if one_pass and not answerable_by_sets(snap, reading.query):
        # Prefixes, ranges and sloppy phrases need Whoosh's matchers: walk them once, for
        # the match set and the top of the ranking together.
        matched, ranked = scored_matches(snap, reading.query, params.page * params.per_page)
        final = matched
    else:
        matched = snap.all_docs if reading.query is None else matching_docs(snap, reading.query)
        final = _restrict(matched, filters)
        ranked = None
    pages = max(1, math.ceil(len(final) / params.per_page))
    page = min(params.page, pages)
    if ranked is None:
        ranked = _rank(snap, reading.query, params.sort, matched, final, page * params.per_page)
    ranked = ranked[(page - 1) * params.per_page : page * params.per_page]
    stems, names = _highlight_terms(snap, reading.query) if snippets else (frozenset(), frozenset())
    results = []
    for doc, score in ranked:
        stored = snap.searcher.stored_fields(doc)
        text = stored["body"]
        results.append(_hit(stored, score, snippet(text, snap.matcher.spans(text, stems, names)) if snippets else Markup("")))
    return ResultPage(
        params=params,
        total=len(final),
        page=page,
        pages=pages,
        results=results,
        facets={f: _facet_values(snap, f, _restrict(matched, filters, skip=f), params) for f in FACETS} if facets else {},
        query_reading=reading.text,
        notices=reading.notices,
        suggestion=_suggestion(snap, reading.query, params.q, len(final)) if len(final) < SUGGEST_BELOW else None,
    )


def _restrict(docs: frozenset[int], filters: dict[str, frozenset[int]], skip: str | None = None) -> frozenset[int]:
    """Documents in `docs` that pass every filter but `skip` (facets AND together)."""
    for name, allowed in filters.items():
        if name != skip:
            docs = docs & allowed
    return docs


def _rank(snap: Snapshot, query, sort: str, matched, final, limit: int) -> list[tuple[int, float | None]]:
    """The first `limit` documents of `final` (the filtered `matched`) in order, with scores."""
    if query is not None and sort == "relevance":
        return rank(snap, query, final, matched, limit)
    order = snap.date_rank["oldest" if sort == "oldest" else "newest"]
    return [(doc, None) for doc in sorted(final, key=order.__getitem__)[:limit]]


def _facet_values(snap: Snapshot, facet: str, docs: frozenset[int], params: SearchParams) -> list[FacetValue]:
    """Counts of each value over `docs`, most frequent first; selected values always kept."""
    values = snap.facet_docs[facet]
    per_doc = snap.doc_values[facet]
    if len(docs) * 4 < len(values):
        counts = Counter(v for doc in docs for v in per_doc.get(doc, ()))
    else:
        counts = Counter({v: n for v, members in values.items() if (n := len(members & docs))})
    selected = params.selected(facet)
    top = sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:FACET_LIMIT]
    listed = {v for v, _ in top}
    top += [(v, counts.get(v, 0)) for v in selected if v not in listed]
    return [FacetValue(value=v, count=n, selected=v in selected) for v, n in top]


def _highlight_terms(snap: Snapshot, query) -> tuple[frozenset[str], frozenset[str]]:
    """The query's terms as indexed: stemmed (title/body) and folded names, prefixes expanded."""
    if query is None:
        return frozenset(), frozenset()
    stems, names = set(), set()
    for leaf in query.leaves():  # Whoosh 2.7.4's existing_terms() loses fields across leaves
        for fieldname, term in leaf.existing_terms(snap.reader, phrases=True, expand=True):
            text = term.decode("utf-8") if isinstance(term, bytes) else term
            if fieldname in ("title", "body"):
                stems.add(text)
            elif fieldname in NAME_FIELDS:
                names.add(text)
    return frozenset(stems), frozenset(names)


def _hit(stored: dict, score: float | None = None, snippet_html: Markup = Markup("")) -> Hit:
    """A result from a document's stored fields."""
    return Hit(
        id=stored["id"],
        path=stored["path"],
        title=stored["title"],
        date=stored.get("date") or None,
        date_precision=stored.get("date_precision"),
        issuer=stored.get("issuer") or None,
        officials=_split(stored.get("official_value")),
        countries=_split(stored.get("country_value")),
        url=stored.get("url"),
        snippet=snippet_html,
        score=round(score, 4) if score is not None else None,
    )


def _split(value: str | None) -> list[str]:
    return [v for v in (value or "").split(",") if v]


def _suggestion(snap: Snapshot, query, q: str, total: int) -> str | None:
    """A "did you mean" query from the index's own words, offered only if it finds more.

    Words are corrected against the stemmed body lexicon, then shown as a word that
    really occurs in a release ("secrity" -> stem "secur" -> "security").
    """
    if query is None:
        return None
    typed = typed_words(q, snap.parser)
    corrected = q
    for leaf in query.leaves():
        if type(leaf) is not wq.Term or leaf.fieldname != "body" or ("body", leaf.text) in snap.reader:
            continue
        suggestions = snap.searcher.suggest("body", leaf.text, limit=1)
        word = typed.get(leaf.text)
        replacement = snap.surface_word(suggestions[0]) if suggestions else None
        if word and replacement:
            corrected = re.sub(rf"(?i)\b{re.escape(word)}\b", replacement, corrected)
    if corrected == q:
        return None
    reading = read_query(corrected, snap.parser)
    if reading.query is None or reading.notices:
        return None
    found = sum(1 for _ in snap.searcher.docs_for_query(reading.query))
    return corrected if found > total else None


def get_release(index: ReleaseIndex, release_id: str, q: str = "") -> ReleaseDetail | None:
    """One release with its full text, why it carries each facet value, and similar releases."""
    snap = index.snapshot()
    doc = snap.searcher.document_number(id=release_id)
    if doc is None:
        return None
    reading = read_query(q, snap.parser)
    stems, names = _highlight_terms(snap, reading.query)
    stored = snap.searcher.stored_fields(doc)
    hit = _hit(stored)
    body = stored["body"]
    mentions = _mentions(stored.get("mentions") or {}, hit)
    similar = snap.searcher.more_like(doc, "body", top=5)
    return ReleaseDetail(
        hit=hit,
        body=body,
        body_html=_document_html(body, snap.matcher.spans(body, stems, names), mentions),
        provenance=stored.get("provenance") or {},
        mentions=mentions,
        similar=[_hit(snap.searcher.stored_fields(r.docnum)) for r in similar],
    )


def _mentions(stored: dict, hit: Hit) -> list[Mention]:
    """Every facet value of the release, with the spans of the text that name it."""
    mentions = []
    for facet, values in (("official", hit.officials), ("country", hit.countries)):
        for value in values:
            spans = [tuple(s) for s in stored.get(f"{facet}:{value}", [])]
            mentions.append(Mention(facet=facet, value=value, spans=sorted(spans)))
    return mentions


def _document_html(body: str, spans: list[Span], mentions: list[Mention]) -> Markup:
    """The full text: facet mentions wrapped in <span class="mention">, query words in <mark>.

    The first mention drawn of each value gets an id, so the facet list can link to it.
    """
    marks = sorted(
        ((start, end, mention) for mention in mentions for start, end in mention.spans), key=lambda m: (m[0], -m[1])
    )
    out, pos, anchored = [], 0, set()
    for start, end, mention in marks:
        if start < pos or end > len(body):
            continue  # overlapping mentions: the first one wins
        anchor = mention_anchor(mention.facet, mention.value)
        out.append(mark(body[pos:start], [s for s in spans if pos <= s.start and s.end <= start], offset=pos))
        inner = mark(body[start:end], [s for s in spans if start <= s.start and s.end <= end], offset=start)
        out.append(
            Markup('<span class="mention mention-{0}"{1} title="{0}: {2}">{3}</span>').format(
                mention.facet, Markup(' id="{}"').format(anchor) if anchor not in anchored else "", mention.value, inner
            )
        )
        anchored.add(anchor)
        pos = end
    out.append(mark(body[pos:], [s for s in spans if s.start >= pos], offset=pos))
    return Markup("").join(out)


def mention_anchor(facet: str, value: str) -> str:
    """The id of the first marked mention of a facet value on the release page."""
    return "m-" + facet + "-" + "".join(ch if ch.isalnum() else "-" for ch in value.lower())
