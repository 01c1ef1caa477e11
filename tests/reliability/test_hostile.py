"""Hostile release files among good ones: every good release indexed, every bad one
reported with its reason, the readable odd ones indexed with their text decoded right.

Tests run as root, which ignores permission bits, so "unreadable" is made with what
defeats root too: a dangling symlink and a symlink loop (open() fails), and a FIFO
(open() blocks until a writer comes; the indexer must not wait for one).
"""

import subprocess

import pytest

from indexer.build import update_index
from indexer.cli import printable
from indexer.load import MAX_TEXT_CHARS
from indexer.sources import OUTSIDE
from reliability import child_env, index_ids, indexer_argv
from reliability.hostile import (
    IGNORED_REASON,
    LATIN1_TEXT,
    SMART_QUOTES,
    TRUNCATED_TEXT,
    UTF16_TEXT,
    check_hostile,
    check_parse_time,
    distinct_words_release,
    write_fifo,
    write_hostile_corpus,
)
from webapp.engine import Engine
from webapp.search import get_release

SIDECAR = "; indexed without the sidecar"
FAILED = {
    "hostile/empty.txt": "empty file",
    "hostile/whitespace-only.txt": "empty file",
    "hostile/binary-nul.txt": "binary file (contains NUL bytes)",
    "hostile/binary-control.txt": "binary file (mostly control characters)",
    "hostile/large-50mb.txt": "too large: 52,428,796 bytes (limit 10,485,760)",
    "hostile/loop-a.txt": "cannot read: Too many levels of symbolic links",
    "hostile/loop-b.txt": "cannot read: Too many levels of symbolic links",
    "hostile/dangling.txt": "cannot read: No such file or directory",
    "hostile/bad\udcff name.txt": "the file name is not valid UTF-8; rename it to UTF-8 to index it",
    "hostile/html-300000-elements.html": "HTML of 300,005 elements; at most 50,000 are read",
}
DISTINCT = distinct_words_release()
WARNINGS = {
    "hostile/sidecar-invalid-json.txt": "sidecar is not valid JSON: Expecting property name enclosed in double quotes: "
    "line 1 column 46 (char 45)" + SIDECAR,
    "hostile/sidecar-wrong-date.txt": "sidecar date '2019-02-30' is not a real date: day is out of range for month" + SIDECAR,
    "hostile/sidecar-deep.txt": "sidecar is nested too deeply to read (JSON arrays or objects inside each other)" + SIDECAR,
    "hostile/sidecar-many-officials.txt": "sidecar field 'officials' lists 20,000 values; at most 100 are allowed" + SIDECAR,
    "hostile/distinct-words-9.8mb.txt": f"text of {len(DISTINCT):,} characters; "
    f"only the first {DISTINCT.rfind(' ', 0, MAX_TEXT_CHARS):,} are indexed",
    # One word of 9,000,000 characters: cut inside it, then into pieces of 1,000.
    "hostile/hyphenated-9mb-word.txt": "text of 9,000,010 characters; only the first 500,000 are indexed",
}
SKIPPED = {"hostile/passwd.txt": OUTSIDE}
IGNORED = {"hostile/README": IGNORED_REASON}
# The readable odd files, and a sentence each must decode to.
DECODED = {
    "hostile/windows-1252.txt": SMART_QUOTES,
    "hostile/latin-1.txt": LATIN1_TEXT,
    "hostile/utf-16-bom.txt": UTF16_TEXT,
    "hostile/utf-16be-bom.txt": UTF16_TEXT,
    "hostile/truncated-utf8.txt": TRUNCATED_TEXT,
    "hostile/deeply-nested-html.html": "Deeply nested marker text survives.",
    "hostile/unclosed-html.html": "Unclosed paragraph marker text about border security",
    "hostile/unclosed-title.html": "Paragraph about border security.",
    "hostile/script-html.html": "Hostilemarker visible paragraph about border security.",
    "hostile/Año nuevo — señal de paz (2).txt": "Señal de paz from the Ministerio in Panamá.",
    "hostile/sidecar-invalid-json.txt": "The sidecar beside this release is broken.",
    "hostile/sidecar-wrong-date.txt": "The sidecar date is February 30.",
    "hostile/loopdir/inside.txt": "A release in a folder with a loop.",
    "hostile/folder.txt/inside.txt": "A release inside folder.txt.",
    "hostile/sidecar-deep.txt": "The text of this release is fine.",
    "hostile/sidecar-many-officials.txt": "The text of this release is fine.",
    "hostile/sidecar-surrogate-countries.txt": "The text of this release is fine.",
    "hostile/sidecar-surrogate-officials.txt": "The text of this release is fine.",
    "hostile/sidecar-surrogate-title.txt": "The text of this release is fine.",
    "hostile/escape\x1b]0;pwned\x07\x1b[31mred.txt": "A release whose name holds an escape sequence.",
    "hostile/line\r\nbreak.txt": "A release whose name holds CR and LF.",
    "hostile/distinct-words-9.8mb.txt": DISTINCT.split("\n")[2],
    "hostile/country-mentions-10000.txt": "Officials from Panama met again.",
    "hostile/hyphenated-9mb-word.txt": "Aa-Aa-Aa",
}


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    """The hostile corpus among 30 generated releases, indexed once."""
    root = tmp_path_factory.mktemp("hostile")
    corpus = write_hostile_corpus(root / "corpus", good=30)
    summary = update_index(corpus.corpus_dir, root / "index")
    index = Engine(root / "index")
    yield corpus, summary, root / "index", index
    index.close()


def test_every_good_release_is_indexed_and_nothing_else(hostile):
    corpus, summary, index_dir, _ = hostile
    assert len(corpus.good) == 30
    assert sorted(summary.added) == sorted(corpus.good + list(DECODED))
    assert index_ids(index_dir) == sorted(corpus.good + list(DECODED))


def test_each_unreadable_file_is_reported_with_its_reason(hostile):
    _, summary, _, _ = hostile
    assert dict(summary.failed) == FAILED
    assert len(summary.failed) == len(FAILED)  # each once


def test_broken_sidecars_are_warnings_and_the_release_is_indexed_from_its_text(hostile):
    _, summary, _, index = hostile
    assert dict(summary.warnings) == WARNINGS
    for relpath in WARNINGS:
        detail = get_release(index, relpath)
        assert "Never used" not in detail.hit.title  # the sidecar's title was not applied
        assert detail.hit.date != "2019-02-30"


def test_files_without_a_release_extension_are_listed_as_ignored(hostile):
    _, summary, _, _ = hostile
    assert dict(summary.ignored) == IGNORED


def test_a_link_out_of_the_corpus_is_skipped_and_not_indexed(hostile):
    _, summary, index_dir, _ = hostile
    assert dict(summary.skipped) == SKIPPED
    assert "hostile/passwd.txt" not in index_ids(index_dir)


def test_lone_surrogates_in_sidecars_are_indexed_as_replacement_characters(hostile):
    _, _, _, index = hostile
    assert get_release(index, "hostile/sidecar-surrogate-title.txt").hit.title == "Sur \ufffd title"
    assert get_release(index, "hostile/sidecar-surrogate-countries.txt").hit.countries == ["x\ufffd"]
    assert get_release(index, "hostile/sidecar-surrogate-officials.txt").hit.officials == ["x\ufffd"]


@pytest.mark.parametrize("relpath", list(DECODED))
def test_readable_odd_files_are_indexed_with_their_text_decoded(hostile, relpath):
    _, _, _, index = hostile
    detail = get_release(index, relpath)
    assert detail is not None
    assert DECODED[relpath] in detail.body
    assert "\ufffd" not in detail.body and "Ã" not in detail.body and "â€" not in detail.body


def test_an_unclosed_title_does_not_run_the_words_of_the_title_together(hostile):
    """An unclosed <title> would hold the whole page; its text joined with no spaces would
    index one word, 'titleHeadingParagraph'."""
    _, _, _, index = hostile
    title = get_release(index, "hostile/unclosed-title.html").hit.title
    assert title and set(title.split()) <= {"Unclosed", "title", "Heading", "Paragraph", "about", "border", "security."}


def test_script_and_handlers_in_an_html_release_are_not_indexed_as_text(hostile):
    _, _, _, index = hostile
    detail = get_release(index, "hostile/script-html.html")
    assert "script-tag-ran" not in detail.body and "window.__pwned" not in detail.body
    assert "alert" not in detail.hit.title and "onerror" not in detail.hit.title
    # Markup spelled out as text in the release is text: it must survive, to be escaped on output.
    assert "<script>alert('escaped-payload')</script>" in detail.body


def test_a_folder_symlink_loop_is_walked_once(hostile):
    _, summary, _, _ = hostile
    assert [p for p in summary.added if "loopdir" in p] == ["hostile/loopdir/inside.txt"]


def test_the_harness_finds_no_problem(hostile):
    corpus, summary, index_dir, _ = hostile
    assert check_hostile(corpus, summary, index_dir) == []


def test_the_indexing_command_lists_every_failure_and_exits_1(hostile, tmp_path):
    corpus, _, _, _ = hostile
    done = subprocess.run(indexer_argv(corpus.corpus_dir, tmp_path / "index"), capture_output=True, text=True,
                          timeout=300, env=child_env())
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    lines = set(done.stderr.splitlines())
    for label, reported in (("failed", FAILED), ("skipped", SKIPPED), ("warning", WARNINGS)):
        for relpath, reason in reported.items():
            assert f"{label}: {printable(relpath)}: {reason}" in lines
    assert "\x1b" not in done.stderr and "\r" not in done.stderr
    assert done.stdout.strip().endswith(f"{len(corpus.good) + len(DECODED)} added, 0 updated, 0 removed, 0 unchanged, "
                                        f"{len(FAILED)} failed, {len(SKIPPED)} skipped, {len(WARNINGS)} warnings")


def test_a_fifo_named_like_a_release_is_reported_not_waited_on(tmp_path):
    """root can open a FIFO, but open() blocks until something writes to it.

    Kept apart from the hostile corpus, so that a hang here cannot hide the other cases.
    """
    corpus = tmp_path / "corpus"
    (corpus / "hostile").mkdir(parents=True)
    (corpus / "hostile" / "good.txt").write_text("Border talks\n\nWASHINGTON -- Officials met about border security.\n")
    fifo = write_fifo(corpus)
    try:
        done = subprocess.run(indexer_argv(corpus, tmp_path / "index"), capture_output=True, text=True, timeout=20,
                              env=child_env())
    except subprocess.TimeoutExpired:
        pytest.fail(f"the indexing command was still waiting after 20 s: it opened the FIFO {fifo.relpath} "
                    "and blocks until a writer appears")
    finally:
        (corpus / fifo.relpath).unlink()  # a FIFO left in /tmp would hang the next tool that walks it
    assert done.returncode == 1
    failed = [line for line in done.stderr.splitlines() if line.startswith(f"failed: {fifo.relpath}: ")]
    assert len(failed) == 1, done.stderr
    assert index_ids(tmp_path / "index") == ["hostile/good.txt"]


def test_files_of_hostile_shape_are_parsed_in_seconds(tmp_path):
    """Under the size limit, shape alone must not stall a run for minutes: 50,000 nested
    <div>s (550 KB), 50,000 paragraphs (1.2 MB), 100,000 lines naming an official (4.3 MB).
    Linear work reads each in about a second; the limit is 10 s each."""
    figures, problems = check_parse_time(tmp_path, limit=10.0)
    assert problems == [], figures
