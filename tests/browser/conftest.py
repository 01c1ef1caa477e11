"""End-to-end fixtures: the app under real gunicorn and Debian's headless Chromium, started once."""

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

from indexer.build import update_index
from tests.conftest import CORPUS, REPO

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
GUNICORN = Path(sys.executable).parent / "gunicorn"
STARTUP_SECONDS = 30


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_answering(url: str, process: subprocess.Popen, log: Path) -> None:
    """Poll until the server answers; fail with its log if it exits or never answers."""
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"gunicorn exited with status {process.returncode}:\n{log.read_text()}", pytrace=False)
        try:
            with urllib.request.urlopen(url + "/about", timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):  # slow while workers start (a loaded machine)
            time.sleep(0.1)
    pytest.fail(f"gunicorn did not answer at {url} within {STARTUP_SECONDS}s:\n{log.read_text()}", pytrace=False)


@pytest.fixture(scope="session")
def server(tmp_path_factory):
    """The bundled corpus indexed, served by gunicorn with two workers; yields its base URL."""
    root = tmp_path_factory.mktemp("browser")
    shutil.copytree(CORPUS, root / "corpus")
    update_index(root / "corpus", root / "index")
    url = f"http://127.0.0.1:{free_port()}"
    log_path = root / "gunicorn.log"
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            [GUNICORN, "-w", "2", "-b", url.removeprefix("http://"), "webapp:create_app()"],
            cwd=REPO,
            env={**os.environ, "RELEASE_SEARCH_INDEX_DIR": str(root / "index")},
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            wait_until_answering(url, process, log_path)
            yield url
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


@pytest.fixture(scope="session")
def browser():
    """Headless Chromium; missing Chromium is a failure, never a skip."""
    if not CHROMIUM.exists():
        pytest.fail(
            f"Chromium is not installed at {CHROMIUM}: the browser tests need Debian's package "
            "(`make browser` installs it). They fail rather than skip so a missing browser is noticed.",
            pytrace=False,
        )
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, server):
    """A fresh tab on the server; the test fails if the page logs an error or throws."""
    context = browser.new_context(base_url=server, viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    problems = []

    def on_console(message):
        if message.type == "error":
            problems.append(f"console error: {message.text} ({message.location.get('url')})")

    tab.on("console", on_console)
    tab.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    yield tab
    context.close()
    assert problems == []
