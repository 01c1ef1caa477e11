"""The spelling vocabulary kept beside the index: the words releases use, kept exact by
each run's changes."""

from hypothesis import given, settings
from hypothesis import strategies as st

from indexer import store, vocabulary
from indexer.build import update_index
from indexer.gazetteer import fold


def test_words_are_folded_letters_of_three_or_more(tmp_path):
    assert vocabulary.words_of("Calderón met U.S. officials in 2011: OK?") == {"calderon", "met", "officials"}


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="abcXYZéÉñÑüçØ019 ._'’-\n", max_size=80))
def test_the_words_of_the_analysis_tokens_are_the_letter_runs_of_the_text(text):
    # The writer counts words from the tokens its analysis found; they must be the runs
    # of three to thirty letters of the folded, lower-cased text, as a word is defined.
    assert vocabulary.words_of_tokens(vocabulary.analysis_tokens(text)) == set(vocabulary.WORD.findall(fold(text).lower()))


def test_a_token_of_digits_dots_or_over_thirty_letters_is_split_into_words():
    tokens = ["U.S", "COVID19ABC", "a" * 35, "Ñandú", "ok"]
    assert vocabulary.words_of_tokens(tokens) == {"covid", "abc", "a" * 30, "aaaaa", "nandu"}


def test_each_run_adds_the_words_of_new_releases_and_takes_away_removed_ones(tmp_path):
    corpus, index = tmp_path / "corpus", tmp_path / "index"
    corpus.mkdir()
    (corpus / "a.txt").write_text("Secretary Napolitano discussed border security.\n")
    (corpus / "b.txt").write_text("Border security in Guatemala.\n")
    update_index(corpus, index)
    live = store.live_index_path(index)
    words = vocabulary.read(live)
    assert (words["border"], words["security"], words["napolitano"], words["guatemala"]) == (2, 2, 1, 1)

    (corpus / "a.txt").write_text("Secretary Johnson discussed border security.\n")  # replaced
    (corpus / "b.txt").unlink()  # removed
    (corpus / "c.txt").write_text("Honduras and border trade.\n")  # added
    update_index(corpus, index)
    words = vocabulary.read(live)
    assert "napolitano" not in words and "guatemala" not in words
    assert (words["border"], words["security"], words["johnson"], words["honduras"]) == (2, 1, 1, 1)


def test_a_rebuild_starts_from_the_corpus_alone(tmp_path):
    corpus, index = tmp_path / "corpus", tmp_path / "index"
    corpus.mkdir()
    (corpus / "a.txt").write_text("Border security talks.\n")
    update_index(corpus, index)
    (corpus / "a.txt").write_text("Trade talks.\n")
    update_index(corpus, index, rebuild=True)
    assert dict(vocabulary.read(store.live_index_path(index))) == {"trade": 1, "talks": 1}
