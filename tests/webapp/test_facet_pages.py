"""Long facets: a filter box (run by app.js) and, without JavaScript, a page of every
value of a facet for the current search, with counts and toggle links."""

from collections import Counter
from urllib.parse import urlencode

import pytest

from indexer.gazetteer import fold
from tests.webapp.conftest import NEWEST_FIRST
from webapp.params import SearchParams
from webapp.views import LONG_FACET


@pytest.fixture(scope="module")
def facts(corpus_index) -> dict[str, dict]:
    from webapp import create_app

    client = create_app({"TESTING": True, "RELEASE_SEARCH_INDEX_DIR": corpus_index}).test_client()
    return {rid: client.get(f"/api/releases/{rid}").get_json() for rid in NEWEST_FIRST}


def values(page) -> list[tuple[str, int, bool, str]]:
    """(value, count, selected, toggle href) of every value listed, in order."""
    return [
        (a.select_one(".facet-value").get_text(), int(a.select_one(".facet-count").get_text()), "is-selected" in a["class"], a["href"])
        for a in page.soup.select(".all-values a.facet-option")
    ]


def test_every_official_with_its_count_and_toggle_link(get, facts):
    counts = Counter(name for r in facts.values() for name in r["officials"])
    page = get("/facets/official?order=count")
    assert page.text("h1") == f"Official: {len(counts)} values"
    assert [(v, n) for v, n, _, _ in values(page)] == sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    for value, _, selected, href in values(page):
        assert not selected and href == "/search?" + urlencode({"official": value})
    pages = [a["href"] for a in page.soup.select(".all-values a.facet-page")]
    assert len(pages) == len(counts) and "/official/Janet%20Napolitano" in pages


def test_alphabetical_order_ignores_accents_and_groups_by_letter(get, facts):
    page = get("/facets/official?order=alpha")
    names = [v for v, _, _, _ in values(page)]
    assert names == sorted(names, key=lambda n: fold(n).casefold())
    assert names.index("Agustín Carstens") < names.index("Barack Obama")
    letters = [h2.get_text() for h2 in page.soup.select("h2.letter")]
    assert letters == sorted({fold(n[0]).upper() for n in names})
    assert [a.get_text() for a in page.soup.select(".letters a")] == letters


def test_counts_follow_the_search_and_its_other_filters_but_not_its_own(get, facts):
    """q=border, country=Panama chosen, official=Barack Obama chosen: the official list
    counts the border releases in Panama (the official filter left out)."""
    args = [("q", "border"), ("country", "Panama"), ("official", "Barack Obama")]
    page = get("/facets/official?" + urlencode([*args, ("order", "count")]))
    border = set(get("/search?q=border&per_page=100").result_ids)
    pool = [facts[rid] for rid in border if "Panama" in facts[rid]["countries"]]
    counts = Counter(name for r in pool for name in r["officials"])
    listed = values(page)
    assert {(v, n) for v, n, _, _ in listed} == set(counts.items())
    chosen = [v for v, _, selected, _ in listed if selected]
    assert chosen == ["Barack Obama"]
    params = SearchParams(q="border", country=("Panama",), official=("Barack Obama",))
    for value, _, _, href in listed:
        assert href == "/search?" + urlencode(params.toggled("official", value).query_args())
    assert page.link("← Back to the results") == "/search?" + urlencode(args)


def test_the_search_page_links_long_facets_to_their_page_and_carries_a_filter_box(get):
    page = get("/search?q=border&country=United+States")
    official = page.soup.select_one("#facet-official").parent
    assert official.select_one("[data-facet-filter]").has_attr("hidden")  # shown by app.js only
    assert official.select_one("[data-facet-filter] input")["id"] == "facet-filter-official"
    links = {a.get_text(): a["href"] for a in official.select(".facet-all a")}
    assert links == {
        "A to Z": "/facets/official?q=border&country=United+States&order=alpha",
        "by count": "/facets/official?q=border&country=United+States&order=count",
    }
    country = page.soup.select_one("#facet-country").parent  # 11 values: short
    assert len(country.select("a.facet-option")) <= LONG_FACET
    assert country.select("[data-facet-filter]") == [] and country.select(".facet-all") == []


def test_unknown_facet_and_order_are_a_404_and_a_400(get):
    assert "no list called" in get("/facets/nope", status=404).text(".error-message")
    assert "order must be one of count, alpha" in get("/facets/official?order=random", status=400).text(".error-message")
    get("/facets/year?year=abc", status=400)


def test_the_year_list_names_releases_without_a_date(own_client, write_release, get):
    write_release("a.txt", "WASHINGTON - Border talks. No date here.\n")
    write_release("b.txt", "WASHINGTON, July 12, 2011 - Border talks.\n")
    page = get("/facets/year?order=alpha", via=own_client())
    assert [(v, n) for v, n, _, _ in values(page)] == [("2011", 1), ("no date", 1)]
    assert values(page)[1][3] == "/search?year=none"
