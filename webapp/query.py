"""Read what a person typed into a Whoosh query, leniently.

Whoosh's parser accepts almost anything and silently does something odd with the rest;
here a query with a syntax problem is searched as its plain words instead, and the
person is told so, in a sentence. The reading also says which parts of the query are
plain words (each may be left out when no release has them all: webapp.search) and
which must hold (phrases, fields, exclusions).

What the words stand for in one index (prefixes expanded, years as dates, countries by
any name) is webapp.expansion's job; reading needs only the schema.
"""

import math
import re
from dataclasses import dataclass, field, replace

from whoosh import qparser, query as wq

from indexer.gazetteer import fold

SEARCHABLE_FIELDS = ("title", "body", "country", "official", "issuer", "kind", "language", "year", "date")
TEXT_FIELDS = ("title", "body", "title_es", "body_es")  # searched by plain words, where the schema has them
RANGE_FIELDS = ("year", "date")
OPERATORS = {"AND", "OR", "NOT", "ANDNOT", "ANDMAYBE"}
MAX_WORDS = 32  # as Google: more words add little, and each costs a lookup per field
MAX_BOOST = 100.0
_FIELD = re.compile(r"(?<![\w\"])([A-Za-z_]\w*):(\S?)")
_PLAIN_WORD = re.compile(r"\w+")
_QUOTED = re.compile(r'"[^"]*"')
_MINUS = re.compile(r"(^|[\s(])-(?=[\w\"(])")
_WILDCARD_STEM = re.compile(r"(\w*)[*?]")
_EXPLICIT = re.compile(r"(?<![\w\"])(?:AND|OR|NOT|ANDNOT|ANDMAYBE)(?![\w\"])")
# year:2019..2024, date:2019-01..2019-06 (either end may be left open)
_SHORT_RANGE = re.compile(
    r"(?i)\b(year|date):(\d{4}(?:-\d{2}(?:-\d{2})?)?)?\.\.(\d{4}(?:-\d{2}(?:-\d{2})?)?)?(?![\w.-])"
)
# Ways of writing the United States that the analyzer would drop ("US" is the stop
# word "us") or split differently; read as "U.S.", which webapp.expansion widens to
# every spelling of the country.
_US = re.compile(r"(?<![\w.])(?:US|USA|U\.S\.A\.?|U\.S\.?)(?![\w.]|\.\w)")


@dataclass
class WordGroup:
    """One plain word as typed, and the part of the query that searches it."""

    label: str  # the word as the person typed it, lower-cased
    query: wq.Query


@dataclass
class QueryReading:
    """A parsed query (None: match everything) and how it was read."""

    query: wq.Query | None
    text: str  # how the query was read, for people: 'border AND security'
    notices: list[str] = field(default_factory=list)
    words: list[WordGroup] = field(default_factory=list)  # the plain words, in order
    required: list[wq.Query] = field(default_factory=list)  # the other top-level parts
    relaxable: bool = False  # whether a release may miss some words (no explicit operators)
    understood: list[str] = field(default_factory=list)  # what words were taken to mean

    def rebuilt(self, words: list[WordGroup], required: list[wq.Query], **changes) -> "QueryReading":
        """The same reading with its parts replaced (and the query rebuilt from them)."""
        parts = [*required, *(w.query for w in words)]
        query = parts[0] if len(parts) == 1 else wq.And(parts) if parts else None
        return replace(self, query=query, words=words, required=required, **changes)


def make_parser(schema) -> qparser.QueryParser:
    """The parser the search box uses: all words must match, in the title or the body
    (and their Spanish twins, where the schema has them)."""
    return qparser.MultifieldParser(text_fields(schema), schema)


def text_fields(schema) -> list[str]:
    """The fields plain words are searched in: title and body, and their Spanish twins
    in an index that has them."""
    return [f for f in TEXT_FIELDS if f in schema]


def read_query(q: str, parser: qparser.QueryParser) -> QueryReading:
    """Parse `q`; on a syntax problem, search its plain words and say why."""
    if not q.strip():
        return QueryReading(None, "")
    typed = q
    q = _US.sub("U.S.", _short_ranges(q))
    problem = syntax_problem(q)
    if problem is None and _only_common_words(q, parser):
        return _common_words_reading(_PLAIN_WORD.findall(q), None)
    notices: list[str] = []
    if problem is None:
        try:
            query = parser.parse(_minus_as_not(q))
        except Exception as exc:  # noqa: BLE001 - Whoosh raises assorted errors on odd input
            problem = f"the parser could not read it ({type(exc).__name__})"
        else:
            problem = None if query is wq.NullQuery else unsupported(query)
            if problem is None and query is not wq.NullQuery:
                query, notices = _bounded_boosts(query)
                relaxable = not _EXPLICIT.search(_QUOTED.sub('""', q))
                return _reading(query, q, typed, parser, notices, relaxable=relaxable)
    words = [w for w in _PLAIN_WORD.findall(q) if w not in OPERATORS][:MAX_WORDS]
    if not words:
        return QueryReading(None, "", [f"Your query could not be searched because {problem}; showing all releases."])
    query = parser.parse(" ".join(words))
    if query is wq.NullQuery or _only_common_words(" ".join(words), parser):
        return _common_words_reading(words, problem)
    notice = f"Your query was searched as plain words because {problem}."
    return _reading(query, q, typed, parser, [notice], relaxable=True)


def _only_common_words(q: str, parser) -> bool:
    """Whether `q` is plain words that are all stop words of the default (English)
    analyzer: "the of and". (The Spanish fields would otherwise search "the".)"""
    words = _PLAIN_WORD.findall(q)
    if not words or any(c in q for c in ':"*?()[]{}^~'):
        return False
    analyzer = parser.schema["body"].analyzer
    return not any(True for word in words for _ in analyzer(word))


def _common_words_reading(words: list[str], problem: str | None) -> QueryReading:
    """Only very common words, which are not indexed: nothing can match them, and
    listing every release instead would pretend otherwise."""
    shown = " ".join(dict.fromkeys(w.lower() for w in words))
    because = [f"Your query was searched as plain words because {problem}."] if problem else []
    return QueryReading(wq.NullQuery, shown, [
        *because, f"“{shown}” is made only of very common words, which are not searchable; add a more telling word."
    ])


def _reading(query: wq.Query, q: str, typed: str, parser, notices: list[str], *, relaxable: bool) -> QueryReading:
    """The reading of `query`, parsed from `q` (`typed` with its short forms rewritten)."""
    originals = typed_words(q, parser)
    short_forms = _US.findall(typed)
    if short_forms:  # show "US" as typed, not the "U.S." it was read as
        for fieldname in text_fields(parser.schema):
            for token in parser.schema[fieldname].analyzer("U.S."):
                originals[token.text] = short_forms[0]
    parts = list(query.subqueries) if type(query) is wq.And else [query]
    words, required = [], []
    searched = set(text_fields(parser.schema))
    stops = _stop_words(parser.schema)
    for part in parts:
        terms = _plain_terms(part, searched)
        if not terms:
            required.append(part)
            continue
        label = "-".join(originals.get(t, t) for t in terms)
        if fold(label) not in stops:
            # "and" is an English stop word, but the Spanish fields would search it: a
            # word one language ignores is left out of the query for all.
            words.append(WordGroup(label, part))
    if len(words) + len(required) < len(parts):
        rebuilt = [*required, *(w.query for w in words)]
        query = rebuilt[0] if len(rebuilt) == 1 else wq.And(rebuilt) if rebuilt else wq.NullQuery
    text = describe(query, originals, "title:" in q.lower())
    # With a single word and nothing else, "most of the words" would be no word at all.
    return QueryReading(query, text, notices, words, required, relaxable and len(words) >= (1 if required else 2))


def _stop_words(schema) -> frozenset[str]:
    """The words some text field's analyzer does not index ("and", "de", …), folded."""
    return frozenset().union(*(getattr(schema[f].analyzer, "STOP_WORDS", frozenset()) for f in text_fields(schema)))


def _plain_terms(part: wq.Query, text_fields: set[str]) -> list[str]:
    """The terms of a plain word's part, as the first text field it is searched in has
    them, or [] when the part is not a plain word. A hyphenated word ("High-Level") is
    one word of several terms, all of which must match."""
    fields = part.subqueries if type(part) is wq.Or else [part]
    if not fields or part.boost != 1.0:
        return []
    per_field = []
    for in_field in fields:
        terms = in_field.subqueries if type(in_field) is wq.And else [in_field]
        if in_field.boost != 1.0 or any(
            type(t) is not wq.Term or t.fieldname not in text_fields or t.boost != 1.0 for t in terms
        ):
            return []
        per_field.append([t.text for t in terms])
    return per_field[0]


def _short_ranges(q: str) -> str:
    """year:2019..2024 -> year:[2019 TO 2024]; date:2019-01..2019-06 -> full days."""

    def whoosh_range(m: re.Match) -> str:
        name, start, end = m[1].lower(), m[2], m[3]
        if name == "date":
            start = _full_day(start, low=True) if start else None
            end = _full_day(end, low=False) if end else None
        return f"{name}:[{start or ''} TO {end or ''}]"

    parts = re.split(r'("[^"]*")', q)
    return "".join(p if p.startswith('"') else _SHORT_RANGE.sub(whoosh_range, p) for p in parts)


def _full_day(value: str, *, low: bool) -> str:
    """'2019' -> '2019-01-01' or '2019-12-31'; '2019-06' -> '2019-06-01' or '2019-06-31'.
    (A bound compared as text, so 31 serves every month.)"""
    pads = {4: ("-01-01", "-12-31"), 7: ("-01", "-31"), 10: ("", "")}
    return value + pads[len(value)][0 if low else 1]


def unsupported(query: wq.Query) -> str | None:
    """A sentence naming a part of a parsed query the search does not run, or None."""
    for leaf in _all_nodes(query):
        if isinstance(leaf, wq.TermRange) and leaf.fieldname not in RANGE_FIELDS:
            return "ranges work only on year: and date: (as in year:2019..2024)"
        if isinstance(leaf, wq.TermRange) and not _range_ends_valid(leaf):
            return "a year range is written year:2019..2024 and a date range date:2019-01..2019-06"
        if type(leaf) is wq.Every and leaf.fieldname not in (None, "*"):
            return "a wildcard needs at least two letters before * or ?"
    return None


def _range_ends_valid(leaf: wq.TermRange) -> bool:
    shape = re.compile(r"\d{4}" if leaf.fieldname == "year" else r"\d{4}-\d{2}-\d{2}")
    return all(end is None or end == "" or shape.fullmatch(end) for end in (leaf.start, leaf.end))


def _all_nodes(query: wq.Query):
    yield query
    for child in query.children():
        yield from _all_nodes(child)


def _bounded_boosts(query: wq.Query) -> tuple[wq.Query, list[str]]:
    """The query with every boost within 0..MAX_BOOST, and a notice if one was cut:
    `security^1e999` must not reach the scores (JSON has no Infinity)."""
    cut = False

    def bound(node):
        nonlocal cut
        if list(node.children()):
            node = node.apply(bound)
        boost = getattr(node, "boost", 1.0)
        if not math.isfinite(boost) or not 0 <= boost <= MAX_BOOST:
            cut = True
            node = node.copy()
            node.boost = MAX_BOOST if not math.isfinite(boost) or boost > MAX_BOOST else 0.0
        return node

    bounded = bound(query)
    return bounded, [f"Boosts are limited to {MAX_BOOST:g}; a larger one was read as {MAX_BOOST:g}."] if cut else []


def _minus_as_not(q: str) -> str:
    """`-word` means NOT word (outside quotes), also when the whole query is negative."""
    parts = re.split(r'("[^"]*")', q)
    return "".join(p if p.startswith('"') else _MINUS.sub(r"\1NOT ", p) for p in parts)


def syntax_problem(q: str) -> str | None:
    """A sentence naming what is wrong with the query's syntax, or None."""
    if q.count('"') % 2:
        return "it has an unbalanced quote (\")"
    unquoted = _QUOTED.sub('""', q)  # keeps `field:"a phrase"` visibly non-empty
    depth = 0
    for ch in unquoted:
        depth += {"(": 1, ")": -1}.get(ch, 0)
        if depth < 0:
            break
    if depth:
        return "its parentheses do not balance"
    tokens = unquoted.replace("(", " ").replace(")", " ").split()
    if tokens and (tokens[0] in OPERATORS - {"NOT"} or tokens[-1] in OPERATORS):
        return f"'{tokens[0] if tokens[0] in OPERATORS else tokens[-1]}' needs a word on each side"
    if any(a in OPERATORS and b in OPERATORS - {"NOT"} for a, b in zip(tokens, tokens[1:])):
        return "two operators stand together"
    for name, following in _FIELD.findall(unquoted):
        if name.lower() not in SEARCHABLE_FIELDS:
            return f"there is no field named '{name}' (fields: {', '.join(SEARCHABLE_FIELDS)})"
        if not following:
            return f"'{name}:' has no value after it"
    for stem in _WILDCARD_STEM.findall(unquoted):
        if len(stem) < 2:
            return "a wildcard needs at least two letters before * or ?"
    if len(_PLAIN_WORD.findall(unquoted)) > MAX_WORDS:
        return f"it has more than {MAX_WORDS} words"
    return None


def typed_words(q: str, parser) -> dict[str, str]:
    """Indexed term -> the word the person typed, so readings show 'security', not 'secur'."""
    originals = {}
    # Words as the index splits them first ("Medina-Mora" is two), then whole tokens
    # ("U.S." is one, and would otherwise be lost).
    words = [*_PLAIN_WORD.findall(q), *(w.strip("\"()-+,;:!?*") for w in q.split())]
    for fieldname in text_fields(parser.schema):
        analyzer = parser.schema[fieldname].analyzer
        for word in words:
            for token in analyzer(word):
                originals.setdefault(token.text, word.lower())
    return originals


def describe(query: wq.Query, originals: dict[str, str], show_title: bool = False) -> str:
    """A short human reading of a parsed query: 'border AND (panama OR mexico)'.

    The parser searches each plain word in title OR body; the reading shows the word once.
    `show_title` keeps an explicit title: prefix when the person typed one.
    """
    if isinstance(query, (wq.And, wq.Or)):
        joiner = " AND " if isinstance(query, wq.And) else " OR "
        children = query.subqueries
        if isinstance(query, wq.Or) and any(getattr(c, "fieldname", None) in ("title", "body") for c in children):
            # One word searched in every text field: the Spanish twins (stemmed their
            # own way) say nothing more to a reader.
            children = [c for c in children if getattr(c, "fieldname", None) not in ("title_es", "body_es")]
        parts = list(dict.fromkeys(describe(q, originals, show_title) for q in children))
        if len(parts) == 1:
            return parts[0]
        return joiner.join(f"({p})" if " " in p and not p.startswith(('"', "NOT ")) else p for p in parts)
    if isinstance(query, wq.Not):
        return f"NOT {describe(query.query, originals, show_title)}"
    if isinstance(query, wq.AndNot):
        return f"{describe(query.a, originals, show_title)} AND NOT {describe(query.b, originals, show_title)}"
    if isinstance(query, wq.TermRange):
        return f"{query.fieldname}:{query.start or '…'}..{query.end or '…'}"
    fieldname = getattr(query, "fieldname", None)
    stemmed = fieldname in TEXT_FIELDS
    shown = "title" if fieldname == "title_es" else "body" if fieldname == "body_es" else fieldname
    prefix = "" if shown in (None, "body") or (shown == "title" and not show_title) else f"{shown}:"
    if isinstance(query, wq.Phrase):
        words = [originals.get(w, w) if stemmed else w for w in query.words]
        return f'{prefix}"{" ".join(words)}"'
    if isinstance(query, (wq.Prefix, wq.Wildcard)):
        return f"{prefix}{query.text}" + ("*" if isinstance(query, wq.Prefix) else "")
    if isinstance(query, wq.Term):
        return f"{prefix}{originals.get(query.text, query.text) if stemmed else query.text}"
    return str(query)
