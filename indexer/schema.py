"""The Whoosh schema and its analyzers: the one place that decides how releases are indexed.

Bump SCHEMA_VERSION whenever a field or analyzer changes: the indexing command then
rebuilds instead of mixing documents indexed two ways.
"""

from whoosh import fields
from whoosh.analysis import CharsetFilter, LowercaseFilter, RegexTokenizer, StemFilter, StopFilter
from whoosh.lang.porter2 import stem as porter2_stem
from whoosh.support.charset import accent_map

SCHEMA_VERSION = 1

# Facet fields: exact display values ("El Salvador"), one term per value, for counting
# and filtering. The names users type in queries (country:panama) are the folded,
# tokenized twins below.
FACET_FIELDS = {"country": "country_value", "official": "official_value", "year": "year"}


def text_analyzer():
    """Words, lowercased, accents folded, stop words dropped, Porter2-stemmed.

    Porter2 rather than Whoosh's default Porter: "running" -> "run", not "runn".
    """
    return (
        RegexTokenizer()
        | LowercaseFilter()
        | CharsetFilter(accent_map)
        | StopFilter()
        | StemFilter(stemfn=porter2_stem, cachesize=100_000)
    )


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
        title=fields.TEXT(analyzer=text, stored=True, field_boost=2.5),
        # spelling=True keeps unstemmed words aside for "did you mean" suggestions.
        body=fields.TEXT(analyzer=text, stored=True, spelling=True),
        date=fields.ID(stored=True, sortable=True),  # "YYYY-MM-DD", "" when unknown
        date_precision=fields.STORED(),
        year=fields.ID(stored=True),
        country=fields.TEXT(analyzer=names),
        official=fields.TEXT(analyzer=names),
        issuer=fields.TEXT(analyzer=names, stored=True),
        country_value=fields.KEYWORD(stored=True, commas=True, lowercase=False, scorable=False),
        official_value=fields.KEYWORD(stored=True, commas=True, lowercase=False, scorable=False),
        url=fields.STORED(),
        content_hash=fields.ID(stored=True, sortable=True),
        provenance=fields.STORED(),
        mentions=fields.STORED(),
    )


def release_document(release) -> dict:
    """The field values Whoosh stores for one Release."""
    return {
        "id": release.id,
        "path": release.path,
        "title": release.title,
        "body": release.body,
        "date": release.date or "",
        "date_precision": release.date_precision,
        "year": release.date[:4] if release.date else "",
        "country": " ; ".join(release.countries),
        "official": " ; ".join(release.officials),
        "issuer": release.issuer or "",
        # KEYWORD(commas=True) splits on commas, so commas inside a value would split it.
        "country_value": ",".join(v.replace(",", " ") for v in release.countries),
        "official_value": ",".join(v.replace(",", " ") for v in release.officials),
        "url": release.url,
        "content_hash": release.content_hash,
        "provenance": release.provenance,
        "mentions": release.mentions,
    }
