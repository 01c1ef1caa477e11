"""No script from a release ever runs in a browser: headless Chromium opens the search
page and the release pages of releases full of markup, served by gunicorn, and finds no
dialog, no injected element, no handler attribute and no script it did not ship.

Playwright's sync API runs in its own thread: tests/browser keeps a Playwright instance
open for the whole session, and a second one cannot start on the same thread.
"""

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import quote, urlencode

import pytest
from playwright.sync_api import sync_playwright

from bench.load import serving
from indexer.build import update_index
from reliability.hostile import INJECTED_ID
from tests.reliability.test_security import EVIL_ID, HTML_ID, REFLECTED, SIDECAR, SIDECAR_ID, TEXT_ID, write_xss_corpus

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
# What the page's DOM says after load, read in the page itself.
INSPECT = """() => ({
  injected: document.querySelectorAll('#%s').length,
  foreign: [...document.querySelectorAll('img, svg, iframe, object, embed')].map(el => el.tagName.toLowerCase()),
  scripts: [...document.scripts].filter(s => !s.src.startsWith(location.origin + '/static/')).map(s => s.outerHTML.slice(0, 80)),
  handlers: [...document.querySelectorAll('*')].flatMap(el => [...el.attributes]
      .filter(a => a.name.toLowerCase().startsWith('on')).map(a => el.tagName.toLowerCase() + ' ' + a.name)),
  jsLinks: [...document.querySelectorAll('[href], [src], [action]')].map(el => el.getAttribute('href') || el.getAttribute('src') || el.getAttribute('action'))
      .filter(v => v.trim().toLowerCase().startsWith('javascript:')),
  pwned: typeof window.__pwned !== 'undefined' || 'pwned' in document.body.dataset,
  text: document.body.innerText,
})""" % INJECTED_ID


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    root = tmp_path_factory.mktemp("browser-xss")
    write_xss_corpus(root / "corpus")
    update_index(root / "corpus", root / "index")
    with serving(root / "index", root / "gunicorn.log", workers=2) as (port, _master):
        yield f"http://127.0.0.1:{port}"


def visit(base_url: str, paths: list[str]) -> dict[str, dict]:
    """Open each path in a fresh tab; what fired and what the DOM holds after load."""
    if not CHROMIUM.exists():
        raise AssertionError(f"Chromium is not installed at {CHROMIUM}: `make browser` installs Debian's package")
    seen = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        try:
            for path in paths:
                context = browser.new_context(base_url=base_url)
                page = context.new_page()
                dialogs, console = [], []
                page.on("dialog", lambda d, dialogs=dialogs: (dialogs.append(f"{d.type}: {d.message}"), d.dismiss()))
                page.on("console", lambda m, console=console: console.append(m.text) if m.type in ("error", "warning") else None)
                page.on("pageerror", lambda e, console=console: console.append(f"page error: {e}"))
                response = page.goto(path, wait_until="load")
                # Every image has loaded or failed, so any onerror handler has had its chance
                # to fire (a fixed sleep proved nothing about that).
                page.wait_for_function("Array.from(document.images).every((image) => image.complete)")
                state = page.evaluate(INSPECT)
                seen[path] = {"status": response.status, "dialogs": dialogs, "console": console, **state}
                context.close()
        finally:
            browser.close()
    return seen


def clean(state: dict) -> dict:
    """The parts of a page's state that must be empty, for a whole-structure assertion."""
    return {key: state[key] for key in ("dialogs", "console", "injected", "foreign", "scripts", "handlers", "jsLinks", "pwned")}


CLEAN = {"dialogs": [], "console": [], "injected": 0, "foreign": [], "scripts": [], "handlers": [], "jsLinks": [], "pwned": False}


def test_no_script_from_a_release_runs_in_the_browser(server):
    pages = {
        "/search?q=hostilemarker": "Hostilemarker visible paragraph",
        "/release/" + quote(HTML_ID) + "?q=hostilemarker": "<script>alert('escaped-payload')</script>",
        "/search?q=border&per_page=100": SIDECAR["title"],
        "/release/" + quote(SIDECAR_ID): SIDECAR["title"],
        "/release/" + quote(TEXT_ID) + "?q=alert": "<script>alert('body')</script>",
        "/release/" + quote(EVIL_ID): "filed under an odd name",
        "/search?" + urlencode({"country": SIDECAR["countries"][0]}): SIDECAR["countries"][0],
        **{"/search?" + urlencode({"q": payload, "country": payload}): "" for payload in REFLECTED},
    }
    with ThreadPoolExecutor(1) as pool:
        seen = pool.submit(visit, server, list(pages)).result(timeout=240)
    assert {path: (state["status"], clean(state)) for path, state in seen.items()} == {
        path: (200, CLEAN) for path in pages
    }
    # The pages really showed the hostile releases, as text.
    assert {path: text in seen[path]["text"] for path, text in pages.items()} == {path: True for path in pages}
