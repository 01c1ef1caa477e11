"""Suggestions while typing: officials, countries, and frequent words and two-word phrases
of titles that start with what was typed, each with how many releases it has.

Per index generation, one sorted list of keys (folded, lower-cased, marks as spaces) is
built once (`Generation.memo`) from the facet values and the title terms the indexing
command keeps beside the index (indexer.vocabulary). An official or a country is found
by the start of any of its words ("napol" finds Janet Napolitano). A request is two
bisections and a partial sort of the candidates' ranks in numpy: its work is bounded by
the list, and the list is bounded (MAX_TITLE_WORDS, MAX_TITLE_PHRASES).
"""

import os
import re
import sys
from bisect import bisect_left
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from flask import Blueprint, request

from indexer import store, vocabulary
from indexer.gazetteer import fold
from webapp import budget, engine
from webapp.engine import Generation
from webapp.params import ParamError, SearchParams
from webapp.views import entity_url, search_url

bp = Blueprint("suggest", __name__, url_prefix="/api")

MAX_SUGGESTIONS = 8
MAX_PREFIX_CHARS = 100  # what a person types before choosing; longer is not a prefix
# The most used title words and two-word title phrases kept per generation: at both
# bounds, about 5 MB per worker with 2,000 officials and countries (measured).
MAX_TITLE_WORDS = 15_000
MAX_TITLE_PHRASES = 15_000
MAX_NAME_WORDS = 4  # an official or country is found by the start of its first 4 words
KINDS = ("official", "country", "word", "phrase")  # the order among equal counts
NOT_A_KEY = re.compile(r"[\W_]+")
LAST = "\U0010ffff"  # sorts after every character: key + LAST bounds a prefix's keys


def normalize(text: str) -> str:
    """The form keys and typed prefixes are compared in: accents folded, lower case,
    every mark a space ("Chad F. Wolf" -> "chad f wolf")."""
    return " ".join(NOT_A_KEY.sub(" ", fold(text).lower()).split())


@dataclass(frozen=True, slots=True)  # slots: tens of thousands are kept per generation
class Suggestion:
    text: str
    kind: str  # one of KINDS
    count: int  # releases naming the official or country, or with the term in their title


def keys_of(kind: str, key: str) -> list[str]:
    """What finds an entry of a kind, from its normalized text: the start of the text, or
    of any of the first words of an official's or a country's name ("janet napolitano",
    "napolitano")."""
    if kind not in ("official", "country"):
        return [key]
    words = key.split(" ")
    return [" ".join(words[n:]) for n in range(min(len(words), MAX_NAME_WORDS))]


class Completions:
    """Entries (text, kind, count) found by the starts of their keys, best first."""

    def __init__(self, entries: list[Suggestion]):
        # Every entry's rank: more releases first, then officials, countries, words,
        # phrases, then alphabetical. Taking the smallest ranks is taking the best.
        kind_order = {kind: n for n, kind in enumerate(KINDS)}
        # Most title terms are their own key: the key is then the same string, kept once.
        normalized = [e.text if key == e.text else key for e, key in ((e, normalize(e.text)) for e in entries)]
        by_rank = sorted(range(len(entries)), key=lambda n: (-entries[n].count, kind_order[entries[n].kind], normalized[n],
                                                             entries[n].text))
        self.entries = [entries[n] for n in by_rank]
        pairs = sorted((key, rank) for rank, n in enumerate(by_rank) for key in keys_of(entries[n].kind, normalized[n]))
        self.keys = [key for key, _ in pairs]
        self.ranks = np.array([rank for _, rank in pairs], dtype=np.int32)

    def complete(self, typed: str, limit: int = MAX_SUGGESTIONS) -> list[Suggestion]:
        """The best `limit` entries with a key starting with `typed` (normalized)."""
        prefix = normalize(typed)
        if not prefix or limit < 1:
            return []
        lo = bisect_left(self.keys, prefix)
        hi = bisect_left(self.keys, prefix + LAST, lo)
        ranks = self.ranks[lo:hi]
        # An entry has at most MAX_NAME_WORDS keys: that many times `limit` of the
        # smallest ranks hold `limit` distinct entries whenever the range has them.
        enough = limit * MAX_NAME_WORDS
        if len(ranks) > enough:
            ranks = np.partition(ranks, enough - 1)[:enough]
        return [self.entries[int(rank)] for rank in np.unique(ranks)[:limit]]

    @property
    def nbytes(self) -> int:
        """Near enough: the lists, keys, entries and their texts, and the ranks."""
        texts = {id(e.text) for e in self.entries}
        entries = sum(sys.getsizeof(e) + sys.getsizeof(e.text) for e in self.entries)
        keys = sum(sys.getsizeof(k) for k in {id(k): k for k in self.keys}.values() if id(k) not in texts)
        return sys.getsizeof(self.keys) + keys + sys.getsizeof(self.entries) + entries + self.ranks.nbytes


def entries_of(gen: Generation) -> list[Suggestion]:
    """Every official and country with its releases, and the most used title words and
    phrases; a title term that reads as an official's or a country's name, or the end of
    one, is left to it ("panama" is the country, "napolitano" the official), and
    spellings that differ only by accents or case are one entry (the most used spelling,
    its count)."""
    entries = [
        Suggestion(value, facet, len(docs))
        for facet in ("official", "country")
        for value, docs in gen.facets[facet].values.items()
    ]
    names = {key for e in entries for key in keys_of(e.kind, normalize(e.text))}
    terms = vocabulary.read_titles(gen.path)
    for kind, limit in (("word", MAX_TITLE_WORDS), ("phrase", MAX_TITLE_PHRASES)):
        best: dict[str, tuple[str, int]] = {}
        of_kind = ((t, n) for t, n in terms.items() if (" " in t) == (kind == "phrase"))
        for text, count in sorted(of_kind, key=lambda item: (-item[1], item[0])):
            key = normalize(text)
            if key and key not in names and key not in best:
                best[key] = (text, count)
                if len(best) == limit:
                    break
        entries += [Suggestion(text, kind, count) for text, count in best.values()]
    return entries


def completions_of(gen: Generation) -> Completions:
    """This generation's completions, built once; again if the indexing command rewrote
    the title terms after the generation was opened (it writes them after its commit).

    Built outside the request's time budget, as a generation's warming is: an
    interrupted build would be started again by every request and never kept.
    """
    try:
        stat = os.stat(Path(gen.path) / store.TITLES)
        version = f"{stat.st_mtime_ns}-{stat.st_size}"
    except OSError:
        version = "none"

    def build() -> Completions:
        with budget.suspended():
            return Completions(entries_of(gen))

    return gen.memo(f"completions {version}", build)


def suggest(gen: Generation, typed: str, limit: int = MAX_SUGGESTIONS) -> list[Suggestion]:
    """Up to `limit` completions of what was typed, best first."""
    return completions_of(gen).complete(typed, limit)


def suggestion_url(suggestion: Suggestion) -> str:
    """Where choosing a suggestion leads: an official's or a country's page, or the search
    for the word or (as a phrase) the two words."""
    page = entity_url(suggestion.kind, suggestion.text)
    if page is not None:
        return page
    return search_url(SearchParams(q=f'"{suggestion.text}"' if suggestion.kind == "phrase" else suggestion.text))


@bp.get("/suggest")
def suggest_json():
    """`q`, what has been typed so far, in; up to 8 completions out."""
    typed = " ".join(request.args.get("q", "").split())
    if len(typed) > MAX_PREFIX_CHARS:
        raise ParamError(
            f"'q' is what has been typed so far, at most {MAX_PREFIX_CHARS} characters, not {len(typed):,}; "
            "to search a longer text, use /api/search"
        )
    found = suggest(engine().generation(), typed)
    return {
        "q": typed,
        "suggestions": [
            {"text": s.text, "kind": s.kind, "count": s.count, "url": suggestion_url(s)} for s in found
        ],
    }
