"""The fused analyzer must index exactly as Whoosh's standard chain would."""

import pytest
from whoosh.analysis import CharsetFilter, LowercaseFilter, RegexTokenizer, StemFilter, StopFilter
from whoosh.lang.porter2 import stem
from whoosh.support.charset import accent_map

from indexer.schema import analyze, term_sequence, text_analyzer
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
