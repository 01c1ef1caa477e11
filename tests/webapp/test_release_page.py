"""The release page: facts linked to searches, where they came from, marked mentions, similar releases."""

import re
from urllib.parse import urlencode

import pytest

from tests.webapp.conftest import R2009, R2019_DEC


@pytest.fixture
def release(client):
    """The JSON of a release, to check the page against the same data."""
    return lambda release_id: client.get(f"/api/releases/{release_id}").get_json()


def facts(page) -> dict[str, str]:
    """The facts list: label -> text."""
    return {
        div.dt.get_text(): " ".join(div.dd.get_text(" ").split()) for div in page.soup.select(".release-facts > div")
    }


def test_title_date_issuer_and_source(get):
    page = get(f"/release/{R2009}")
    assert page.text("h1") == "DHS, DOJ, and Mexico Announce Initiative to Bolster Investigative Cooperation"
    assert page.soup.title.get_text() == (
        "DHS, DOJ, and Mexico Announce Initiative to Bolster Investigative Cooperation · Press release search"
    )
    shown = facts(page)
    # The sidecar says "DHS Office of the Press Secretary"; issuers are canonical since schema 3.
    assert (shown["Date"], shown["Issued by"]) == ("13 August 2009", "DHS")
    source = "https://www.dhs.gov/archive/news/2009/08/13/dhs-doj-and-mexico-announce-cooperative-initiative"
    assert page.soup.select_one("a.source-link")["href"] == source
    assert page.link("← All releases") == "/search"


def test_no_source_link_when_the_url_is_unknown(get):
    page = get(f"/release/{R2019_DEC}")
    assert "Original" not in facts(page)
    assert page.soup.select("a.source-link") == []


def test_provenance_says_where_title_date_and_issuer_came_from(get):
    lines = [li.get_text() for li in get(f"/release/{R2009}").soup.select(".provenance li")]
    assert lines[:3] == ["title: from sidecar", "date: from sidecar", "issuer: from sidecar"]


@pytest.mark.parametrize("facet, label", [("official", "Officials"), ("country", "Countries")])
def test_each_official_and_country_links_to_its_search_and_its_first_mention(get, release, facet, label):
    data = release(R2009)
    mentions = {m["value"]: m["spans"] for m in data["mentions"] if m["facet"] == facet}
    page = get(f"/release/{R2009}")
    row = next(div for div in page.soup.select(".release-facts > div") if div.dt.get_text() == label)
    items = row.select(".mention-list li")
    values = data["officials" if facet == "official" else "countries"]
    assert [li.a.get_text() for li in items] == values
    for li, value in zip(items, values):
        assert li.a["href"] == "/search?" + urlencode({facet: value})
        count = len(mentions[value])
        assert count >= 1  # every value of the bundled releases is named in its text
        first = li.select_one(".mention-count a")
        assert first.get_text() == f"{count} mention{'s' if count != 1 else ''}"
        target = page.soup.find(id=first["href"].removeprefix("#"))
        start, end = mentions[value][0]
        assert target["class"] == ["mention", f"mention-{facet}"]
        assert target.get_text() == data["body"][start:end]


def test_mentions_are_marked_in_the_text(get, release):
    data = release(R2009)
    page = get(f"/release/{R2009}")
    marked = page.soup.select(".release-text .body .mention")
    assert len(marked) == sum(len(m["spans"]) for m in data["mentions"])
    assert page.soup.select_one(".release-text .body").get_text() == data["body"]


def test_query_words_are_marked_and_lead_back_to_the_results(get):
    page = get(f"/release/{R2009}?q=calderon")
    assert [m.get_text() for m in page.soup.select(".release-text .body mark")] == ["Calderón"]
    assert page.link("← Back to the results for “calderon”") == "/search?q=calderon"


def test_the_way_back_keeps_the_whole_search(get):
    """Regression: the link back kept only the words, not the filters, sort and page."""
    state = "q=security&country=Mexico&year=2009&sort=oldest&page=1&per_page=2"
    results = get(f"/search?{state}")
    (first_link,) = [a["href"] for a in results.soup.select(".result-title a")][:1]
    assert first_link == f"/release/{R2009}?q=security&country=Mexico&year=2009&sort=oldest&per_page=2"
    page = get(first_link)
    assert page.link("← Back to the results for “security”") == "/search?q=security&country=Mexico&year=2009&sort=oldest&per_page=2"
    similar = [a["href"] for a in page.soup.select(".similar li a")]
    assert similar and all(href.endswith("?q=security&country=Mexico&year=2009&sort=oldest&per_page=2") for href in similar)


def test_body_only_query_words_are_marked(get, release):
    marks = [m.get_text() for m in get(f"/release/{R2009}?q=border").soup.select(".release-text .body mark")]
    assert marks == re.findall(r"(?i)\bborders?\b", release(R2009)["body"])
    assert len(marks) == 9


def test_similar_releases_link_to_their_pages(get, release):
    similar = release(R2009)["similar"]
    assert similar and R2009 not in [s["id"] for s in similar]
    links = get(f"/release/{R2009}").soup.select(".similar li a")  # no search: plain addresses
    assert [(a["href"], a.get_text()) for a in links] == [(f"/release/{s['id']}", s["title"]) for s in similar]


@pytest.mark.parametrize(
    "url",
    [
        "/release/no-such-release.txt",
        "/release/../../etc/passwd",
        "/release/%2e%2e/%2e%2e/etc/passwd",
        "/release/..%2F..%2Fetc%2Fpasswd",
        "/release/" + "%2e%2e%2f" * 8 + "etc/passwd",
    ],
)
def test_unknown_and_path_like_ids_are_not_found(get, url):
    page = get(url, status=404)
    assert page.text("h1") == "Page not found"
    assert page.text(".error-message").startswith("There is no release with the id “")
    assert "root:" not in page.html
