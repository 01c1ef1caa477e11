"""The fast paths in webapp.search give exactly what Whoosh's own machinery gives.

Set algebra for matching, candidate-only scoring under filters, facet counts from cached
document sets: each is checked against the straightforward computation on an index with
several segments and deleted documents.
"""

import random

import pytest

from indexer.build import update_index
from webapp.params import FACETS, SearchParams
from webapp.ranking import answerable_by_sets, matching_docs, rank, scored_matches, top_scored
from webapp.search import ReleaseIndex, search

QUERIES = [
    "security", "border security", "panama OR mexico", "border -panama", "NOT cooperation",
    '"border security"', '"security security"', '"letter of intent" OR "intent letter"', "secur*", "country:panama",
    'country:"el salvador"', "official:napolitano", "title:security", "year:2019", "(migration OR trafficking) AND honduras", "calderon", "nosuchword",
]


def exact_top(snap, query, limit, allowed=None) -> list[tuple[int, float]]:
    """Whoosh's ranking with no top-k shortcut: every match scored, best first, ties by
    document number. (Whoosh's top-k collector replaces matchers as it goes, and that
    drops documents from its top k on some queries.)"""
    results = snap.searcher.search(query, limit=None, filter=allowed)
    return sorted(((doc, score) for score, doc in results.top_n), key=lambda r: (-r[1], r[0]))[:limit]


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
    expected = exact_top(snap, query, 10, set(allowed))
    got = top_scored(snap, query, allowed, 10)
    assert [(doc, round(score, 9)) for doc, score in got] == [(doc, round(score, 9)) for doc, score in expected]


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
    assert matched == frozenset(snap.searcher.docs_for_query(query))
    assert [(doc, round(score, 9)) for doc, score in ranked] == [(doc, round(score, 9)) for doc, score in exact_top(snap, query, 7)]


RANKED = [
    '"border security"', '"secretary of homeland security"', '"border security" OR panama', "title:\"letter of intent\"",
    '"border security" -mexico', '"homeland security" "border security"', "security",
    '"homeland security" OR "security homeland"', "aviation security", "(disaster OR emergency) preparedness",
    "security^2 border", '"border security"^3 OR panama', "border AND NOT panama", "NOT cooperation",
    "secur*", '"border security"~3', "date:[2011-01-01 TO 2015-12-31] security",  # ranked by Whoosh
]


def allowed_by(snap, filters) -> set[int]:
    allowed = set(snap.all_docs)
    for facet, values in filters.items():
        allowed &= frozenset().union(*(snap.facet_docs[facet].get(v, ()) for v in values))
    return allowed


FILTERS = [{}, {"country": ("Panama", "Mexico")}, {"year": ("2012",)}]


@pytest.mark.parametrize("q", RANKED)
@pytest.mark.parametrize("filters", FILTERS)
def test_rank_equals_whoosh_scoring_every_match(release_index, q, filters):
    """Score arrays added up along the query tree give Whoosh's scores and order."""
    snap = release_index.snapshot()
    query = snap.parser.parse(q.replace("-mexico", "NOT mexico"))
    matched = matching_docs(snap, query)
    allowed = allowed_by(snap, filters)
    got = rank(snap, query, matched & allowed if filters else matched, matched, 20)
    assert [(doc, round(score, 9)) for doc, score in got] == [
        (doc, round(score, 9)) for doc, score in exact_top(snap, query, 20, allowed)
    ]


@pytest.mark.parametrize("q", RANKED)
@pytest.mark.parametrize("filters", FILTERS)
def test_a_ranked_page_equals_whoosh_search(release_index, q, filters):
    """Through search(): the page lists Whoosh's own top matches, with its scores."""
    page = search(release_index, SearchParams(q=q, per_page=20, **filters))
    snap = release_index.snapshot()
    query = snap.parser.parse(q.replace("-mexico", "NOT mexico"))
    allowed = allowed_by(snap, filters)
    assert page.total == len(set(snap.searcher.docs_for_query(query)) & allowed)
    assert [(hit.id, hit.score) for hit in page.results] == [
        (snap.searcher.stored_fields(doc)["id"], round(score, 4)) for doc, score in exact_top(snap, query, 20, allowed)
    ]


def test_an_index_without_term_sequences_still_answers_phrases(tmp_path):
    """An index written before the TERM_SEQUENCES columns (schema 1) is served until the
    next indexing run rebuilds it: its phrases go to Whoosh's own matcher."""
    from whoosh import index as whoosh_index

    from indexer import store
    from indexer.parse import parse_release
    from indexer.schema import TERM_SEQUENCES, build_schema, release_document
    from tests.conftest import CORPUS

    schema = build_schema()
    for column in TERM_SEQUENCES.values():
        schema.remove(column)
    folder = tmp_path / "index" / "gen-old"
    folder.mkdir(parents=True)
    ix = whoosh_index.create_in(folder, schema)
    with ix.writer() as writer:
        for path in sorted(CORPUS.glob("*.txt")):
            release = parse_release(path.name, path.read_text(), is_html=False, sidecar=None, content_hash="x")
            document = release_document(release)
            writer.add_document(**{k: v for k, v in document.items() if k not in TERM_SEQUENCES.values()})
    store.publish(tmp_path / "index", folder, 1)
    index = ReleaseIndex(tmp_path / "index")
    snap = index.snapshot()
    assert snap.term_sequences == {}
    for q in ['"border security"', '"letter of intent" OR panama']:
        page = search(index, SearchParams(q=q, per_page=20))
        query = snap.parser.parse(q)
        assert page.total == len(list(snap.searcher.docs_for_query(query))) > 0
        assert [hit.id for hit in page.results] == [snap.searcher.stored_fields(doc)["id"] for doc, _ in exact_top(snap, query, 20)]
