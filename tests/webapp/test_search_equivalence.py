"""The engine's fast paths give exactly what Whoosh's own machinery gives.

Bitmap algebra for matching, BM25F computed from the postings' weights and the length
columns, facet counts from cached document sets: each is checked against Whoosh itself
on an index with several segments and deleted documents.
"""

import random
from dataclasses import replace

import pytest
from markupsafe import Markup
from pyroaring import FrozenBitMap

from indexer.build import update_index
from webapp.engine import Engine, Generation
from webapp.expansion import expand
from webapp.params import FACETS, NO_DATE, SearchParams
from webapp.query import read_query
from webapp.ranking import matches, rank
from webapp.search import parser_of, search

QUERIES = [
    "security", "border security", "panama OR mexico", "border -panama", "NOT cooperation",
    '"border security"', '"security security"', '"letter of intent" OR "intent letter"', "country:panama",
    'country:"el salvador"', "official:napolitano", "title:security", "year:2019", "(migration OR trafficking) AND honduras",
    "calderon", "nosuchword", '"border security"~3', '"security border"~4 OR panama', "date:[2011-01-01 TO 2015-12-31]",
    "year:[2012 TO 2015] security", "security^2 border", '"border security"^3 OR panama', "secur*", "bord?r security",
]


@pytest.fixture(scope="module")
def engine(tmp_path_factory):
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

    with pytest.MonkeyPatch.context() as patch:
        # Word positions, which the app's index leaves out, so that Whoosh's own phrase
        # matcher can be the reference for the engine's phrases (read from term sequences).
        patch.setattr("indexer.schema.TEXT_POSITIONS", True)
        for n in range(40):
            write(n)
        update_index(corpus, index_dir)
        for n in range(40, 80):
            write(n)
        update_index(corpus, index_dir)
        for n in range(0, 80, 5):
            write(n, salt="changed")  # updates delete the old documents
        update_index(corpus, index_dir)
    engine = Engine(index_dir)
    gen = engine.generation()
    assert len(gen.searcher.leaf_searchers()) > 1 and gen.reader.has_deletions()
    return engine


def prepared(gen: Generation, q: str):
    """The query as a search runs it: read, then its prefixes and wildcards expanded."""
    return expand(read_query(q, parser_of(gen)), gen).query


def exact_top(gen: Generation, query, limit, allowed=None) -> list[tuple[int, float]]:
    """Whoosh's ranking with no top-k shortcut: every match scored, best first, ties by
    document number."""
    results = gen.searcher.search(query, limit=None, filter=set(allowed) if allowed is not None else None)
    return sorted(((doc, score) for score, doc in results.top_n), key=lambda r: (-r[1], r[0]))[:limit]


def rounded(ranking):
    return [(doc, round(score, 9)) for doc, score in ranking]


@pytest.mark.parametrize("q", QUERIES)
def test_matches_equal_whoosh(engine, q):
    gen = engine.generation()
    query = prepared(gen, q)
    # Whoosh 2.7.4's NOT may yield a deleted document (its InverseMatcher across
    # segments); the engine answers live documents only.
    assert matches(gen, query) == gen.whoosh_matches(query) & gen.live


@pytest.mark.parametrize("q", QUERIES)
@pytest.mark.parametrize("filtered", [False, True])
def test_rank_equals_whoosh_scoring_every_match(engine, q, filtered):
    """Scores computed from the postings add up along the query tree to Whoosh's scores,
    in Whoosh's order."""
    gen = engine.generation()
    query = prepared(gen, q)
    matched = matches(gen, query)
    allowed = FrozenBitMap(sorted(matched)[::3]) if filtered else gen.live
    got = rank(gen, query, matched & allowed, 20)
    assert rounded(got) == rounded(exact_top(gen, query, 20, allowed))


@pytest.mark.parametrize("q", QUERIES[:12])
def test_whoosh_top_is_the_exact_ranking(engine, q):
    """The reference path itself: Whoosh's collector with matcher replacement off."""
    gen = engine.generation()
    query = prepared(gen, q)
    assert rounded(gen.whoosh_top(query, 10)) == rounded(exact_top(gen, query, 10))


@pytest.mark.parametrize("q", ["", "security", "border -panama"])
@pytest.mark.parametrize("filters", [{}, {"country": ("Panama",)}, {"country": ("Panama", "Mexico"), "year": ("2012", "2015")}])
def test_facet_counts_equal_a_brute_force_count(engine, q, filters):
    page = search(engine, SearchParams(q=q, per_page=100, **filters))
    gen = engine.generation()
    stored = {doc: gen.stored(doc) for doc in gen.live}
    values = {
        doc: {
            "country": set(filter(None, fields["country_value"].split(","))),
            "official": set(filter(None, fields["official_value"].split(","))),
            "year": {fields["year"] or NO_DATE},  # releases with no date count under "none"
            "issuer": {fields["issuer_value"]} if fields.get("issuer_value") else set(),
            "kind": {fields["kind"]} if fields.get("kind") else set(),
            "language": {fields["language"]} if fields.get("language") else set(),
        }
        for doc, fields in stored.items()
    }
    reading_matches = set(gen.live) if not q else set(gen.whoosh_matches(prepared(gen, q)) & gen.live)

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


def allowed_by(gen, filters) -> FrozenBitMap:
    allowed = gen.live
    for facet, values in filters.items():
        allowed &= FrozenBitMap().union(*(gen.facets[facet].values.get(v, FrozenBitMap()) for v in values))
    return allowed


RANKED = [
    '"border security"', '"secretary of homeland security"', '"border security" OR panama', 'title:"letter of intent"',
    '"border security" -mexico', '"homeland security" "border security"', "security",
    '"homeland security" OR "security homeland"', "aviation security", "(disaster OR emergency) preparedness",
    "security^2 border", '"border security"^3 OR panama', "border AND NOT panama", "NOT cooperation",
    "secur*", '"border security"~3', "date:[2011-01-01 TO 2015-12-31] security",
]


@pytest.mark.parametrize("q", RANKED)
@pytest.mark.parametrize("filters", [{}, {"country": ("Panama", "Mexico")}, {"year": ("2012",)}])
def test_a_ranked_page_equals_whoosh_search(engine, q, filters):
    """Through search(): the page lists Whoosh's own top matches, with its scores. (When
    fewer than a handful have all the words, releases with most of them follow: the
    ones with all come first, in Whoosh's order.)"""
    page = search(engine, SearchParams(q=q, per_page=20, **filters))
    gen = engine.generation()
    query = prepared(gen, q.replace("-mexico", "NOT mexico"))
    allowed = allowed_by(gen, filters)
    whoosh_total = len(gen.whoosh_matches(query) & allowed)
    expected = [(gen.stored(doc)["id"], round(score, 4)) for doc, score in exact_top(gen, query, 20, allowed)]
    got = [(hit.id, hit.score) for hit in page.results]
    if page.match == "all":
        assert (page.total, got) == (whoosh_total, expected)
    else:
        assert whoosh_total < 5 and page.total > whoosh_total
        assert [hit.missing for hit in page.results[:whoosh_total]] == [[]] * whoosh_total
        assert [hit_id for hit_id, _ in got[:whoosh_total]] == [hit_id for hit_id, _ in expected]


@pytest.mark.parametrize("q", ["security", "", "border -panama"])
def test_results_without_snippets_come_from_the_facts_column_and_equal_those_with(engine, q, monkeypatch):
    """A result list without snippets (an official's page, the similar releases) reads
    each result from the facts column, not the stored record with its whole body, and
    shows the same as a list with snippets."""
    params = SearchParams(q=q, per_page=50)
    with_snippets = search(engine, params, facets=False, snippets=True).results
    monkeypatch.setattr(Generation, "stored", lambda self, doc: pytest.fail(f"read the stored record of {doc}"))
    without = search(engine, params, facets=False, snippets=False).results
    assert len(without) > 1
    assert without == [replace(hit, snippet=Markup("")) for hit in with_snippets]


def test_date_sorting_equals_sorting_the_stored_dates(engine):
    gen = engine.generation()
    for sort in ("newest", "oldest"):
        page = search(engine, SearchParams(q="security", sort=sort, per_page=100))
        stored = [gen.stored(gen.doc_number(hit.id)) for hit in page.results]
        dated = [(s["date"], s["id"]) for s in stored if s["date"]]
        expected = sorted(dated, key=lambda d: d[1])  # ties by id, then a stable sort by date
        expected.sort(key=lambda d: d[0], reverse=sort == "newest")
        assert dated == expected
        assert all(s["date"] for s in stored[: len(dated)])  # unknown dates last either way


def test_an_index_without_term_sequences_still_answers_phrases(tmp_path, monkeypatch):
    """An index written before the TERM_SEQUENCES columns (schema 1, with word positions)
    is served until the next indexing run rebuilds it: its phrases go to Whoosh's own matcher."""
    from whoosh import index as whoosh_index

    from indexer import store
    from indexer.parse import parse_release
    from indexer.schema import TERM_SEQUENCES, build_schema, release_document
    from tests.conftest import CORPUS

    monkeypatch.setattr("indexer.schema.TEXT_POSITIONS", True)
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
    engine = Engine(tmp_path / "index")
    gen = engine.generation()
    assert gen.term_sequences == {}
    for q in ['"border security"', '"letter of intent" OR panama']:
        page = search(engine, SearchParams(q=q, per_page=20))
        query = prepared(gen, q)
        assert page.total == len(gen.whoosh_matches(query)) > 0
        assert [hit.id for hit in page.results] == [gen.stored(doc)["id"] for doc, _ in exact_top(gen, query, 20)]


@pytest.mark.parametrize("q", ['"border security"', '"secretary of homeland security"', '"border security"~3',
                               '"security border"~4', 'title:"letter of intent"', '"homeland security" panama'])
def test_an_index_without_positions_finds_the_phrases_whoosh_finds_with_them(tmp_path, monkeypatch, q):
    """The app's index keeps no word positions (indexer.schema.TEXT_POSITIONS): its phrases,
    in a row or within a slop, are the releases Whoosh's phrase matcher finds in the same
    corpus indexed with positions."""
    from tests.conftest import CORPUS

    plain = Engine(update_index_into(CORPUS, tmp_path / "plain")).generation()
    assert not plain.schema["body"].format.supports("positions")
    monkeypatch.setattr("indexer.schema.TEXT_POSITIONS", True)
    positional = Engine(update_index_into(CORPUS, tmp_path / "positional")).generation()
    found = release_ids(plain, matches(plain, prepared(plain, q)))
    assert found and found == release_ids(positional, positional.whoosh_matches(prepared(positional, q)))


def update_index_into(corpus, index_dir):
    update_index(corpus, index_dir)
    return index_dir


def release_ids(gen: Generation, docs) -> list[str]:
    return sorted(gen.stored(doc)["id"] for doc in docs)


def test_a_phrase_whose_last_word_runs_on_is_not_a_match_but_a_later_one_is():
    """The phrase scan looks for b" joint secur program" and then checks the space after it."""
    from webapp.engine import _holding_words

    sequences = [
        b" joint secur programm other ",  # only a longer last word: no match
        b" joint secur programm joint secur program ",  # the run-on first, then the phrase
        b" a joint secur program ",  # the phrase ends the release
        b" joint secur program",  # (cut before its last space: the next release's bytes follow)
        b" x ",
    ]
    mapping, spans, start = b"".join(sequences), [], 0
    for doc, sequence in enumerate(sequences):
        spans.append((doc, start, start + len(sequence)))
        start += len(sequence)
    assert _holding_words(mapping, b" joint secur program ", spans) == [1, 2]
    assert _holding_words(mapping, b" joint secur programm ", spans) == [0, 1]
