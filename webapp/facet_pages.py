"""Every value of one facet for a search, with counts, on a page of its own
(`/facets/<facet>?<the search's parameters>&order=alpha|count`): what a long facet's
filter box does with JavaScript, without it. Each value toggles itself in the search, as
in the facet list beside the results.
"""

from dataclasses import dataclass

from flask import Blueprint, abort, render_template, request

from indexer.gazetteer import fold
from webapp import engine
from webapp.params import FACETS, NO_DATE, ParamError, parse_params
from webapp.search import facet_values
from webapp.views import FacetOption, all_values_url, facet_options, hidden_inputs, search_url

bp = Blueprint("facet_pages", __name__)

ORDERS = {"count": "Most releases first", "alpha": "A to Z"}


@dataclass
class Letter:
    """The values starting with one letter (alphabetical order only)."""

    letter: str
    anchor: str
    options: list[FacetOption]


def sort_key(option: FacetOption) -> tuple:
    """Alphabetical as a person reads it: accents and capitals aside; "no date" last."""
    return (option.value == NO_DATE, fold(option.label).casefold(), option.label)


@bp.route("/facets/<facet>")
def facet_values_page(facet: str):
    """Every value of one facet for the search in the address, alphabetical or by count."""
    if facet not in FACETS:
        abort(404, f"There is no list called “{facet[:40]}”. The lists are: {', '.join(FACETS)}.")
    params, _ = parse_params(request.args)
    order = request.args.get("order", "count") or "count"
    if order not in ORDERS:
        raise ParamError(f"order must be one of {', '.join(ORDERS)}, not {order[:40]!r}")
    values = facet_values(engine(), params, facet)
    options = facet_options(params, facet, values)
    letters = []
    if order == "alpha":
        options.sort(key=sort_key)
        for option in options:
            initial = fold(option.label[:1]).upper() if option.label[:1].isalpha() else "#"
            if not letters or letters[-1].letter != initial:
                letters.append(Letter(initial, f"letter-{len(letters)}", []))
            letters[-1].options.append(option)
    return render_template(
        "facet_values.html",
        params=params,
        facet=facet,
        label=FACETS[facet],
        options=options,
        letters=letters,
        order=order,
        orders=[(name, text, all_values_url(params, facet, name), name == order) for name, text in ORDERS.items()],
        back_url=search_url(params.at_page(1)),
        form_hidden=hidden_inputs(params, drop={"q", "page"}),
    )
