"""Every search as an Atom feed (/search.atom) and as full exports (/search.csv, /search.jsonl).

The feed is the search's 50 newest releases, for feed readers that poll: an unchanged
feed is answered with 304 before any work, by its ETag (webapp.CONDITIONAL: the index
generation, the code and the address) or by If-Modified-Since (when the generation was
written). The exports are every release the search finds, in the page's order,
streamed a chunk of rows at a time.
"""

import datetime
import re
from dataclasses import dataclass, replace
from urllib.parse import quote

from flask import Blueprint, Response, current_app, g, render_template, request, stream_with_context
from markupsafe import Markup

from webapp import code_files, end_budget, engine
from webapp.engine import Generation
from webapp.exports import csv_chunks, export_filename, export_row, jsonl_chunks
from webapp.params import DEFAULT_PER_PAGE, FACETS, SearchParams, parse_params
from webapp.results import Hit
from webapp.search import all_results, search
from webapp.urls import path_for, with_query
from webapp.views import facet_label, is_web_address, search_url

bp = Blueprint("feeds", __name__)

FEED_ENTRIES = 50
# Every tag: URI this service mints starts with this (RFC 4151: an authority and a date).
# A constant, not the configured base URL: an entry's id must never change, whether the
# index is rebuilt or the service moves to another address. Never edit it.
TAG = "tag:release-search.invalid,2026:"
# Characters XML 1.0 cannot carry at all, even escaped; a release's text may hold them.
NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
# The newest change to the code or templates, as a Unix time: a deployment is a change too.
CODE_CHANGED = max(p.stat().st_mtime for p in code_files())


@dataclass
class Category:
    term: str
    scheme: str
    label: str


@dataclass
class Entry:
    """One release as an Atom entry; every text already free of characters XML forbids."""

    id: str
    title: str
    updated: str  # RFC 3339
    link: str
    related: str | None  # the original, when it is a web address
    summary: str  # plain text
    author: str | None
    categories: list[Category]


@bp.get("/search.atom")
def search_atom():
    """The 50 newest releases the search finds, newest first, as Atom 1.0."""
    params, _ = parse_params(request.args)
    followed = feed_params(params)
    result = search(engine(), replace(followed, sort="newest", per_page=FEED_ENTRIES), facets=False)
    gen = engine().generation()
    written = rfc3339(gen.written)
    base = current_app.config["RELEASE_SEARCH_BASE_URL"].rstrip("/")
    args = followed.query_args()
    feed = {
        "id": with_query(TAG + "search", args),
        "title": feed_title(followed),
        "subtitle": f"The {min(result.total, FEED_ENTRIES)} newest of {result.total:,} matching "
        f"release{'' if result.total == 1 else 's'}",
        "updated": written,
        "self": base + with_query(path_for("feeds.search_atom"), args),
        "alternate": base + search_url(replace(followed, sort="newest")),
    }
    entries = [feed_entry(hit, base, written) for hit in result.results]
    xml = render_template("feed.xml", feed=_xml_safe(feed), entries=entries)
    return Response(xml, mimetype="application/atom+xml")


def feed_params(params: SearchParams) -> SearchParams:
    """What a feed follows: the search's words and filters, not its order or page."""
    return replace(params, sort="relevance", page=1, per_page=DEFAULT_PER_PAGE)


def feed_title(params: SearchParams) -> str:
    """"Press releases: border security · Country: Panama" (or "Press releases: all")."""
    parts = [f"“{params.q}”"] if params.q else []
    parts += [f"{FACETS[f]}: {facet_label(f, v)}" for f in FACETS for v in params.selected(f)]
    bounds = [f"{word} {day}" for word, day in (("from", params.date_from), ("to", params.date_to)) if day]
    if bounds:
        parts.append("Date: " + " ".join(bounds))
    return "Press releases: " + (" · ".join(parts) if parts else "all")


def release_tag(release_id: str) -> str:
    """A release's permanent Atom id, from its id (its path in the corpus, stable across
    indexing runs and rebuilds), percent-encoded into a valid URI."""
    return TAG + "release/" + quote(release_id, safe="/")


def feed_entry(hit: Hit, base: str, index_written: str) -> Entry:
    """A release as an entry: updated on its date (midnight UTC, to the precision known);
    a release with no known date carries the time its index generation was written."""
    categories = [Category(c, TAG + "country", f"Country: {c}") for c in hit.countries]
    categories += [Category(o, TAG + "official", f"Official: {o}") for o in hit.officials]
    return _xml_safe(Entry(
        id=release_tag(hit.id),
        title=" ".join(NOT_XML.sub("", hit.title).split()),
        updated=f"{hit.date}T00:00:00Z" if hit.date else index_written,
        link=base + path_for("views.release_page", release_id=hit.id),
        related=hit.url if is_web_address(hit.url) else None,
        summary=Markup(hit.snippet).striptags(),
        author=hit.issuer,
        categories=[_xml_safe(c) for c in categories],
    ))


def _xml_safe(value):
    """`value` (a string, or each string field of a dict or dataclass) without the
    characters XML cannot carry; the template escapes the rest."""
    if isinstance(value, str):
        return NOT_XML.sub("", value)
    if isinstance(value, dict):
        return {k: _xml_safe(v) for k, v in value.items()}
    fields = {k: _xml_safe(v) for k, v in vars(value).items() if isinstance(v, str)}
    return replace(value, **fields)


def rfc3339(seconds: float) -> str:
    return datetime.datetime.fromtimestamp(int(seconds), datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def last_modified(gen: Generation) -> datetime.datetime:
    """When the feed last changed: its index generation was written, or the code deployed."""
    return datetime.datetime.fromtimestamp(int(max(gen.written, CODE_CHANGED)), datetime.UTC)


@bp.before_request
def _not_modified_since():
    """304 for a feed reader's If-Modified-Since, before any work (an If-None-Match, which
    takes precedence, was answered by the app already when it matched)."""
    if request.endpoint != "feeds.search_atom":
        return None
    g.last_modified = last_modified(engine().generation())
    since = request.if_modified_since
    if "If-None-Match" not in request.headers and since is not None and g.last_modified <= since:
        return current_app.response_class(status=304)
    return None


@bp.after_request
def _last_modified(response):
    modified = g.get("last_modified")
    if modified is not None and response.status_code in (200, 304):
        response.last_modified = modified
    return response


@bp.get("/search.csv")
def search_csv():
    """Every release the search finds, in the page's order, as CSV (UTF-8 with a BOM)."""
    return _export("csv", "text/csv; charset=utf-8", csv_chunks)


@bp.get("/search.jsonl")
def search_jsonl():
    """Every release the search finds, in the page's order, one JSON object per line."""
    return _export("jsonl", "application/x-ndjson; charset=utf-8", jsonl_chunks)


def _export(extension: str, content_type: str, chunks):
    params, _ = parse_params(request.args)
    # Ranking runs under the request's time budget, and is bounded by it...
    total, hits = all_results(engine(), params)
    # ...streaming is not: it is bounded by the row count, and a cut stream would be a
    # truncated file that looks whole. (The teardown hook ends the budget too, but when
    # depends on Flask: 3.1 runs it as the view returns and again when the stream ends;
    # 2.x kept the request context, and so the timer, until the last row.)
    end_budget()
    rows = (export_row(hit, hit.url if is_web_address(hit.url) else None) for hit in hits)
    body = (chunk.encode("utf-8", "replace") for chunk in chunks(rows))
    response = Response(stream_with_context(body), content_type=content_type)
    response.headers["Content-Disposition"] = f'attachment; filename="{export_filename(params, extension)}"'
    response.headers["X-Total-Count"] = str(total)
    return response
