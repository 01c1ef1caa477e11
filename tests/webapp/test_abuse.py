"""Bounded work for every request: regressions for the faults an adversarial test found.

Each test names the fault it pins; each failed on the code before the fix.
"""

import json
import re
import time

import pytest
from bs4 import BeautifulSoup

from webapp import create_app, search as search_module, spelling
from webapp.engine import Engine
from webapp.expansion import EXPANSION_SCAN, MAX_EXPANSION
from webapp.params import MAX_FACET_VALUES, SearchParams
from webapp.search import search, similar_docs

from tests.webapp.conftest import R2009


def strict_json(response):
    """The body parsed as strict JSON: NaN and Infinity are refused."""

    def refuse(constant):
        raise ValueError(f"not JSON: {constant}")

    return json.loads(response.get_data(as_text=True), parse_constant=refuse)


def test_did_you_mean_corrects_a_few_words_not_all_30(client, monkeypatch):
    """Regression: a query of 64 made-up words asked for a correction of every word (12.5 s).
    (Queries over 32 words are now read as their first 32 plain words, and not corrected.)"""
    asked = []
    real = spelling.Speller.candidates
    monkeypatch.setattr(spelling.Speller, "candidates", lambda self, word, limit=5: asked.append(word) or real(self, word, limit))
    q = " ".join(f"zqx{n}qzv" for n in range(30))
    response = client.get("/api/search", query_string={"q": q})
    assert response.status_code == 200
    assert 0 < len(asked) <= spelling.MAX_WORDS  # worked out once a request, for a few words


@pytest.mark.parametrize("q", ["{a TO zz}", "[a TO z]", "title:[a TO z]", "body:{zq TO zr}"])
def test_ranges_over_words_are_searched_as_plain_words(client, q):
    """Regression: ranges over the text fields walked the whole lexicon (41 s with one
    large release)."""
    answer = strict_json(client.get("/api/search", query_string={"q": q}))
    assert answer["notices"][0] == (
        "Your query was searched as plain words because ranges work only on year: and date: (as in year:2019..2024)."
    )
    assert answer["total"] < 5  # not every release: "a", "to" and "z" are not searchable words


def test_year_and_date_ranges_work(client):
    """Regression: a range typed as year:2019..2024 silently found nothing."""
    years = strict_json(client.get("/api/search?q=year:2012..2019"))
    assert (years["query"], years["total"], years["notices"]) == ("year:2012..2019", 3, [])
    months = strict_json(client.get("/api/search?q=date:2019-03..2019-12"))
    assert months["total"] == 2 and all("2019-03" <= r["date"] <= "2019-12-31" for r in months["results"])
    assert strict_json(client.get("/api/search?q=date:2019-04..2019-12"))["total"] == 1


def test_a_prefix_stands_for_a_bounded_number_of_terms(write_release, own_client, tmp_path):
    """Regression: zq* expanded to every one of 150,000 terms (48 s)."""
    words = " ".join(f"zq{n:05d}" for n in range(3 * EXPANSION_SCAN))
    write_release("many-words.txt", f"Many words\n\n{words}\n")
    client = own_client()
    answer = strict_json(client.get("/api/search?q=zq*"))
    assert answer["total"] == 1
    assert answer["notices"] == [
        f"'zq*' matches too many words; only the first {MAX_EXPANSION} of them (in alphabetical order) were searched."
    ]
    gen = Engine(tmp_path / "own-index").generation()
    assert gen.expand("body", "zq", None, MAX_EXPANSION, EXPANSION_SCAN) == ([f"zq{n:05d}" for n in range(MAX_EXPANSION)], True)
    wildcard = gen.expand("body", "zq", re.compile(r"zq\d+7"), MAX_EXPANSION, EXPANSION_SCAN)
    assert wildcard == ([f"zq{n:05d}" for n in range(7, 500, 10)], True)  # 50 found within the scan
    assert gen.expand("body", "zq", re.compile(r"zq\d+x"), MAX_EXPANSION, EXPANSION_SCAN) == ([], True)  # scan spent


def test_boosts_are_bounded_so_scores_stay_finite(client):
    """Regression: q=security^999…9 sent "score": Infinity, which is not JSON."""
    answer = strict_json(client.get("/api/search", query_string={"q": "security^" + "9" * 400}))
    assert answer["results"] and all(0 < r["score"] < 1e6 for r in answer["results"])
    assert answer["notices"] == ["Boosts are limited to 100; a larger one was read as 100."]


@pytest.mark.parametrize("facet", ["country", "official", "year"])
def test_too_many_values_of_a_facet_are_refused_with_a_sentence(client, facet):
    """Regression: 361 country= values returned 4.7 MB of HTML (each link repeats them all)."""
    values = [str(2000 + n % 30) if facet == "year" else f"Value {n}" for n in range(361)]
    sentence = f"at most {MAX_FACET_VALUES} values of '{facet}' can be chosen at once, not 361"
    page = client.get("/search", query_string=[(facet, v) for v in values])
    assert page.status_code == 400 and sentence in BeautifulSoup(page.data, "html.parser").get_text()
    answer = client.get("/api/search", query_string=[(facet, v) for v in values])
    assert answer.status_code == 400 and sentence in strict_json(answer)["error"]
    assert client.get("/search", query_string=[(facet, v) for v in values[:MAX_FACET_VALUES]]).status_code == 200


def test_similar_releases_never_analyze_the_body_again(app, monkeypatch):
    """Regression: "similar releases" re-analyzed the whole body on every view (16.5 s for
    a 9.8 MB release)."""
    with app.app_context():
        engine = app.extensions["release_engine"]
        gen = engine.generation()
        analyzer_class = type(gen.schema["body"].analyzer)

        def refuse(*args, **kwargs):
            raise AssertionError("the body analyzer ran")

        monkeypatch.setattr(analyzer_class, "__call__", refuse)
        similar = similar_docs(gen, gen.doc_number(R2009))
    assert similar and gen.doc_number(R2009) not in similar


def test_a_request_over_its_budget_gets_a_sentence_not_a_killed_worker(corpus_index, monkeypatch):
    """The last guard: work nobody bounded is stopped at the budget, page and API alike,
    even in a loop that never checks the budget (the interval timer interrupts it)."""
    app = create_app({"TESTING": True, "RELEASE_SEARCH_INDEX_DIR": corpus_index, "RELEASE_SEARCH_REQUEST_SECONDS": 0.3})
    client = app.test_client()

    def stuck(*args, **kwargs):
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            pass
        raise AssertionError("not interrupted")

    monkeypatch.setattr(search_module, "_search", stuck)
    started = time.monotonic()
    page = client.get("/search?q=border")
    answer = client.get("/api/search?q=border")
    assert time.monotonic() - started < 2
    assert (page.status_code, answer.status_code) == (503, 503)
    assert "This search needed more than its time allowance (0.3 s) and was stopped." in page.get_data(as_text=True)
    assert strict_json(answer)["error"].startswith("This search needed more than its time allowance")
    assert page.headers["Retry-After"] == "1"
    monkeypatch.undo()
    assert client.get("/search?q=border").status_code == 200  # nothing was left half-changed


def test_release_ids_with_line_breaks_are_reachable(write_release, own_client):
    """Regression: a release whose file name held a line break was listed but 404."""
    write_release("line\nbreak.txt", "Officials discussed border security.\n")
    client = own_client()
    (hit,) = strict_json(client.get("/api/search?q=border"))["results"]
    assert hit["id"] == "line\nbreak.txt"
    assert client.get("/api/releases/line%0Abreak.txt").status_code == 200
    assert client.get("/release/line%0Abreak.txt").status_code == 200


def test_api_gives_only_web_addresses(write_release, own_client):
    """Regression: a sidecar url such as javascript:… reached API clients as it was."""
    write_release("a.txt", "Border talks.\n", {"url": "javascript:alert(1)"})
    write_release("b.txt", "Border talks again.\n", {"url": "https://www.dhs.gov/news/b"})
    client = own_client()
    urls = {r["id"]: r["url"] for r in strict_json(client.get("/api/search?q=border"))["results"]}
    assert urls == {"a.txt": None, "b.txt": "https://www.dhs.gov/news/b"}
    assert strict_json(client.get("/api/releases/a.txt"))["url"] is None


def test_pages_may_be_cached_but_must_be_revalidated(client):
    """Regression: dynamic responses carried no Cache-Control."""
    page = client.get("/search?q=border")
    assert page.headers["Cache-Control"] == "no-cache" and page.headers["ETag"]
    again = client.get("/search?q=border", headers={"If-None-Match": page.headers["ETag"]})
    assert (again.status_code, again.data) == (304, b"")
    assert client.get("/api/search?q=border").headers["Cache-Control"] == "no-cache"
    assert client.get("/search?page=abc").headers["Cache-Control"] == "no-store"
    assert client.get("/no/such/page").headers["Cache-Control"] == "no-store"


def test_a_page_cached_for_a_generation_is_not_served_for_the_next(write_release, own_client, tmp_path):
    write_release("a.txt", "Border talks.\n")
    client = own_client()
    first = client.get("/search?q=border")
    write_release("b.txt", "More border talks.\n")
    from indexer.build import update_index

    update_index(tmp_path / "own-corpus", tmp_path / "own-index")
    second = client.get("/search?q=border", headers={"If-None-Match": first.headers["ETag"]})
    assert second.status_code == 200 and second.headers["ETag"] != first.headers["ETag"]


def test_search_cost_does_not_depend_on_the_page_cache(corpus_index):
    """The page cache is one entry of the generation's byte-bounded cache."""
    engine = Engine(corpus_index, cache_bytes=64 * 1024)
    for n in range(200):
        search(engine, SearchParams(q=f"border {n}"))
    assert engine.generation().cache.bytes <= 64 * 1024
