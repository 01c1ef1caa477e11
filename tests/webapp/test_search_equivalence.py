"""The fast paths in webapp.search give exactly what Whoosh's own machinery gives.

Set algebra for matching, candidate-only scoring under filters, facet counts from cached
document sets: each is checked against the straightforward computation on an index with
several segments and deleted documents.
"""

import random

import pytest

from indexer.build import update_index
from webapp.params import FACETS, SearchParams
from webapp.search import (
    ReleaseIndex, answerable_by_sets, matching_docs, scored_matches, scoring_query, search, top_scored,
)

QUERIES = [
    "security", "border security", "panama OR mexico", "border -panama", "NOT cooperation",
    '"border security"', '"security security"', '"letter of intent" OR "intent letter"', "secur*", "country:panama",
    'country:"el salvador"', "official:napolitano", "title:security", "year:2019", "(migration OR trafficking) AND honduras", "calderon", "nosuchword",
]


@pytest.fixture(scope="module")
def release_index(tmp_path_factory):
    """Seeds plus generated variants, indexed in three runs (so several segments) with updates."""
    from tests.conftest import CORPUS

    corpus = tmp_path_factory.mktemp("corpus")
    index_dir = tmp_path_factory.mktemp("index")
    seeds = [p.read_text() for p in sorted(CORPUS.glob("*.txt"))]
    paragraphs = [para for text in seeds for para in text.split("\n") if len(para) > 80]
    rnd = random.Random(7)

    def write(n, salt=""):
        body = "\n".join(rnd.sample(paragraphs, 4))
        (corpus / f"r{n:03}.txt").write_text(f"WASHINGTON, March {1 + n % 28}, 20{10 + n % 9} — {body}\n{salt}\n")

    for n in range(40):
        write(n)
    update_index(corpus, index_dir)
    for n in range(40, 80):
        write(n)
    update_index(corpus, index_dir)
    for n in range(0, 80, 5):
        write(n, salt="changed")  # updates delete the old documents
    update_index(corpus, index_dir)
    index = ReleaseIndex(index_dir)
    snap = index.snapshot()
    assert len(snap.searcher.leaf_searchers()) > 1 and snap.reader.has_deletions()
    return index


@pytest.mark.parametrize("q", QUERIES)
def test_matching_docs_equals_whoosh(release_index, q):
    snap = release_index.snapshot()
    query = snap.parser.parse(q.replace("-panama", "NOT panama"))
    assert matching_docs(snap, query) == frozenset(snap.searcher.docs_for_query(query))


@pytest.mark.parametrize("q", QUERIES)
def test_candidate_scoring_equals_whoosh_filtered_search(release_index, q):
    snap = release_index.snapshot()
    query = snap.parser.parse(q.replace("-panama", "NOT panama"))
    matched = sorted(matching_docs(snap, query))
    allowed = frozenset(matched[::3])
    expected = snap.searcher.search(query, limit=10, filter=set(allowed))
    got = top_scored(snap, query, allowed, 10)
    assert [doc for doc, _ in got] == [doc for _, doc in expected.top_n]
    assert [round(score, 9) for _, score in got] == [round(score, 9) for score, _ in expected.top_n]


@pytest.mark.parametrize("q", ["", "security", "border -panama"])
@pytest.mark.parametrize("filters", [{}, {"country": ("Panama",)}, {"country": ("Panama", "Mexico"), "year": ("2012", "2015")}])
def test_facet_counts_equal_a_brute_force_count(release_index, q, filters):
    page = search(release_index, SearchParams(q=q, per_page=100, **filters))
    snap = release_index.snapshot()
    stored = {doc: snap.searcher.stored_fields(doc) for doc in snap.all_docs}
    values = {
        doc: {
            "country": set(filter(None, fields["country_value"].split(","))),
            "official": set(filter(None, fields["official_value"].split(","))),
            "year": {fields["year"]} if fields["year"] else set(),
        }
        for doc, fields in stored.items()
    }
    reading_matches = {doc for doc in snap.all_docs} if not q else set(
        snap.searcher.docs_for_query(snap.parser.parse(q.replace("-panama", "NOT panama")))
    )

    def passes(doc, skip):
        return all(values[doc][f] & set(sel) for f, sel in filters.items() if f != skip)

    assert page.total == sum(1 for doc in reading_matches if passes(doc, None))
    for facet in FACETS:
        counts = {}
        for doc in reading_matches:
            if passes(doc, facet):
                for value in values[doc][facet]:
                    counts[value] = counts.get(value, 0) + 1
        expected = sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:100]
        got = [(v.value, v.count) for v in page.facets[facet] if v.count]
        assert got == expected, facet


@pytest.mark.parametrize(
    "q", ['"border security"~3', "secur*", 'country:"el salvador"', "date:[2011-01-01 TO 2015-12-31]", '"security border"~4 OR panama']
)
def test_one_pass_over_matches_equals_whoosh_matching_and_ranking(release_index, q):
    snap = release_index.snapshot()
    query = snap.parser.parse(q)
    assert not answerable_by_sets(snap, query)
    matched, ranked = scored_matches(snap, query, 7)
    expected = snap.searcher.search(query, limit=7)
    assert matched == frozenset(snap.searcher.docs_for_query(query))
    assert [(doc, round(score, 9)) for doc, score in ranked] == [(doc, round(score, 9)) for score, doc in expected.top_n]


RANKED = [
    '"border security"', '"secretary of homeland security"', '"border security" OR panama', "title:\"letter of intent\"",
    '"border security" -mexico', '"homeland security" "border security"', "security",
    APART := '"homeland security" OR "security homeland"',
]


@pytest.mark.parametrize("q", RANKED)
@pytest.mark.parametrize("filters", [{}, {"country": ("Panama", "Mexico")}, {"year": ("2012",)}])
def test_a_ranked_page_equals_whoosh_search(release_index, q, filters):
    """Phrases are matched from term sequences and scored without positions; the page
    must still be Whoosh's own ranking of Whoosh's own matches."""
    page = search(release_index, SearchParams(q=q, per_page=20, **filters))
    snap = release_index.snapshot()
    query = snap.parser.parse(q.replace("-mexico", "NOT mexico"))
    allowed = set(snap.all_docs)
    for facet, values in filters.items():
        allowed &= frozenset().union(*(snap.facet_docs[facet].get(v, ()) for v in values))
    expected = snap.searcher.search(query, limit=20, filter=allowed)
    assert page.total == len(set(snap.searcher.docs_for_query(query)) & allowed)
    assert [(hit.id, hit.score) for hit in page.results] == [
        (snap.searcher.stored_fields(doc)["id"], round(score, 4)) for score, doc in expected.top_n
    ]


def test_the_fallback_for_words_apart_is_exercised(release_index):
    """Under an OR, a document with a phrase's words apart scores differently from the
    phrase: scoring_query must hand such documents back (RANKED checks their ranking)."""
    snap = release_index.snapshot()
    query = snap.parser.parse(APART)
    matched = matching_docs(snap, query)
    _, unlike = scoring_query(snap, query, matched)
    assert unlike and unlike <= matched
