"""Facets, chips and the date range: OR within a facet, AND across, counts that ignore their own filter."""

from urllib.parse import urlencode

import pytest

from tests.webapp.conftest import NEWEST_FIRST, R2009, R2011, R2012, R2019_DEC, R2019_MARCH

from webapp.params import FACETS as LABELS
from webapp.views import facet_label


@pytest.fixture
def facts(client) -> dict[str, dict[str, set[str]]]:
    """Each release's facet values, from the release API: the oracle's input."""
    out = {}
    for release_id in NEWEST_FIRST:
        release = client.get(f"/api/releases/{release_id}").get_json()
        out[release_id] = {
            "country": set(release["countries"]),
            "official": set(release["officials"]),
            "year": {release["date"][:4] if release["date"] else "none"},
            "issuer": {release["issuer"]} if release["issuer"] else set(),
            "kind": {release["kind"]} if release["kind"] else set(),
            "language": {release["language"]} if release["language"] else set(),
        }
    return out


def expected_facets(facts, matched: set[str], filters: dict[str, list[str]]) -> dict[str, dict[str, tuple[int, bool]]]:
    """Brute force: each facet counted over the matches that pass every other facet's filter."""

    def passes(release_id, skip=None):
        return all(facts[release_id][f] & set(values) for f, values in filters.items() if f != skip and values)

    out = {}
    for facet, label in LABELS.items():
        pool = [r for r in matched if passes(r, skip=facet)]
        counts = {}
        for release_id in pool:
            for value in facts[release_id][facet]:
                counts[facet_label(facet, value)] = counts.get(facet_label(facet, value), 0) + 1
        selected = [facet_label(facet, v) for v in filters.get(facet, [])]
        shown = {v: (n, v in selected) for v, n in counts.items()} | {v: (counts.get(v, 0), True) for v in selected}
        if shown:
            out[label] = shown
    return out


def napolitano(facts) -> str:
    """Whatever full name the extractor gives Secretary Napolitano."""
    (name,) = [v for v in facts[R2009]["official"] if "Napolitano" in v]
    return name


@pytest.mark.parametrize(
    "q, filters",
    [
        ("", {}),
        ("", {"country": ["Panama"]}),
        ("", {"country": ["Panama", "Mexico"]}),
        ("", {"country": ["Panama"], "year": ["2019"]}),
        ("", {"year": ["2009", "2019"]}),
        ("", {"official": [napolitano], "year": ["2011"]}),
        ("security", {"country": ["Honduras"], "year": ["2019", "2012"]}),
        ("border", {"country": ["Mexico", "Panama"], "official": [napolitano]}),
    ],
)
def test_facet_counts_and_results_match_brute_force(client, get, facts, q, filters):
    filters = {f: [v(facts) if callable(v) else v for v in values] for f, values in filters.items()}
    matched = {r["id"] for r in client.get("/api/search", query_string={"q": q, "per_page": 100}).get_json()["results"]}
    args = [("q", q), *((f, v) for f, values in filters.items() for v in values), ("per_page", "100")]
    page = get("/search?" + urlencode(args))

    assert set(page.result_ids) == {r for r in matched if all(facts[r][f] & set(v) for f, v in filters.items())}
    shown = {label: {f.value: (f.count, f.selected) for f in values} for label, values in page.facets.items()}
    assert shown == expected_facets(facts, matched, filters)


def test_selecting_a_country_narrows_results_but_not_its_own_counts(get):
    page = get("/search?country=Panama")
    assert page.result_ids == [R2019_DEC, R2012, R2011]
    assert (page.counts("Country")["Panama"], page.counts("Country")["Mexico"]) == (3, 2)
    assert page.counts("Year") == {"2019": 1, "2012": 1, "2011": 1}
    assert page.chips == [("Country: Panama", "/search")]


def test_values_of_one_facet_combine_with_or(get):
    assert get("/search?country=Panama&country=Mexico").result_ids == [R2019_DEC, R2012, R2011, R2009]


def test_values_of_different_facets_combine_with_and(get):
    assert get("/search?country=Panama&year=2019").result_ids == [R2019_DEC]


def test_each_facet_value_links_to_its_toggle(get):
    facets = get("/search?q=security&country=Panama").facets
    links = {f.value: (f.selected, f.href) for label in ("Country", "Year") for f in facets[label]}
    assert links["Panama"] == (True, "/search?q=security")
    assert links["Mexico"] == (False, "/search?q=security&country=Panama&country=Mexico")
    assert links["2019"] == (False, "/search?q=security&country=Panama&year=2019")


def test_years_are_listed_newest_first(get):
    assert [f.value for f in get("/").facets["Year"]] == ["2019", "2012", "2011", "2009"]


def test_chips_remove_one_filter_each_and_clear_all_keeps_the_words(get):
    page = get("/search?q=security&country=Panama&country=Mexico&year=2011&from=2010-01-01&sort=newest")
    assert page.chips == [
        ("Country: Panama", "/search?q=security&country=Mexico&year=2011&from=2010-01-01&sort=newest"),
        ("Country: Mexico", "/search?q=security&country=Panama&year=2011&from=2010-01-01&sort=newest"),
        ("Year: 2011", "/search?q=security&country=Panama&country=Mexico&from=2010-01-01&sort=newest"),
        ("Date: from 2010-01-01", "/search?q=security&country=Panama&country=Mexico&year=2011&sort=newest"),
    ]
    assert page.link("Clear all") == "/search?q=security&sort=newest"
    assert page.result_ids == [R2011]


def test_no_chips_without_filters(get):
    assert get("/search?q=security").soup.select(".chips") == []


@pytest.mark.parametrize(
    "dates, found, chip",
    [
        ("from=2019-01-01", [R2019_DEC, R2019_MARCH], "Date: from 2019-01-01"),
        ("to=2011-12-31", [R2011, R2009], "Date: to 2011-12-31"),
        ("from=2011-07-12&to=2012-03-06", [R2012, R2011], "Date: from 2011-07-12 to 2012-03-06"),
    ],
)
def test_date_range_keeps_releases_between_the_days_inclusive(get, dates, found, chip):
    page = get(f"/search?{dates}")
    assert page.result_ids == found
    assert page.chips == [(chip, "/search")]


def test_date_form_keeps_the_other_parameters_as_hidden_inputs(get):
    form = get("/search?q=security&country=Panama&from=2010-01-01&sort=newest&page=2&per_page=1").soup.select_one(
        "form.date-range"
    )
    assert (form["action"], form["method"]) == ("/search", "get")
    assert [(i["name"], i["type"], i["value"]) for i in form.find_all("input")] == [
        ("from", "date", "2010-01-01"),
        ("to", "date", ""),
        ("q", "hidden", "security"),
        ("country", "hidden", "Panama"),
        ("sort", "hidden", "newest"),
        ("per_page", "hidden", "1"),
    ]
    assert [form.find("label", attrs={"for": name}).get_text(" ", strip=True) for name in ("from", "to")] == ["From", "To"]


def test_search_form_carries_filters_and_sort_to_new_words(get):
    form = get("/search?q=security&country=Panama&sort=oldest&page=2&per_page=1").soup.select_one("form.search-form")
    assert [(i["name"], i["value"]) for i in form.find_all("input")] == [
        ("q", "security"),
        ("country", "Panama"),
        ("sort", "oldest"),
        ("per_page", "1"),
    ]


@pytest.mark.parametrize(
    "url, message",
    [
        ("/search?q=border&from=2019-01-01&to=2011-01-01", "'from' (2019-01-01) is after 'to' (2011-01-01)"),
        ("/search?q=border&from=12/07/2011", "'from' must be a date written YYYY-MM-DD, not '12/07/2011'"),
        ("/search?q=border&year=11", "year must be four digits, like 2011, or a range of years, like 2007..2011 "
         "(either end may be left open: 2007..), or 'none' for no known date; not '11'"),
        ("/search?q=border&year=2011..2007", "the year range 2011..2007 runs backwards: write the earlier year first, as in 2007..2011"),
    ],
)
def test_unreadable_filters_get_the_form_back_with_the_reason(get, url, message):
    page = get(url, status=400)
    assert page.text(".error-message") == message
    assert page.query_box == "border"
    assert page.link("Search for “border” with no other options") == "/search?q=border"


TWELVE_COUNTRIES = ["Argentina", "Belize", "Bolivia", "Brazil", "Chile", "Colombia", "Ecuador", "Guyana", "Paraguay", "Peru", "Suriname", "Uruguay"]


def test_long_value_lists_fold_behind_show_more_but_keep_selected_values_in_view(write_release, own_client, get):
    write_release("many.txt", "Ministers met to discuss trade.\n", {"title": "Many", "date": "2020-01-01", "countries": TWELVE_COUNTRIES})
    write_release("two.txt", "Ministers met again.\n", {"title": "Two", "date": "2020-02-01", "countries": ["Argentina", "Belize"]})
    client = own_client()

    section = get("/", via=client).soup.select_one("#facet-country").parent
    shown = [a.select_one(".facet-value").get_text() for a in section.select(":scope > ul a.facet-option")]
    assert shown == ["Argentina", "Belize", "Bolivia", "Brazil", "Chile", "Colombia", "Ecuador", "Guyana"]
    assert section.select_one("details summary").get_text() == "Show 4 more"
    assert [a.select_one(".facet-value").get_text() for a in section.select("details a.facet-option")] == ["Paraguay", "Peru", "Suriname", "Uruguay"]

    section = get("/search?country=Uruguay", via=client).soup.select_one("#facet-country").parent
    assert [a.select_one(".facet-value").get_text() for a in section.select(":scope > ul a.facet-option.is-selected")] == ["Uruguay"]
    assert section.select_one("details summary").get_text() == "Show 3 more"
