"""Links built in bulk (webapp.urls) equal Flask's own, and repeated pages are kept rendered."""

from urllib.parse import urlencode

import pytest
from flask import url_for

import webapp.views
from webapp.params import FACETS, SearchParams
from webapp.urls import path_for, query_string
from webapp.views import search_url, toggle_urls

AWKWARD = ["Panamá", "Janet Napolitano", "a/b c", "100% sure", "O'Neil & Sons", "x?y#z", "+plus+", "~tilde~", "日本",
           "line\nbreak", "semi;colon=eq", "..", "%2F"]
ONE_VARIABLE = [("views.release_page", "release_id"), ("entities.official_page", "name"),
                ("entities.country_page", "name"), ("entities.official_json", "name"),
                ("facet_pages.facet_values_page", "facet")]


@pytest.mark.parametrize("script_root", ["", "/behind/a~proxy"])
def test_paths_equal_url_for(app, script_root):
    with app.test_request_context("/", environ_overrides={"SCRIPT_NAME": script_root}):
        assert path_for("views.search_page") == url_for("views.search_page")
        for endpoint, name in ONE_VARIABLE:
            for value in AWKWARD:
                assert path_for(endpoint, **{name: value}) == url_for(endpoint, **{name: value}), (endpoint, value)


def test_query_strings_equal_urlencode():
    pairs = [("q", value) for value in AWKWARD] + [("country", "Côte d'Ivoire"), ("year", "2007..2011"), ("", "")]
    assert query_string(pairs) == urlencode(pairs)
    assert query_string([]) == urlencode([])


@pytest.mark.parametrize("params", [
    SearchParams(),
    SearchParams(q="border security", page=3, sort="newest"),
    SearchParams(q="Panamá & co", country=("Panama", "México"), year=("2019",), date_from="2019-01-01", undated=True,
                 per_page=50, verbatim=True),
    SearchParams(official=("Janet Napolitano",), kind=("statement",)),
])
def test_facet_toggle_links_equal_the_toggled_search(app, params):
    values = ["Panama", "México", "Janet Napolitano", "2019", "none", "a/b c", "100% sure", "statement"]
    with app.test_request_context("/"):
        for facet in FACETS:
            expected = [search_url(params.toggled(facet, value)) for value in values]
            assert toggle_urls(params, facet, values) == expected, facet


def test_a_repeated_search_page_is_rendered_once_per_index_generation(app, monkeypatch):
    searches = []
    real_search = webapp.views.search
    monkeypatch.setattr(webapp.views, "search", lambda *args, **kwargs: searches.append(args) or real_search(*args, **kwargs))
    client = app.test_client()
    first = client.get("/search?q=security&country=Mexico")
    again = client.get("/search?q=security&country=Mexico")
    assert first.status_code == again.status_code == 200
    assert again.data == first.data and len(searches) == 1
    # Another address, or the same one behind another path prefix, is its own page.
    client.get("/search?q=security")
    proxied = client.get("/search?q=security&country=Mexico", environ_overrides={"SCRIPT_NAME": "/prefix"})
    assert len(searches) == 3 and b'href="/prefix/search?' in proxied.data

