"""Security: headers on every response, no inline script or style, release text never becomes markup."""

from urllib.parse import urlencode

import pytest

from tests.webapp.conftest import R2009, Page

HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}
PAGES = ["/", "/search?q=border&country=Panama", f"/release/{R2009}?q=border", "/about", "/nope", "/search?page=abc"]


@pytest.mark.parametrize(
    "url", [*PAGES, "/opensearch.xml", "/api/search?q=border", "/api/nope", "/static/style.css", "/static/favicon.svg"]
)
def test_every_response_carries_the_security_headers(client, url):
    with client.get(url) as response:  # closes the static file it streams
        assert {name: response.headers.get(name) for name in HEADERS} == HEADERS


OWN_SCRIPT = "/static/app.js"  # the one script, served from the app (webapp/static/app.js)


def inline_scripts(soup) -> list:
    """Script elements other than the app's own external one, which is empty."""
    return [s for s in soup.find_all("script") if s.get("src") != OWN_SCRIPT or s.string]


@pytest.mark.parametrize("url", PAGES)
def test_pages_have_no_inline_script_style_or_handlers(client, url):
    soup = Page(client.get(url)).soup  # error pages too
    assert inline_scripts(soup) == [] and soup.find_all("style") == []
    assert [(el.name, attr) for el in soup.find_all(True) for attr in el.attrs if attr == "style" or attr.startswith("on")] == []


PAYLOAD_TEXT = "WASHINGTON — Border talks. <script>alert(1)</script> then <img src=x onerror=alert(2)> border again.\n"
PAYLOAD_SIDECAR = {
    "title": "Border <script>alert(3)</script> talks <img src=x onerror=alert(4)>",
    "issuer": "<b onmouseover=alert(5)>Office</b>",
    "url": "javascript:alert(6)",
    "date": "2020-01-01",
    "countries": ["<img src=x onerror=alert(7)>", "Panama"],
    "officials": ["<script>alert(8)</script>"],
}
ESCAPED_TITLE = "Border &lt;script&gt;alert(3)&lt;/script&gt; talks &lt;img src=x onerror=alert(4)&gt;"


@pytest.fixture
def hostile_client(write_release, own_client):
    """An index holding one release whose text and sidecar are full of markup."""
    write_release("hostile.txt", PAYLOAD_TEXT, PAYLOAD_SIDECAR)
    return own_client()


def assert_inert(page):
    """No payload became an element, an event handler or a javascript: link."""
    assert inline_scripts(page.soup) == [] and page.soup.find_all(["img", "b"]) == []
    assert [a["href"] for a in page.soup.find_all("a") if a["href"].lower().startswith("javascript:")] == []
    assert [attr for el in page.soup.find_all(True) for attr in el.attrs if attr.startswith("on")] == []


def test_search_page_escapes_release_text_and_metadata(hostile_client, get):
    page = get("/search?" + urlencode({"q": "border", "country": PAYLOAD_SIDECAR["countries"][0]}), via=hostile_client)
    assert page.result_ids == ["hostile.txt"]
    assert_inert(page)
    assert ESCAPED_TITLE in page.html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.snippets[0]
    assert "&lt;b onmouseover=alert(5)&gt;Office&lt;/b&gt;" in page.html
    assert page.chips[0][0] == "Country: <img src=x onerror=alert(7)>"  # shown as text


def test_release_page_escapes_release_text_and_metadata_and_drops_javascript_urls(hostile_client, get):
    page = get("/release/hostile.txt?q=border", via=hostile_client)
    assert_inert(page)
    assert page.text("h1") == PAYLOAD_SIDECAR["title"]
    assert "&lt;img src=x onerror=alert(2)&gt;" in page.html
    assert page.soup.select("a.source-link") == []
    assert "javascript:alert(6)" not in page.html


def test_api_snippet_is_escaped_html(hostile_client):
    (hit,) = hostile_client.get("/api/search?q=border").get_json()["results"]
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in hit["snippet"]
    assert "<script" not in hit["snippet"] and "<img" not in hit["snippet"]
    assert hit["title"] == PAYLOAD_SIDECAR["title"]  # JSON carries data as it is; clients escape it


def test_search_box_value_is_escaped(get):
    page = get("/search?" + urlencode({"q": '"><script>alert(9)</script>'}))
    assert page.query_box == '"><script>alert(9)</script>'
    assert_inert(page)
