"""Read what a person typed into a Whoosh query, leniently.

Whoosh's parser accepts almost anything and silently does something odd with the rest;
here a query with a syntax problem is searched as its plain words instead, and the
person is told so, in a sentence.
"""

import re
from dataclasses import dataclass, field

from whoosh import qparser, query as wq

SEARCHABLE_FIELDS = ("title", "body", "country", "official", "issuer", "year", "date")
OPERATORS = {"AND", "OR", "NOT", "ANDNOT", "ANDMAYBE"}
MAX_WORDS = 64
_FIELD = re.compile(r"(?<![\w\"])([A-Za-z_]\w*):(\S?)")
_PLAIN_WORD = re.compile(r"\w+")
_QUOTED = re.compile(r'"[^"]*"')
_MINUS = re.compile(r"(^|[\s(])-(?=[\w\"(])")
_WILDCARD_STEM = re.compile(r"(\w*)[*?]")


@dataclass
class QueryReading:
    """A parsed query (None: match everything) and how it was read."""

    query: wq.Query | None
    text: str  # how the query was read, for people: 'border AND security'
    notices: list[str] = field(default_factory=list)


def make_parser(schema) -> qparser.QueryParser:
    """The parser the search box uses: all words must match, in the title or the body."""
    return qparser.MultifieldParser(["title", "body"], schema)


def read_query(q: str, parser: qparser.QueryParser) -> QueryReading:
    """Parse `q`; on a syntax problem, search its plain words and say why."""
    if not q.strip():
        return QueryReading(None, "")
    problem = syntax_problem(q)
    if problem is None:
        try:
            query = parser.parse(_minus_as_not(q))
        except Exception as exc:  # noqa: BLE001 - Whoosh raises assorted errors on odd input
            problem = f"the parser could not read it ({type(exc).__name__})"
        else:
            if query is wq.NullQuery:
                problem = "it has no searchable words"
            else:
                return QueryReading(query, describe(query, typed_words(q, parser), 'title:' in q.lower()))
    words = [w for w in _PLAIN_WORD.findall(q) if w not in OPERATORS][:MAX_WORDS]
    if not words:
        return QueryReading(None, "", [f"Your query could not be searched because {problem}; showing all releases."])
    query = parser.parse(" ".join(words))
    if query is wq.NullQuery:  # only stop words remained
        return QueryReading(None, "", [f"Your query could not be searched because {problem}; showing all releases."])
    reading = describe(query, typed_words(q, parser), 'title:' in q.lower())
    return QueryReading(query, reading, [f"Your query was searched as plain words because {problem}."])


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
    """Stemmed term -> the word the person typed, so readings show 'security', not 'secur'."""
    analyzer = parser.schema["body"].analyzer
    originals = {}
    for word in _PLAIN_WORD.findall(q):
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
        parts = list(dict.fromkeys(describe(q, originals, show_title) for q in query.subqueries))
        if len(parts) == 1:
            return parts[0]
        return joiner.join(f"({p})" if " " in p and not p.startswith(('"', "NOT ")) else p for p in parts)
    if isinstance(query, wq.Not):
        return f"NOT {describe(query.query, originals, show_title)}"
    if isinstance(query, wq.AndNot):
        return f"{describe(query.a, originals, show_title)} AND NOT {describe(query.b, originals, show_title)}"
    fieldname = getattr(query, "fieldname", None)
    stemmed = fieldname in ("title", "body")
    prefix = "" if fieldname in (None, "body") or (fieldname == "title" and not show_title) else f"{fieldname}:"
    if isinstance(query, wq.Phrase):
        words = [originals.get(w, w) if stemmed else w for w in query.words]
        return f'{prefix}"{" ".join(words)}"'
    if isinstance(query, (wq.Prefix, wq.Wildcard)):
        return f"{prefix}{query.text}" + ("*" if isinstance(query, wq.Prefix) else "")
    if isinstance(query, wq.Term):
        return f"{prefix}{originals.get(query.text, query.text) if stemmed else query.text}"
    return str(query)
