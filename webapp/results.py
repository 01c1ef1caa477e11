"""What a search returns: plain data that the HTML templates and the JSON API both render."""

from dataclasses import dataclass, field

from markupsafe import Markup

from webapp.params import SearchParams


@dataclass
class Hit:
    """One release in a result list."""

    id: str
    path: str
    title: str
    date: str | None  # "YYYY-MM-DD"
    date_precision: str | None
    issuer: str | None
    officials: list[str]
    countries: list[str]
    url: str | None
    snippet: Markup  # escaped text with <mark> around matched words
    score: float | None  # BM25F score; None when sorted by date
    kind: str | None = None  # "press release", "fact sheet", ...
    language: str | None = None  # "en", "es", ...
    title_source: str | None = None  # where the title came from ("first sentence": no headline)
    missing: list[str] = field(default_factory=list)  # query words it lacks (a "most words" match)


@dataclass
class FacetValue:
    value: str
    count: int
    selected: bool


@dataclass
class ResultPage:
    """One page of results with facet counts over the whole result set."""

    params: SearchParams
    total: int
    page: int  # may be lower than params.page: a page past the end shows the last one
    pages: int
    results: list[Hit]
    facets: dict[str, list[FacetValue]]  # "country" / "official" / "year" -> values by count
    query_reading: str  # how the query was read, e.g. "(border AND security)"
    notices: list[str] = field(default_factory=list)  # sentences about how the query was taken
    suggestion: str | None = None  # "did you mean" query string
    seconds: float = 0.0
    match: str = "all"  # "all": every word matched; "most": releases with most of the words
    understood: list[str] = field(default_factory=list)  # what words were taken to mean
    original_query: str | None = None  # the query as typed, when a corrected one was searched
    undated: int = 0  # matching releases a date filter leaves out for having no date
    generation: str = ""  # the index generation that answered (for ETags)
    timeline: list[tuple[str, int]] = field(default_factory=list)  # (year or month, releases), gaps included


@dataclass
class Mention:
    """Why a release carries a facet value: spans of the body, or the named source."""

    facet: str  # "official", "country"
    value: str
    spans: list[tuple[int, int]]


@dataclass
class ReleaseDetail:
    """Everything the release page and /api/releases/<id> show."""

    hit: Hit
    body: str
    body_html: Markup  # the full text, search words in <mark>, facet mentions in <span>
    anchors: dict[tuple[str, str], str]  # (facet, value) -> id of its first marked mention
    provenance: dict[str, str]  # "title" -> "sidecar", "date" -> "dateline", ...
    mentions: list[Mention]
    similar: list[Hit]
