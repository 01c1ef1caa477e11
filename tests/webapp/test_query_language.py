"""The query language through the search page: what each form finds, and how it was read."""

from urllib.parse import urlencode

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.webapp.conftest import R2009, R2011, R2012, R2019_DEC, R2019_MARCH


@pytest.mark.parametrize(
    "q, reading, found",
    [
        ('"border security"', '"border security"', {R2009, R2011, R2019_MARCH, R2019_DEC}),
        ("calderon OR nielsen", "calderon OR nielsen", {R2009, R2019_MARCH}),
        ("security NOT napolitano", "security AND NOT napolitano", {R2012, R2019_MARCH, R2019_DEC}),
        ("security -napolitano", "security AND NOT napolitano", {R2012, R2019_MARCH, R2019_DEC}),
        ("country:panama", "country:panama", {R2011, R2012, R2019_DEC}),
        ("official:napolitano", "official:napolitano", {R2009, R2011}),
        ("title:fact", "title:fact", {R2012}),
        ("panaman*", "panaman*", {R2012, R2019_DEC}),
        # Accents fold: the corpus writes "Calderón".
        ("calderon", "calderon", {R2009}),
        # Stemming: "secure" finds "security" (in every release).
        ("secure", "secure", {R2009, R2011, R2012, R2019_MARCH, R2019_DEC}),
    ],
)
def test_query_forms_find_exactly_their_releases(get, q, reading, found):
    page = get(f"/search?q={q}&per_page=100")
    assert page.query_box == q
    assert page.reading == reading
    assert page.notices == []
    assert set(page.result_ids) == found


def test_accent_folded_name_is_marked_as_written(get):
    page = get("/search?q=calderon")
    assert "<mark>Calderón</mark>" in page.snippets[0]


def test_stemmed_word_is_marked_in_its_written_forms(get):
    page = get("/search?q=secure&sort=oldest")
    assert "<mark>security</mark>" in page.snippets[0]


def test_plain_panama_finds_panama_written_with_an_accent(write_release, own_client, get):
    write_release("accented.txt", "Officials from Panamá met their counterparts in the capital.\n")
    write_release("other.txt", "Officials from Belize met their counterparts in the capital.\n")
    page = get("/search?q=panama", via=own_client())
    assert page.result_ids == ["accented.txt"]
    assert "<mark>Panamá</mark>" in page.snippets[0]


@pytest.mark.parametrize(
    "q, reading, notices, total",
    [
        ('"', "", ['Your query could not be searched because it has an unbalanced quote ("); showing all releases.'], 5),
        ("(", "", ["Your query could not be searched because its parentheses do not balance; showing all releases."], 5),
        ("AND", "", ["Your query could not be searched because 'AND' needs a word on each side; showing all releases."], 5),
        ("country:", "country", ["Your query was searched as plain words because 'country:' has no value after it."], 4),
        (
            "nosuchfield:x",
            "nosuchfield",  # "x" is too short to index
            [
                "Your query was searched as plain words because there is no field named 'nosuchfield' "
                "(fields: title, body, country, official, issuer, kind, language, year, date)."
            ],
            0,
        ),
        (
            "border " * 1430,
            "border",
            [
                "Your query was longer than 500 characters; only its start was searched.",
                "Your query was searched as plain words because it has more than 32 words.",
            ],
            5,
        ),
    ],
)
def test_malformed_queries_get_a_page_that_says_how_they_were_read(get, q, reading, notices, total):
    page = get("/search?" + urlencode({"q": q}))
    assert page.notices == notices
    assert page.reading == reading
    assert page.total == total


# Fragments of the query language, shuffled: whatever comes of them must be a page, never a 500.
query_pieces = st.lists(
    st.sampled_from(['"', "(", ")", "*", "?", "-", ":", "AND", "OR", "NOT", "country:", "title:", "border", "é", " ", "~", "^2", "[", "}"]),
    max_size=12,
).map("".join)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(q=query_pieces | st.text(max_size=60))
def test_any_query_gets_a_results_page(client, q):
    response = client.get("/search", query_string={"q": q})
    assert response.status_code == 200
    assert '<h1 id="results-heading"' in response.get_data(as_text=True)
