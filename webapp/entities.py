"""A page for each official and each country (`/official/<name>`, `/country/<name>`) and
its JSON twin (`/api/officials/<name>`, `/api/countries/<name>`): how many releases, first
and last appearance, the timeline, the officials and countries it appears with most, the
latest releases, and the ways on (the filtered search, its feed).

An entity is mostly a search filtered on its one value (webapp.search): sorted newest
first, its results are the latest releases; oldest first, its first appearance. Its
co-occurrences are facet counts over its releases, counted here: the search page's own
facet leaves out its own filter, so it would count every release. An unknown name gets a
404 with the closest names (rapidfuzz), a name written with other capitals or accents a
redirect to the one the index knows.
"""

from dataclasses import dataclass, replace

from flask import Blueprint, current_app, jsonify, redirect, render_template, url_for
from rapidfuzz import fuzz, process

from webapp import engine
from webapp.api import hit_json
from webapp.engine import Engine, Generation
from webapp.params import SearchParams
from webapp.results import Hit
from webapp.search import search, timeline
from webapp.suggest import normalize
from webapp.timeline import bar_height, narrowed, period_label
from webapp.urls import path_for
from webapp.views import entity_url, follow_links, release_url, search_url

bp = Blueprint("entities", __name__)


@dataclass(frozen=True)
class Kind:
    """How an entity facet is named and answered (its page's address: views.entity_url)."""

    json_endpoint: str
    one: str  # what one is called: "official"
    several: str  # "officials"


KINDS = {
    "official": Kind("entities.official_json", "official", "officials"),
    "country": Kind("entities.country_json", "country", "countries"),
}
LATEST = 10  # latest releases listed
WITH_MOST = 10  # officials and countries listed as appearing with it most
CLOSE_NAMES = 5  # suggestions for an unknown name
CLOSE_ENOUGH = 60  # rapidfuzz WRatio, 0-100: below it a name is not offered
MAX_NAME_CHARS = 200  # longer names are cut before they are compared


@dataclass
class Entity:
    """What an official's or a country's page shows."""

    facet: str  # "official" or "country"
    name: str
    releases: int
    first: Hit | None  # its earliest dated release (None when none is dated)
    last: Hit | None  # its latest dated release
    timeline: list[tuple[str, int]]  # (year or month, releases), gaps included
    officials: list[tuple[str, int]]  # appearing with it most: (name, releases together)
    countries: list[tuple[str, int]]
    latest: list[Hit]


def filtered_search(facet: str, name: str) -> SearchParams:
    """The search for every release of an entity."""
    return SearchParams(**{facet: (name,)})


def find_entity(engine: Engine, facet: str, name: str) -> Entity | None:
    """The entity with this exact value of the facet, or None."""
    gen = engine.generation()
    docs = gen.facets[facet].values.get(name)
    if not docs:
        return None
    params = filtered_search(facet, name)
    latest = search(engine, replace(params, sort="newest", per_page=LATEST), facets=False, snippets=False)
    oldest = search(engine, replace(params, sort="oldest", per_page=1), facets=False, snippets=False)
    first = oldest.results[0] if oldest.results and oldest.results[0].date else None
    last = latest.results[0] if latest.results and latest.results[0].date else None
    return Entity(
        facet=facet,
        name=name,
        releases=latest.total,
        first=first,
        last=last,
        timeline=timeline(gen, docs),
        officials=_with_most(gen, "official", docs, skip=name if facet == "official" else None),
        countries=_with_most(gen, "country", docs, skip=name if facet == "country" else None),
        latest=latest.results,
    )


def _with_most(gen: Generation, facet: str, docs, skip: str | None) -> list[tuple[str, int]]:
    """The values of `facet` most often on `docs` (not `skip`), most first, then by name."""
    counts = gen.facets[facet].counts(docs)
    counts.pop(skip, None)
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:WITH_MOST]


def known_name(gen: Generation, facet: str, name: str) -> str | None:
    """The value the index knows for a name written with other capitals, accents or
    marks ("janet napolitano" -> "Janet Napolitano"), or None."""
    return _names(gen, facet).get(normalize(name[:MAX_NAME_CHARS]))


def close_names(gen: Generation, facet: str, name: str, limit: int = CLOSE_NAMES) -> list[tuple[str, int]]:
    """The values of the facet closest to `name`, with their releases, closest first."""
    names = _names(gen, facet)
    typed = normalize(name[:MAX_NAME_CHARS])
    if not typed or not names:
        return []
    keys = list(names)
    found = process.extract(typed, keys, scorer=fuzz.WRatio, limit=limit, score_cutoff=CLOSE_ENOUGH)
    values = gen.facets[facet].values
    return [(names[key], len(values[names[key]])) for key, _, _ in found]


def _names(gen: Generation, facet: str) -> dict[str, str]:
    """normalized name -> the facet value (the one with most releases where two meet)."""

    def build() -> dict[str, str]:
        values = gen.facets[facet].values
        out: dict[str, str] = {}
        for value in sorted(values, key=lambda v: (-len(values[v]), v)):
            out.setdefault(normalize(value), value)
        return out

    return gen.memo(f"entity names {facet}", build)


# --- pages ---------------------------------------------------------------------------------


@bp.route("/official/<path:name>")
def official_page(name: str):
    """An official's page."""
    return _page("official", name)


@bp.route("/country/<path:name>")
def country_page(name: str):
    """A country's page."""
    return _page("country", name)


def _lookup(facet: str, name: str) -> tuple[Generation, Entity | None, str | None]:
    """The entity named exactly; else the name it is known by (the page redirects there),
    or neither."""
    gen = engine().generation()
    entity = find_entity(engine(), facet, name)
    return gen, entity, known_name(gen, facet, name) if entity is None else None


def _page(facet: str, name: str):
    gen, entity, known = _lookup(facet, name)
    if known is not None:
        return redirect(entity_url(facet, known))
    if entity is None:
        return _missing_page(gen, facet, name)
    return render_template("entity.html", **entity_context(entity))


def entity_context(entity: Entity) -> dict:
    """Everything entity.html shows, with every link precomputed."""
    params = filtered_search(entity.facet, entity.name)
    peak = max((count for _, count in entity.timeline), default=0)
    return {
        "entity": entity,
        "params": SearchParams(),
        "kind": KINDS[entity.facet].one,
        "search_url": search_url(params),
        "newest_url": search_url(params.sorted_by("newest")),
        "feed_url": follow_links(params)["feed_url"],
        "json_url": url_for(KINDS[entity.facet].json_endpoint, name=entity.name),
        "first_url": release_url(entity.first.id, SearchParams()) if entity.first else None,
        "last_url": release_url(entity.last.id, SearchParams()) if entity.last else None,
        "timeline": [
            (period, period_label(period), count, bar_height(count, peak), search_url(narrowed(params, period)))
            for period, count in entity.timeline
        ],
        "with_most": [
            (KINDS[facet].several.capitalize(), [(name, count, entity_url(facet, name)) for name, count in values])
            for facet, values in (("official", entity.officials), ("country", entity.countries))
            if values
        ],
        "latest": [(hit, release_url(hit.id, SearchParams())) for hit in entity.latest],
    }


def _missing_page(gen: Generation, facet: str, name: str):
    """404: the name is not one the index knows; the closest that are, and ways on."""
    singular, plural = KINDS[facet].one, KINDS[facet].several
    close = [(value, count, entity_url(facet, value)) for value, count in close_names(gen, facet, name)]
    html = render_template(
        "entity_missing.html",
        params=SearchParams(),
        kind=singular,
        kinds=plural,
        name=name[:MAX_NAME_CHARS],
        close=close,
        search_url=search_url(SearchParams(q=" ".join(name[:MAX_NAME_CHARS].split()))),
        all_url=url_for("facet_pages.facet_values_page", facet=facet, order="alpha"),
    )
    return current_app.make_response((html, 404))


# --- JSON ----------------------------------------------------------------------------------


@bp.get("/api/officials/<path:name>")
def official_json(name: str):
    """An official's page as JSON."""
    return _json("official", name)


@bp.get("/api/countries/<path:name>")
def country_json(name: str):
    """A country's page as JSON."""
    return _json("country", name)


def _json(facet: str, name: str):
    gen, entity, known = _lookup(facet, name)
    if known is not None:
        return redirect(url_for(KINDS[facet].json_endpoint, name=known))
    if entity is None:
        close = close_names(gen, facet, name)
        response = jsonify(
            error=f"no {KINDS[facet].one} named {name[:MAX_NAME_CHARS]!r}",
            suggestions=[{"name": value, "count": count, "url": path_for(KINDS[facet].json_endpoint, name=value)} for value, count in close],
        )
        response.status_code = 404
        return response
    params = filtered_search(facet, entity.name)
    return {
        "facet": facet,
        "name": entity.name,
        "releases": entity.releases,
        "first": _brief(entity.first),
        "last": _brief(entity.last),
        "timeline": [{"period": period, "count": count} for period, count in entity.timeline],
        "officials": [{"name": n, "count": c, "url": path_for(KINDS["official"].json_endpoint, name=n)} for n, c in entity.officials],
        "countries": [{"name": n, "count": c, "url": path_for(KINDS["country"].json_endpoint, name=n)} for n, c in entity.countries],
        "latest": [hit_json(hit) for hit in entity.latest],
        "page_url": entity_url(facet, entity.name),
        "search_url": search_url(params),
        "feed_url": follow_links(params)["feed_url"],
    }


def _brief(hit: Hit | None) -> dict | None:
    return None if hit is None else {"id": hit.id, "title": hit.title, "date": hit.date, "date_precision": hit.date_precision}
