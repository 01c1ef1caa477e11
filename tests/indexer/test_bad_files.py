"""One bad file never stops a run (issue 9): each is reported with its path, printed
safely, and a reason; every other release is indexed and the run commits.

Each test is named after the fault it pins; each failed on the code before its fix.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from whoosh import index as whoosh_index

from indexer import store
from indexer.build import update_index
from indexer.cli import main
from indexer.load import bounded_text
from reliability import child_env
from tests.conftest import REPO
from webapp import create_app

GOOD = "WASHINGTON -- Secretary of Homeland Security Jeh Johnson met officials from Panama about border security.\n"
SEEDS = 5  # releases in the bundled corpus


def stored(index_dir: Path) -> dict[str, dict]:
    """id -> stored fields of every live document."""
    ix = whoosh_index.open_dir(store.live_index_path(index_dir))
    with ix.searcher() as searcher:
        return {doc["id"]: doc for doc in searcher.all_stored_fields()}


def index_command(corpus_dir: Path, index_dir: Path) -> subprocess.CompletedProcess:
    """The indexing command as a person runs it, its output as bytes (names may not be UTF-8)."""
    return subprocess.run([sys.executable, "-m", "indexer", "index", str(corpus_dir), "--index-dir", str(index_dir)],
                          cwd=REPO, capture_output=True, env=child_env(), timeout=120)


def test_a_sidecar_nested_100000_deep_is_a_warning_not_a_recursion_error(corpus_dir, index_dir):
    (corpus_dir / "deep.txt").write_text("Deep sidecar\n\n" + GOOD)
    (corpus_dir / "deep.meta.json").write_text("[" * 100_000 + "]" * 100_000)
    summary = update_index(corpus_dir, index_dir)
    assert summary.warnings == [("deep.txt", "sidecar is nested too deeply to read (JSON arrays or objects "
                                             "inside each other); indexed without the sidecar")]
    assert len(stored(index_dir)) == SEEDS + 1


@pytest.mark.parametrize("field", ["countries", "officials"])
def test_a_lone_surrogate_in_a_sidecar_list_is_replaced_not_a_unicode_error(corpus_dir, index_dir, field):
    (corpus_dir / "sur.txt").write_text("Surrogate sidecar\n\n" + GOOD)
    (corpus_dir / "sur.meta.json").write_text('{"%s": ["x\\ud800"]}' % field)  # the JSON escape, as a file holds it
    summary = update_index(corpus_dir, index_dir)
    assert (summary.failed, summary.added[-1]) == ([], "sur.txt")
    value = {"countries": "country_value", "officials": "official_value"}[field]
    assert stored(index_dir)["sur.txt"][value] == "x\ufffd"


def test_a_lone_surrogate_in_a_sidecar_title_is_replaced_and_every_page_still_answers(corpus_dir, index_dir):
    (corpus_dir / "sur.txt").write_text("Surrogate title\n\n" + GOOD)
    (corpus_dir / "sur.meta.json").write_text('{"title": "Sur \\ud800 title"}')
    update_index(corpus_dir, index_dir)
    assert stored(index_dir)["sur.txt"]["title"] == "Sur \ufffd title"
    client = create_app({"TESTING": True, "RELEASE_SEARCH_INDEX_DIR": index_dir}).test_client()
    for url in ("/", "/search?q=surrogate", "/search?q=border", "/api/search?q=title", "/release/sur.txt"):
        assert client.get(url).status_code == 200, url


def test_a_file_name_that_is_not_utf8_is_reported_and_the_rest_indexed(corpus_dir, index_dir):
    with open(os.path.join(os.fsencode(corpus_dir), b"bad\xff name.txt"), "w") as f:
        f.write("Latin-1 name\n\n" + GOOD)
    (corpus_dir / "new.txt").write_text("A good new release\n\n" + GOOD)
    done = index_command(corpus_dir, index_dir)
    assert b"Traceback" not in done.stderr
    assert b"failed: bad\\xff name.txt: the file name is not valid UTF-8; rename it to UTF-8 to index it\n" in done.stderr
    assert done.returncode == 1
    assert sorted(stored(index_dir)) == sorted([*(p.name for p in corpus_dir.glob("0*.txt")), "new.txt"])


def test_a_symlink_out_of_the_corpus_is_skipped_not_published(corpus_dir, index_dir, tmp_path):
    outside = tmp_path / "outside.txt"
    outside.write_text("Outside the corpus\n\n" + GOOD)
    (corpus_dir / "passwd.txt").symlink_to("/etc/passwd")
    (corpus_dir / "outside.txt").symlink_to(outside)
    (corpus_dir / "sub").mkdir()
    (corpus_dir / "sub" / "up.txt").symlink_to("../../outside.txt")
    (corpus_dir / "inside.txt").symlink_to(corpus_dir / "002_49c803ce4194f931.txt")  # stays in: indexed
    summary = update_index(corpus_dir, index_dir)
    reason = "a symbolic link to a file outside the corpus folder: not read"
    assert sorted(summary.skipped) == [("outside.txt", reason), ("passwd.txt", reason), ("sub/up.txt", reason)]
    assert not {"passwd.txt", "outside.txt", "sub/up.txt"} & set(stored(index_dir))
    assert "inside.txt" in stored(index_dir) and not summary.ok


def test_a_release_that_becomes_a_link_out_of_the_corpus_is_removed_from_the_index(corpus_dir, index_dir):
    update_index(corpus_dir, index_dir)
    release = corpus_dir / "002_49c803ce4194f931.txt"
    release.unlink()
    release.symlink_to("/etc/passwd")
    summary = update_index(corpus_dir, index_dir)
    assert summary.removed == ["002_49c803ce4194f931.txt"] and summary.skipped
    assert "002_49c803ce4194f931.txt" not in stored(index_dir)


def test_a_sidecar_linked_out_of_the_corpus_is_not_read(corpus_dir, index_dir, tmp_path):
    secret = tmp_path / "secret.json"
    secret.write_text('{"title": "A title from outside"}')
    (corpus_dir / "linked.txt").write_text("Linked sidecar\n\n" + GOOD)
    (corpus_dir / "linked.meta.json").symlink_to(secret)
    summary = update_index(corpus_dir, index_dir)
    assert summary.warnings == [("linked.txt", "the sidecar is a symbolic link to a file outside the corpus "
                                               "folder: not read; indexed without the sidecar")]
    assert stored(index_dir)["linked.txt"]["title"] != "A title from outside"


def test_file_names_with_terminal_escapes_are_printed_escaped(corpus_dir, index_dir):
    (corpus_dir / "evil\x1b]0;pwned\x07\x1b[31mred.txt").write_bytes(b"")
    result = CliRunner().invoke(main, ["index", str(corpus_dir), "--index-dir", str(index_dir)])
    assert "\x1b" not in result.output and "\x07" not in result.output
    assert "failed: evil\\x1b]0;pwned\\x07\\x1b[31mred.txt: empty file\n" in result.output


def test_file_names_with_cr_or_lf_index_under_their_own_id_and_print_on_one_line(corpus_dir, index_dir):
    (corpus_dir / "two\nlines.txt").write_text("Two lines\n\n" + GOOD)
    (corpus_dir / "carriage\rreturn.txt").write_text("Carriage return\n\n" + GOOD)
    (corpus_dir / "fake\nfailed: 001.txt").write_bytes(b"")
    result = CliRunner().invoke(main, ["index", str(corpus_dir), "--index-dir", str(index_dir)])
    docs = stored(index_dir)
    assert docs["two\nlines.txt"]["path"] == "two\nlines.txt" and "carriage\rreturn.txt" in docs
    assert "failed: fake\\nfailed: 001.txt: empty file\n" in result.output
    assert [line for line in result.output.splitlines() if line.startswith("failed:")] == [
        "failed: fake\\nfailed: 001.txt: empty file"
    ]


def _load_in_child(path: Path, limit: float = 30.0) -> tuple[float, float, str]:
    """Read, parse and make the index document of one file in a fresh process:
    (seconds, peak MB of the process, outcome). Fails the test if it takes over `limit`."""
    code = """if True:
        import resource, sys, time
        from pathlib import Path
        from indexer.load import load_release
        from indexer.schema import release_document
        from indexer.sources import SourceError
        path = Path(sys.argv[1])
        started = time.perf_counter()
        try:
            release_document(load_release(path, path.parent))
            outcome = "indexed"
        except SourceError as exc:
            outcome = f"failed: {exc}"
        print(time.perf_counter() - started, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, outcome, sep="\\t")
    """
    try:
        done = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True, text=True, timeout=limit,
                              env=child_env(), cwd=REPO)
    except subprocess.TimeoutExpired:
        pytest.fail(f"{path.name} ({path.stat().st_size:,} bytes) was still being read after {limit:.0f} s")
    assert done.returncode == 0, done.stderr[-2000:]
    seconds, peak, outcome = done.stdout.strip().split("\t")
    return float(seconds), float(peak), outcome


def test_an_html_file_of_a_million_attributes_is_bounded_in_time_and_memory(tmp_path):
    path = tmp_path / "attributes.html"
    path.write_text("<html><head><title>Attributes</title></head><body><p>Border security talks.</p>"
                    + "<i a=1 b=2 c=3 d=4 e=5>t</i>" * 300_000 + "</body></html>")  # 8.4 MB, 1.5 million attributes
    seconds, peak, outcome = _load_in_child(path)
    assert outcome == "failed: HTML of 300,005 elements; at most 50,000 are read"
    assert seconds < 5 and peak < 300, (seconds, peak)


def test_an_html_file_of_one_tag_with_a_million_attributes_is_refused(tmp_path):
    path = tmp_path / "one-tag.html"
    path.write_text("<html><body><p>Border security talks.</p><p "
                    + " ".join(f"a{i}" for i in range(1_000_000)) + ">x</p></body></html>")  # 6.9 MB
    seconds, peak, outcome = _load_in_child(path)
    assert outcome == "failed: HTML of more than 200,000 attributes; at most 200,000 are read"
    assert seconds < 5 and peak < 300, (seconds, peak)


def test_an_html_file_with_one_element_of_too_many_attributes_is_refused_in_time(tmp_path):
    # libxml2 compares each attribute of an element with the others: 40,000 took 2.4 s.
    path = tmp_path / "crowded.html"
    path.write_text("<html><body><p>Border security talks.</p><p "
                    + " ".join(f"a{i}=1" for i in range(40_000)) + ">x</p></body></html>")
    seconds, peak, outcome = _load_in_child(path)
    assert outcome == "failed: HTML with an element of more than 2,000 attributes; at most 2,000 are read"
    assert seconds < 2, seconds
    path.write_text("<html><body><p>Border security talks.</p><p "
                    + " ".join(f"a{i}=1" for i in range(2_000)) + ">x</p></body></html>")
    assert _load_in_child(path)[2] == "indexed"


def test_a_run_of_more_than_a_thousand_characters_without_a_space_is_cut_into_pieces():
    text, cut = bounded_text("Title\n\n" + "a" * 1_000 + " " + "b" * 2_500 + "\n", is_html=False)
    assert text.split() == ["Title", "a" * 1_000, "b" * 1_000, "b" * 1_000, "b" * 500] and cut is None
    assert bounded_text("a" * 1_000, is_html=False) == ("a" * 1_000, None)


def test_a_giant_hyphenated_word_is_bounded_in_memory(tmp_path):
    path = tmp_path / "aa.txt"
    path.write_text("Hyphens\n\n" + "Aa-" * 3_000_000 + "\n")  # 9 MB, one "word"
    seconds, peak, outcome = _load_in_child(path)
    assert outcome == "indexed"
    assert seconds < 10 and peak < 400, (seconds, peak)


def test_a_sidecar_of_20000_officials_is_a_warning_and_cheap(corpus_dir, index_dir):
    text = (REPO / "corpus" / "000_690fb21f9058b593.txt").read_text()
    (corpus_dir / "many.txt").write_text(text)
    (corpus_dir / "many.meta.json").write_text(json.dumps({"officials": [f"Official Number{i}" for i in range(20_000)]}))
    summary = update_index(corpus_dir, index_dir)
    assert summary.warnings == [("many.txt", "sidecar field 'officials' lists 20,000 values; at most 100 are "
                                             "allowed; indexed without the sidecar")]
    assert summary.seconds < 10 and "many.txt" in stored(index_dir)


def test_text_past_the_limit_is_left_out_with_a_warning(corpus_dir, index_dir):
    from indexer.load import MAX_TEXT_CHARS

    text = "A very long release\n\n" + "Border security cooperation. " * 40_000
    (corpus_dir / "long.txt").write_text(text)
    summary = update_index(corpus_dir, index_dir)
    end = text.rfind(" ", 0, MAX_TEXT_CHARS)
    assert summary.warnings == [("long.txt", f"text of {len(text):,} characters; only the first {end:,} are indexed")]
    body = stored(index_dir)["long.txt"]["body"]
    assert body.endswith(text[end - 40:end]) and len(body) < MAX_TEXT_CHARS
