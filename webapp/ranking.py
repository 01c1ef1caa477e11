"""Which documents match a query, and in what order: bitmap algebra and exact BM25F.

Pure functions of an engine Generation: matching combines the generation's cached
document sets (bitmaps) along the query tree; ranking adds up each term's BM25F scores
for the candidates (numpy arrays) along the same tree, the way Whoosh's matchers add:
an AND adds all its parts, an OR the parts that match, a phrase its words, a NOT 1.0,
AND NOT its left side, a constant-score part its constant. That is exact where Whoosh's
top-k collector is not (in Whoosh 2.7.4 its matcher replacement drops documents), and
the equivalence tests compare every path here with Whoosh's own search.

Queries reach here prepared by webapp.query: prefixes and wildcards already expanded to
a bounded set of terms, ranges only over dates and years.
"""

import numpy as np
from pyroaring import FrozenBitMap
from whoosh import query as wq

from webapp.engine import EMPTY, Generation, doc_array

DATE_FIELDS = ("date", "year")


class Unanswerable(ValueError):
    """A query node this module does not evaluate (webapp.query should have rewritten it)."""


def matches(gen: Generation, query) -> FrozenBitMap:
    """Every live document matching `query`."""
    kind = type(query)
    if kind is wq.Term:
        return gen.docs(query.fieldname, query.text)
    if kind is wq.And:
        sets = sorted((matches(gen, q) for q in query.subqueries), key=len)
        return sets[0].intersection(*sets[1:]) if sets else EMPTY
    if kind is wq.Or:
        return FrozenBitMap().union(*(matches(gen, q) for q in query.subqueries))
    if kind is wq.Not:
        return gen.live - matches(gen, query.query)
    if kind is wq.AndNot:
        return matches(gen, query.a) - matches(gen, query.b)
    if kind is wq.Every:
        return gen.live
    if kind is wq.ConstantScoreQuery:
        return matches(gen, query.child)
    if kind is wq.Phrase:
        return _phrase(gen, query)
    if kind is wq.TermRange and query.fieldname in DATE_FIELDS:
        return gen.dated_between(*date_bounds(query))
    if query is wq.NullQuery:
        return EMPTY
    raise Unanswerable(f"cannot evaluate {type(query).__name__} queries here")


def _phrase(gen: Generation, query: wq.Phrase) -> FrozenBitMap:
    words = tuple(query.words)
    if not words:
        return EMPTY
    if len(words) == 1:
        return gen.docs(query.fieldname, words[0])
    return gen.phrase_docs(query.fieldname, words, query.slop)


def date_bounds(query: wq.TermRange) -> tuple[int, int]:
    """A range over the date or year field as YYYYMMDD integers, both ends included
    ('2019' runs from 20190101 to 20191231, '2019-06' from 20190601 to 20190631)."""
    start, end = _bound(query.start, low=True), _bound(query.end, low=False)
    if query.startexcl and query.start:
        start += 1
    if query.endexcl and query.end:
        end -= 1
    return start, end


def _bound(value: str | None, *, low: bool) -> int:
    digits = (value or "").replace("-", "")
    if not digits.isdigit() or len(digits) not in (4, 6, 8):
        return 0 if low else 99999999
    padding = {4: ("0101", "1231"), 6: ("01", "31"), 8: ("", "")}[len(digits)]
    return int(digits + padding[0 if low else 1])


def rank(gen: Generation, query, candidates: FrozenBitMap, limit: int) -> list[tuple[int, float]]:
    """The `limit` best of `candidates` (all matching `query`), best first, ties by
    document number, with their BM25F scores."""
    if not candidates or limit <= 0:
        return []
    docs = doc_array(candidates)
    scores = contributions(gen, query, docs, candidates)
    return top(docs, scores, limit)


def top(docs: np.ndarray, scores: np.ndarray, limit: int) -> list[tuple[int, float]]:
    """The `limit` highest `scores`, ties by lower document number; (doc, score) pairs."""
    if len(docs) > limit:
        kth = np.partition(scores, len(scores) - limit)[len(scores) - limit]
        above = np.flatnonzero(scores > kth)
        ties = np.flatnonzero(scores == kth)[: limit - len(above)]  # docs ascend, so the lowest
        keep = np.concatenate([above, ties])
    else:
        keep = np.arange(len(docs))
    order = keep[np.lexsort((docs[keep], -scores[keep]))]
    return [(int(docs[i]), float(scores[i])) for i in order]


def contributions(gen: Generation, query, docs: np.ndarray, docs_set: FrozenBitMap, weight: float = 1.0) -> np.ndarray:
    """`query`'s contribution to the score of each of `docs` (all of which match it)."""
    weight *= query.boost
    kind = type(query)
    if kind is wq.Term:
        return gen.term_scores(query.fieldname, query.text, docs) * weight
    if kind is wq.And:
        return sum((contributions(gen, part, docs, docs_set, weight) for part in query.subqueries), np.zeros(len(docs)))
    if kind is wq.Or:
        total = np.zeros(len(docs))
        for part in query.subqueries:
            if type(part) is wq.Term:
                total += contributions(gen, part, docs, docs_set, weight)  # zero where absent
                continue
            inside = matches(gen, part) & docs_set
            if inside:
                sub = doc_array(inside)
                total[np.searchsorted(docs, sub)] += contributions(gen, part, sub, inside, weight)
        return total
    if kind is wq.AndNot:
        return contributions(gen, query.a, docs, docs_set, weight)
    if kind in (wq.Not, wq.TermRange):
        return np.full(len(docs), weight)  # Whoosh scores an inverse 1.0, a date range its boost
    if kind is wq.ConstantScoreQuery:
        return np.full(len(docs), weight * query.score)
    if kind is wq.Phrase:
        return sum((gen.term_scores(query.fieldname, w, docs) * weight for w in query.words), np.zeros(len(docs)))
    if kind is wq.Every or query is wq.NullQuery:
        return np.zeros(len(docs))
    raise Unanswerable(f"cannot score {type(query).__name__} queries here")
