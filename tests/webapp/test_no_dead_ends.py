"""No dead ends: partial matches, years and short forms in the query, countries by any
name, undated releases under a date filter, very common words."""

import pytest

from tests.webapp.conftest import NEWEST_FIRST, R2009, R2011, R2019_DEC


def api(client, **args):
    response = client.get("/api/search", query_string=args)
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()


# --- partial matches -----------------------------------------------------------------------


def test_releases_with_most_of_the_words_follow_when_none_has_all(client):
    answer = api(client, q="napolitano calderon zzyzx")
    assert answer["match"] == "most"
    assert answer["notices"] == ["No release has all 3 words; these match most of them."]
    assert answer["results"][0]["id"] == R2009  # the one with both real words
    assert answer["results"][0]["missing"] == ["zzyzx"]
    assert all("zzyzx" in r["missing"] for r in answer["results"])
    assert all(len(r["missing"]) <= 1 for r in answer["results"])  # at least half of the 3 words


def test_releases_with_all_words_come_first_then_most(client):
    answer = api(client, q="napolitano 2011 panama")
    assert answer["match"] == "most"
    assert answer["notices"] == ["Only 1 release has all 3 words; after them come releases that match most of them."]
    first, *rest = answer["results"]
    assert (first["id"], first["missing"]) == (R2011, [])
    assert rest and all(r["missing"] for r in rest)


def test_a_page_shows_what_each_partial_result_lacks(get):
    page = get("/search?q=napolitano+calderon+zzyzx")
    assert page.notices == ["No release has all 3 words; these match most of them."]
    assert page.texts(".missing")[0] == "Missing: zzyzx"
    assert page.soup.select_one(".missing s").get_text() == "zzyzx"


def test_all_words_is_kept_when_enough_releases_have_them(client):
    answer = api(client, q="border security")
    assert (answer["match"], answer["total"]) == ("all", 5)
    assert all(r["missing"] == [] for r in answer["results"])


@pytest.mark.parametrize(
    "q",
    [
        "napolitano AND zzyzx",  # explicit AND
        "napolitano OR zzyzx OR calderon AND zzyzx",
        '"border security" zzyzx',  # the phrase is required: zzyzx may be missing, the phrase not
        "official:napolitano zzyzx",
    ],
)
def test_operators_phrases_and_fields_keep_their_meaning(client, q):
    answer = api(client, q=q)
    if answer["match"] == "most":
        assert '"' in q or ":" in q  # only plain words may be missing
        for result in answer["results"]:
            assert result["missing"] == ["zzyzx"]
    else:
        assert answer["total"] == 0 or "OR" in q


def test_required_parts_hold_in_a_partial_match(client):
    phrase = api(client, q='"letter of intent" zzyzx')
    with_phrase = [r["id"] for r in api(client, q='"letter of intent"')["results"]]
    assert phrase["match"] == "most" and [r["id"] for r in phrase["results"]] == with_phrase
    assert R2019_DEC in with_phrase and len(with_phrase) < 5
    excluded = api(client, q="security zzyzx -panama")
    assert excluded["match"] == "most" and excluded["total"] > 0
    with_panama = {r["id"] for r in api(client, q="panama", per_page=100)["results"]}
    assert not with_panama & {r["id"] for r in excluded["results"]}


# --- years and dates ---------------------------------------------------------------------


def test_a_year_typed_as_a_word_matches_releases_of_that_year(client):
    """Regression: "napolitano 2009" needed the text to print 2009."""
    answer = api(client, q="calderon 2009")
    assert (answer["results"][0]["id"], answer["results"][0]["missing"]) == (R2009, [])
    assert answer["understood"] == ["2009 also finds releases dated 2009"]


def test_year_and_date_ranges_in_the_query(client):
    assert api(client, q="year:2011..2012")["total"] == 2
    assert api(client, q="year:2019..")["total"] == 2
    assert api(client, q="date:..2011-07")["total"] == 2
    assert api(client, q="security year:2009..2011")["query"] == "security AND year:2009..2011"


# --- short forms and countries --------------------------------------------------------------


def test_us_and_its_short_forms_search_the_same_thing(client):
    """Regression: "US" was the stop word "us", so it was dropped from the query."""
    totals = {q: api(client, q=f"{q} panama")["total"] for q in ("US", "U.S.", "USA", "U.S.A.", "United States")}
    assert len(set(totals.values())) == 1 and totals["US"] > 0, totals
    assert api(client, q="what did the US give Panama")["total"] > 0


def test_a_country_finds_its_demonyms_and_spellings(write_release, own_client):
    write_release("demonym.txt", "The Panamanian minister met Salvadoran officials.\n")
    write_release("accent.txt", "Talks held in Panamá this week.\n")
    write_release("other.txt", "Talks held in Peru this week.\n")
    client = own_client()
    panama = api(client, q="panama")
    assert {r["id"] for r in panama["results"]} == {"demonym.txt", "accent.txt"}
    snippets = {r["id"]: r["snippet"] for r in panama["results"]}
    assert "<mark>Panamanian</mark>" in snippets["demonym.txt"] and "<mark>Panamá</mark>" in snippets["accent.txt"]
    assert [r["id"] for r in api(client, q="salvador")["results"]] == ["demonym.txt"]
    assert [r["id"] for r in api(client, q="el salvador")["results"]] == ["demonym.txt"]


# --- undated releases and dates -------------------------------------------------------------


@pytest.fixture
def mixed_client(write_release, own_client):
    write_release("dated.txt", "Border talks.\n", {"date": "2011-05-02"})
    write_release("undated.txt", "More border talks.\n")
    write_release("other.txt", "Border news.\n", {"date": "2015-01-09"})
    return own_client()


def test_a_date_filter_says_how_many_undated_releases_it_leaves_out(mixed_client):
    answer = api(mixed_client, q="border", **{"from": "2011-01-01", "to": "2012-12-31"})
    assert ([r["id"] for r in answer["results"]], answer["undated_left_out"]) == (["dated.txt"], 1)
    included = api(mixed_client, q="border", undated="1", **{"from": "2011-01-01", "to": "2012-12-31"})
    assert {r["id"] for r in included["results"]} == {"dated.txt", "undated.txt"}


def test_the_page_offers_to_include_the_undated_releases(mixed_client, get):
    page = get("/search?q=border&from=2011-01-01&to=2012-12-31", via=mixed_client)
    assert page.text(".undated").replace(" .", ".") == (
        "1 matching release has no known date and is left out by the date range: include it."
    )
    included = get(page.link("include it"), via=mixed_client)
    assert sorted(included.result_ids) == ["dated.txt", "undated.txt"]
    assert ("Date: from 2011-01-01 to 2012-12-31, and releases with no date", included.chips[0][1]) == included.chips[0]


def test_the_year_facet_names_and_selects_the_releases_with_no_date(mixed_client, get):
    page = get("/search?q=border", via=mixed_client)
    assert page.counts("Year") == {"2015": 1, "2011": 1, "no date": 1}
    (no_date,) = [f for f in page.facets["Year"] if f.value == "no date"]
    chosen = get(no_date.href, via=mixed_client)
    assert chosen.result_ids == ["undated.txt"]
    assert chosen.chips == [("Year: no date", "/search?q=border")]


# --- very common words ------------------------------------------------------------------------


def test_a_query_of_very_common_words_finds_nothing_and_says_so(client):
    """Regression: such a query listed every release, as if nothing had been typed."""
    answer = api(client, q="the of and")
    assert answer["total"] == 0
    assert answer["notices"] == ["“the of and” is made only of very common words, which are not searchable; add a more telling word."]


def test_an_empty_query_still_lists_everything(client):
    assert [r["id"] for r in api(client, q="", sort="newest")["results"]] == NEWEST_FIRST


# --- spelling ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed, corrected",
    [("secrity cooperaton", "security cooperation"), ("Guatamala", "Guatemala"), ("Napolitno", "Napolitano"),
     ("bordr Hondruas", "border Honduras")],
)
def test_a_misspelt_query_that_finds_nothing_is_corrected(client, typed, corrected):
    answer = api(client, q=typed)
    assert (answer["corrected_from"], answer["total"] > 0) == (typed, True)
    assert answer["notices"][0] == f"No release matched “{typed}”; showing results for “{corrected}” instead."
    assert answer["results"][0]["missing"] == []


def test_did_you_mean_is_offered_when_the_correction_finds_more(client):
    answer = api(client, q="Hondruas border")  # "border" alone finds releases
    assert (answer["match"], answer["corrected_from"], answer["suggestion"]) == ("most", None, "Honduras border")


def test_names_from_the_facets_are_in_the_vocabulary(client):
    assert api(client, q="Calderin")["corrected_from"] == "Calderin"


# --- the shape of a result set over time -------------------------------------------------------


def test_the_timeline_counts_every_year_in_order_with_gaps(client):
    timeline = api(client, q="security")["timeline"]
    assert [t["period"] for t in timeline] == [str(y) for y in range(2009, 2020)]
    assert {t["period"]: t["count"] for t in timeline if t["count"]} == {"2009": 1, "2011": 1, "2012": 1, "2019": 2}


def test_the_timeline_counts_months_when_the_results_span_under_two_years(client):
    timeline = api(client, q="security", year="2019")["timeline"]
    assert (timeline[0], timeline[-1], len(timeline)) == ({"period": "2019-03", "count": 1}, {"period": "2019-12", "count": 1}, 10)


def test_a_month_before_a_year_matches_releases_dated_that_month(write_release, own_client):
    write_release("march.txt", "Talks on border security, held this week.\n", {"date": "2009-03-24", "title": "Talks"})
    write_release("june.txt", "Talks on border security, held in March.\n", {"date": "2009-06-05", "title": "Talks"})
    write_release("other.txt", "Talks on border security, held this week.\n", {"date": "2009-06-07", "title": "Talks"})
    answer = api(own_client(), q="border march 2009")
    ranked = [(r["id"], r["missing"]) for r in answer["results"]]
    # Dated March ranks like saying "March": both have every word; the third lacks "march".
    assert sorted(ranked[:2]) == [("june.txt", []), ("march.txt", [])] and ranked[2] == ("other.txt", ["march"])
    assert answer["understood"][0] == "march 2009 also finds releases dated March 2009"


def test_a_word_one_language_ignores_is_left_out_of_the_query(client):
    """Regression: "and" is an English stop word, but the Spanish fields searched it, so
    no release had every word of "crime and security"."""
    answer = api(client, q="border and security")
    assert (answer["query"], answer["match"], answer["total"]) == ("border AND security", "all", 5)


def test_a_hyphenated_word_is_one_word_that_may_be_missing(client):
    answer = api(client, q="napolitano calderon High-Level")
    assert answer["match"] == "most" and answer["results"][0]["missing"] == ["high-level"]
