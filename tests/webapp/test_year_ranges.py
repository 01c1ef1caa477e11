"""Year ranges (year=2007..2011, open at either end) through the page, the API, the feed
and the exports: one facet value, one chip, ORed with single years."""

import json

import pytest

from tests.webapp.conftest import R2009, R2011, R2012, R2019_DEC, R2019_MARCH


@pytest.mark.parametrize(
    "years, expected",
    [
        (["2009..2011"], [R2011, R2009]),
        (["2012.."], [R2019_DEC, R2019_MARCH, R2012]),
        (["..2011"], [R2011, R2009]),
        (["2009..2011", "2019"], [R2019_DEC, R2019_MARCH, R2011, R2009]),  # values of one facet: OR
        (["2010..2011", "2009..2010"], [R2011, R2009]),
        (["2011..2011"], [R2011]),
        (["2013..2018"], []),
    ],
)
def test_a_year_range_keeps_the_releases_dated_within_it(client, years, expected):
    answer = client.get("/api/search", query_string=[("year", y) for y in years] + [("sort", "newest")]).get_json()
    assert [r["id"] for r in answer["results"]] == expected


def test_a_year_range_is_one_chip_and_one_selected_year_value(get):
    page = get("/search?year=2009..2011&country=Mexico")
    assert page.chips == [("Country: Mexico", "/search?year=2009..2011"), ("Year: 2009–2011", "/search?country=Mexico")]
    years = {f.value: (f.count, f.selected) for f in page.facets["Year"]}
    assert years["2009–2011"] == (2, True)
    assert get("/search?year=2012..").chips == [("Year: 2012 onwards", "/search")]
    assert get("/search?year=..2011").chips == [("Year: up to 2011", "/search")]
    assert get("/search?year=2011..2011").chips == [("Year: 2011", "/search")]


def test_a_year_range_combines_with_the_other_filters_in_feeds_and_exports(client):
    args = "q=security&year=2009..2012&country=Panama"
    answer = client.get(f"/api/search?{args}&sort=oldest").get_json()
    assert [r["id"] for r in answer["results"]] == [R2011, R2012]
    lines = client.get(f"/search.jsonl?{args}&sort=oldest").data.decode().splitlines()
    assert [json.loads(line)["id"] for line in lines] == [R2011, R2012]
    assert client.get(f"/search.atom?{args}").data.count(b"<entry>") == 2


@pytest.mark.parametrize(
    "value, message",
    [
        ("2011..2009", "the year range 2011..2009 runs backwards: write the earlier year first, as in 2009..2011"),
        ("11..12", "year must be four digits, like 2011, or a range of years, like 2007..2011 (either end may be left "
                   "open: 2007..), or 'none' for no known date; not '11..12'"),
        ("..", "year must be four digits, like 2011, or a range of years, like 2007..2011 (either end may be left "
               "open: 2007..), or 'none' for no known date; not '..'"),
    ],
)
def test_a_bad_year_range_is_refused_with_a_sentence(get, client, value, message):
    assert get(f"/search?q=border&year={value}", status=400).text(".error-message") == message
    assert client.get(f"/api/search?year={value}").get_json() == {"error": message}
