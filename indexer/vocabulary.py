"""The words the releases use, with how many releases use each, kept beside the index:

- every word of titles and texts, for the web app's spelling ("secrity" -> "security"
  needs the words as written, not the index's stems), in `vocabulary.json`;
- the words and two-word phrases of titles, for suggestions while typing ("bor" ->
  "border security"), in `titles.json`. The index cannot give these cheaply: its stored
  fields are one pickle per release with its whole text.

Both files are updated with each run's changes: the words of each written release are
added, those of each deleted or replaced one (read back from the index's stored text)
taken away, and a rebuild starts empty. A run costs its changes, never a pass over the
corpus.
"""

import json
import os
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from indexer import store
from indexer.gazetteer import fold
from indexer.schema import FoldingStemmer

WORD = re.compile(r"[^\W\d_]{3,30}")  # letters only: numbers and codes are not misspelt
MAX_WORDS = 200_000  # kept in the file, the most used first
# A title's words (letters, inner apostrophes kept: "o'brien") and every other mark, one
# at a time: punctuation and numbers between two words keep them from making a phrase.
TITLE_TOKEN = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*|[^\s]")
POSSESSIVE = re.compile(r"['’]s$")
MAX_TITLE_TERMS = 100_000  # title words and phrases kept in the file, the most used first
# Words that make poor completions on their own or as half of a phrase ("of the", "and
# mexico"); English and Spanish, as folded.
TITLE_STOP_WORDS = frozenset(
    "a an and are as at be but by for from has have in into is it its of on or over that the their "
    "this to under was were will with about after against between during than via "
    "al ante con de del e el en entre la las lo los o para por que se sobre su sus tras un una y".split()
)


@dataclass
class Counts:
    """How many releases use each word (for spelling), and each title word and two-word
    title phrase (for suggestions; a phrase is the key with a space)."""

    words: Counter = field(default_factory=Counter)
    titles: Counter = field(default_factory=Counter)

    def add_release(self, title: str, words: set[str]) -> None:
        """Count one release's distinct words (words_of, or words_of_tokens from its
        analysis) and its title terms, each once.

        Counter.update given the words themselves counts them in C; given another
        Counter it merges in a Python loop (2-3 % of indexing long releases).
        """
        self.words.update(words)
        self.titles.update(title_terms(title))

    def update(self, other: "Counts") -> None:
        """Add `other`'s counts to these."""
        self.words.update(other.words)
        self.titles.update(other.titles)

    def __bool__(self) -> bool:
        return bool(self.words or self.titles)


def words_of(*texts: str) -> set[str]:
    """The distinct words of `texts`, folded and lower-cased ("Calderón" -> "calderon")."""
    return words_of_tokens([token for text in texts for token in analysis_tokens(text)])


def analysis_tokens(text: str) -> list[str]:
    """The words the index's analysis finds in `text` (schema.analyze's `words`)."""
    return FoldingStemmer.WORD.findall(text)


def words_of_tokens(tokens: list[str]) -> set[str]:
    """The distinct words within the analysis tokens of a text. The writer has the tokens
    already: reading the text again took 0.5 ms a long release (7 % of indexing it), this
    takes 0.2. A token is a plain word in most cases; the others (accents, digits, dots
    as in "U.S") are split into words as the text's letters would be."""
    words = set()
    for token in set(tokens):
        if token.isascii() and token.isalpha():
            if 3 <= len(token) <= 30:
                words.add(token.lower())
                continue
            if len(token) < 3:
                continue
        words.update(WORD.findall(fold(token).lower()))
    return words


def title_terms(title: str) -> set[str]:
    """The distinct words (3 letters or more) and two-word phrases of a title, lower-cased
    with their accents ("Calderón Meets Border Security Chiefs" -> "calderón", "border
    security", ...). Stop words are left out, and so are phrases with one; a phrase is
    two words next to each other, with no mark or number between them and no possessive
    ending the first."""
    terms: set[str] = set()
    previous = None
    for token in TITLE_TOKEN.findall(title.lower()):
        word = POSSESSIVE.sub("", token)
        if not word[:1].isalpha() or fold(word) in TITLE_STOP_WORDS or len(word) > 30:
            previous = None
            continue
        if len(word) >= 3:
            terms.add(word)
        if previous is not None:
            terms.add(f"{previous} {word}")
        # "Napolitano's Meeting" is not the phrase "napolitano meeting".
        previous = word if len(word) >= 2 and word == token else None
    return terms


def read(folder: Path) -> Counter:
    """The spelling vocabulary kept with the index in `folder` (empty if none or unreadable)."""
    return _read_counts(Path(folder) / store.VOCABULARY)


def read_titles(folder: Path) -> Counter:
    """The title words and phrases kept with the index in `folder` (empty if none or unreadable)."""
    return _read_counts(Path(folder) / store.TITLES)


def _read_counts(path: Path) -> Counter:
    try:
        counts = json.loads(path.read_text())
    except (OSError, ValueError):
        return Counter()
    if not isinstance(counts, dict):
        return Counter()
    return Counter({w: n for w, n in counts.items() if isinstance(w, str) and isinstance(n, int) and n > 0})


def update(folder: Path, added: Counts, removed: Counts, *, start_empty: bool = False) -> None:
    """Add and take away a run's words and title terms, then replace each file in one rename."""
    for path, counts, limit, previous in (
        (store.VOCABULARY, (added.words, removed.words), MAX_WORDS, read),
        (store.TITLES, (added.titles, removed.titles), MAX_TITLE_TERMS, read_titles),
    ):
        kept = Counter() if start_empty else previous(folder)
        kept.update(counts[0])
        kept.subtract(counts[1])
        _write_counts(Path(folder) / path, kept, limit)


def _write_counts(path: Path, counts: Counter, limit: int) -> None:
    kept = {w: n for w, n in counts.most_common(limit) if n > 0}
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(kept, separators=(",", ":"), ensure_ascii=False))
    os.replace(tmp, path)
