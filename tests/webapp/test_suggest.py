"""Suggestions while typing (/api/suggest): officials, countries, title words and title
phrases that start with what was typed, with counts checked against the seed releases."""

import re
import time
from collections import Counter
from urllib.parse import quote

import pytest

from tests.webapp.conftest import NEWEST_FIRST
from webapp.suggest import MAX_PREFIX_CHARS, MAX_SUGGESTIONS, Completions, Suggestion


@pytest.fixture(scope="module")
def seeds(corpus_index) -> dict[str, Counter]:
    """Brute force from /api/releases/<id>: releases per official, per country, per title
    word and per pair of adjacent title words."""
    from webapp import create_app

    client = create_app({"TESTING": True, "RELEASE_SEARCH_INDEX_DIR": corpus_index}).test_client()
    out = {"official": Counter(), "country": Counter(), "word": Counter(), "phrase": Counter()}
    for rid in NEWEST_FIRST:
        release = client.get(f"/api/releases/{rid}").get_json()
        out["official"].update(release["officials"])
        out["country"].update(release["countries"])
        words = re.findall(r"[a-z]+", release["title"].lower())
        out["word"].update(set(words))
        out["phrase"].update({f"{a} {b}" for a, b in zip(words, words[1:])})
    return out


def suggest(client, q: str) -> list[dict]:
    response = client.get("/api/suggest?q=" + quote(q))
    assert response.status_code == 200, response.get_data(as_text=True)
    answer = response.get_json()
    assert answer["q"] == " ".join(q.split())
    return answer["suggestions"]


def test_an_official_is_found_by_the_start_of_any_of_their_names(client, seeds):
    for typed in ("napol", "Janet N", "JANET", "napolitano"):
        assert suggest(client, typed)[0] == {
            "text": "Janet Napolitano", "kind": "official", "count": seeds["official"]["Janet Napolitano"],
            "url": "/official/Janet%20Napolitano",
        }
    assert suggest(client, "calderon")[0]["text"] == "Felipe Calderón"  # accents folded
    assert suggest(client, "chad f. w")[0]["text"] == "Chad F. Wolf"


def test_a_country_comes_with_its_release_count_and_page(client, seeds):
    (panama,) = [s for s in suggest(client, "pan") if s["kind"] == "country"]
    assert panama == {"text": "Panama", "kind": "country", "count": seeds["country"]["Panama"], "url": "/country/Panama"}
    assert seeds["country"]["Panama"] == 3
    assert "panama" not in [s["text"] for s in suggest(client, "pan")]  # the title word is the country's


def test_title_words_and_phrases_with_their_release_counts(client, seeds):
    found = {(s["text"], s["kind"]): s for s in suggest(client, "secur")}
    assert found["security", "word"]["count"] == seeds["word"]["security"] == 2
    assert found["security", "word"]["url"] == "/search?q=security"
    assert found["security cooperation", "phrase"]["count"] == seeds["phrase"]["security cooperation"] == 1
    assert found["security cooperation", "phrase"]["url"] == "/search?q=%22security+cooperation%22"
    (central,) = [s for s in suggest(client, "central am") if s["text"] == "central american"]
    assert (central["kind"], central["count"]) == ("phrase", seeds["phrase"]["central american"]) == ("phrase", 2)
    assert [s["text"] for s in suggest(client, "of the")] == []  # stop words make no phrase


def test_at_most_eight_best_first(client, seeds):
    candidates = [n for kind in seeds.values() for n in kind if re.search(r"(^|\s)s", n.lower())]
    assert len(candidates) > MAX_SUGGESTIONS
    found = suggest(client, "s")
    assert len(found) == MAX_SUGGESTIONS == 8
    counts = [s["count"] for s in found]
    assert counts == sorted(counts, reverse=True)
    # Names are found by any of their words: "states", "salvador".
    assert [(s["text"], s["kind"], s["count"]) for s in found[:4]] == [
        ("United States", "country", seeds["country"]["United States"]),
        ("El Salvador", "country", seeds["country"]["El Salvador"]),
        ("secretary", "word", seeds["word"]["secretary"]),
        ("security", "word", seeds["word"]["security"]),
    ]
    assert counts[:4] == [5, 3, 2, 2]


@pytest.mark.parametrize("raw", [
    "", "+++", "zzzz", "%25", "%00", "%F0%9F%99%82", "%27%22%3Cscript%3E", "%5C", "*", "((", "%ED%A0%80", "%FF%FE",
    "a" * MAX_PREFIX_CHARS, "&q=a&q=b",
])
def test_empty_and_odd_input_is_answered_with_200(client, raw):
    response = client.get("/api/suggest?q=" + raw)
    assert response.status_code == 200
    assert response.get_json()["suggestions"] == []


def test_no_q_at_all_is_an_empty_answer(client):
    assert client.get("/api/suggest").get_json() == {"q": "", "suggestions": []}


def test_a_text_longer_than_a_prefix_is_a_400_with_a_sentence(client):
    response = client.get("/api/suggest", query_string={"q": "a" * (MAX_PREFIX_CHARS + 1)})
    assert response.status_code == 400
    assert response.get_json() == {
        "error": "'q' is what has been typed so far, at most 100 characters, not 101; to search a longer text, use /api/search"
    }


def test_completions_rank_by_count_then_kind_and_find_each_entry_once():
    completions = Completions([
        Suggestion("John Johnson", "official", 3),
        Suggestion("johnson", "word", 3),
        Suggestion("Jordan", "country", 5),
        Suggestion("joint statement", "phrase", 3),
    ])
    assert [s.text for s in completions.complete("jo")] == ["Jordan", "John Johnson", "johnson", "joint statement"]
    assert [s.text for s in completions.complete("johnson")] == ["John Johnson", "johnson"]
    assert completions.complete("jo", limit=2) == [Suggestion("Jordan", "country", 5), Suggestion("John Johnson", "official", 3)]


def test_a_later_title_file_is_picked_up_by_the_same_generation(own_client, write_release, tmp_path):
    """The indexing command writes the title terms after its commit: a worker that opened
    the new generation in between must not keep suggesting from the old file."""
    from indexer import store, vocabulary

    write_release("a.txt", "Border talks.\n", {"title": "Border Talks in Panama", "date": "2019-01-02"})
    client = own_client()
    assert [s["text"] for s in suggest(client, "bord")] == ["border", "border talks"]
    live = store.live_index_path(tmp_path / "own-index")
    vocabulary.update(live, vocabulary.Counts(titles=Counter({"borderlands": 7})), vocabulary.Counts())
    assert [s["text"] for s in suggest(client, "bord")][0] == "borderlands"


def test_building_the_completions_is_not_charged_to_the_request_s_time_budget(corpus_index, monkeypatch):
    """Like warming a new index generation: a build cut short by the budget would be
    started again by every request and never kept."""
    from webapp import create_app, suggest as module

    built = module.entries_of

    def slow(gen):
        time.sleep(0.6)
        return built(gen)

    monkeypatch.setattr(module, "entries_of", slow)
    app = create_app({"TESTING": True, "RELEASE_SEARCH_INDEX_DIR": corpus_index, "RELEASE_SEARCH_REQUEST_SECONDS": 0.3})
    client = app.test_client()
    assert [s["text"] for s in suggest(client, "napol")][:1] == ["Janet Napolitano"]
