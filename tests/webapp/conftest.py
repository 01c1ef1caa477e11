"""Fixtures for the web app: indexes built with the real indexer, an app, and page readers."""

import json
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from indexer.build import update_index
from tests.conftest import CORPUS
from webapp import create_app

# The bundled corpus, by date (from the sidecars).
R2009 = "003_6bdb3c418068dd0c.txt"  # DHS, DOJ and Mexico; Napolitano, Calderón
R2011 = "000_690fb21f9058b593.txt"  # Napolitano's multilateral meeting; eight countries
R2012 = "001_26145a666600c224.txt"  # FACT SHEET: Citizen Security Partnership
R2019_MARCH = "004_42d156efa68a9a66.txt"  # Nielsen's regional compact
R2019_DEC = "002_49c803ce4194f931.txt"  # U.S. and Panama letter of intent
NEWEST_FIRST = [R2019_DEC, R2019_MARCH, R2012, R2011, R2009]


@pytest.fixture(scope="session")
def corpus_index(tmp_path_factory) -> Path:
    """The bundled corpus indexed once; tests that share it only read it."""
    root = tmp_path_factory.mktemp("corpus-index")
    shutil.copytree(CORPUS, root / "corpus")
    summary = update_index(root / "corpus", root / "index")
    assert (summary.added, summary.failed) == (sorted(NEWEST_FIRST), [])
    return root / "index"


@pytest.fixture
def app(corpus_index):
    return create_app({"TESTING": True, "RELEASE_SEARCH_INDEX_DIR": corpus_index})


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def write_release(tmp_path):
    """Write a release (and its sidecar) into a private corpus folder; returns the folder."""
    corpus = tmp_path / "own-corpus"

    def write(relpath: str, text: str, sidecar: dict | None = None) -> Path:
        path = corpus / relpath
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        if sidecar is not None:
            path.with_name(path.stem + ".meta.json").write_text(json.dumps(sidecar), encoding="utf-8")
        return corpus

    return write


@pytest.fixture
def own_client(tmp_path, write_release):
    """A client on an index of the releases a test wrote with write_release."""

    def build():
        update_index(tmp_path / "own-corpus", tmp_path / "own-index")
        return create_app({"TESTING": True, "RELEASE_SEARCH_INDEX_DIR": tmp_path / "own-index"}).test_client()

    return build


@dataclass
class Facet:
    value: str
    count: int
    selected: bool
    href: str


class Page:
    """A rendered page, read the way a person sees it: results, facets, chips, notices."""

    def __init__(self, response):
        self.response = response
        self.html = response.get_data(as_text=True)
        self.soup = BeautifulSoup(self.html, "html.parser")

    def text(self, selector: str) -> str:
        return " ".join(self.soup.select_one(selector).get_text(" ").split())

    def texts(self, selector: str) -> list[str]:
        return [" ".join(el.get_text(" ").split()) for el in self.soup.select(selector)]

    @property
    def query_box(self) -> str:
        return self.soup.select_one("input#q")["value"]

    @property
    def result_ids(self) -> list[str]:
        """Release ids of the results, in order, read from their links."""
        return [a["href"].split("?")[0].removeprefix("/release/") for a in self.soup.select(".result-title a")]

    @property
    def summary(self) -> str:
        return self.text(".results-summary")

    @property
    def total(self) -> int:
        first = self.summary.split()[0]
        return 0 if first == "No" else int(first.replace(",", ""))

    @property
    def reading(self) -> str:
        """How the page says the query was read ("" when it shows none)."""
        return self.text(".reading") if self.soup.select(".reading") else ""

    @property
    def notices(self) -> list[str]:
        return self.texts(".notices li")

    @property
    def snippets(self) -> list[str]:
        """Each snippet's inner HTML."""
        return [el.decode_contents() for el in self.soup.select(".snippet")]

    @property
    def facets(self) -> dict[str, list[Facet]]:
        """Every facet value shown, including those behind "show more"."""
        out = {}
        for section in self.soup.select("section.facet"):
            out[section.h3.get_text()] = [
                Facet(
                    a.select_one(".facet-value").get_text(),
                    int(a.select_one(".facet-count").get_text()),
                    "is-selected" in a["class"],
                    a["href"],
                )
                for a in section.select("a.facet-option")
            ]
        return out

    def counts(self, facet: str) -> dict[str, int]:
        return {f.value: f.count for f in self.facets[facet]}

    @property
    def chips(self) -> list[tuple[str, str]]:
        """(label, href) of each applied-filter chip."""
        return [(a.contents[0].strip(), a["href"]) for a in self.soup.select("a.chip")]

    def link(self, text: str) -> str:
        """The href of the one link whose text is exactly `text`."""
        hrefs = [a["href"] for a in self.soup.find_all("a") if " ".join(a.get_text(" ").split()) == text]
        assert len(hrefs) == 1, f"{len(hrefs)} links read {text!r}"
        return hrefs[0]


@pytest.fixture
def get(client):
    """GET a page and read it; fails unless the status is the one expected."""

    def fetch(url: str, status: int = 200, via=None) -> Page:
        response = (via or client).get(url)
        assert response.status_code == status, response.get_data(as_text=True)[:2000]
        return Page(response)

    return fetch
