"""Answer a search: a request's parameters in, one ResultPage out.

Orchestration only: read the query leniently (webapp.query), make its words explicit
for the index (webapp.expansion), ask the engine generation for document sets
(webapp.ranking), count facets, rank, highlight, paginate. When all words find few
releases, continue with releases matching most of them; when nothing is found, try the
spelling. Every step's work is bounded by the answer, not by the corpus or the query.
"""

import math
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass, replace

import numpy as np
from markupsafe import Markup
from pyroaring import FrozenBitMap
from whoosh import query as wq

from indexer.gazetteer import fold
from webapp.document import render
from webapp.engine import Engine, Generation, bitmap, doc_array
from webapp.expansion import expand
from webapp.highlight import NOTHING, Highlight, TermMatcher, snippet
from webapp.params import FACETS, NO_DATE, SearchParams, year_range
from webapp.query import QueryReading, make_parser, read_query, text_fields
from webapp.ranking import contributions, matches, rank, top
from webapp.results import FacetValue, Hit, Mention, ReleaseDetail, ResultPage
from webapp.spelling import Speller, corrections

FACET_LIMIT = 100  # values listed per facet; selected values are always listed
FEW = 5  # fewer releases with all the words than this: go on with those matching most
SUGGEST_BELOW = 3  # offer "did you mean" when fewer results than this (or some words are missing)
SNIPPET_SCAN_CHARS = 100_000  # snippets come from the start of very long releases
SIMILAR = 5  # similar releases on a release page
SIMILAR_TERMS = 12  # of the release's key terms, how many find its similar releases
NAME_FIELDS = ("country", "official", "issuer")


def search(engine: Engine, params: SearchParams, *, facets: bool = True, snippets: bool = True) -> ResultPage:
    """One page of results for `params`, with facet counts and highlighted snippets."""
    started = time.perf_counter()
    gen = engine.generation()
    compute = lambda: _search(gen, params, facets, snippets)  # noqa: E731
    page = gen.cache.get_packed(("page", params, facets, snippets), compute) if engine.cache_pages else compute()
    return replace(page, seconds=time.perf_counter() - started, generation=gen.key)


@dataclass
class _Matched:
    """The releases a query finds, before and after the filters, and how."""

    matched: FrozenBitMap  # before filters: facet counts start here
    final: FrozenBitMap  # after every filter
    mode: str  # "all" words, or "most" of them
    counts: tuple[np.ndarray, np.ndarray] | None = None  # "most": (docs, how many words each has)


@dataclass
class _Answer:
    """What a search found, before a page of it is cut out."""

    reading: QueryReading
    filters: dict[str, FrozenBitMap]
    found: _Matched
    notices: list[str]
    original: str | None  # the query as typed, when a corrected one was searched
    suggestion: str | None  # "did you mean": a correction that finds more releases with all its words


def _answer(gen: Generation, params: SearchParams) -> _Answer:
    """Read the query, match it (most words if all find few), correct it if it finds
    nothing, or offer the correction if it finds more. The spelling is worked out at
    most once a request."""
    reading = expand(read_query(params.q, parser_of(gen)), gen)
    filters = _filters(gen, params)
    found = _match(gen, reading, filters)
    notices, original, suggestion = [], None, None
    few = not found.final or found.mode == "most" or len(found.final) < SUGGEST_BELOW
    corrected = _corrected(gen, reading, params.q) if reading.query is not None and few else None
    if corrected is not None:
        retry = expand(read_query(corrected, parser_of(gen)), gen)
        if not found.final and not params.verbatim:
            again = _match(gen, retry, filters)
            if again.final:
                original, reading, found = params.q, retry, again
                notices.append(f"No release matched “{params.q}”; showing results for “{corrected}” instead.")
        if original is None and retry.query is not None and retry.notices == reading.notices:
            before = found.final if found.mode == "all" else _restrict(matches(gen, reading.query), filters)
            after = _restrict(matches(gen, retry.query), filters)
            suggestion = corrected if len(after) > len(before) else None
    if found.mode == "most" and reading.words:
        n = len(reading.words)
        with_all = int(np.count_nonzero(found.counts[1] == n))
        notices.append(
            f"No release has all {n} words; these match most of them."
            if not with_all
            else f"Only {with_all} {'release has' if with_all == 1 else 'releases have'} all {n} words; "
            "after them come releases that match most of them."
        )
    return _Answer(reading, filters, found, notices, original, suggestion)


def _search(gen: Generation, params: SearchParams, facets: bool, snippets: bool) -> ResultPage:
    answer = _answer(gen, params)
    reading, found, filters = answer.reading, answer.found, answer.filters
    total = len(found.final)
    pages = max(1, math.ceil(total / params.per_page))
    page = min(params.page, pages)
    limit = page * params.per_page
    ranked = _rank(gen, reading, params.sort, found, limit)[(page - 1) * params.per_page : limit]
    highlight = highlight_of(reading.query) if snippets else None
    word_sets = _word_sets(gen, reading, found)
    # A snippet needs the stored body; a result without one reads only the facts column.
    record = gen.stored if snippets else gen.facts
    results = [_hit(gen, record(doc), score, highlight, _missing(word_sets, doc)) for doc, score in ranked]
    return ResultPage(
        params=params,
        total=total,
        page=page,
        pages=pages,
        results=results,
        facets={f: _facet_values(gen, f, _restrict(found.matched, filters, skip=f), params) for f in FACETS} if facets else {},
        query_reading=reading.text,
        notices=[*reading.notices, *answer.notices],
        suggestion=answer.suggestion,
        match=found.mode,
        understood=reading.understood,
        original_query=answer.original,
        undated=_undated_left_out(gen, params, found, filters),
        timeline=timeline(gen, found.final) if facets else [],
    )


def all_results(engine: Engine, params: SearchParams) -> tuple[int, Iterator[Hit]]:
    """How many releases a search finds, and all of them in the page's order, without
    snippets (for feeds and exports). The order is computed once, as arrays; each
    release's facts are read (from the facts column) as the iterator reaches it, so
    memory stays flat whatever the count."""
    gen = engine.generation()
    answer = _answer(gen, params)
    ranked = _rank(gen, answer.reading, params.sort, answer.found, len(answer.found.final))
    word_sets = _word_sets(gen, answer.reading, answer.found)

    def hits() -> Iterator[Hit]:
        for doc, score in ranked:
            yield _hit(gen, gen.facts(doc), score, None, _missing(word_sets, doc))

    return len(answer.found.final), hits()


def timeline(gen: Generation, docs: FrozenBitMap) -> list[tuple[str, int]]:
    """How many of `docs` each period holds, every period from the first to the last in
    order (empty ones too): years ("2011"), or months ("2011-07") when the dated
    releases span under two years. Releases with no date are left out."""
    dates = gen.dates[doc_array(docs)] if docs else np.zeros(0, dtype=np.int32)
    dates = dates[dates > 0]
    if not len(dates):
        return []
    first, last = int(dates.min()), int(dates.max())
    if last - first < 20000:  # under two years, as YYYYMMDD numbers
        months = (dates // 10000) * 12 + (dates // 100) % 100 - 1
        low = int(months.min())
        counts = np.bincount(months - low)
        return [(f"{(low + n) // 12}-{(low + n) % 12 + 1:02d}", int(c)) for n, c in enumerate(counts)]
    years = dates // 10000
    low = int(years.min())
    counts = np.bincount(years - low)
    return [(str(low + n), int(c)) for n, c in enumerate(counts)]


# --- matching ------------------------------------------------------------------------------


def _filters(gen: Generation, params: SearchParams) -> dict[str, FrozenBitMap]:
    """facet (or "date") -> the documents it lets through. Values of one facet OR together."""
    out = {}
    for facet in FACETS:
        selected = params.selected(facet)
        if selected:
            out[facet] = FrozenBitMap().union(*(_value_docs(gen, facet, v) for v in selected))
    if params.date_from or params.date_to:
        dated = gen.dated_between(_day(params.date_from, 0), _day(params.date_to, 99999999))
        out["date"] = dated | gen.undated if params.undated else dated
    return out


def _value_docs(gen: Generation, facet: str, value: str) -> FrozenBitMap:
    """The releases one chosen facet value lets through; a year may also be 'none' (no
    known date) or a range of years ("2007..2011", open ends allowed)."""
    if facet == "year":
        if value == NO_DATE:
            return gen.undated
        bounds = year_range(value)
        if bounds is not None:
            low, high = bounds
            first = 1 if low is None else low * 10000 + 101  # 0 is "no date": never in a range
            last = 99991231 if high is None else high * 10000 + 1231
            return gen.dated_between(first, last)
    return gen.facets[facet].values.get(value, FrozenBitMap())


def _day(iso: str | None, default: int) -> int:
    return int(iso.replace("-", "")) if iso else default


def _restrict(docs: FrozenBitMap, filters: dict[str, FrozenBitMap], skip: str | None = None) -> FrozenBitMap:
    """Documents in `docs` that pass every filter but `skip` (facets AND together)."""
    for name, allowed in filters.items():
        if name != skip:
            docs = docs & allowed
    return docs


def _match(gen: Generation, reading: QueryReading, filters: dict[str, FrozenBitMap]) -> _Matched:
    """All words; or, when that finds fewer than FEW releases in the whole index and the
    query allows it, most words. (Decided before the filters, so that a facet's count
    is what choosing it shows.)"""
    matched = gen.live if reading.query is None else matches(gen, reading.query)
    if reading.relaxable and len(matched) < FEW:
        most = _most_words(gen, reading)
        if most is not None and len(most[0]) > len(matched):
            docs, counts = most
            relaxed = bitmap(docs)
            return _Matched(relaxed, _restrict(relaxed, filters), "most", most)
    return _Matched(matched, _restrict(matched, filters), "all")


def _most_words(gen: Generation, reading: QueryReading) -> tuple[np.ndarray, np.ndarray] | None:
    """Releases with every required part and most of the plain words: at least half of
    them where some release has that many, else at least one, else (when there are
    required parts) none. Their document numbers and how many of the words each has."""
    required = gen.live
    for part in reading.required:
        required = required & matches(gen, part)
    docs = doc_array(required)
    counts = np.zeros(len(docs), dtype=np.int32)
    for word in reading.words:
        counts[np.searchsorted(docs, doc_array(matches(gen, word.query) & required))] += 1
    for least in (math.ceil(len(reading.words) / 2), 1, 0 if reading.required else 1):
        keep = counts >= least
        if np.any(keep):
            return docs[keep], counts[keep]
    return None


def _word_sets(gen: Generation, reading: QueryReading, found: _Matched) -> list[tuple[str, FrozenBitMap]]:
    """Each plain word and the releases with it, when some results may lack words."""
    return [(word.label, matches(gen, word.query)) for word in reading.words] if found.mode == "most" else []


def _missing(word_sets: list[tuple[str, FrozenBitMap]], doc: int) -> list[str]:
    """The plain words a release lacks (see _word_sets)."""
    return [label for label, docs in word_sets if doc not in docs]


# --- ranking -------------------------------------------------------------------------------


def _rank(gen: Generation, reading: QueryReading, sort: str, found: _Matched, limit: int) -> list[tuple[int, float | None]]:
    """The first `limit` results in order, with their scores (None when sorted by date)."""
    if reading.query is None or sort != "relevance":
        order = "oldest" if sort == "oldest" else "newest"
        return [(doc, None) for doc in gen.by_date(found.final, order, limit)]
    if found.mode == "all":
        return rank(gen, reading.query, found.final, limit)
    # Most words: more of the words first, then BM25F of the words each release has.
    docs = doc_array(found.final)
    scores = np.zeros(len(docs))
    for part in reading.required:
        scores += contributions(gen, part, docs, found.final)
    for word in reading.words:
        inside = matches(gen, word.query) & found.final
        if inside:
            sub = doc_array(inside)
            scores[np.searchsorted(docs, sub)] += contributions(gen, word.query, sub, inside)
    all_docs, all_counts = found.counts
    counts = all_counts[np.searchsorted(all_docs, docs)]
    # Rank by (words matched, score): the count dominates any score difference.
    key = counts * (float(np.max(scores)) + 1.0) + scores if len(scores) else scores
    best = [doc for doc, _ in top(docs, key, limit)]
    return [(doc, float(scores[at])) for doc, at in zip(best, np.searchsorted(docs, best))]


# --- spelling ------------------------------------------------------------------------------


def _corrected(gen: Generation, reading: QueryReading, q: str) -> str | None:
    """`q` with its unknown words corrected, or None when nothing could be corrected."""
    if reading.notices:
        return None  # read as plain words after a syntax problem: q is not what was searched
    unknown = [w.label for w in reading.words if not matches(gen, w.query)]
    if not unknown:
        return None
    known = gen.live
    for word in reading.words:
        docs = matches(gen, word.query)
        if docs:
            known = known & docs

    def fits(candidate: str) -> int:
        return len(docs_for_word(gen, candidate) & known)

    chosen = corrections(unknown, speller_of(gen), fits)
    if not chosen:
        return None
    corrected = q
    for word, replacement in chosen.items():
        corrected = re.sub(rf"(?i)(?<!\w){re.escape(word)}(?!\w)", lambda m: _cased_like(m.group(), replacement), corrected)
    return corrected if corrected != q else None


def _cased_like(typed: str, word: str) -> str:
    """`word` written with the capitals of `typed` ("Guatamala" -> "Guatemala")."""
    if typed.isupper() and len(typed) > 1:
        return word.upper()
    return word[:1].upper() + word[1:] if typed[:1].isupper() else word


# --- facets --------------------------------------------------------------------------------


def facet_values(engine: Engine, params: SearchParams, facet: str) -> list[FacetValue]:
    """Every value of one facet with its count over a search's results (its own filter
    left out, as on the search page), most frequent first: for the page that lists them all."""
    gen = engine.generation()

    def compute() -> list[FacetValue]:
        answer = _answer(gen, params)
        return _facet_values(gen, facet, _restrict(answer.found.matched, answer.filters, skip=facet), params, limit=None)

    # Page, order and sort do not change the counts: one entry per search.
    key = replace(params, page=1, per_page=1, sort="relevance")
    return gen.cache.get_packed(("facet values", key, facet), compute) if engine.cache_pages else compute()


def _facet_values(gen: Generation, facet: str, docs: FrozenBitMap, params: SearchParams,
                  limit: int | None = FACET_LIMIT) -> list[FacetValue]:
    """Counts of each value over `docs`, most frequent first, the first `limit` of them;
    selected values always kept. The year facet also counts the releases with no known date."""
    counts = gen.facets[facet].counts(docs)
    if facet == "year":
        undated = len(docs & gen.undated)
        if undated:
            counts[NO_DATE] = undated
    selected = params.selected(facet)
    top_values = sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:limit]
    listed = {v for v, _ in top_values}
    # A chosen value outside the list (a year range, say) is counted on its own.
    top_values += [(v, len(docs & _value_docs(gen, facet, v))) for v in selected if v not in listed]
    return [FacetValue(value=v, count=n, selected=v in selected) for v, n in top_values]


def _undated_left_out(gen: Generation, params: SearchParams, found: _Matched, filters) -> int:
    """How many matching releases a date filter leaves out for having no known date."""
    if "date" not in filters or params.undated:
        return 0
    return len(_restrict(found.matched, filters, skip="date") & gen.undated)


# --- hits and snippets -----------------------------------------------------------------------


def highlight_of(query) -> Highlight:
    """What to mark for `query`: its terms per analyzer, and its phrases."""
    if query is None:
        return NOTHING
    terms: dict[str, set] = {}
    phrases: dict[str, set] = {}
    for leaf in _leaves(query):
        key = _analyzer_key(getattr(leaf, "fieldname", None))
        if key is None:
            continue
        if type(leaf) is wq.Phrase and len(leaf.words) > 1:
            phrases.setdefault(key, set()).add(tuple(leaf.words))
        elif type(leaf) is wq.Phrase:
            terms.setdefault(key, set()).update(leaf.words)
        elif type(leaf) is wq.Term:
            terms.setdefault(key, set()).add(leaf.text)
    return Highlight({k: frozenset(v) for k, v in terms.items()}, {k: frozenset(v) for k, v in phrases.items()})


def _leaves(query):
    """The positive leaves of a query: what an excluded word matches is not marked."""
    if type(query) is wq.Not:
        return
    if type(query) is wq.AndNot:
        yield from _leaves(query.a)
        return
    children = list(query.children())
    if not children:
        yield query
    for child in children:
        yield from _leaves(child)


def _analyzer_key(fieldname: str | None) -> str | None:
    if fieldname in ("title", "body"):
        return "text"
    if fieldname in ("title_es", "body_es"):
        return "text_es"
    if fieldname in NAME_FIELDS:
        return "names"
    return None


# --- what each generation derives for searching ------------------------------------------------


def parser_of(gen: Generation):
    """The search box's query parser for this generation's schema."""
    return gen.memo("parser", lambda: make_parser(gen.schema))


def matcher_of(gen: Generation) -> TermMatcher:
    """Finds query words in a release's text the way this generation analyzed them."""

    def build() -> TermMatcher:
        analyzers = {"text": gen.schema["body"].analyzer}
        if "body_es" in gen.schema:
            analyzers["text_es"] = gen.schema["body_es"].analyzer
        analyzers["names"] = gen.schema["country"].analyzer
        return TermMatcher(analyzers)

    return gen.memo("matcher", build)


def speller_of(gen: Generation) -> Speller:
    """Corrections from this generation's vocabulary: its words and its facet names."""

    def build() -> Speller:
        frequencies = dict(gen.vocabulary())
        for facet in ("official", "country"):
            for value, docs in gen.facets[facet].values.items():
                for word in re.findall(r"[^\W\d_]{3,}", fold(value).lower()):
                    frequencies[word] = max(frequencies.get(word, 0), len(docs))
        return Speller(frequencies)

    return gen.memo("speller", build)


def docs_for_word(gen: Generation, word: str) -> FrozenBitMap:
    """Releases with `word` in any text field, analyzed as that field indexes it."""
    found = FrozenBitMap()
    for fieldname in text_fields(gen.schema):
        for token in gen.schema[fieldname].analyzer(word):
            found = found | gen.docs(fieldname, token.text)
    return found


# --- results and releases ----------------------------------------------------------------------


def _hit(gen: Generation, stored: dict, score: float | None = None, highlight: Highlight | None = None,
         missing: list[str] = ()) -> Hit:
    """A result from a document's stored fields; with a snippet when `highlight` is given."""
    html = Markup("")
    if highlight is not None:
        body = stored["body"]
        spans = matcher_of(gen).spans(body, highlight, stored.get("language") or "en", SNIPPET_SCAN_CHARS)
        html = snippet(body[:SNIPPET_SCAN_CHARS], spans)
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
        snippet=html,
        score=round(score, 4) if score is not None else None,
        kind=stored.get("kind") or None,
        language=stored.get("language") or None,
        title_source=(stored.get("provenance") or {}).get("title"),
        missing=list(missing),
    )


def _split(value: str | None) -> list[str]:
    return [v for v in (value or "").split(",") if v]


def get_release(engine: Engine, release_id: str, q: str = "", mention_link=None) -> ReleaseDetail | None:
    """One release with its full text, why it carries each facet value, and similar releases;
    `mention_link(facet, value)`, when given, is where each marked mention links to."""
    gen = engine.generation()
    doc = gen.doc_number(release_id)
    if doc is None:
        return None
    reading = expand(read_query(q, parser_of(gen)), gen)
    stored = gen.stored(doc)
    hit = _hit(gen, stored)
    body = stored["body"]
    mentions = _mentions(stored.get("mentions") or {}, hit)
    spans = matcher_of(gen).spans(body, highlight_of(reading.query), stored.get("language") or "en")
    text = render(body, spans, mentions, mention_link)
    return ReleaseDetail(
        hit=hit,
        body=body,
        body_html=text.html,
        anchors=text.anchors,
        provenance=stored.get("provenance") or {},
        mentions=mentions,
        similar=[_hit(gen, gen.facts(other)) for other in similar_docs(gen, doc)],
    )


def similar_docs(gen: Generation, doc: int, number: int = SIMILAR) -> list[int]:
    """Releases that share the most telling words of release `doc`, best first.

    The words come from the release's stored term sequence (a bounded prefix of it),
    weighted by how rare they are; never from analyzing its text again.
    """
    fieldname, terms = gen.key_terms(doc, SIMILAR_TERMS)
    if not terms:
        return []
    query = wq.Or([wq.Term(fieldname, term) for term in terms])
    candidates = matches(gen, query) - FrozenBitMap([doc])
    return [other for other, _ in rank(gen, query, candidates, number)]


def _mentions(stored: dict, hit: Hit) -> list[Mention]:
    """Every facet value of the release, with the spans of the text that name it."""
    mentions = []
    for facet, values in (("official", hit.officials), ("country", hit.countries)):
        for value in values:
            spans = [tuple(s) for s in stored.get(f"{facet}:{value}", [])]
            mentions.append(Mention(facet=facet, value=value, spans=sorted(spans)))
    return mentions
