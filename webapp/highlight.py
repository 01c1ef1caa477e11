"""Highlighted snippets without re-analyzing whole documents.

Whoosh's highlighter runs the full analyzer over every hit's stored text, in Python, on
every query. Here a document is split with one C-level regex and each distinct word is
analyzed once per process (memoized), so a snippet costs a regex pass and dict lookups.
The HTML is built only from escaped text plus <mark>, so release text can never inject
markup.
"""

import re
from dataclasses import dataclass, field

from markupsafe import Markup, escape

from indexer.gazetteer import fold

# Whoosh's RegexTokenizer default, so words split here as they were when indexed.
WORD = re.compile(r"\w+(?:\.?\w+)*")
CONTEXT_CHARS = 70  # around a match, each side
MAX_FRAGMENT_CHARS = 240
MAX_FRAGMENTS = 3
LEAD_CHARS = 240  # shown when nothing in the text matched (e.g. a title-only match)


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    term: str


@dataclass(frozen=True)
class Highlight:
    """What to mark in a text: single terms as each analyzer indexes them, and phrases
    (term sequences) whose words are marked only where they stand together."""

    terms: dict[str, frozenset[str]] = field(default_factory=dict)  # analyzer key -> terms
    phrases: dict[str, frozenset[tuple[str, ...]]] = field(default_factory=dict)  # analyzer key -> phrases

    def __bool__(self) -> bool:
        return any(self.terms.values()) or any(self.phrases.values())


NOTHING = Highlight()


class TermMatcher:
    """Finds where the words of a query occur in a text, the way the index analyzed them.

    `analyzers` maps a key to an analyzer: "text" (English title and body), "text_es"
    (Spanish), "names" (country, official, issuer). A release is matched with the text
    analyzer of its language and with the names analyzer. A word is analyzed only if it
    could be a match (it starts like one of the terms: stemming changes endings), and
    each word once per process: a release of 150,000 distinct words costs a scan, not
    150,000 analyses.
    """

    def __init__(self, analyzers: dict, cache_limit: int = 500_000):
        self._analyzers = analyzers
        self._caches: dict[str, dict[str, str | None]] = {key: {} for key in analyzers}
        self._cache_limit = cache_limit

    def form(self, key: str, word: str) -> str | None:
        """A word's indexed form under one analyzer (None where it is not indexed)."""
        cache = self._caches[key]
        low = word.lower()
        form = cache.get(low, "")
        if form == "":
            form = next((t.text for t in self._analyzers[key](low)), None)
            if len(cache) < self._cache_limit:
                cache[low] = form
        return form

    def spans(self, text: str, highlight: Highlight, language: str = "en", limit: int | None = None) -> list[Span]:
        """Spans of `text` (its first `limit` characters) to mark for `highlight`.

        Only candidate words (those starting like a query term, or equal to a name) are
        analyzed. A phrase is looked for from each candidate of its first word, along
        the next few words."""
        if not highlight:
            return []
        text_key = "text_es" if language == "es" and "text_es" in self._analyzers else "text"
        terms = highlight.terms.get(text_key, frozenset())
        names = highlight.terms.get("names", frozenset())
        phrases = highlight.phrases.get(text_key, frozenset())
        starts = {t[:3] for t in terms} | {phrase[0][:3] for phrase in phrases}
        end = len(text) if limit is None else min(limit, len(text))
        firsts: dict[str, list[tuple[str, ...]]] = {}
        for phrase in phrases:
            firsts.setdefault(phrase[0], []).append(phrase)
        found: list[Span] = []
        for match in self._candidates(text, end, starts, names):
            word = match.group()
            folded = fold(word).lower()
            if folded in names:
                found.append(Span(match.start(), match.end(), folded))
                continue
            stem = self.form(text_key, word)
            if stem in terms:
                found.append(Span(match.start(), match.end(), stem))
            for phrase in firsts.get(stem, ()):
                found.extend(self._phrase_at(text, end, match, phrase, text_key))
        return sorted(set(found), key=lambda s: (s.start, s.end)) if phrases else found

    def _phrase_at(self, text: str, end: int, first: re.Match, phrase: tuple[str, ...], key: str) -> list[Span]:
        """The spans of `phrase` if its words follow the word `first` (stop words between
        them skipped, as the index skips them), else []."""
        analyzer = self._analyzers[key]
        stops, shortest = getattr(analyzer, "STOP_WORDS", frozenset()), getattr(analyzer, "MIN_LENGTH", 1)
        label = " ".join(phrase)
        spans = [Span(first.start(), first.end(), label)]
        for match in WORD.finditer(text, first.end(), end):
            if len(spans) == len(phrase):
                break
            word = fold(match.group().lower())
            if word in stops or len(word) < shortest:
                continue
            if self.form(key, match.group()) != phrase[len(spans)]:
                return []
            spans.append(Span(match.start(), match.end(), label))
        return spans if len(spans) == len(phrase) else []

    @staticmethod
    def _candidates(text: str, end: int, starts: set[str], names: frozenset[str]) -> list[re.Match]:
        """The words of text[:end] worth analyzing, in order: each a whole word as the
        index splits them (WORD), starting like a term or equal to a name.

        Found with str.find for each start and name: a C-level scan a few milliseconds
        a megabyte, where a regex alternation of them was ten times slower."""
        lowered = fold(text[:end]).lower()
        if len(lowered) != end:  # lower() changed some letter's length: no offsets to trust
            lowered = "".join(ch.lower()[:1] or ch for ch in fold(text[:end]))
        at: dict[int, re.Match] = {}
        for needle in {*starts, *names}:
            i = lowered.find(needle)
            while i != -1:
                if i not in at and not _inside_word(lowered, i):
                    match = WORD.match(text, i, end)
                    if match:
                        at[i] = match
                i = lowered.find(needle, i + 1)
        return [at[i] for i in sorted(at)]


def _inside_word(text: str, i: int) -> bool:
    """Whether position `i` is inside a WORD token rather than at its start."""
    if i == 0:
        return False
    before = text[i - 1]
    return before.isalnum() or before == "_" or (before == "." and i >= 2 and (text[i - 2].isalnum() or text[i - 2] == "_"))


def mark(text: str, spans: list[Span], offset: int = 0) -> Markup:
    """Escape `text`, wrapping each span (positions relative to `offset`) in <mark>."""
    return Markup("".join(marked_pieces(text, spans, offset)))


def marked_pieces(text: str, spans, offset: int = 0) -> list[str]:
    """`mark` as a list of escaped strings, for callers that join many pieces at once.

    Plain strings and one C-level escape per stretch of text: Markup's own operators
    cost a Python call per piece (10,000 marks took most of a second)."""
    out, pos = [], 0
    for span in spans:
        start, end = span.start - offset, span.end - offset
        if start < pos or end > len(text):
            continue
        out.append(escape(text[pos:start]))
        out.append(f"<mark>{escape(text[start:end])}</mark>")
        pos = end
    out.append(escape(text[pos:]))
    return out


def snippet(text: str, spans: list[Span]) -> Markup:
    """Up to three fragments of `text` around its matches, the matches in <mark>.

    Fragments are chosen to cover the most distinct query words, then shown in text order.
    """
    if not spans:
        end = min(len(text), LEAD_CHARS)
        return _fragment(text, 0, end, []) + (" …" if end < len(text) else "")
    candidates = _fragments(text, spans)
    chosen, covered = [], set()
    for _ in range(MAX_FRAGMENTS):
        best = max(
            (c for c in candidates if c not in chosen),
            key=lambda c: (len({s.term for s in c[2]} - covered), len(c[2]), -c[0]),
            default=None,
        )
        if best is None:
            break
        chosen.append(best)
        covered |= {s.term for s in best[2]}
    windows = _joined(chosen)
    html = Markup(" … ").join(_fragment(text, start, end, inner) for start, end, inner in windows)
    lead = "… " if windows[0][0] > 0 else ""
    tail = " …" if windows[-1][1] < len(text) else ""
    return Markup("%s%s%s") % (lead, html, tail)


def _fragments(text: str, spans: list[Span]) -> list[tuple[int, int, list[Span]]]:
    """Group nearby matches into non-overlapping windows of text: (start, end, spans inside)."""
    windows: list[tuple[int, int, list[Span]]] = []
    for span in spans:
        if windows and span.start - CONTEXT_CHARS <= windows[-1][1]:
            start, end, inner = windows[-1]
            if span.end + CONTEXT_CHARS - start <= MAX_FRAGMENT_CHARS:
                windows[-1] = (start, min(len(text), span.end + CONTEXT_CHARS), [*inner, span])
                continue
            middle = (inner[-1].end + span.start) // 2  # split the shared context between the two
            windows[-1] = (start, middle, inner)
            windows.append((middle, min(len(text), span.end + CONTEXT_CHARS), [span]))
        else:
            windows.append((max(0, span.start - CONTEXT_CHARS), min(len(text), span.end + CONTEXT_CHARS), [span]))
    return windows


def _joined(windows: list[tuple[int, int, list[Span]]]) -> list[tuple[int, int, list[Span]]]:
    """Windows in text order, touching ones joined so no ellipsis stands inside running text."""
    out: list[tuple[int, int, list[Span]]] = []
    for start, end, inner in sorted(windows):
        if out and out[-1][1] == start:
            out[-1] = (out[-1][0], end, [*out[-1][2], *inner])
        else:
            out.append((start, end, inner))
    return out


def _fragment(text: str, start: int, end: int, spans: list[Span]) -> Markup:
    """One fragment, trimmed to whole words, line breaks shown as spaces."""
    if start > 0:
        space = text.find(" ", start, spans[0].start if spans else end)
        start = space + 1 if space != -1 else start
    if end < len(text):
        space = text.rfind(" ", spans[-1].end if spans else start, end)
        end = space if space != -1 else end
    return mark(text[start:end].replace("\n", " "), spans, offset=start)
