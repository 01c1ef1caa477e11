"""The search page: the query kept, results with highlighted snippets, totals, sorting, pages."""

import re

from tests.webapp.conftest import NEWEST_FIRST, R2009, R2012


def test_query_is_kept_in_the_box_and_each_result_shows_its_facts(get):
    page = get("/search?q=title:fact")
    assert page.query_box == "title:fact"
    assert page.summary == "1 release matches title:fact"
    assert page.result_ids == [R2012]
    assert page.texts(".result-title") == ["FACT SHEET: The Central American Citizen Security Partnership"]
    assert page.soup.select_one(".result-title a")["href"] == f"/release/{R2012}?q=title%3Afact"
    assert page.text(".result-meta") == "6 March 2012 The White House Fact sheet"  # the canonical issuer since schema 3
    assert page.soup.select_one(".result-meta time")["datetime"] == "2012-03-06"
    assert "Panama" in page.text(".result-facets").split("Countries")[1]


def test_total_and_time_taken_are_shown(get):
    page = get("/search?q=security&per_page=2")
    assert page.summary == "5 releases match security"
    assert re.fullmatch(r"Showing 1–2, page 1 of 3 · \d+\.\d ms Filters", page.text(".results-stats"))


def test_snippets_mark_the_query_words(get):
    page = get("/search?q=border+security&sort=oldest")
    assert page.result_ids == NEWEST_FIRST[::-1]
    for snippet in page.snippets:
        marked = {m.lower() for m in re.findall(r"<mark>(.*?)</mark>", snippet)}
        assert marked and marked <= {"border", "borders", "security", "secure"}, snippet
    assert "<mark>border</mark>" in page.snippets[0]  # "border" is in no title: body-only words count too


def test_empty_query_lists_every_release_newest_first(get):
    page = get("/")
    assert page.query_box == ""
    assert page.summary == "5 releases"
    assert page.result_ids == NEWEST_FIRST
    # Without words there is nothing to rank by: the sort offers dates only.
    assert [(a.get_text(), a.get("aria-current")) for a in page.soup.select(".sort a")] == [
        ("Newest first", "true"),
        ("Oldest first", None),
    ]


def test_sort_links_keep_the_search_and_mark_the_current_order(get):
    page = get("/search?q=security&country=Panama&sort=newest")
    assert [(a.get_text(), a["href"], a.get("aria-current")) for a in page.soup.select(".sort a")] == [
        ("Relevance", "/search?q=security&country=Panama", None),
        ("Newest first", "/search?q=security&country=Panama&sort=newest", "true"),
        ("Oldest first", "/search?q=security&country=Panama&sort=oldest", None),
    ]


def test_newest_and_oldest_sorts(get):
    assert get("/search?q=security&sort=newest").result_ids == NEWEST_FIRST
    assert get("/search?q=security&sort=oldest").result_ids == NEWEST_FIRST[::-1]


def test_pages_split_the_results_without_gaps_or_repeats(get):
    pages = [get(f"/search?per_page=2&page={n}").result_ids for n in (1, 2, 3)]
    assert pages == [NEWEST_FIRST[0:2], NEWEST_FIRST[2:4], NEWEST_FIRST[4:]]
    assert get("/search?per_page=2&page=3").soup.select_one(".results-list")["start"] == "5"


def pagination(page) -> list[tuple[str, str | None]]:
    """(label, href) of each pagination item; a gap has no href."""
    return [
        (" ".join(li.get_text(" ").split()), li.a["href"] if li.a else None)
        for li in page.soup.select(".pagination li")
    ]


def test_pagination_links_with_gaps(get):
    assert pagination(get("/search?per_page=1")) == [
        ("Page 1", "/search?per_page=1"),
        ("Page 2", "/search?page=2&per_page=1"),
        ("Page 3", "/search?page=3&per_page=1"),
        ("…", None),
        ("Page 5", "/search?page=5&per_page=1"),
        ("Next", "/search?page=2&per_page=1"),
    ]
    page = get("/search?per_page=1&page=5")
    assert pagination(page) == [
        ("Previous", "/search?page=4&per_page=1"),
        ("Page 1", "/search?per_page=1"),
        ("…", None),
        ("Page 3", "/search?page=3&per_page=1"),
        ("Page 4", "/search?page=4&per_page=1"),
        ("Page 5", "/search?page=5&per_page=1"),
    ]
    assert page.soup.select_one('.pagination a[aria-current="page"]').get_text(" ", strip=True) == "Page 5"


def test_one_page_of_results_has_no_pagination(get):
    assert get("/search?q=security").soup.select(".pagination") == []


def test_page_past_the_end_shows_the_last_page_and_says_so(get):
    page = get("/search?per_page=2&page=9")
    assert page.result_ids == [R2009]
    assert page.notices == ["Page 9 is past the end of the results; showing the last page, 3."]
    assert page.soup.select_one('.pagination a[aria-current="page"]')["href"] == "/search?page=3&per_page=2"


def test_filtered_to_nothing_shows_a_way_back(get):
    page = get("/search?q=calderon&country=Panama")
    assert page.summary == "No releases match calderon"
    assert page.result_ids == []
    assert page.link("search without the filters") == "/search?q=calderon"


def test_a_query_that_finds_nothing_is_corrected_with_a_way_back(get):
    page = get("/search?q=bordr&country=Panama&sort=newest")
    assert page.result_ids == get("/search?q=border&country=Panama&sort=newest").result_ids != []
    assert page.notices == ["No release matched “bordr”; showing results for “border” instead."]
    assert page.soup.select_one(".suggestion").get_text() == "Search instead for bordr."
    original = page.link("bordr")
    assert original == "/search?q=bordr&country=Panama&sort=newest&verbatim=1"
    as_typed = get(original)
    assert as_typed.result_ids == []
    assert as_typed.soup.select_one(".suggestion").get_text() == "Did you mean border?"
    assert as_typed.link("border") == "/search?q=border&country=Panama&sort=newest"


def test_release_without_a_date_says_date_unknown(write_release, own_client, get):
    write_release("undated.txt", "Officials met to discuss border security in the region.\n")
    page = get("/search?q=border", via=own_client())
    assert page.result_ids == ["undated.txt"]
    assert page.text(".result-meta") == "date unknown"


def test_head_links_the_stylesheet_opensearch_and_the_searchs_feed_only(get):
    head = get("/").soup.head
    assert [(link["rel"], link["href"]) for link in head.find_all("link")] == [
        (["stylesheet"], "/static/style.css"),
        (["icon"], "/static/favicon.svg"),
        (["search"], "/opensearch.xml"),
        (["alternate"], "/search.atom"),
    ]
    assert [link["rel"] for link in get("/about").soup.head.find_all("link")] == [["stylesheet"], ["icon"], ["search"]]
    assert head.select_one('link[rel="search"]')["type"] == "application/opensearchdescription+xml"
