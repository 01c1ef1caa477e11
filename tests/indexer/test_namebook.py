"""Officials across the corpus (indexer.namebook): pure rules, then the indexing run that keeps
the book beside the index, re-reads only the releases a change affects, and forgets a name
when the release that gave it is removed."""

from pathlib import Path

import pytest

from whoosh import index as whoosh_index

from indexer import store
from indexer.build import update_index
from indexer.namebook import NameBook, ReleaseNames

DEGENHART = ReleaseNames(full=(("Enrique Degenhart", "Minister"),))
OPEN = ReleaseNames(short=(("Minister", "Degenhart"),))


def test_a_surname_resolves_to_the_one_person_another_release_names_with_that_post():
    book = NameBook({"a": DEGENHART, "b": OPEN})
    assert book.resolve("b", OPEN).people == {"Degenhart": "Enrique Degenhart"}
    assert book.resolve("b", ReleaseNames(short=(("Ambassador", "Degenhart"),))).people == {}  # another post
    assert NameBook({"b": OPEN}).resolve("b", OPEN).people == {}  # nobody named in full
    two = NameBook({"a": DEGENHART, "c": ReleaseNames(full=(("Ana Degenhart", "Security Minister"),)), "b": OPEN})
    assert two.resolve("b", OPEN).people == {}  # two ministers of that name: none


def test_spanish_double_surnames_and_spellings():
    book = NameBook({"a": ReleaseNames(full=(("Miguel Ángel Osorio Chong", "secretario"),)),
                     "b": ReleaseNames(full=(("Julián Pacheco", "Minister"),)),
                     "c": ReleaseNames(full=(("Julian Pacheco", "Minister"),))})
    assert book.resolve("x", ReleaseNames(short=(("Secretary", "Osorio Chong"), ("Secretario", "Osorio")))).people == {
        "Osorio Chong": "Miguel Ángel Osorio Chong", "Osorio": "Miguel Ángel Osorio Chong"
    }
    assert book.resolve("c", book.releases["c"]).spelling == {"Julian Pacheco": "Julián Pacheco"}
    assert book.spell("Augustín Carstens") == "Agustín Carstens"  # officials.json's, one letter off


def test_affected_are_the_releases_whose_reading_changes():
    before = NameBook({"b": OPEN, "d": ReleaseNames(short=(("Minister", "Pacheco"),))})
    after = before.updated({"a": DEGENHART})
    assert after.affected(before, changed={"a"}, skip={"a"}) == {"b"}
    assert after.updated({}, removed=["a"]).affected(after, changed={"a"}) == {"b"}
    assert after.updated({"e": ReleaseNames(full=(("Luis Portman", "Director"),))}).affected(
        after, changed={"e"}, skip={"e"}) == set()
    assert before.releases == {"b": OPEN, "d": ReleaseNames(short=(("Minister", "Pacheco"),))}  # books do not change


def test_an_updated_book_reads_as_one_built_afresh():
    releases = {"a": DEGENHART, "b": OPEN, "c": ReleaseNames(full=(("Julián Pacheco", "Minister"),)),
                "d": ReleaseNames(full=(("Julian Pacheco", "Minister"),), short=(("Minister", "Degenhart"),))}
    book = NameBook(releases)
    changes = {"c": ReleaseNames(full=(("Enrique Degenhart", "Ambassador"),)), "e": OPEN}
    updated, afresh = book.updated(changes, removed=["a"]), NameBook({**{k: v for k, v in releases.items() if k != "a"}, **changes})
    for book_ in (updated, afresh):
        assert {rid: book_.resolve(rid, names) for rid, names in book_.releases.items()} == {
            rid: afresh.resolve(rid, names) for rid, names in afresh.releases.items()}
    assert (updated._full, updated._short, updated._spellings, updated._by_spelling) == (
        afresh._full, afresh._short, afresh._spellings, afresh._by_spelling)
    assert {n: +c for n, c in updated._posts.items()} == afresh._posts
    assert book.resolve("b", OPEN).people == {"Degenhart": "Enrique Degenhart"}  # the old book is as it was


def test_the_book_is_saved_for_one_generation(tmp_path):
    book = NameBook({"a": DEGENHART, "b": OPEN})
    book.save(tmp_path, 7)
    assert NameBook.load(tmp_path, 7).releases == book.releases
    assert NameBook.load(tmp_path, 8) is None


MENTION = "TEGUCIGALPA — Minister Degenhart met the delegation to discuss port security.\n"
FULL = "GUATEMALA CITY — Guatemalan Minister of Government Enrique Degenhart signed the port agreement.\n"


def officials(index_dir: Path) -> dict[str, str]:
    ix = whoosh_index.open_dir(str(store.live_index_path(index_dir)))
    with ix.searcher() as searcher:
        return {doc["id"]: doc["official_value"] for doc in searcher.all_stored_fields()}


def test_a_run_resolves_across_releases_and_forgets_a_removed_name(tmp_path, monkeypatch):
    corpus, index_dir = tmp_path / "corpus", tmp_path / "index"
    corpus.mkdir()
    (corpus / "mention.txt").write_text(MENTION)
    (corpus / "other.txt").write_text("WASHINGTON — Secretary Napolitano spoke about ports.\n")
    update_index(corpus, index_dir)
    assert officials(index_dir)["mention.txt"] == ""  # nobody in the corpus names him yet

    reads = []
    from indexer import load
    real = load.read_release_files
    monkeypatch.setattr(load, "read_release_files", lambda source, *a: reads.append(source.relpath) or real(source, *a))
    (corpus / "full.txt").write_text(FULL)
    summary = update_index(corpus, index_dir)
    assert (summary.added, summary.updated) == (["full.txt"], [])
    assert officials(index_dir) == {"mention.txt": "Enrique Degenhart", "other.txt": "Janet Napolitano",
                                    "full.txt": "Enrique Degenhart"}
    assert sorted(reads) == ["full.txt", "mention.txt"]  # not other.txt: its reading did not change

    reads.clear()
    (corpus / "full.txt").unlink()
    update_index(corpus, index_dir)
    assert officials(index_dir) == {"mention.txt": "", "other.txt": "Janet Napolitano"}
    assert reads == ["mention.txt"]


def test_releases_added_in_one_run_resolve_each_other(tmp_path):
    corpus, index_dir = tmp_path / "corpus", tmp_path / "index"
    corpus.mkdir()
    (corpus / "a-mention.txt").write_text(MENTION)
    (corpus / "b-full.txt").write_text(FULL)
    update_index(corpus, index_dir)
    assert officials(index_dir)["a-mention.txt"] == "Enrique Degenhart"
    ix = whoosh_index.open_dir(str(store.live_index_path(index_dir)))
    assert ix.doc_count() == 2  # the first version of a-mention.txt is gone, not duplicated


def test_a_lost_book_is_rebuilt_from_the_index(tmp_path):
    corpus, index_dir = tmp_path / "corpus", tmp_path / "index"
    corpus.mkdir()
    (corpus / "mention.txt").write_text(MENTION)
    update_index(corpus, index_dir)
    (store.live_index_path(index_dir) / NameBook.FILE).unlink()
    (corpus / "full.txt").write_text(FULL)
    update_index(corpus, index_dir)
    assert officials(index_dir)["mention.txt"] == "Enrique Degenhart"


def test_two_writer_processes_share_their_names_before_writing_the_open_ones(tmp_path, monkeypatch):
    monkeypatch.setattr("indexer.build.PARALLEL_FROM", 2)  # a second writer process for four releases
    corpus, index_dir = tmp_path / "corpus", tmp_path / "index"
    corpus.mkdir()
    (corpus / "a-full.txt").write_text(FULL)  # this process writes a and c; the other b and d
    (corpus / "b-mention.txt").write_text(MENTION)
    (corpus / "c-other.txt").write_text("WASHINGTON — Secretary Napolitano spoke about ports.\n")
    (corpus / "d-mention.txt").write_text(MENTION.replace("TEGUCIGALPA", "SAN SALVADOR"))
    update_index(corpus, index_dir)
    assert officials(index_dir) == {"a-full.txt": "Enrique Degenhart", "b-mention.txt": "Enrique Degenhart",
                                    "c-other.txt": "Janet Napolitano", "d-mention.txt": "Enrique Degenhart"}
    assert whoosh_index.open_dir(str(store.live_index_path(index_dir))).doc_count() == 4


def test_a_run_that_changes_nothing_keeps_the_book_without_reading_it(tmp_path, monkeypatch):
    corpus, index_dir = tmp_path / "corpus", tmp_path / "index"
    corpus.mkdir()
    (corpus / "full.txt").write_text(FULL)
    update_index(corpus, index_dir)
    monkeypatch.setattr(NameBook, "load", lambda *a: pytest.fail("the book was read"))
    update_index(corpus, index_dir)
    monkeypatch.undo()
    live = store.live_index_path(index_dir)
    generation = whoosh_index.open_dir(str(live)).latest_generation()
    assert NameBook.load(live, generation).releases == {"full.txt": ReleaseNames(full=(("Enrique Degenhart", "Minister"),))}
