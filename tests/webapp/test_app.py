"""The app as a whole: settings, error pages, the help and OpenSearch documents, a changing index."""

import xml.etree.ElementTree as ET

import pytest

from indexer.build import update_index
from tests.conftest import REPO
from tests.webapp.conftest import NEWEST_FIRST, Page
from webapp import create_app
from webapp.params import FACETS
from webapp.query import SEARCHABLE_FIELDS
from webapp.settings import SETTINGS

OPENSEARCH = "{http://a9.com/-/spec/opensearch/1.1/}"


@pytest.fixture
def clean_environ(monkeypatch):
    """No setting comes from the environment unless the test sets it."""
    for setting in SETTINGS:
        monkeypatch.delenv(setting.name, raising=False)
    return monkeypatch


def test_settings_default_to_the_projects_index_folder(clean_environ):
    app = create_app()
    assert {s.name: app.config[s.name] for s in SETTINGS} == {
        "RELEASE_SEARCH_INDEX_DIR": REPO / "index",
        "RELEASE_SEARCH_PROXIES": 0,
        "RELEASE_SEARCH_BASE_URL": "",
        "RELEASE_SEARCH_REQUEST_SECONDS": 1.0,
        "RELEASE_SEARCH_CACHE_MB": 64,
        "RELEASE_SEARCH_MAPPED_MB": 128,
        "RELEASE_SEARCH_WARM": True,
    }
    assert not app.debug


def test_environment_overrides_defaults_and_config_overrides_environment(clean_environ, corpus_index, tmp_path):
    clean_environ.setenv("RELEASE_SEARCH_INDEX_DIR", str(corpus_index))
    clean_environ.setenv("RELEASE_SEARCH_PROXIES", "2")
    app = create_app()
    assert (app.config["RELEASE_SEARCH_INDEX_DIR"], app.config["RELEASE_SEARCH_PROXIES"]) == (corpus_index, 2)
    assert app.test_client().get("/").status_code == 200

    app = create_app({"RELEASE_SEARCH_INDEX_DIR": tmp_path / "elsewhere"})
    assert app.config["RELEASE_SEARCH_INDEX_DIR"] == tmp_path / "elsewhere"


def test_unreadable_setting_names_itself(clean_environ):
    clean_environ.setenv("RELEASE_SEARCH_PROXIES", "two")
    with pytest.raises(ValueError, match=r"^RELEASE_SEARCH_PROXIES must be a whole number, not 'two'$"):
        create_app()


def test_readme_documents_every_setting():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert [s.name for s in SETTINGS if f"`{s.name}`" not in readme] == []


def opensearch_urls(response) -> dict[str, str]:
    root = ET.fromstring(response.data)
    return {url.get("type"): url.get("template") for url in root.iter(f"{OPENSEARCH}Url")}


def test_opensearch_description(client):
    response = client.get("/opensearch.xml", headers={"Host": "evil.example"})
    assert response.content_type == "application/opensearchdescription+xml; charset=utf-8"
    root = ET.fromstring(response.data)
    assert root.tag == f"{OPENSEARCH}OpenSearchDescription"
    assert root.find(f"{OPENSEARCH}ShortName").text == "Press releases"  # at most 16 characters
    # Regression: the Host header was reflected into the document. Without a configured
    # base the addresses are relative to the document.
    assert opensearch_urls(response) == {
        "text/html": "/search?q={searchTerms}",
        "application/json": "/api/search?q={searchTerms}",
        "application/opensearchdescription+xml": "/opensearch.xml",
    }


def test_opensearch_uses_the_configured_base_never_forwarded_headers(corpus_index):
    forwarded = {"X-Forwarded-Proto": "https", "X-Forwarded-Host": "evil.example", "Host": "evil.example"}
    config = {"RELEASE_SEARCH_INDEX_DIR": corpus_index, "RELEASE_SEARCH_PROXIES": 1,
              "RELEASE_SEARCH_BASE_URL": "https://search.example.gov/"}
    client = create_app(config).test_client()
    assert opensearch_urls(client.get("/opensearch.xml", headers=forwarded)) == {
        "text/html": "https://search.example.gov/search?q={searchTerms}",
        "application/json": "https://search.example.gov/api/search?q={searchTerms}",
        "application/opensearchdescription+xml": "https://search.example.gov/opensearch.xml",
    }


def test_help_page_documents_every_field_and_api_parameter(get):
    page = get("/about")
    syntax = page.text("table.syntax")
    assert [f for f in SEARCHABLE_FIELDS if f != "body" and f"{f}:" not in syntax] == []
    assert page.texts(".api-params code") == [
        "q", *FACETS, "year=none", "year=2007..2011", "from", "to", "undated", "1", "from", "to", "verbatim", "1",
        "sort", "relevance", "newest", "oldest", "page", "per_page",
    ]


def test_every_example_on_the_help_page_is_read_without_a_notice(get):
    examples = [a["href"] for a in get("/about").soup.select("table.syntax a")]
    assert len(examples) == 17
    for href in examples:
        page = get(href)
        assert page.notices == [], href
        assert page.total > 0, href


def test_unknown_page_is_a_404_page_with_the_search_form(get):
    page = get("/no/such/page", status=404)
    assert page.response.content_type == "text/html; charset=utf-8"
    assert page.text("h1") == "Page not found"
    assert page.soup.select("form.search-form input#q")
    assert page.link("See all releases") == "/search"


def test_unreadable_page_number_is_a_400_page_with_a_way_forward(get):
    page = get("/search?q=border+security&page=abc", status=400)
    assert page.text("h1") == "That search could not be run"
    assert page.text(".error-message") == "'page' must be a whole number from 1 to 1000, not 'abc'"
    assert page.query_box == "border security"
    assert page.link("Search for “border security” with no other options") == "/search?q=border+security"
    assert get("/search?page=0", status=400).text(".error-message") == "'page' must be from 1 to 1000, not 0"


def test_no_index_yet_is_a_503_that_names_the_command_then_clears_by_itself(corpus_dir, tmp_path, get):
    app = create_app({"TESTING": True, "RELEASE_SEARCH_INDEX_DIR": tmp_path / "index"})
    client = app.test_client()

    page = get("/search?q=border", status=503, via=client)
    assert page.text("h1") == "Search is not ready yet"
    assert page.text(".error-message") == "No index yet: run release-search index"
    assert page.soup.select_one(".error-message code").get_text() == "release-search index"
    get("/release/x.txt", status=503, via=client)
    response = client.get("/api/search")
    assert (response.status_code, response.get_json()) == (503, {"error": "No index yet: run `release-search index`"})
    assert client.get("/about").status_code == 200

    update_index(corpus_dir, tmp_path / "index")
    assert get("/", via=client).result_ids == NEWEST_FIRST


@pytest.fixture
def failing_client(corpus_index):
    """An app as it runs in production (errors handled, not raised), with routes that fail."""
    app = create_app({"RELEASE_SEARCH_INDEX_DIR": corpus_index})

    def fail():
        raise RuntimeError("secret detail from /etc/app.conf")

    app.add_url_rule("/boom", "boom", fail)
    app.add_url_rule("/api/boom", "api_boom", fail)
    return app.test_client()


def test_a_bug_is_a_500_page_without_a_traceback(failing_client):
    response = failing_client.get("/boom")
    page = Page(response)
    assert (response.status_code, page.text("h1")) == (500, "Something went wrong")
    assert "secret detail" not in page.html and "Traceback" not in page.html and "RuntimeError" not in page.html


def test_a_bug_under_the_api_is_a_json_500(failing_client):
    response = failing_client.get("/api/boom")
    assert (response.status_code, response.get_json()) == (500, {"error": "internal error"})


def test_new_release_is_found_without_a_restart(corpus_dir, index_dir, get):
    update_index(corpus_dir, index_dir)
    client = create_app({"TESTING": True, "RELEASE_SEARCH_INDEX_DIR": index_dir}).test_client()
    assert get("/search?q=zanzibar", via=client).result_ids == []

    (corpus_dir / "later.txt").write_text("WASHINGTON — The Secretary visited Zanzibar to discuss port security.\n")
    update_index(corpus_dir, index_dir)
    assert get("/search?q=zanzibar", via=client).result_ids == ["later.txt"]
    assert get("/", via=client).total == 6

    (corpus_dir / NEWEST_FIRST[0]).unlink()
    update_index(corpus_dir, index_dir, rebuild=True)  # a rebuild swaps in a new folder
    assert get("/search?q=zanzibar", via=client).result_ids == ["later.txt"]
    assert get("/", via=client).total == 5
    assert client.get(f"/release/{NEWEST_FIRST[0]}").status_code == 404


def test_a_worker_warms_the_index_when_it_starts(corpus_index):
    app = create_app({"TESTING": True, "RELEASE_SEARCH_INDEX_DIR": corpus_index, "RELEASE_SEARCH_WARM": True})
    engine = app.extensions["release_engine"]
    gen = engine.opened  # opened by create_app, before any request
    assert gen is not None and "facets" in vars(gen) and "dates" in vars(gen) and "live" in vars(gen)
    cold = create_app({"TESTING": True, "RELEASE_SEARCH_INDEX_DIR": corpus_index, "RELEASE_SEARCH_WARM": False})
    assert cold.extensions["release_engine"].opened is None
