"""Which documents match a query, and in what order: set algebra and exact BM25F.

Matching uses cached per-term (and per-phrase) document sets of the Snapshot, so boolean
queries cost C-speed set operations; Whoosh's matchers walk postings in Python.

Ranking adds up per-term score arrays (each document's BM25F score for a term, as
Whoosh's own scorer gives it, cached per index generation) over the documents to rank,
following the query tree as Whoosh's matchers do: an AND adds all its parts, an OR the
parts that match, a phrase its words, a NOT 1.0, AND NOT its left side. That is exact
where Whoosh's top-k collector is not: in Whoosh 2.7.4 its matcher replacement (the
collector's `replace`) drops documents, and for 4 of the benchmark's 52 queries at
10,000 releases its top 10 was not the true top 10. Queries this cannot add up
(prefixes, ranges, phrases with slop) are ranked by Whoosh with replacement off.
"""

import bisect
import heapq
import math

from whoosh import query as wq
from whoosh.collectors import FilterCollector, TopCollector

NARROW = 8  # rank candidates one by one when they are under 1/NARROW of the matches


def matching_docs(snap, query) -> frozenset[int]:
    """Every live document matching `query`, without scoring.

    Boolean trees of terms and exact phrases are answered with set operations on the
    snapshot's cached sets. Anything else (prefixes, ranges, phrases with slop) goes to
    Whoosh, after a cheap check that a phrase's words co-occur at all.
    """
    if type(query) is wq.Term:
        return snap.term_docs(query.fieldname, query.text)
    if type(query) is wq.And:
        sets = sorted((matching_docs(snap, q) for q in query.subqueries), key=len)
        return sets[0].intersection(*sets[1:]) if sets else frozenset()
    if type(query) is wq.Or:
        return frozenset().union(*(matching_docs(snap, q) for q in query.subqueries))
    if type(query) is wq.Not:
        return snap.all_docs - matching_docs(snap, query.query)
    if type(query) is wq.AndNot:
        return matching_docs(snap, query.a) - matching_docs(snap, query.b)
    if type(query) is wq.Every:
        return snap.all_docs
    if snap.answers_phrase(query):
        return snap.phrase_docs(query)
    if type(query) is wq.Phrase and query.words and not snap.all_words_docs(query.fieldname, query.words):
        return frozenset()
    return frozenset(snap.searcher.docs_for_query(query))


def answerable_by_sets(snap, query) -> bool:
    """Whether matching_docs and rank answer `query` from cached sets and score arrays."""
    if type(query) in (wq.Term, wq.Every):
        return True
    if type(query) in (wq.And, wq.Or):
        return (type(query) is wq.And or not query.scale) and all(answerable_by_sets(snap, q) for q in query.subqueries)
    if type(query) is wq.Not:
        return answerable_by_sets(snap, query.query)
    if type(query) is wq.AndNot:
        return answerable_by_sets(snap, query.a) and answerable_by_sets(snap, query.b)
    return snap.answers_phrase(query)


def rank(snap, query, docs: frozenset[int], matched: frozenset[int], limit: int) -> list[tuple[int, float]]:
    """The `limit` best of `docs` (matches of `query`, all of `matched` or some), best first,
    ties by document number, with their BM25F scores."""
    if not docs:
        return []
    if answerable_by_sets(snap, query):
        scores = dict.fromkeys(docs, 0.0)
        _add_scores(snap, query, docs, 1.0, scores)
        return [(doc, -negative) for negative, doc in heapq.nsmallest(limit, ((-s, d) for d, s in scores.items()))]
    if len(docs) * NARROW < len(matched):
        return top_scored(snap, query, docs, limit)
    collector = top = TopCollector(limit=limit, replace=0)
    if docs is not matched:
        collector = FilterCollector(top, allow=set(docs))
    snap.searcher.search_with_collector(query, collector)
    return [(doc, score) for score, doc in top.results().top_n]


def _add_scores(snap, query, docs, weight: float, scores: dict[int, float]) -> None:
    """Add `query`'s contribution to the score of each of `docs` (all matching it)."""
    weight *= query.boost
    kind = type(query)
    if kind is wq.Term:
        term = snap.term_scores(query.fieldname, query.text)
        for doc in docs:
            scores[doc] += term[doc] * weight
    elif kind is wq.And:
        for part in query.subqueries:
            _add_scores(snap, part, docs, weight, scores)
    elif kind is wq.Or:
        for part in query.subqueries:
            _add_scores(snap, part, docs & matching_docs(snap, part), weight, scores)
    elif kind is wq.AndNot:
        _add_scores(snap, query.a, docs, weight, scores)
    elif kind is wq.Not:
        for doc in docs:
            scores[doc] += weight  # Whoosh's InverseMatcher scores 1.0
    elif kind is wq.Phrase:
        for word in query.words:
            _add_scores(snap, wq.Term(query.fieldname, word), docs, weight, scores)
    # Every adds nothing: it only appears as a match-everything filter.


class _MatchesAndTop(TopCollector):
    """Whoosh's top-k collector that also keeps every match it passes.

    Block-quality skipping and matcher replacement are off: both may pass over documents
    that cannot reach the top k, and here every match must be seen.
    """

    def __init__(self, limit: int):
        super().__init__(limit=limit, usequality=False, replace=0)
        self.matched: set[int] = set()

    def _collect(self, global_docnum, score):
        self.matched.add(global_docnum)
        return super()._collect(global_docnum, score)


def scored_matches(snap, query, limit: int) -> tuple[frozenset[int], list[tuple[int, float]]]:
    """Every match of `query`, and its best `limit` by BM25F, in one pass over the postings:
    for queries sets cannot answer."""
    collector = _MatchesAndTop(limit)
    snap.searcher.search_with_collector(query, collector)
    return frozenset(collector.matched), [(doc, score) for score, doc in collector.results().top_n]


def top_scored(snap, query, docs: frozenset[int], limit: int) -> list[tuple[int, float]]:
    """The `limit` best of `docs` by BM25F, scoring only them with Whoosh's matcher.

    With a narrow filter, Whoosh's collector still walks every match in Python and drops
    the filtered-out ones; here the matcher skips from one candidate to the next. Scores
    and order (score, then document number) are Whoosh's own; a test pins that.
    """
    context = snap.searcher.context()
    ordered = sorted(docs)
    leaves = snap.searcher.leaf_searchers()
    scored = []
    for n, (sub, offset) in enumerate(leaves):
        end = leaves[n + 1][1] if n + 1 < len(leaves) else math.inf
        local = ordered[bisect.bisect_left(ordered, offset) : bisect.bisect_left(ordered, end)]
        matcher = query.matcher(sub, context) if local else None
        for doc in local:
            if not matcher.is_active():
                break
            if matcher.id() < doc - offset:
                matcher.skip_to(doc - offset)
            if matcher.is_active() and matcher.id() == doc - offset:
                scored.append((-matcher.score(), doc))
    return [(doc, -negative) for negative, doc in heapq.nsmallest(limit, scored)]
