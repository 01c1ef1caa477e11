"""Security checks: stored XSS through release text, titles, ids and sidecar fields;
reflected XSS through every parameter; path traversal through release ids; security
headers on pages, API and errors; and that serving never writes to the index."""

import http.client
import json
import shutil
from urllib.parse import quote, urlencode, urlsplit

import pytest
from bs4 import BeautifulSoup

from bench.load import serving
from indexer.build import update_index
from reliability import snapshot_difference, tree_snapshot
from reliability.fuzz import PARAMS
from reliability.hostile import INJECTED_ID, script_html
from tests.conftest import CORPUS
from webapp import create_app

TEXT_ID = "xss/plain-text.txt"
SIDECAR_ID = "xss/sidecar.txt"
HTML_ID = "xss/entities.html"
EVIL_ID = "xss/\"><img src=x onerror=alert('id')>.txt"  # a file name is text too
XSS_IDS = [TEXT_ID, SIDECAR_ID, HTML_ID, EVIL_ID]
TEXT = (
    "Border talks <script>alert('title')</script> \"quoted' <img src=x onerror=alert('title-img')>\n\n"
    "Release Date: March 3, 2015\n\n"
    "WASHINGTON -- Border security talks. <script>alert('body')</script> then <img src=x onerror=alert('body-img')> "
    f"and \"><b id=\"{INJECTED_ID}\">bold</b> and <svg onload=alert('svg')> and {{{{7*7}}}} and javascript:alert('js').\n"
)
SIDECAR = {
    "title": "Border <script>alert('sidecar-title')</script> talks <img src=x onerror=alert('sidecar-img')>",
    "issuer": "<b onmouseover=alert('issuer')>Office</b>",
    "url": "javascript:alert('url')",
    "date": "2015-03-04",
    "countries": ["<img src=x onerror=alert('country')>", "Panama"],
    "officials": ["<script>alert('official')</script>", "\"><b id=\"injected\">Wolf</b>"],
}
# Raw markup that must never reach a page unescaped.
RAW = ["<script>alert(", "<img src=x", "<svg onload", f'<b id="{INJECTED_ID}"', "<b onmouseover"]
REFLECTED = [
    "\"><script>alert('r1')</script>",
    "'><img src=x onerror=alert('r2')>",
    "</title><svg onload=alert('r3')>",
    "\" autofocus onfocus=\"alert('r4')",
    "javascript:alert('r5')",
    f"<b id=\"{INJECTED_ID}\">r6</b>",
]
TRAVERSALS = [
    "/release/../../etc/passwd",
    "/release/..%2f..%2fetc%2fpasswd",
    "/release/%2e%2e/%2e%2e/etc/passwd",
    "/release/%2e%2e%2f%2e%2e%2f%2e%2e%2fetc%2fpasswd",
    "/release//etc/passwd",
    "/release/%2Fetc%2Fpasswd",
    "/release/..%5c..%5cetc%5cpasswd",
    "/release/000_690fb21f9058b593.txt/../../../../etc/passwd",
    "/release/../corpus/000_690fb21f9058b593.txt",
    "/release/../index/CURRENT",
    "/release/%2e%2e%2fCURRENT",
    "/api/releases/../../etc/passwd",
    "/api/releases/%2e%2e%2f%2e%2e%2fetc%2fpasswd",
    "/api/releases//etc/passwd",
    "/api/releases/%2Fproc%2Fself%2Fenviron",
    "/static/../../../../etc/passwd",
    "/static/..%2f..%2f..%2f..%2fetc%2fpasswd",
    "/static/%2e%2e/__init__.py",
    "/static/%2e%2e%2f%2e%2e%2fpyproject.toml",
]
# What a leaked file would show.
LEAKS = ["root:x:0:0", "def create_app", "[project]", "schema_version", "PATH="]
SAFE_REFERRER = {"no-referrer", "same-origin", "strict-origin", "strict-origin-when-cross-origin"}


def write_xss_corpus(corpus) -> None:
    """The bundled corpus plus releases full of markup in their text, sidecars and names."""
    shutil.copytree(CORPUS, corpus)
    (corpus / "xss").mkdir()
    (corpus / TEXT_ID).write_text(TEXT, encoding="utf-8")
    (corpus / SIDECAR_ID).write_text(TEXT.replace("Border talks", "Sidecar border talks"), encoding="utf-8")
    (corpus / "xss" / "sidecar.meta.json").write_text(json.dumps(SIDECAR), encoding="utf-8")
    (corpus / HTML_ID).write_text(script_html(), encoding="utf-8")
    (corpus / EVIL_ID).write_text("Evil id release\n\nWASHINGTON -- Border security, filed under an odd name.\n")


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The markup-laden corpus indexed; a client on it."""
    root = tmp_path_factory.mktemp("security")
    write_xss_corpus(root / "corpus")
    summary = update_index(root / "corpus", root / "index")
    assert (sorted(set(XSS_IDS) - set(summary.added)), summary.failed, summary.warnings) == ([], [], [])
    app = create_app({"RELEASE_SEARCH_INDEX_DIR": root / "index", "TESTING": True})
    return root, app.test_client()


def inert_problems(html: str) -> list[str]:
    """Every way a payload could have become live markup in `html`."""
    soup = BeautifulSoup(html, "html.parser")
    problems = [f"raw {raw!r} in the page" for raw in RAW if raw in html]
    problems += [f"<script> element: {el}"[:200] for el in soup.find_all("script")
                 if el.string or not str(el.get("src", "")).startswith("/static/")]
    # None of these is in the site's templates: one on a page came from a payload.
    problems += [f"<{el.name}> element"[:200] for el in soup.find_all(["iframe", "svg", "object", "embed", "img"])]
    problems += [f"<{el.name} {attr}=…>" for el in soup.find_all(True) for attr in el.attrs if attr.lower().startswith("on")]
    problems += [f"javascript: link {a.get('href')!r}" for a in soup.find_all(href=True)
                 if a["href"].strip().lower().startswith("javascript:")]
    problems += [f"element with id {INJECTED_ID!r}" for _ in soup.select(f"#{INJECTED_ID}")]
    return problems


def release_url(release_id: str, prefix: str = "/release/") -> str:
    return prefix + quote(release_id)


# Stored XSS ----------------------------------------------------------------------------


@pytest.mark.parametrize("url", [
    "/search?q=border",
    "/search",
    "/search?q=alert",
    "/search?q=script+OR+img+OR+onerror",
    "/search?" + urlencode({"country": SIDECAR["countries"][0]}),
    "/search?" + urlencode({"official": SIDECAR["officials"][1], "q": "border"}),
    *(release_url(i) + "?q=alert+border" for i in XSS_IDS),
])
def test_stored_markup_is_escaped_on_pages(site, url):
    _, client = site
    response = client.get(url)
    assert response.status_code == 200
    assert inert_problems(response.get_data(as_text=True)) == []


def test_stored_markup_is_shown_as_text(site):
    _, client = site
    page = BeautifulSoup(client.get(release_url(SIDECAR_ID)).get_data(as_text=True), "html.parser")
    assert page.select_one("#release-title").get_text() == SIDECAR["title"]
    assert "{{7*7}}" in page.select_one(".body").get_text()  # not evaluated as a template
    assert page.select("a.source-link") == []  # the javascript: url is not a link


def test_the_html_release_spells_its_escaped_markup_as_text(site):
    _, client = site
    page = BeautifulSoup(client.get(release_url(HTML_ID)).get_data(as_text=True), "html.parser")
    assert "<script>alert('escaped-payload')</script>" in page.select_one(".body").get_text()


def test_api_snippets_hold_only_marks_around_escaped_text(site):
    _, client = site
    for q in ("border", "alert", "script img onerror injected"):
        data = client.get("/api/search?" + urlencode({"q": q, "per_page": 100})).get_json()
        assert data["results"], q
        for hit in data["results"]:
            fragment = BeautifulSoup(hit["snippet"], "html.parser")
            assert {el.name for el in fragment.find_all(True)} <= {"mark"}, (q, hit["id"], hit["snippet"])
            assert [el.attrs for el in fragment.find_all(True) if el.attrs] == []
            assert [raw for raw in RAW if raw in hit["snippet"]] == []


def test_api_answers_are_json_never_sniffed_as_html(site):
    _, client = site
    for url in ["/api/search?q=alert", release_url(SIDECAR_ID, "/api/releases/"), release_url(EVIL_ID, "/api/releases/")]:
        response = client.get(url)
        assert (response.status_code, response.mimetype) == (200, "application/json")
        assert response.headers["X-Content-Type-Options"] == "nosniff"


# Reflected XSS -------------------------------------------------------------------------


@pytest.mark.parametrize("param", PARAMS)
@pytest.mark.parametrize("payload", REFLECTED)
def test_reflected_markup_in_each_parameter_stays_text(site, param, payload):
    _, client = site
    for url in ("/search?" + urlencode({param: payload}), "/search?" + urlencode({"q": "border", param: payload}),
                release_url(TEXT_ID) + "?" + urlencode({param: payload})):
        response = client.get(url)
        assert response.status_code in (200, 400), url
        assert response.mimetype == "text/html"
        assert inert_problems(response.get_data(as_text=True)) == [], url
        if any(c in payload for c in "<>\""):
            assert payload not in response.get_data(as_text=True), url


@pytest.mark.parametrize("payload", REFLECTED)
def test_reflected_markup_in_every_parameter_at_once(site, payload):
    _, client = site
    response = client.get("/search?" + urlencode([(p, payload) for p in PARAMS] + [("unknown", payload)]))
    assert response.status_code in (200, 400)
    assert inert_problems(response.get_data(as_text=True)) == []


@pytest.mark.parametrize("payload", REFLECTED)
def test_reflected_markup_in_a_release_id_stays_text(site, payload):
    _, client = site
    response = client.get(release_url(payload))
    assert response.status_code == 404
    assert inert_problems(response.get_data(as_text=True)) == []


# Path traversal ------------------------------------------------------------------------


@pytest.mark.parametrize("path", TRAVERSALS)
def test_path_traversal_through_the_test_client_finds_nothing(site, path):
    """404 (after any redirect the app makes, such as merging '//'), never a file."""
    _, client = site
    with client.get(path, follow_redirects=True) as response:
        body = response.get_data(as_text=True)
        hops = [(r.status_code, r.headers.get("Location")) for r in response.history]
    assert response.status_code == 404, (hops, body[:300])
    assert [leak for leak in LEAKS if leak in body] == []
    assert [loc for _, loc in hops if urlsplit(loc).netloc not in ("", "localhost")] == []  # never off-site


@pytest.fixture(scope="module")
def gunicorn(site):
    root, _ = site
    with serving(root / "index", root / "gunicorn.log", workers=2) as (port, _master):
        yield port


def raw_get(port: int, path: str) -> tuple[int, dict, str]:
    """GET with the path sent byte for byte: no client-side normalization of '..'."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.putrequest("GET", path, skip_host=False, skip_accept_encoding=True)
        conn.endheaders()
        response = conn.getresponse()
        return response.status, dict(response.getheaders()), response.read().decode("utf-8", "replace")
    finally:
        conn.close()


@pytest.mark.parametrize("path", TRAVERSALS)
def test_path_traversal_through_gunicorn_finds_nothing(gunicorn, path):
    status, headers, body = raw_get(gunicorn, path)
    for _ in range(3):  # follow the app's own redirects, on this server only
        if status not in (301, 302, 303, 307, 308):
            break
        location = headers["Location"].removeprefix(f"http://127.0.0.1:{gunicorn}")
        assert location.startswith("/"), f"{path} redirects off-site to {headers['Location']}"
        status, headers, body = raw_get(gunicorn, location)
    assert status == 404, body[:300]
    assert [leak for leak in LEAKS if leak in body] == []


# Headers -------------------------------------------------------------------------------


def header_problems(headers) -> list[str]:
    csp = headers.get("Content-Security-Policy", "")
    directives = {d.split()[0]: d.split()[1:] for d in csp.split(";") if d.strip()}
    problems = []
    if directives.get("default-src") != ["'self'"]:
        problems.append(f"CSP default-src is {directives.get('default-src')}, not 'self': {csp!r}")
    for name in ("object-src", "base-uri", "frame-ancestors"):
        if directives.get(name) != ["'none'"]:
            problems.append(f"CSP {name} is {directives.get(name)}, not 'none'")
    if "unsafe-inline" in csp or "unsafe-eval" in csp or "*" in csp:
        problems.append(f"CSP allows inline or any-origin script: {csp!r}")
    if headers.get("X-Content-Type-Options") != "nosniff":
        problems.append(f"X-Content-Type-Options is {headers.get('X-Content-Type-Options')!r}")
    if headers.get("Referrer-Policy") not in SAFE_REFERRER:
        problems.append(f"Referrer-Policy is {headers.get('Referrer-Policy')!r}")
    return problems


HEADER_URLS = {
    "/search?q=border": 200,
    "/": 200,
    release_url(TEXT_ID): 200,
    "/about": 200,
    "/opensearch.xml": 200,
    "/static/style.css": 200,
    "/api/search?q=border": 200,
    release_url(TEXT_ID, "/api/releases/"): 200,
    "/release/no-such-release.txt": 404,
    "/api/releases/no-such-release.txt": 404,
    "/nowhere": 404,
    "/api/nowhere": 404,
    "/search?page=abc": 400,
    "/api/search?year=20": 400,
}


@pytest.mark.parametrize("url,status", HEADER_URLS.items())
def test_security_headers_on_pages_api_and_errors(site, url, status):
    _, client = site
    with client.get(url) as response:
        assert response.status_code == status
        assert header_problems(response.headers) == []


@pytest.mark.parametrize("url,status", HEADER_URLS.items())
def test_security_headers_through_gunicorn(gunicorn, url, status):
    got, headers, _ = raw_get(gunicorn, url)
    assert got == status
    assert header_problems(headers) == []


def test_security_headers_on_a_405(site):
    _, client = site
    for url in ("/search", "/api/search"):
        response = client.post(url)
        assert response.status_code == 405
        assert header_problems(response.headers) == []


def test_security_headers_on_a_500_without_a_traceback(site, monkeypatch):
    root, _ = site
    app = create_app({"RELEASE_SEARCH_INDEX_DIR": root / "index", "TESTING": False})
    app.logger.disabled = True

    def broken(*args, **kwargs):
        raise RuntimeError("a bug in search")

    monkeypatch.setattr("webapp.views.search", broken)
    monkeypatch.setattr("webapp.api.search", broken)
    client = app.test_client()
    for url, mimetype in (("/search?q=border", "text/html"), ("/api/search?q=border", "application/json")):
        response = client.get(url)
        body = response.get_data(as_text=True)
        assert (response.status_code, response.mimetype) == (500, mimetype)
        assert "Traceback" not in body and "a bug in search" not in body
        assert header_problems(response.headers) == []


def test_security_headers_on_a_503_when_there_is_no_index(tmp_path):
    client = create_app({"RELEASE_SEARCH_INDEX_DIR": tmp_path / "no-index", "TESTING": True}).test_client()
    for url in ("/search?q=border", "/api/search?q=border", release_url(TEXT_ID)):
        response = client.get(url)
        assert response.status_code == 503
        assert str(tmp_path) not in response.get_data(as_text=True)  # the page does not name the folder
        assert header_problems(response.headers) == []


# The app only reads -------------------------------------------------------------------


def test_a_burst_of_requests_leaves_the_index_folder_untouched(site):
    root, _ = site
    before = tree_snapshot(root / "index")
    client = create_app({"RELEASE_SEARCH_INDEX_DIR": root / "index", "TESTING": True}).test_client()
    urls = [*HEADER_URLS, *(release_url(i) + "?q=border" for i in XSS_IDS), *TRAVERSALS,
            *("/search?" + urlencode({p: "2011"}) for p in PARAMS), "/search?q=secur*&sort=newest&per_page=100"]
    statuses = set()
    for _ in range(5):
        for url in urls:
            with client.get(url) as response:
                statuses.add(response.status_code)
    assert statuses <= {200, 308, 400, 404}  # 308: werkzeug merges the slashes of /release//etc
    assert snapshot_difference(before, tree_snapshot(root / "index")) == []
