"""The JSON API: the search page's results and one release, from the same ResultPage data."""

from flask import Blueprint, abort, request

from webapp import engine
from webapp.params import parse_params
from webapp.results import Hit
from webapp.search import get_release, search
from webapp.views import is_web_address

bp = Blueprint("api", __name__, url_prefix="/api")


@bp.get("/search")
def search_json():
    """The search page's parameters in, its results and facet counts out."""
    params, notices = parse_params(request.args)
    result = search(engine(), params)
    return {
        "total": result.total,
        "page": result.page,
        "pages": result.pages,
        "per_page": params.per_page,
        "query": result.query_reading,
        "match": result.match,
        "understood": result.understood,
        "notices": [*notices, *result.notices],
        "suggestion": result.suggestion,
        "corrected_from": result.original_query,
        "undated_left_out": result.undated,
        "results": [
            {**hit_json(hit), "snippet": str(hit.snippet), "score": hit.score, "missing": hit.missing}
            for hit in result.results
        ],
        "timeline": [{"period": period, "count": count} for period, count in result.timeline],
        "facets": {
            facet: [{"value": v.value, "count": v.count, "selected": v.selected} for v in values]
            for facet, values in result.facets.items()
        },
    }


@bp.get("/releases/<release_id:release_id>")
def release_json(release_id: str):
    """One release with its full text, where its facts came from, and similar releases."""
    detail = get_release(engine(), release_id)
    if detail is None:
        abort(404, f"no release with id {release_id!r}")
    return {
        **hit_json(detail.hit),
        "body": detail.body,
        "provenance": detail.provenance,
        "mentions": [{"facet": m.facet, "value": m.value, "spans": [list(s) for s in m.spans]} for m in detail.mentions],
        "similar": [{"id": h.id, "title": h.title, "date": h.date} for h in detail.similar],
    }


def hit_json(hit: Hit) -> dict:
    """A release's facts as JSON, shared by search results and the release answer."""
    return {
        "id": hit.id,
        "path": hit.path,
        "title": hit.title,
        "date": hit.date,
        "date_precision": hit.date_precision,
        "issuer": hit.issuer,
        "officials": hit.officials,
        "countries": hit.countries,
        "kind": hit.kind,
        "language": hit.language,
        "url": hit.url if is_web_address(hit.url) else None,  # never a javascript: address
    }
