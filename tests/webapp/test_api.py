"""The JSON API: the search page's parameters and data as JSON, and errors as JSON."""

import pytest

from tests.webapp.conftest import NEWEST_FIRST, R2009, R2012, R2019_DEC

HIT_FIELDS = ["id", "path", "title", "date", "date_precision", "issuer", "officials", "countries", "kind", "language", "url"]


def test_search_answers_with_the_whole_result_page(client):
    answer = client.get("/api/search?q=title:fact").get_json()
    release = client.get(f"/api/releases/{R2012}").get_json()
    (hit,) = answer.pop("results")
    facets = answer.pop("facets")
    assert answer.pop("timeline") == [{"period": "2012-03", "count": 1}]  # one release: its month
    assert answer == {
        "total": 1,
        "page": 1,
        "pages": 1,
        "per_page": 10,
        "query": "title:fact",
        "match": "all",
        "understood": [],
        "notices": [],
        "suggestion": None,
        "corrected_from": None,
        "undated_left_out": 0,
    }
    assert list(hit) == [*HIT_FIELDS, "snippet", "score", "missing"]
    assert {k: hit[k] for k in HIT_FIELDS} == {k: release[k] for k in HIT_FIELDS}
    assert (hit["id"], hit["path"], hit["title"], hit["date"], hit["date_precision"]) == (
        R2012,
        R2012,
        "FACT SHEET: The Central American Citizen Security Partnership",
        "2012-03-06",
        "day",
    )
    assert hit["url"] == (
        "https://obamawhitehouse.archives.gov/the-press-office/2012/03/06/fact-sheet-central-american-citizen-security-partnership"
    )
    assert isinstance(hit["score"], float) and hit["score"] > 0
    assert list(facets) == ["country", "official", "year", "issuer", "kind", "language"]
    assert facets["year"] == [{"value": "2012", "count": 1, "selected": False}]
    assert {"value": "Panama", "count": 1, "selected": False} in facets["country"]


def test_snippets_are_html_with_marks(client):
    (hit,) = client.get("/api/search?q=calderon").get_json()["results"]
    assert "<mark>Calderón</mark>" in hit["snippet"]


def test_filters_repeat_and_combine_like_the_page(client):
    answer = client.get("/api/search?country=Panama&country=Mexico&year=2019&year=2009&sort=oldest").get_json()
    assert [r["id"] for r in answer["results"]] == [R2009, R2019_DEC]
    assert [r["score"] for r in answer["results"]] == [None, None]  # sorted by date, not scored
    assert {"value": "Mexico", "count": 1, "selected": True} in answer["facets"]["country"]  # 2011 is filtered out


def test_pages_and_dates(client):
    answer = client.get("/api/search?sort=newest&per_page=2&page=9").get_json()
    assert (answer["page"], answer["pages"], answer["per_page"], answer["total"]) == (3, 3, 2, 5)
    assert [r["id"] for r in answer["results"]] == NEWEST_FIRST[4:]
    dated = client.get("/api/search?from=2011-07-12&to=2012-03-06").get_json()
    assert [r["id"] for r in dated["results"]] == NEWEST_FIRST[2:4]


def test_per_page_up_to_one_hundred(client):
    assert client.get("/api/search?per_page=100").get_json()["per_page"] == 100


def test_query_reading_and_notices(client):
    answer = client.get("/api/search", query_string={"q": "(border security"}).get_json()
    assert answer["query"] == "border AND security"
    assert answer["notices"] == ["Your query was searched as plain words because its parentheses do not balance."]


def test_a_query_that_finds_nothing_is_corrected(client):
    answer = client.get("/api/search?q=bordr").get_json()
    assert (answer["corrected_from"], answer["query"], answer["suggestion"]) == ("bordr", "border", None)
    assert answer["total"] == 5
    verbatim = client.get("/api/search?q=bordr&verbatim=1").get_json()
    assert (verbatim["total"], verbatim["corrected_from"], verbatim["suggestion"]) == (0, None, "border")


def test_release_answers_with_its_text_provenance_mentions_and_similar(client):
    release = client.get(f"/api/releases/{R2009}").get_json()
    assert list(release) == [*HIT_FIELDS, "body", "provenance", "mentions", "similar"]
    assert release["title"] == "DHS, DOJ, and Mexico Announce Initiative to Bolster Investigative Cooperation"
    assert release["body"].startswith("San Antonio")
    assert {k: release["provenance"][k] for k in ("title", "date", "issuer")} == {k: "sidecar" for k in ("title", "date", "issuer")}
    assert {(m["facet"], m["value"]) for m in release["mentions"]} == {
        *(("official", v) for v in release["officials"]),
        *(("country", v) for v in release["countries"]),
    }
    napolitano = next(m for m in release["mentions"] if "Napolitano" in m["value"])
    assert {release["body"][start:end] for start, end in napolitano["spans"]} >= {"Napolitano"}
    assert release["similar"] and all(list(s) == ["id", "title", "date"] for s in release["similar"])


def test_release_ids_may_contain_slashes(write_release, own_client):
    write_release("2011/july/readout.txt", "WASHINGTON — Officials met today to discuss border security.\n", {"title": "Nested"})
    client = own_client()
    assert client.get("/api/releases/2011/july/readout.txt").get_json()["title"] == "Nested"
    assert client.get("/release/2011/july/readout.txt").status_code == 200


@pytest.mark.parametrize(
    "url, status, error",
    [
        ("/api/search?page=abc", 400, "'page' must be a whole number from 1 to 1000, not 'abc'"),
        ("/api/search?page=0", 400, "'page' must be from 1 to 1000, not 0"),
        ("/api/search?per_page=101", 400, "'per_page' must be from 1 to 100, not 101"),
        ("/api/search?sort=score", 400, "sort must be one of relevance, newest, oldest, not 'score'"),
        ("/api/search?from=yesterday", 400, "'from' must be a date written YYYY-MM-DD, not 'yesterday'"),
        ("/api/releases/no-such.txt", 404, "no release with id 'no-such.txt'"),
        ("/api/releases/../../etc/passwd", 404, "no release with id '../../etc/passwd'"),
        (
            "/api/nothing-here",
            404,
            "The requested URL was not found on the server. If you entered the URL manually please check your spelling and try again.",
        ),
    ],
)
def test_errors_are_json_with_the_right_status(client, url, status, error):
    response = client.get(url)
    assert (response.status_code, response.content_type, response.get_json()) == (status, "application/json", {"error": error})


def test_other_methods_are_refused_as_json(client):
    response = client.post("/api/search?q=border")
    assert (response.status_code, response.content_type) == (405, "application/json")
    assert response.get_json() == {"error": "The method is not allowed for the requested URL."}
    assert sorted(response.headers["Allow"].split(", ")) == ["GET", "HEAD", "OPTIONS"]
