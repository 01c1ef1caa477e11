"""Cite this release: the block on the release page and its .bib and .txt downloads."""

import re

import pytest
from bs4 import BeautifulSoup

from tests.webapp.conftest import R2011, R2019_DEC
from webapp import create_app
from webapp.citation import Citation, bibtex, bibtex_text, bibtex_url, cite_key, download_name, plain_text

BASE = "https://search.example.org"
R2011_TEXT = (
    "DHS. “Readout of Secretary Napolitano's Multilateral Meeting with Central American "
    "and Mexican Officials.” Readout, 12 July 2011. "
    "https://www.dhs.gov/archive/news/2011/07/12/readout-secretary-napolitanos-multilateral-meeting-central-american-and-mexican "
    f"Also at: {BASE}/release/{R2011}"
)


@pytest.fixture
def cite_client(corpus_index):
    return create_app({"TESTING": True, "RELEASE_SEARCH_INDEX_DIR": corpus_index, "RELEASE_SEARCH_BASE_URL": BASE}).test_client()


def test_the_release_page_shows_a_citation_to_copy_and_its_downloads(cite_client, get):
    page = get(f"/release/{R2011}?q=border", via=cite_client)
    assert page.text("#cite-heading") == "Cite this release"
    assert page.text(".citation") == R2011_TEXT
    assert [(a.get_text(), a["href"]) for a in page.soup.select(".citation a")] == [
        ("https://www.dhs.gov/archive/news/2011/07/12/readout-secretary-napolitanos-multilateral-meeting-central-american-and-mexican",
         "https://www.dhs.gov/archive/news/2011/07/12/readout-secretary-napolitanos-multilateral-meeting-central-american-and-mexican"),
        (f"{BASE}/release/{R2011}", f"{BASE}/release/{R2011}"),  # the permanent address, without the search
    ]
    assert page.link("BibTeX (.bib)") == f"/cite/{R2011}.bib"
    assert page.link("plain text (.txt)") == f"/cite/{R2011}.txt"


def test_the_plain_text_download_is_the_block_on_the_page(cite_client):
    response = cite_client.get(f"/cite/{R2011}.txt")
    assert response.headers["Content-Type"] == "text/plain; charset=utf-8"
    assert response.headers["Content-Disposition"] == 'attachment; filename="000_690fb21f9058b593.txt"'
    assert response.get_data(as_text=True) == R2011_TEXT + "\n"


def test_the_bibtex_download(cite_client):
    response = cite_client.get(f"/cite/{R2011}.bib")
    assert response.headers["Content-Type"] == "application/x-bibtex; charset=utf-8"
    assert response.headers["Content-Disposition"] == 'attachment; filename="000_690fb21f9058b593.bib"'
    assert response.get_data(as_text=True) == (
        "@misc{release:000_690fb21f9058b593.txt,\n"
        "  author = {{DHS}},\n"
        "  title = {{Readout of Secretary Napolitano's Multilateral Meeting with Central American and Mexican Officials}},\n"
        "  howpublished = {Readout},\n"
        "  year = {2011},\n"
        "  month = jul,\n"
        "  date = {2011-07-12},\n"
        "  url = {https://www.dhs.gov/archive/news/2011/07/12/readout-secretary-napolitanos-multilateral-meeting-central-american-and-mexican},\n"
        "  note = {Also at https://search.example.org/release/000\\_690fb21f9058b593.txt},\n"
        "}\n"
    )


def test_a_release_without_an_original_address_cites_its_page_alone(client):
    text = client.get(f"/cite/{R2019_DEC}.txt").get_data(as_text=True)
    # No base URL configured: the page's address is relative, never taken from the Host header.
    assert text == (
        "DHS. “U.S. and Panama Sign a Letter of Intent to Increase Security Cooperation.” Press release, "
        f"17 December 2019. Also at: /release/{R2019_DEC}\n"
    )
    assert "url =" not in client.get(f"/cite/{R2019_DEC}.bib").get_data(as_text=True)


def test_unknown_facts_are_left_out_or_marked_no_date(write_release, own_client):
    write_release("bare.txt", "Border talks.\n", {"title": "A question?", "url": "javascript:alert(1)"})
    write_release("year.txt", "Border talks.\n", {"title": "A year", "date": "2010", "issuer": "DOJ"})
    client = own_client()
    assert client.get("/cite/bare.txt.txt").get_data(as_text=True) == "“A question?” Press release, n.d. Also at: /release/bare.txt\n"
    bare = client.get("/cite/bare.txt.bib").get_data(as_text=True)
    assert bare == "@misc{release:bare.txt,\n  title = {{A question?}},\n  howpublished = {Press release},\n  note = {Also at /release/bare.txt},\n}\n"
    year = client.get("/cite/year.txt.bib").get_data(as_text=True)
    assert "  year = {2010},\n  date = {2010},\n" in year and "month" not in year
    assert client.get("/cite/year.txt.txt").get_data(as_text=True).startswith("Department of Justice. “A year.” Press release, 2010.")  # the sidecar's DOJ, canonical


def test_ids_that_end_in_bib_or_hold_any_character_are_citable(write_release, own_client):
    write_release("notes.bib/a.bib.txt", "Border talks.\n", {"title": "Odd folder"})
    write_release("line\nbreak & {x}.txt", "Border talks.\n", {"title": "Odd name"})
    client = own_client()
    results = BeautifulSoup(client.get("/search?q=border").data, "html.parser")
    release_links = {a.get_text(): a["href"] for a in results.select(".result-title a")}
    for title, bib_url, key, name in [
        ("Odd folder", "/cite/notes.bib/a.bib.txt.bib", "release:notes.bib-a.bib.txt-", "a.bib"),
        ("Odd name", "/cite/line%0Abreak%20&%20%7Bx%7D.txt.bib", "release:line-break-x-.txt-", "line-break-x"),
    ]:
        release = BeautifulSoup(client.get(release_links[title]).data, "html.parser")
        downloads = {a.get_text(): a["href"] for a in release.select(".cite-downloads a")}
        assert downloads == {"BibTeX (.bib)": bib_url, "plain text (.txt)": bib_url.removesuffix(".bib") + ".txt"}
        response = client.get(bib_url)
        assert response.get_data(as_text=True).startswith("@misc{" + key)
        assert response.headers["Content-Disposition"] == f'attachment; filename="{name}.bib"'
        text = client.get(downloads["plain text (.txt)"]).get_data(as_text=True)
        assert text.startswith(f"“{title}.” Press release, n.d. Also at: /release/")


def test_an_unknown_release_is_a_404_page(get):
    page = get("/cite/nothing-here.txt.bib", status=404)
    assert page.text(".error-message") == "There is no release with the id “nothing-here.txt”. It may have been removed from the corpus."


def test_a_citation_is_revalidated_with_its_etag(client):
    first = client.get(f"/cite/{R2011}.bib")
    again = client.get(f"/cite/{R2011}.bib", headers={"If-None-Match": first.headers["ETag"]})
    assert (again.status_code, again.data) == (304, b"")


# --- formatting -----------------------------------------------------------------------------


def test_bibtex_text_writes_every_special_character_literally():
    assert bibtex_text("50% of {A} & B_c \\ ~^ $# \n  new line") == (
        r"50\% of \{A\} \& B\_c \textbackslash{} \~{}\^{} \$\# new line"
    )


def test_bibtex_urls_stay_verbatim_but_cannot_break_the_entry():
    assert bibtex_url("https://x.org/a_b%20c?d=1&e=#f") == "https://x.org/a_b%20c?d=1&e=#f"
    assert bibtex_url("https://x.org/a b{c}\\\"d") == "https://x.org/a%20b%7Bc%7D%5C%22d"


def test_a_hostile_title_stays_inside_its_field():
    citation = Citation("x.txt", "Title}, note = {pwned", "Issuer}} @misc{", "Press release", None, "n.d.", None, "/release/x.txt")
    assert bibtex(citation) == (
        "@misc{release:x.txt,\n"
        "  author = {{Issuer\\}\\} @misc\\{}},\n"
        "  title = {{Title\\}, note = \\{pwned}},\n"
        "  howpublished = {Press release},\n"
        "  note = {Also at /release/x.txt},\n"
        "}\n"
    )
    assert plain_text(citation) == "Issuer}} @misc{. “Title}, note = {pwned.” Press release, n.d. Also at: /release/x.txt"


def test_cite_keys_and_file_names_are_safe_and_distinct():
    assert cite_key("000_690fb21f9058b593.txt") == "release:000_690fb21f9058b593.txt"
    assert cite_key("a b.txt") != cite_key("a-b.txt")
    assert cite_key("a b.txt").startswith("release:a-b.txt-")
    assert re.fullmatch(r"release:[0-9a-f]{8}", cite_key("---"))
    assert re.fullmatch(r"release:n-\.txt-[0-9a-f]{8}", cite_key("ünï.txt"))
    assert download_name("sub/dir/2011 report.html", "bib") == "2011-report.bib"
    assert download_name("..", "txt") == "release.txt"
