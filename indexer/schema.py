"""The Whoosh schema and its analyzers: the one place that decides how releases are indexed.

Bump SCHEMA_VERSION whenever a field or analyzer changes: the indexing command then
rebuilds instead of mixing documents indexed two ways.
"""

import json
import re

from whoosh import columns, fields
from whoosh.analysis import STOP_WORDS, CharsetFilter, LowercaseFilter, RegexTokenizer, Token, Tokenizer
from whoosh.lang import stopwords_for_language
from whoosh.lang.porter2 import stem as porter2_stem
from whoosh.lang.snowball.spanish import SpanishStemmer
from whoosh.support.charset import accent_map

# 2: title_terms / body_terms columns for phrase matching
# 3: issuer_value, kind and language facets; Spanish releases in title_es / body_es
# 4: a facts column (what a result list shows), so exports need not read stored bodies
# 5: no word positions in the text fields (TEXT_POSITIONS)
SCHEMA_VERSION = 5

# Whether the four text fields keep each word's positions. Nothing reads them (phrases are
# matched in the TERM_SEQUENCES columns), and they made up three quarters of the postings,
# a fifth of indexing time and most of the time a worker spends reading a term's postings.
# The equivalence tests turn them on, so that Whoosh's own phrase matcher is the reference
# our phrases are compared with. (The name fields, short, keep theirs: no sequence column.)
TEXT_POSITIONS = False

# Facet fields: exact display values ("El Salvador"), one term per value, for counting
# and filtering. The names users type in queries (country:panama) are the folded,
# tokenized twins below.
FACET_FIELDS = {
    "country": "country_value", "official": "official_value", "year": "year",
    "issuer": "issuer_value", "kind": "kind", "language": "language",
}

# The searchable text fields. A release's title and body are indexed into one pair of
# them, by its language: Spanish ones with Spanish stemming and stop words, every other
# language into ("title", "body"). The text itself is always stored in "title" and "body".
TEXT_FIELDS = ("title", "body", "title_es", "body_es")
LANGUAGE_FIELDS = {"es": ("title_es", "body_es")}
DEFAULT_TEXT_FIELDS = ("title", "body")

# Text field -> column holding its terms in order, " "-separated with a space at each end,
# so a phrase is a substring test (see webapp.search.Snapshot.phrase_docs).
TERM_SEQUENCES = {"title": "title_terms", "body": "body_terms", "title_es": "title_es_terms", "body_es": "body_es_terms"}


def _fold(word: str) -> str:
    return word.lower().translate(accent_map)


class FoldingStemmer(Tokenizer):
    """Words, lowercased, accents folded, stop words dropped, Porter2-stemmed: in one pass.

    Gives the same terms and positions as RegexTokenizer | LowercaseFilter |
    CharsetFilter(accent_map) | StopFilter | StemFilter(porter2) (a test pins that), but
    Whoosh's chain of generators was half of all indexing time. Porter2 rather than
    Whoosh's default Porter: "running" -> "run", not "runn".

    Given an Analyzed value (terms from `analyze`), it yields those terms at consecutive
    positions, as it would have: the indexing command analyzes each text once, for both
    the field and its TERM_SEQUENCES column.
    """

    # Words, and dotted ones ("U.S", "p.m"). Possessive (++, *+): the same matches as
    # \w+(?:\.?\w+)*, which kept a backtracking point per word, in a third less time.
    WORD = re.compile(r"\w++(?:\.\w++)*+")
    MIN_LENGTH = 2  # StopFilter's default: one-letter words are not indexed
    STOP_WORDS = STOP_WORDS  # folded words it does not index (the web app's highlighter skips them too)
    _terms: dict[str, str | None] = {}  # word -> term, None for stop words; per process
    _CACHE_MAX = 500_000

    def __call__(self, value, positions=False, chars=False, keeporiginal=False, removestops=True,
                 start_pos=0, start_char=0, tokenize=True, mode="", **kwargs):
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        if isinstance(value, Analyzed):
            yield from _replay(token, value, start_pos)
            return
        matches = self.WORD.finditer(value) if tokenize else [_Whole(value)]
        pos = None
        for index, match in enumerate(matches):
            word = match.group(0)
            term = self._terms.get(word, "")
            if term == "":
                term = self._term(word)
            if term is None and removestops:
                continue
            token.text, token.boost, token.stopped = term or _fold(word), 1.0, term is None
            if keeporiginal:
                token.original = word
            if positions and term is None:
                token.pos = start_pos + index  # a kept stop word keeps its own position
            elif positions:
                pos = start_pos + index if pos is None else pos + 1  # StopFilter renumbers
                token.pos = pos
            if chars:
                token.startchar, token.endchar = start_char + match.start(), start_char + match.end()
            yield token

    def _term(self, word: str) -> str | None:
        folded = _fold(word)
        term = porter2_stem(folded) if len(folded) >= self.MIN_LENGTH and folded not in self.STOP_WORDS else None
        if len(self._terms) < self._CACHE_MAX:
            self._terms[word] = term
        return term


class SpanishFoldingStemmer(FoldingStemmer):
    """FoldingStemmer for Spanish: accents folded, Spanish stop words, Snowball Spanish stems.

    Accents are folded before stemming, so a query typed without them ("cooperacion")
    finds the same stem as the text's "cooperación". The Snowball rules look for a few
    accented endings ("-ación", "-logía", "-ía"), so those are put back on the folded word
    first: the same for text and query, whichever way either was written.
    """

    _terms: dict[str, str | None] = {}  # its own cache: the same word stems differently in English
    STOP_WORDS = frozenset(_fold(w) for w in stopwords_for_language("es"))
    _STEMMER = SpanishStemmer()
    # Folded ending -> the accented one the Snowball rules expect; longest first.
    _ACCENTED_ENDINGS = (("logias", "logías"), ("logia", "logía"), ("acion", "ación"), ("ucion", "ución"),
                         ("ian", "ían"), ("ias", "ías"), ("ia", "ía"))

    def _term(self, word: str) -> str | None:
        folded = _fold(word)
        if len(folded) < self.MIN_LENGTH or folded in self.STOP_WORDS:
            term = None
        else:
            accented = folded
            for ending, restored in self._ACCENTED_ENDINGS:
                if folded.endswith(ending):
                    accented = folded[: -len(ending)] + restored
                    break
            try:
                term = _fold(self._STEMMER.stem(accented))
            except IndexError:
                # Whoosh's Snowball Spanish rules index past the end of some short
                # regions ("zzgu"): such a word is indexed unstemmed.
                term = folded
        if len(self._terms) < self._CACHE_MAX:
            self._terms[word] = term
        return term


class Analyzed(tuple):
    """The indexed terms of a text, in order, and the position of the first (stop words
    before it count: StopFilter renumbers only the terms after it); and the text's words
    as the analysis found them, which the vocabulary reads its words from."""

    first = 0
    words: list[str] | tuple = ()


def analyze(text: str, fieldname: str = "body") -> Analyzed:
    """`text`'s terms as the analyzer of `fieldname` indexes them.

    The same loop as FoldingStemmer.__call__ without a Token per word: a third of the
    CPU time of analysis on long releases (tests/indexer/test_schema.py pins the result).
    """
    analyzer = _SPANISH if fieldname in _SPANISH_FIELDS else _ANALYZER
    known, first, terms = analyzer._terms, None, []
    words = analyzer.WORD.findall(text)
    for index, word in enumerate(words):
        term = known.get(word, "")
        if term == "":
            term = analyzer._term(word)
        if term is None:
            continue  # a stop word
        if first is None:
            first = index
        terms.append(term or _fold(word))
    analyzed = Analyzed(terms)
    analyzed.first = first or 0
    analyzed.words = words
    return analyzed


def analyzed_words(document: dict) -> list[str]:
    """The words of a release_document's analyzed texts (its title and body)."""
    return [word for value in document.values() if isinstance(value, Analyzed) for word in value.words]


def _replay(token: Token, terms: Analyzed, start_pos: int):
    for pos, term in enumerate(terms, start_pos + terms.first):
        token.text, token.boost, token.stopped, token.pos = term, 1.0, False, pos
        yield token


class _Whole:
    """A stand-in for a regex match covering the whole value (tokenize=False)."""

    def __init__(self, value: str):
        self.value = value

    def group(self, _):
        return self.value

    def start(self):
        return 0

    def end(self):
        return len(self.value)




def text_analyzer():
    """The analyzer of title and body: see FoldingStemmer."""
    return FoldingStemmer()


def spanish_analyzer():
    """The analyzer of title_es and body_es: see SpanishFoldingStemmer."""
    return SpanishFoldingStemmer()


def analyzer_for(fieldname: str):
    """The analyzer a text field is indexed with (one of TEXT_FIELDS)."""
    if fieldname not in TEXT_FIELDS:
        raise KeyError(f"{fieldname!r} is not a text field")
    return spanish_analyzer() if fieldname in _SPANISH_FIELDS else text_analyzer()


_SPANISH_FIELDS = frozenset(LANGUAGE_FIELDS["es"])
_ANALYZER = text_analyzer()
_SPANISH = spanish_analyzer()


def name_analyzer():
    """Names of people, places and offices: folded but not stemmed, so 'panama' finds 'Panamá'."""
    return RegexTokenizer() | LowercaseFilter() | CharsetFilter(accent_map)


def build_schema() -> fields.Schema:
    """The schema every index of this version is written with."""
    text = text_analyzer()
    names = name_analyzer()
    return fields.Schema(
        id=fields.ID(stored=True, unique=True, sortable=True),
        path=fields.STORED(),
        title=fields.TEXT(analyzer=text, stored=True, field_boost=2.5, phrase=TEXT_POSITIONS),
        # No spelling=True: its extra field doubled indexing time; suggestions come from
        # the stemmed lexicon instead (webapp.search).
        body=fields.TEXT(analyzer=text, stored=True, phrase=TEXT_POSITIONS),
        # Spanish releases' terms; their text is stored in title and body like any other's.
        title_es=fields.TEXT(analyzer=spanish_analyzer(), field_boost=2.5, phrase=TEXT_POSITIONS),
        body_es=fields.TEXT(analyzer=spanish_analyzer(), phrase=TEXT_POSITIONS),
        date=fields.ID(stored=True, sortable=True),  # "YYYY-MM-DD", "" when unknown
        date_precision=fields.STORED(),
        year=fields.ID(stored=True),
        country=fields.TEXT(analyzer=names),
        official=fields.TEXT(analyzer=names),
        issuer=fields.TEXT(analyzer=names, stored=True),
        # scorable=True only so Whoosh writes a length column: for a field without one its
        # codec checks the disk (a stat call) for every posting it writes.
        country_value=fields.KEYWORD(stored=True, commas=True, lowercase=False, scorable=True),
        official_value=fields.KEYWORD(stored=True, commas=True, lowercase=False, scorable=True),
        # One issuer a release: an ID keeps a value with a comma whole.
        issuer_value=fields.ID(stored=True),
        kind=fields.ID(stored=True),
        language=fields.ID(stored=True),
        url=fields.STORED(),
        content_hash=fields.ID(stored=True, sortable=True),
        **{column: fields.COLUMN(columns.VarBytesColumn()) for column in TERM_SEQUENCES.values()},
        # A release's facts as a result shows them (JSON): an export of 100,000 reads these,
        # not 100,000 stored records with their whole bodies.
        facts=fields.COLUMN(columns.VarBytesColumn()),
        provenance=fields.STORED(),
        mentions=fields.STORED(),
        # What the corpus-level name pass needs (indexer.namebook), so its record beside
        # the index can always be rebuilt from the index itself.
        names=fields.STORED(),
    )


def release_document(release) -> dict:
    """The field values Whoosh indexes and stores for one Release.

    Its title and body are analyzed into the text fields of its language (LANGUAGE_FIELDS);
    "title" and "body" always store the text, with no terms when another pair holds them.
    """
    title_field, body_field = LANGUAGE_FIELDS.get(release.language, DEFAULT_TEXT_FIELDS)
    terms = {title_field: analyze(release.title, title_field), body_field: analyze(release.body, body_field)}
    terms.setdefault("title", Analyzed())
    terms.setdefault("body", Analyzed())
    return {
        "id": release.id,
        "path": release.path,
        **terms,
        "_stored_title": release.title,
        "_stored_body": release.body,
        **{column: term_sequence(terms.get(fieldname, ())) for fieldname, column in TERM_SEQUENCES.items()},
        "date": release.date or "",
        "date_precision": release.date_precision,
        "year": release.date[:4] if release.date else "",
        "country": " ; ".join(release.countries),
        "official": " ; ".join(release.officials),
        "issuer": release.issuer or "",
        # KEYWORD(commas=True) splits on commas, so commas inside a value would split it.
        "country_value": ",".join(v.replace(",", " ") for v in release.countries),
        "official_value": ",".join(v.replace(",", " ") for v in release.officials),
        "issuer_value": release.issuer or "",
        "kind": release.kind or "",
        "language": release.language,
        "url": release.url,
        "content_hash": release.content_hash,
        "provenance": release.provenance,
        "mentions": release.mentions,
        "facts": release_facts(release),
        "names": release.names.to_json() if release.names is not None else None,
    }


def release_facts(release) -> bytes:
    """The facts column's value: the stored fields a result shows, under the same names."""
    facts = {
        "id": release.id, "path": release.path, "title": release.title, "date": release.date or "",
        "date_precision": release.date_precision, "issuer": release.issuer or "",
        "country_value": ",".join(v.replace(",", " ") for v in release.countries),
        "official_value": ",".join(v.replace(",", " ") for v in release.officials),
        "kind": release.kind or "", "language": release.language, "url": release.url,
        "provenance": {"title": release.provenance.get("title")},
    }
    return json.dumps(facts, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def term_sequence(terms) -> bytes:
    """A TERM_SEQUENCES column value: b" term term ... " (UTF-8)."""
    return (" " + " ".join(terms) + " ").encode("utf-8")


def sequence_pattern(words, slop: int = 1) -> re.Pattern:
    """What finds `words` in a TERM_SEQUENCES value in this order, each 1 to `slop` terms
    after the one before: Whoosh's rule for a phrase with a slop (SpanNear2, ordered, from
    the end of the words matched so far); slop 1 is the words in a row."""
    gap = b"(?:[^ ]+ ){0,%d}" % (slop - 1) if slop > 1 else b""
    return re.compile(b" " + gap.join(re.escape(word.encode("utf-8")) + b" " for word in words))
