"""The fused analyzer must index exactly as Whoosh's standard chain would."""

import pytest
from whoosh.analysis import CharsetFilter, LowercaseFilter, RegexTokenizer, StemFilter, StopFilter
from whoosh.lang.porter2 import stem
from whoosh.support.charset import accent_map

from indexer.schema import analyze, sequence_pattern, term_sequence, text_analyzer
from tests.conftest import CORPUS

REFERENCE = RegexTokenizer() | LowercaseFilter() | CharsetFilter(accent_map) | StopFilter() | StemFilter(stemfn=stem)
TEXT = " ".join(p.read_text() for p in sorted(CORPUS.glob("*.txt"))) + " Calderón Panamá a I e.g. U.S. 3.5 don't"


def tokens(analyzer, **kwargs):
    return [
        (t.text, getattr(t, "pos", None), getattr(t, "startchar", None), getattr(t, "endchar", None), t.stopped)
        for t in analyzer(TEXT, **kwargs)
    ]


@pytest.mark.parametrize(
    "kwargs",
    [
        {"positions": True, "chars": True},
        {"positions": True, "removestops": False},
        {"mode": "query"},
        {"tokenize": False},
    ],
)
def test_folding_stemmer_matches_the_standard_chain(kwargs):
    assert tokens(text_analyzer(), **kwargs) == tokens(REFERENCE, **kwargs)


def test_examples_from_the_issue():
    terms = lambda text: [t.text for t in text_analyzer()(text)]  # noqa: E731
    assert terms("running Panamá Calderón security secure") == ["run", "panama", "calderon", "secur", "secur"]


@pytest.mark.parametrize("text", [TEXT, "The Secretary of the Department", "of the and", ""])
def test_an_analyzed_value_indexes_the_same_terms_at_the_same_positions(text):
    analyzed = analyze(text)
    replayed = [(t.text, t.pos) for t in text_analyzer()(analyzed, positions=True, mode="index")]
    assert replayed == [(t.text, t.pos) for t in REFERENCE(text, positions=True, mode="index")]
    assert term_sequence(analyzed) == (" " + " ".join(t for t, _ in replayed) + " ").encode()


def spanish_and_english_index(tmp_path):
    """An index of one Spanish and one English release, written as the indexer writes them."""
    from whoosh import index as whoosh_index

    from indexer.release import Release
    from indexer.schema import build_schema, release_document

    ix = whoosh_index.create_in(str(tmp_path), build_schema())
    with ix.writer() as writer:
        for rid, language, title, body in (
            ("es.txt", "es", "Acuerdo de cooperación", "Los gobiernos firmaron un acuerdo para cooperar en seguridad."),
            ("en.txt", "en", "Cooperation agreements", "The governments signed agreements to cooperate on security."),
        ):
            release = Release(id=rid, path=rid, title=title, date=None, date_precision=None, officials=[],
                              countries=[], issuer=None, body=body, url=None, content_hash="h", language=language)
            writer.add_document(**release_document(release))
    return ix


def test_spanish_releases_are_stemmed_as_spanish_and_english_ones_as_before(tmp_path):
    from whoosh.qparser import MultifieldParser

    from indexer.schema import TEXT_FIELDS

    ix = spanish_and_english_index(tmp_path)
    parser = MultifieldParser(list(TEXT_FIELDS), ix.schema)
    with ix.searcher() as searcher:
        def found(query):
            return sorted(hit["id"] for hit in searcher.search(parser.parse(query)))

        assert found("cooperación") == ["es.txt"]  # finds "cooperar" and "cooperación"
        assert found("acuerdos") == ["es.txt"]  # finds "acuerdo"
        assert found("cooperacion") == ["es.txt"]  # typed without its accent
        assert found("agreement") == ["en.txt"]
        assert found("cooperate") == ["en.txt"]  # English stems: "cooper", so not the Spanish text
        stored = {hit["id"]: (hit["title"], hit["body"]) for hit in searcher.documents()}
        assert stored["es.txt"] == ("Acuerdo de cooperación", "Los gobiernos firmaron un acuerdo para cooperar en seguridad.")
        reader = searcher.reader()
        assert sorted(t.decode() for t in reader.lexicon("body")) == sorted(
            t for t in analyze("The governments signed agreements to cooperate on security.")
        )
        assert sorted(t.decode() for t in reader.lexicon("body_es")) == ["acuerd", "cooper", "firm", "gobi", "segur"]


def test_spanish_stemming_survives_words_its_rules_trip_on():
    """Regression: Whoosh's Snowball Spanish stemmer raised IndexError on words such as
    'crgue' (no vowel before the ending), so a query holding one answered 500, and a
    release holding one could not be indexed."""
    from whoosh.lang.snowball.spanish import SpanishStemmer

    from indexer.schema import SpanishFoldingStemmer

    with pytest.raises(IndexError):
        SpanishStemmer().stem("crgue")
    assert [t.text for t in SpanishFoldingStemmer()("crgue pgue acuerdos")] == ["crgue", "pgue", "acuerd"]


def test_a_sequence_pattern_finds_what_whoosh_s_phrase_finds_with_positions():
    """Phrases in a row and with a slop, on sequences of a few words repeated (where the
    rule's corner cases are), against Whoosh's own phrase matcher on word positions."""
    import random

    from whoosh import fields, query
    from whoosh.analysis import SpaceSeparatedTokenizer
    from whoosh.filedb.filestore import RamStorage

    rnd = random.Random(3)
    texts = [[rnd.choice("abcde") for _ in range(rnd.randint(1, 12))] for _ in range(300)]
    ix = RamStorage().create_index(fields.Schema(text=fields.TEXT(analyzer=SpaceSeparatedTokenizer(), phrase=True)))
    with ix.writer() as writer:
        for words in texts:
            writer.add_document(text=" ".join(words))
    with ix.searcher() as searcher:
        for _ in range(200):
            words, slop = [rnd.choice("abcde") for _ in range(rnd.randint(2, 4))], rnd.randint(1, 4)
            whoosh = set(searcher.docs_for_query(query.Phrase("text", words, slop=slop)))
            ours = {doc for doc, terms in enumerate(texts) if sequence_pattern(words, slop).search(term_sequence(terms))}
            assert ours == whoosh, (words, slop)
