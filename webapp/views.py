"""HTML pages: search, one release, help, and the OpenSearch description.

Every link a page shows (facet values, chips, sort, pages) is built here from the
current SearchParams, so the templates are plain links that work without JavaScript.
"""

import datetime
import re
from dataclasses import dataclass, replace
from typing import Callable
from urllib.parse import urlsplit

from flask import Blueprint, Response, abort, current_app, render_template, request, url_for
from markupsafe import Markup, escape

from webapp import engine
from webapp.citation import Citation, bibtex, citation_of, download_name, plain_text
from webapp.params import DEFAULT_PER_PAGE, FACETS, NO_DATE, SORTS, SearchParams, parse_params, year_range
from webapp.results import Hit, ReleaseDetail, ResultPage
from webapp.search import get_release, search
from webapp.timeline import timeline_of
from webapp.urls import path_for, paths_for, query_string, with_query

bp = Blueprint("views", __name__)

FACET_VALUES_SHOWN = 8  # the rest of a facet's values sit behind "show more"
PAGE_LINKS_AROUND = 2  # page numbers either side of the current one
PROVENANCE_ORDER = {"title": 0, "date": 1, "issuer": 2, "officials": 3, "countries": 4, "url": 5}  # then others by name


@dataclass
class Link:
    label: str
    url: str
    current: bool = False
    rel: str | None = None  # "prev" / "next" in pagination


@dataclass
class FacetOption:
    value: str
    label: str  # what the page shows: the value, or "no date" for the year facet's blank
    count: int
    selected: bool
    url: str  # this search with the value toggled
    page_url: str | None = None  # an official's or a country's own page


@dataclass
class FacetGroup:
    name: str
    label: str
    shown: list[FacetOption]
    more: list[FacetOption]  # collapsed behind "show more"
    all_urls: dict[str, str] | None = None  # a long facet's page of every value: order -> URL


@dataclass
class MentionLink:
    facet: str
    value: str
    count: int
    search_url: str
    anchor: str | None  # id of its first marked mention in the text, when there is one
    page_url: str | None = None  # the official's or country's own page


def search_url(params: SearchParams) -> str:
    """The search page's URL for `params`."""
    return with_query(path_for("views.search_page"), params.query_args())


@bp.route("/")
@bp.route("/search")  # registered first, so links are built as /search
def search_page():
    """The search page; with no words it lists every release, newest first."""
    def render() -> str:
        params, notices = parse_params(request.args)
        result = search(engine(), params)
        if result.page < params.page:
            notices.append(f"Page {params.page} is past the end of the results; showing the last page, {result.page}.")
        return render_template("search.html", **search_context(result, notices))

    return kept_page(render)


def kept_page(render) -> str | bytes:
    """The HTML of a page that depends only on its address and the index generation (the
    pages whose ETag says so, webapp.CONDITIONAL), kept in the generation's cache: a repeated
    search costs a lookup instead of building its few hundred links again. Kept compressed:
    a results page is about 120 KB as a Python string and 9 KB deflated (0.6 ms to deflate,
    0.3 ms to inflate), so the cache holds pages without crowding out postings. A page that
    fails (not found, over its time budget) raises and is not kept."""
    search_engine = engine()
    if not search_engine.cache_pages:
        return render()
    key = ("html", request.script_root, request.full_path)
    return search_engine.generation().cache.get_deflated(key, lambda: render().encode())


def search_context(result: ResultPage, notices: list[str]) -> dict:
    """Everything search.html shows, with every link precomputed."""
    params = result.params
    shown_page = params.at_page(result.page)
    return {
        "result": result,
        "params": params,
        "notices": [*notices, *result.notices],
        "form_hidden": hidden_inputs(params, drop={"q", "page"}),
        "dates_hidden": hidden_inputs(params, drop={"from", "to", "page"}),
        "suggestion_url": search_url(params.with_query(result.suggestion)) if result.suggestion else None,
        "original_url": search_url(params.with_query(result.original_query).as_typed()) if result.original_query else None,
        "undated_url": search_url(params.with_undated()) if result.undated else None,
        "facets": [_facet_group(result, facet) for facet in FACETS if result.facets.get(facet)],
        "chips": _chips(params),
        "clear_url": search_url(params.cleared()),
        "sorts": _sort_links(params),
        "pages": _page_links(shown_page, result.pages),
        "first_number": (result.page - 1) * params.per_page + 1,
        "hits": [(hit, release_url(hit.id, shown_page)) for hit in result.results],
        # Follow, export, timeline (webapp.feeds, webapp.timeline)
        "timeline": timeline_of(result.timeline, params, search_url),
        **follow_links(params),
        # Officials' and countries' pages (webapp.entities)
        "name_pages": _name_pages(result.results),
    }


def follow_links(params: SearchParams) -> dict[str, str]:
    """This search as an Atom feed (its words and filters, newest first) and as CSV and
    JSON Lines exports (every result, in this page's order)."""
    whole = replace(params, page=1, per_page=DEFAULT_PER_PAGE)

    def address(endpoint: str, kept: SearchParams) -> str:
        return with_query(path_for(endpoint), kept.query_args())

    return {
        "feed_url": address("feeds.search_atom", replace(whole, sort="relevance")),
        "csv_url": address("feeds.search_csv", whole),
        "jsonl_url": address("feeds.search_jsonl", whole),
    }


def facet_options(params: SearchParams, facet: str, values) -> list[FacetOption]:
    """A facet's values (webapp.results.FacetValue) as shown: label, count, toggle link and
    the value's own page."""
    toggles = toggle_urls(params, facet, [v.value for v in values])
    page_of = entity_urls(facet)
    return [
        FacetOption(v.value, facet_label(facet, v.value), v.count, v.selected, toggle, page_of(v.value))
        for v, toggle in zip(values, toggles)
    ]


_HERE = object()  # where a facet's values go among a search's parameters


def toggle_urls(params: SearchParams, facet: str, values: list[str]) -> list[str]:
    """search_url(params.toggled(facet, value)) for each of `values`: the rest of the
    search encoded once, then only each value's own parameters (a results page shows
    more than a hundred facet values)."""
    marked = replace(params, page=1, **{facet: (_HERE,)}).query_args()
    at = marked.index((facet, _HERE))
    path, before, after = path_for("views.search_page"), query_string(marked[:at]), query_string(marked[at + 1 :])

    def url(value: str) -> str:
        chosen = params.toggled_values(facet, value)
        parts = [part for part in (before, query_string([(facet, v) for v in chosen]), after) if part]
        return path + "?" + "&".join(parts) if parts else path

    return [url(value) for value in values]


def hidden_inputs(params: SearchParams, drop: set[str]) -> list[tuple[str, str]]:
    """The state a form must carry along as hidden inputs."""
    return [(name, value) for name, value in params.query_args() if name not in drop]


def _facet_group(result: ResultPage, facet: str) -> FacetGroup:
    """One facet's values with their toggle links, split at the "show more" fold."""
    values = result.facets[facet]
    if facet == "year":  # years read best in time order, most recent first, "no date" last
        values = sorted(values, key=lambda v: (v.value != NO_DATE, v.value), reverse=True)
    options = facet_options(result.params, facet, values)
    # Selected values stay in view even when they rank low.
    shown = [o for n, o in enumerate(options) if n < FACET_VALUES_SHOWN or o.selected]
    more = [o for n, o in enumerate(options) if n >= FACET_VALUES_SHOWN and not o.selected]
    return FacetGroup(facet, FACETS[facet], shown, more, _all_values_urls(result.params, facet, options, more))


LANGUAGES = {"en": "English", "es": "Spanish", "fr": "French", "pt": "Portuguese"}


def facet_label(facet: str, value: str) -> str:
    """How a facet value reads on the page."""
    if facet == "year" and value == NO_DATE:
        return "no date"
    if facet == "year" and year_range(value):
        low, high = year_range(value)
        return f"{low} onwards" if high is None else f"up to {high}" if low is None else f"{low}–{high}"
    if facet == "language":
        return LANGUAGES.get(value, value)
    return value


def _chips(params: SearchParams) -> list[Link]:
    """One link per applied filter, each to the same search without that filter."""
    chips = [
        Link(f"{FACETS[facet]}: {facet_label(facet, value)}", search_url(params.toggled(facet, value)))
        for facet in FACETS
        for value in params.selected(facet)
    ]
    bounds = [f"{word} {day}" for word, day in (("from", params.date_from), ("to", params.date_to)) if day]
    if bounds:
        undated = ", and releases with no date" if params.undated else ""
        chips.append(Link("Date: " + " ".join(bounds) + undated, search_url(params.without_dates())))
    return chips


def _sort_links(params: SearchParams) -> list[Link]:
    """The orders a person can choose; without words, relevance means newest first."""
    if params.q:
        return [Link(label, search_url(params.sorted_by(sort)), sort == params.sort) for sort, label in SORTS.items()]
    current = "newest" if params.sort == "relevance" else params.sort
    return [
        Link(label, search_url(params.sorted_by(sort)), sort == current) for sort, label in SORTS.items() if sort != "relevance"
    ]


def _page_links(params: SearchParams, pages: int) -> list[Link | None]:
    """Previous, first, a window round the current page, last, next; None marks a gap."""
    if pages <= 1:
        return []
    current = params.page
    numbers = sorted({1, pages, *range(max(1, current - PAGE_LINKS_AROUND), min(pages, current + PAGE_LINKS_AROUND) + 1)})
    links: list[Link | None] = []
    if current > 1:
        links.append(Link("Previous", search_url(params.at_page(current - 1)), rel="prev"))
    for before, number in zip([0, *numbers], numbers):
        if number - before > 1:
            links.append(None)
        links.append(Link(str(number), search_url(params.at_page(number)), number == current))
    if current < pages:
        links.append(Link("Next", search_url(params.at_page(current + 1)), rel="next"))
    return links


@bp.route("/release/<release_id:release_id>")
def release_page(release_id: str):
    """One release: its facts, where they came from, its full text and similar releases.

    It carries the search it was opened from (words, filters, sort, page) in its own
    address, so the way back and the similar releases keep it.
    """

    def render() -> str:
        params, _ = parse_params(request.args)
        detail = get_release(engine(), release_id, params.q, mention_link=entity_url)
        if detail is None:
            abort(404, f"There is no release with the id “{release_id}”. It may have been removed from the corpus.")
        return render_template("release.html", **release_context(detail, params))

    return kept_page(render)


def release_url(release_id: str, params: SearchParams) -> str:
    """A release page's URL carrying the search it was reached from."""
    return with_query(path_for("views.release_page", release_id=release_id), params.query_args())


def release_context(detail: ReleaseDetail, params: SearchParams) -> dict:
    """Everything release.html shows, with every link precomputed."""
    hit = detail.hit
    provenance = sorted(detail.provenance.items(), key=lambda item: (PROVENANCE_ORDER.get(item[0], len(PROVENANCE_ORDER)), item[0]))
    return {
        "detail": detail,
        "hit": hit,
        "params": params,
        "back_url": search_url(params) if params.query_args() else None,
        "similar": [(other, release_url(other.id, params)) for other in detail.similar],
        "source_url": hit.url if is_web_address(hit.url) else None,
        "provenance": provenance,
        "officials": _mention_links(detail, "official", hit.officials),
        "countries": _mention_links(detail, "country", hit.countries),
        # Cite this release (webapp.citation)
        "citation": citation(hit),
        "cite_bib_url": url_for("views.citation_bib", release_id=hit.id),
        "cite_text_url": url_for("views.citation_text", release_id=hit.id),
    }


def _mention_links(detail: ReleaseDetail, facet: str, values: list[str]) -> list[MentionLink]:
    """Each value of a facet with its search, its mention count and where it is first marked."""
    counts = {m.value: len(m.spans) for m in detail.mentions if m.facet == facet}
    return [
        MentionLink(facet, value, counts.get(value, 0), search_url(SearchParams(**{facet: (value,)})), detail.anchors.get((facet, value)),
                    entity_url(facet, value))
        for value in values
    ]


def is_web_address(url: str | None) -> bool:
    """Only http(s) links are shown: a sidecar's `javascript:` URL must never become a link."""
    return bool(url) and urlsplit(url).scheme in ("http", "https") and bool(urlsplit(url).netloc)


# --- Cite this release -----------------------------------------------------------------------
# The suffix follows the id, which may itself end in ".bib": the route matches the last one.


@bp.route("/cite/<release_id:release_id>.bib")
def citation_bib(release_id: str):
    """A release's citation as a BibTeX file."""
    return _citation_download(release_id, bibtex, "bib", "application/x-bibtex")


@bp.route("/cite/<release_id:release_id>.txt")
def citation_text(release_id: str):
    """A release's citation as one line of plain text."""
    return _citation_download(release_id, lambda c: plain_text(c) + "\n", "txt", "text/plain")


def _citation_download(release_id: str, render, extension: str, mimetype: str) -> Response:
    detail = get_release(engine(), release_id)
    if detail is None:
        abort(404, f"There is no release with the id “{release_id}”. It may have been removed from the corpus.")
    response = Response(render(citation(detail.hit)), content_type=f"{mimetype}; charset=utf-8")
    response.headers["Content-Disposition"] = f'attachment; filename="{download_name(release_id, extension)}"'
    return response


def citation(hit: Hit) -> Citation:
    """A release's citation: its page's permanent address starts with the configured base
    URL (never the request's Host header), else it is relative."""
    base = current_app.config["RELEASE_SEARCH_BASE_URL"].rstrip("/")
    permanent = base + url_for("views.release_page", release_id=hit.id)
    return citation_of(hit, hit.url if is_web_address(hit.url) else None, permanent)


# --- Officials' and countries' pages, and long facets' pages of every value (webapp.entities,
# webapp.facet_pages): the links to them that the search and release pages show ---------------

ENTITY_PAGES = {"official": "entities.official_page", "country": "entities.country_page"}
LONG_FACET = 15  # a facet with more values gets a filter box and a page of all its values


def entity_url(facet: str, value: str) -> str | None:
    """The page of an official or a country; None for the values of other facets."""
    return entity_urls(facet)(value)


def entity_urls(facet: str) -> Callable[[str], str | None]:
    """entity_url for the values of one facet, its route looked up once."""
    endpoint = ENTITY_PAGES.get(facet)
    return paths_for(endpoint, "name") if endpoint else lambda value: None


def _name_pages(hits) -> dict[tuple[str, str], str]:
    """(facet, name) -> the page of each official and country named under the results."""
    official, country = entity_urls("official"), entity_urls("country")
    return {
        (facet, name): page_of(name)
        for hit in hits
        for facet, page_of, names in (("official", official, hit.officials), ("country", country, hit.countries))
        for name in names
    }


def all_values_url(params: SearchParams, facet: str, order: str) -> str:
    """The page of every value of `facet` for the search `params`, in `order` (alpha, count)."""
    args = [(k, v) for k, v in params.query_args() if k not in ("page", "per_page")]
    return with_query(path_for("facet_pages.facet_values_page", facet=facet), [*args, ("order", order)])


def _all_values_urls(params: SearchParams, facet: str, options: list, more: list) -> dict[str, str] | None:
    """For a long facet (the officials' once folded, any past LONG_FACET values), its
    page of every value in each order; None for a short one."""
    if len(options) <= LONG_FACET and not (facet == "official" and more):
        return None
    return {order: all_values_url(params, facet, order) for order in ("alpha", "count")}


@bp.route("/about")
def about_page():
    """How to search: the query language, facets and the JSON API."""
    return render_template("about.html", params=SearchParams())


@bp.route("/opensearch.xml")
def opensearch():
    """Lets browsers add the site as a search engine. Its addresses start with the
    configured base URL, or are relative: never built from the request's Host header."""
    base = current_app.config["RELEASE_SEARCH_BASE_URL"].rstrip("/")
    return Response(render_template("opensearch.xml", base=base), mimetype="application/opensearchdescription+xml")


@bp.app_template_filter("release_date")
def release_date(hit) -> str:
    """A release's date as a person reads it, to the precision it is known."""
    if not hit.date:
        return "date unknown"
    date = datetime.date.fromisoformat(hit.date)
    if hit.date_precision == "year":
        return str(date.year)
    if hit.date_precision == "month":
        return f"{date:%B} {date.year}"
    return f"{date.day} {date:%B} {date.year}"


@bp.app_template_filter("plural")
def plural(n: int, word: str, words: str | None = None) -> str:
    """'1 release', '2 releases', '1,024 releases' (or the plural given)."""
    return f"{n:,} {word if n == 1 else words or word + 's'}"


@bp.app_template_filter("capitalize_first")
def capitalize_first(text: str) -> str:
    """The sentence with its first letter in capitals, the rest as it is."""
    return text[:1].upper() + text[1:]


@bp.app_template_filter("code_spans")
def code_spans(text: str) -> Markup:
    """Escape `text`, showing `backticked` commands as <code> (for error messages)."""
    return Markup(re.sub(r"`([^`]+)`", r"<code>\1</code>", str(escape(text))))
