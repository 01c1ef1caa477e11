"""What a query's words stand for in one index: prefixes and wildcards expanded to a
bounded set of its terms, a year also meaning releases dated that year, and a country
also found by its other names and demonyms.

Every expansion here is bounded by a constant, not by the index: a prefix shared by
150,000 terms costs the same as one shared by ten.
"""

import fnmatch
import re
from dataclasses import dataclass, replace
from functools import cache

from whoosh import query as wq

from indexer.gazetteer import countries, fold
from webapp.engine import Generation
from webapp.query import QueryReading, WordGroup, text_fields

MAX_EXPANSION = 50  # terms a prefix or wildcard stands for (Elasticsearch's max_expansions)
EXPANSION_SCAN = 2000  # terms of the lexicon looked at for one wildcard's matches
EXPANSION_POSTINGS = 20  # at most this many corpus sizes (1,000 at least) of postings for one expansion
YEARS = range(1900, 2100)
MAX_COUNTRY_WORDS = 5  # the longest country name looked for among consecutive words
# Words of multi-word country names that say nothing on their own ("Republic").
_GENERIC = {
    "and", "of", "the", "el", "la", "de", "del", "republic", "republica", "united", "states", "kingdom", "islands",
    "island", "saint", "st", "new", "south", "north", "east", "west", "central", "democratic", "people's",
    "federated", "arab", "equatorial", "guinea", "africa", "african", "america", "american", "sudan", "korea",
    "congo", "timor", "verde", "principe", "herzegovina", "city", "holy", "see", "coast", "costa",
}


def expand(reading: QueryReading, gen: Generation) -> QueryReading:
    """`reading` with its prefixes, years and countries made explicit for `gen`."""
    if reading.query is None:
        return reading
    fields = text_fields(gen.schema)
    notices, understood = list(reading.notices), list(reading.understood)
    words = _countries_in(reading.words, fields, gen, understood)
    words = _months(words, gen, understood)
    words = [_year(w, gen, understood) for w in words]
    required = [_expand_patterns(q, gen, notices) for q in reading.required]
    words = [replace(w, query=_expand_patterns(w.query, gen, notices)) for w in words]
    if not reading.words:
        # An OR or a lone phrase: patterns may sit anywhere in the tree.
        query = _expand_patterns(reading.query, gen, notices)
        return replace(reading, query=query, notices=notices, understood=understood)
    return reading.rebuilt(words, required, notices=notices, understood=understood)


# --- prefixes and wildcards --------------------------------------------------------------


CASE_FREE_FIELDS = ("kind", "language")  # facet values searched whatever their capitals


def _expand_patterns(query: wq.Query, gen: Generation, notices: list[str]) -> wq.Query:
    """`query` with each Prefix and Wildcard replaced by an OR of the terms it stands for,
    and `kind:"fact sheet"` read as the value written "Fact sheet"."""
    if isinstance(query, (wq.Prefix, wq.Wildcard)):
        return _pattern_terms(query, gen, notices)
    if type(query) is wq.Term and query.fieldname in CASE_FREE_FIELDS:
        values = gen.facets[query.fieldname].values if query.fieldname in gen.facets else {}
        written = next((v for v in values if v.casefold() == query.text.casefold()), query.text)
        return wq.Term(query.fieldname, written, boost=query.boost)
    if list(query.children()):
        return query.apply(lambda child: _expand_patterns(child, gen, notices))
    return query


def _pattern_terms(query, gen: Generation, notices: list[str]) -> wq.Query:
    text = query.text
    if isinstance(query, wq.Prefix):
        prefix, pattern = text, None
    else:
        prefix = re.split(r"[*?]", text, maxsplit=1)[0]
        pattern = re.compile(fnmatch.translate(text))
    terms, cut = gen.expand(query.fieldname, prefix, pattern, MAX_EXPANSION, EXPANSION_SCAN)
    chosen, postings = [], 0
    for term in terms:
        postings += gen.doc_frequency(query.fieldname, term)
        if chosen and postings > EXPANSION_POSTINGS * max(gen.doc_count, 1000):
            cut = True
            break
        chosen.append(term)
    shown = text + ("*" if isinstance(query, wq.Prefix) else "")
    if cut:
        sentence = f"'{shown}' matches too many words; only the first {len(chosen)} of them (in alphabetical order) were searched."
        if sentence not in notices:
            notices.append(sentence)
    if not chosen:
        return wq.NullQuery
    leaves = [wq.Term(query.fieldname, term) for term in chosen]
    return wq.Or(leaves, boost=query.boost) if len(leaves) > 1 else wq.Term(query.fieldname, chosen[0], boost=query.boost)


# --- years -------------------------------------------------------------------------------


def _year(word: WordGroup, gen: Generation, understood: list[str]) -> WordGroup:
    """A year typed as a word also matches the releases dated that year."""
    if not (word.label.isdigit() and len(word.label) == 4 and int(word.label) in YEARS) or "year" not in gen.schema:
        return word
    understood.append(f"{word.label} also finds releases dated {word.label}")
    return replace(word, query=_or(word.query, [wq.Term("year", word.label, boost=_weight_of(word.label, gen))]))


def _weight_of(word: str, gen: Generation) -> float:
    """What a release dated as a typed year or month scores for that word: what the word
    scores in a body of average length (its IDF), so a date ranks like the word itself."""
    terms = [t.text for t in gen.schema["body"].analyzer(word)]
    return max(1.0, gen.idf("body", terms[0])) if terms else 1.0


MONTHS = {
    name: n
    for n, names in enumerate(
        [("january", "jan", "enero"), ("february", "feb", "febrero"), ("march", "mar", "marzo"),
         ("april", "apr", "abril"), ("may", "mayo"), ("june", "jun", "junio"), ("july", "jul", "julio"),
         ("august", "aug", "agosto"), ("september", "sep", "sept", "septiembre", "setiembre"),
         ("october", "oct", "octubre"), ("november", "nov", "noviembre"), ("december", "dec", "diciembre")],
        start=1,
    )
    for name in names
}


def _months(words: list[WordGroup], gen: Generation, understood: list[str]) -> list[WordGroup]:
    """A month typed before a year ("March 2009") also matches the releases dated that
    month, as the year matches those dated that year."""
    out = list(words)
    for i in range(len(out) - 1):
        month, year = MONTHS.get(out[i].label.lower()), out[i + 1].label
        if month and year.isdigit() and len(year) == 4 and int(year) in YEARS and "date" in gen.schema:
            days = wq.TermRange("date", f"{year}-{month:02d}-01", f"{year}-{month:02d}-31", boost=_weight_of(out[i].label, gen))
            out[i] = replace(out[i], query=_or(out[i].query, [days]))
            understood.append(f"{out[i].label} {year} also finds releases dated {out[i].label.capitalize()} {year}")
    return out


# --- countries ---------------------------------------------------------------------------


@dataclass(frozen=True)
class _Country:
    name: str
    spellings: tuple[str, ...]  # as written in the gazetteer, the canonical name first


@cache
def _country_words() -> dict[tuple[str, ...], _Country]:
    """Folded, lower-cased words of each way of writing a country -> the country, plus
    the telling word of multi-word names ("salvador" -> El Salvador)."""
    data = countries()
    spellings: dict[str, list[str]] = {}
    for written in data.names:  # as the data writes them (targets adds upper-case twins)
        names = data.targets.get(fold(written), ())
        if len(names) == 1:
            spellings.setdefault(names[0], []).append(written)
    by_words: dict[tuple[str, ...], _Country] = {}
    telling: dict[str, set[str]] = {}
    for name, written in spellings.items():
        country = _Country(name, tuple(dict.fromkeys([name, *written])))
        for spelling in country.spellings:
            by_words.setdefault(_words(spelling), country)
        for word in _words(name):
            if len(word) >= 4 and word not in _GENERIC:
                telling.setdefault(word, set()).add(name)
    for word, names in telling.items():
        if len(names) == 1 and (word,) not in by_words:
            name = names.pop()
            by_words[(word,)] = next(c for c in by_words.values() if c.name == name)
    return by_words


def _words(text: str) -> tuple[str, ...]:
    return tuple(fold(text).casefold().replace(".", " ").split()) if "." not in text else (fold(text).casefold(),)


def _countries_in(words: list[WordGroup], fields: list[str], gen: Generation, understood: list[str]) -> list[WordGroup]:
    """The plain words, with a run of them that names a country merged into one word
    that finds every name of that country."""
    table = _country_words()
    out: list[WordGroup] = []
    i = 0
    while i < len(words):
        for size in range(min(MAX_COUNTRY_WORDS, len(words) - i), 0, -1):
            key = tuple(fold(w.label).casefold() for w in words[i : i + size])
            country = table.get(key) if size > 1 or len(key[0]) > 1 else None
            if country is None and size == 1:
                country = table.get((key[0].rstrip("."),)) if key[0].endswith(".") else None
            if country is not None:
                label = " ".join(w.label for w in words[i : i + size])
                others = [s for s in country.spellings if _words(s) != key]
                queries = [q for s in others for q in _spelling_queries(s, fields, gen)]
                base = words[i].query if size == 1 else wq.Or(_spelling_queries(label, fields, gen))
                out.append(WordGroup(label, _or(base, queries)))
                understood.append(f"{label} also finds {_listed(others)}")
                i += size
                break
        else:
            out.append(words[i])
            i += 1
    return out


def _spelling_queries(spelling: str, fields: list[str], gen: Generation) -> list[wq.Query]:
    """One spelling searched in each text field: a term, or a phrase for several words."""
    out = []
    for fieldname in fields:
        terms = [t.text for t in gen.schema[fieldname].analyzer(spelling)]
        if len(terms) == 1:
            out.append(wq.Term(fieldname, terms[0]))
        elif terms:
            out.append(wq.Phrase(fieldname, terms))
    return out


def _or(query: wq.Query, extra: list[wq.Query] = ()) -> wq.Query:
    parts = [*(query.subqueries if type(query) is wq.Or and query.boost == 1.0 else [query]), *extra]
    unique = list(dict.fromkeys(parts))
    return unique[0] if len(unique) == 1 else wq.Or(unique)


def _listed(spellings: list[str], shown: int = 4) -> str:
    names = list(dict.fromkeys(spellings))
    head = ", ".join(names[:shown])
    return head + (f" and {len(names) - shown} other names" if len(names) > shown else "")
