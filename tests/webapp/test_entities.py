"""Officials' and countries' pages and their JSON twins, checked against brute force over
every seed release's facts from /api/releases/<id>; unknown names get close ones."""

from collections import Counter
from urllib.parse import quote, urlencode

import pytest

from tests.webapp.conftest import NEWEST_FIRST

FACETS = {"official": "officials", "country": "countries"}  # facet -> field of a release
API = {"official": "/api/officials/", "country": "/api/countries/"}


@pytest.fixture(scope="module")
def releases(corpus_index) -> dict[str, dict]:
    """Every seed release as /api/releases/<id> gives it: the oracle's input."""
    from webapp import create_app

    client = create_app({"TESTING": True, "RELEASE_SEARCH_INDEX_DIR": corpus_index}).test_client()
    return {rid: client.get(f"/api/releases/{rid}").get_json() for rid in NEWEST_FIRST}


def every_name(releases) -> list[tuple[str, str]]:
    return sorted({(facet, name) for r in releases.values() for facet, field in FACETS.items() for name in r[field]})


def page_url(facet: str, name: str) -> str:
    return f"/{facet}/{quote(name)}"


def expected(releases, facet: str, name: str) -> dict:
    """Brute force: an entity's count, first and last dates, timeline, co-occurrences and
    latest releases from the releases' own facts."""
    mine = [r for r in releases.values() if name in r[FACETS[facet]]]
    dated = sorted((r["date"], r["id"]) for r in mine if r["date"])
    with_most = {}
    for other, field in FACETS.items():
        counts = Counter(v for r in mine for v in r[field] if not (other == facet and v == name))
        with_most[field] = sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:10]
    return {
        "releases": len(mine),
        "first": dated[0][0] if dated else None,
        "last": dated[-1][0] if dated else None,
        "timeline": timeline([d for d, _ in dated]),
        "officials": with_most["officials"],
        "countries": with_most["countries"],
        # Newest first, ties by id; undated last.
        "latest": [rid for _, rid in sorted(((-int(r["date"].replace("-", "")) if r["date"] else 1, r["id"]) for r in mine))],
    }


def timeline(dates: list[str]) -> list[tuple[str, int]]:
    """Every year from the first to the last (every month when they are under two years
    apart, as the search page's timeline does), with how many dates fall in each."""
    if not dates:
        return []
    first, last = min(dates), max(dates)
    if int(last.replace("-", "")) - int(first.replace("-", "")) < 20000:
        months = []
        year, month = int(first[:4]), int(first[5:7])
        while (year, month) <= (int(last[:4]), int(last[5:7])):
            months.append(f"{year}-{month:02d}")
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        return [(m, sum(d[:7] == m for d in dates)) for m in months]
    years = [str(y) for y in range(int(first[:4]), int(last[:4]) + 1)]
    return [(y, sum(d[:4] == y for d in dates)) for y in years]


def test_the_seeds_have_names_in_both_facets(releases):
    names = every_name(releases)
    assert {f for f, _ in names} == {"official", "country"} and len(names) == 19 + 11


def test_every_official_and_country_json_matches_brute_force(client, releases):
    for facet, name in every_name(releases):
        want = expected(releases, facet, name)
        got = client.get(API[facet] + quote(name)).get_json()
        assert got["name"] == name and got["facet"] == facet
        assert got["releases"] == want["releases"], name
        assert (got["first"] or {}).get("date") == want["first"], name
        assert (got["last"] or {}).get("date") == want["last"], name
        assert [(t["period"], t["count"]) for t in got["timeline"]] == want["timeline"], name
        assert [(o["name"], o["count"]) for o in got["officials"]] == want["officials"], name
        assert [(c["name"], c["count"]) for c in got["countries"]] == want["countries"], name
        assert [hit["id"] for hit in got["latest"]] == want["latest"], name
        assert got["page_url"] == page_url(facet, name)
        assert got["search_url"] == "/search?" + urlencode({facet: name})
        assert got["feed_url"] == "/search.atom?" + urlencode({facet: name})


def test_napolitano_by_hand(client):
    """One entity read by a person: two releases, 2009 and 2011, with Obama in both."""
    got = client.get("/api/officials/Janet%20Napolitano").get_json()
    assert (got["releases"], got["first"]["date"], got["last"]["date"]) == (2, "2009-08-13", "2011-07-12")
    assert got["officials"][0] == {"name": "Barack Obama", "count": 2, "url": "/api/officials/Barack%20Obama"}
    assert [t for t in got["timeline"] if t["count"]] == [{"period": "2009-08", "count": 1}, {"period": "2011-07", "count": 1}]
    assert len(got["timeline"]) == 24  # August 2009 to July 2011, the empty months included


def test_every_page_shows_what_its_json_says(client, get, releases):
    for facet, name in every_name(releases):
        want = expected(releases, facet, name)
        page = get(page_url(facet, name))
        assert page.text("h1") == name
        facts = {div.dt.get_text(): " ".join(div.dd.get_text(" ").split()) for div in page.soup.select(".entity-facts > div")}
        assert facts["Releases"] == f"{want['releases']} release{'s' if want['releases'] != 1 else ''}"
        assert page.soup.select_one(".entity-facts time")["datetime"] == want["first"]
        assert [t["datetime"] for t in page.soup.select(".entity-facts time")] == [want["first"], want["last"]]
        rows = [(tr.th.get_text(), int(tr.select_one(".bar-count").get_text())) for tr in page.soup.select(".entity-timeline tbody tr")]
        assert [count for _, count in rows] == [count for _, count in want["timeline"]], name
        shown = {h3.get_text(): [(li.a.get_text(), li.a["href"]) for li in h3.find_next_sibling("ol").select("li")]
                 for h3 in page.soup.select(".with-most h3")}
        assert shown.get("Officials", []) == [(n, page_url("official", n)) for n, _ in want["officials"]]
        assert shown.get("Countries", []) == [(n, page_url("country", n)) for n, _ in want["countries"]]
        latest = [a["href"].removeprefix("/release/") for a in page.soup.select(".latest-list a")]
        assert latest == want["latest"]
        assert page.link("Search these releases") == "/search?" + urlencode({facet: name})
        assert page.link("Follow: Atom feed") == "/search.atom?" + urlencode({facet: name})


def test_links_of_a_page_lead_somewhere_that_agrees(client, get, releases):
    page = get("/country/Panama")
    for a in page.soup.select(".with-most a, .latest-list a, .entity-facts a"):
        assert client.get(a["href"]).status_code == 200, a["href"]
    assert get(page.link("Search these releases")).total == 3
    for tr in page.soup.select(".entity-timeline tbody tr"):
        count, link = int(tr.select_one(".bar-count").get_text()), tr.th.a
        assert (link is None) == (count == 0)  # an empty year is shown, not linked
        if link is not None:
            assert get(link["href"]).total == count, link["href"]


def test_a_name_written_otherwise_redirects_to_the_one_the_index_knows(client):
    response = client.get("/official/janet%20NAPOLITANO")
    assert (response.status_code, response.headers["Location"]) == (302, "/official/Janet%20Napolitano")
    response = client.get("/api/officials/felipe%20calderon")
    assert (response.status_code, response.headers["Location"]) == (302, "/api/officials/Felipe%20Calder%C3%B3n")


def test_an_unknown_name_is_a_404_page_with_close_names(get):
    page = get("/official/Janet%20Napolitan", status=404)
    assert page.text("h1") == "No official named “Janet Napolitan”"
    assert [(a.get_text(), a["href"]) for a in page.soup.select(".close-names a")][0] == (
        "Janet Napolitano", "/official/Janet%20Napolitano",
    )
    page = get("/country/Guatamala", status=404)
    assert [a.get_text() for a in page.soup.select(".close-names a")][0] == "Guatemala"
    assert page.link("every country, A to Z") == "/facets/country?order=alpha"


def test_an_unknown_name_is_a_404_json_with_close_names(client):
    response = client.get("/api/countries/Hondura")
    assert response.status_code == 404
    answer = response.get_json()
    assert answer["error"] == "no country named 'Hondura'"
    assert answer["suggestions"][0] == {"name": "Honduras", "count": 3, "url": "/api/countries/Honduras"}
    answer = client.get("/api/officials/Zzyzx%20Qqq").get_json()
    assert answer == {"error": "no official named 'Zzyzx Qqq'", "suggestions": []}


@pytest.mark.parametrize("name", [
    "%00", "..%2F..%2Fetc%2Fpasswd", "a/b/c", "x" * 3000, "%F0%9F%99%82", "%ED%A0%80", "%3Cscript%3Ealert(1)%3C%2Fscript%3E",
    "Janet%20Napolitano%0A", "%20", "United%20States/",
])
def test_odd_names_are_answered_never_with_a_500(client, name):
    for prefix in ("/official/", "/country/", "/api/officials/", "/api/countries/"):
        response = client.get(prefix + name)
        assert response.status_code in (200, 302, 404), (prefix + name, response.status_code)
        if response.mimetype == "text/html":
            assert b"<script>alert" not in response.data  # escaped in pages; JSON is data


def test_names_on_the_search_and_release_pages_link_to_their_pages(get):
    page = get("/search?q=napolitano")
    names = {a.get_text(): a["href"] for a in page.soup.select(".result-facets a.name-page")}
    assert names["Janet Napolitano"] == "/official/Janet%20Napolitano"
    assert names["Panama"] == "/country/Panama"
    # The facet list keeps its one-click filter, with the page as a separate link beside it.
    official = page.soup.select_one("#facet-official").parent
    item = next(li for li in official.select("li") if li.select_one(".facet-value").get_text() == "Janet Napolitano")
    assert item.select_one("a.facet-option")["href"] == "/search?q=napolitano&official=Janet+Napolitano"
    assert item.select_one("a.facet-page")["href"] == "/official/Janet%20Napolitano"
    year = page.soup.select_one("#facet-year").parent
    assert year.select("a.facet-page") == []

    release = get("/release/003_6bdb3c418068dd0c.txt")
    mentions = {a.get_text(): a["href"] for a in release.soup.select(".body a.mention")}
    assert mentions["Napolitano"] == "/official/Janet%20Napolitano"
    assert "/country/Mexico" in mentions.values()
    facts = {a["href"] for a in release.soup.select(".release-facts a.facet-page")}
    assert {"/official/Janet%20Napolitano", "/country/Mexico"} <= facts


def test_pages_answer_304_to_a_revalidation(client):
    first = client.get("/official/Janet%20Napolitano")
    again = client.get("/official/Janet%20Napolitano", headers={"If-None-Match": first.headers["ETag"]})
    assert (first.status_code, again.status_code) == (200, 304)


def test_names_full_of_markup_stay_text_on_every_new_page(write_release, own_client, get):
    official, country = "<script>alert(1)</script> Smith", "<img src=x onerror=alert(2)>"
    write_release("hostile.txt", "WASHINGTON - Border talks.\n",
                  {"title": "Border <b>talks</b>", "date": "2020-01-01", "officials": [official], "countries": [country, "Panama"]})
    client = own_client()
    for url in (page_url("official", official), page_url("country", country), "/country/Panama", "/facets/official?order=alpha",
                "/facets/country", "/official/" + quote("<script>alert(3)</script>"), "/search?q=border"):
        page = get(url, status=404 if "alert%283%29" in url else 200, via=client)
        assert [s for s in page.soup.find_all("script") if s.get("src") != "/static/app.js"] == []
        assert page.soup.find_all(["img", "b"]) == []
        assert [attr for el in page.soup.find_all(True) for attr in el.attrs if attr.startswith("on")] == []
    assert get(page_url("official", official), via=client).text("h1") == official
    (found,) = client.get("/api/suggest?q=alert").get_json()["suggestions"]
    assert found["text"] == official  # JSON carries the name as data; app.js draws it with textContent
