"""Title words and two-word title phrases kept beside the index for suggestions while
typing: exact after every run (added releases add, replaced and removed ones subtract, a
rebuild starts empty), whichever process wrote the release."""

import json
from collections import Counter

import pytest

from indexer import store, vocabulary
from indexer.build import update_index


def test_title_terms_are_words_and_adjacent_pairs_without_stop_words():
    assert vocabulary.title_terms("U.S. and Panama Sign a Letter of Intent to Increase Security Cooperation") == {
        "panama", "sign", "letter", "intent", "increase", "security", "cooperation",
        "panama sign", "increase security", "security cooperation",
    }


def test_marks_numbers_and_possessives_end_a_phrase_and_accents_stay():
    terms = vocabulary.title_terms("Calderón’s 2011 Visit: Border Security, Trade")
    assert terms == {"calderón", "visit", "border", "security", "trade", "border security"}
    assert vocabulary.title_terms("Declaración conjunta de los Estados Unidos") == {
        "declaración", "conjunta", "estados", "unidos", "declaración conjunta", "estados unidos",
    }
    assert vocabulary.title_terms("") == set() == vocabulary.title_terms("2011 -- ###")


def write(corpus, name: str, title: str) -> None:
    """A release whose title is fixed by its sidecar."""
    (corpus / f"{name}.txt").write_text(f"WASHINGTON - {title}. Officials met on border matters.\n")
    (corpus / f"{name}.meta.json").write_text(json.dumps({"title": title, "date": "2019-01-02"}))


def expected(titles: dict[str, str]) -> Counter:
    """Brute force: each title term counted once per release that has it."""
    return Counter(term for title in titles.values() for term in vocabulary.title_terms(title))


@pytest.mark.parametrize("parallel", [False, True], ids=["one writer", "two writer processes"])
def test_title_terms_stay_exact_across_add_update_remove_and_rebuild(tmp_path, monkeypatch, parallel):
    monkeypatch.setattr("indexer.build.PARALLEL_FROM", 2 if parallel else 10_000)
    corpus, index = tmp_path / "corpus", tmp_path / "index"
    corpus.mkdir()
    titles = {
        "a": "Border Security Talks with Panama",
        "b": "Secretary Napolitano Discusses Border Security",
        "c": "Panama and Mexico Sign Border Security Compact",
    }
    for name, title in titles.items():
        write(corpus, name, title)
    update_index(corpus, index)
    live = store.live_index_path(index)
    assert vocabulary.read_titles(live) == expected(titles)
    assert vocabulary.read_titles(live)["border security"] == 3

    titles["a"] = "Trade Talks with Panama"  # replaced
    write(corpus, "a", titles["a"])
    for name in ("b",):  # removed
        del titles[name]
        (corpus / f"{name}.txt").unlink()
        (corpus / f"{name}.meta.json").unlink()
    titles["d"] = "Secretary Johnson Visits Panama"  # added
    titles["e"] = "Trade Talks Resume"
    write(corpus, "d", titles["d"])
    write(corpus, "e", titles["e"])
    summary = update_index(corpus, index)
    assert (len(summary.added), len(summary.updated), len(summary.removed)) == (2, 1, 1)
    assert vocabulary.read_titles(live) == expected(titles)
    assert vocabulary.read_titles(live)["trade talks"] == 2
    assert "napolitano" not in vocabulary.read_titles(live)

    update_index(corpus, index, rebuild=True)
    assert vocabulary.read_titles(store.live_index_path(index)) == expected(titles)


def test_the_title_file_keeps_the_most_used_terms_when_over_its_bound(tmp_path, monkeypatch):
    monkeypatch.setattr("indexer.vocabulary.MAX_TITLE_TERMS", 2)
    vocabulary.update(tmp_path, vocabulary.Counts(titles=Counter({"border": 3, "border security": 2, "trade": 1})),
                      vocabulary.Counts())
    assert vocabulary.read_titles(tmp_path) == Counter({"border": 3, "border security": 2})
