""""Did you mean": corrections within two edits of the index's own words, bounded.

The vocabulary is the words releases use (with how many releases use each) and the names
on the facets (officials, countries). A correction is chosen by edit distance, by what
the other words of the query match, then by frequency. The work is bounded whatever was
typed: at most MAX_WORDS words are corrected, MAX_CANDIDATES candidates weighed for each,
and the request's time budget is checked between words.
"""

from dataclasses import dataclass

from rapidfuzz import process
from rapidfuzz.distance import OSA

from webapp import budget

MAX_WORDS = 4  # unknown words corrected in one query
MAX_CANDIDATES = 5  # candidates weighed for one word
MAX_DISTANCE = 2
MIN_LENGTH = 3  # shorter words are not corrected: too many neighbours


@dataclass(frozen=True)
class Candidate:
    word: str
    distance: int
    frequency: int


class Speller:
    """Candidates for a misspelled word from a vocabulary of words and frequencies."""

    def __init__(self, frequencies: dict[str, int]):
        self._frequencies = frequencies
        by_length: dict[int, list[str]] = {}
        for word in frequencies:
            by_length.setdefault(len(word), []).append(word)
        self._by_length = by_length

    def __len__(self) -> int:
        return len(self._frequencies)

    def frequency(self, word: str) -> int:
        return self._frequencies.get(word, 0)

    def candidates(self, word: str, limit: int = MAX_CANDIDATES) -> list[Candidate]:
        """Vocabulary words within MAX_DISTANCE edits (a swap of two letters is one),
        nearest first, then most frequent."""
        word = word.lower()
        if len(word) < MIN_LENGTH or word in self._frequencies:
            return []
        # Only words whose length is within reach: a cheap cut before the C scorer.
        pool = [w for n in range(len(word) - MAX_DISTANCE, len(word) + MAX_DISTANCE + 1) for w in self._by_length.get(n, ())]
        found = process.extract(word, pool, scorer=OSA.distance, score_cutoff=MAX_DISTANCE, limit=4 * limit)
        ranked = sorted(
            (Candidate(w, int(d), self._frequencies[w]) for w, d, _ in found),
            key=lambda c: (c.distance, -c.frequency, c.word),
        )
        return ranked[:limit]


def corrections(words: list[str], speller: Speller, fits) -> dict[str, str]:
    """The best replacement for each of `words` (misspelled ones, as typed), at most
    MAX_WORDS of them. `fits(word)` says how well a candidate goes with the rest of the
    query (the number of releases it shares with the other words), the tie-breaker
    after the edit distance."""
    chosen: dict[str, str] = {}
    for word in words[:MAX_WORDS]:
        budget.check()
        candidates = speller.candidates(word)
        if not candidates:
            continue
        best = max(candidates, key=lambda c: (-c.distance, fits(c.word) > 0, fits(c.word), c.frequency))
        chosen[word] = best.word
    return chosen
