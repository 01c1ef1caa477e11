"""The indexing command against an index on disk: incremental updates, rebuilds, bad input,
interruptions and concurrent runs."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from whoosh import index as whoosh_index

from indexer import store
from indexer.build import IndexBusy, update_index, writer_lock
from indexer.cli import main
from tests.conftest import REPO

SEEDS = [
    "000_690fb21f9058b593.txt",
    "001_26145a666600c224.txt",
    "002_49c803ce4194f931.txt",
    "003_6bdb3c418068dd0c.txt",
    "004_42d156efa68a9a66.txt",
]


def indexed(index_dir: Path) -> dict[str, dict]:
    """id -> stored fields of every live document."""
    ix = whoosh_index.open_dir(store.live_index_path(index_dir))
    with ix.searcher() as searcher:
        return {doc["id"]: doc for doc in searcher.all_stored_fields()}


def test_first_run_indexes_every_release(corpus_dir, index_dir):
    summary = update_index(corpus_dir, index_dir)
    assert summary.added == SEEDS
    assert (summary.updated, summary.removed, summary.failed) == ([], [], [])
    assert summary.rebuilt
    docs = indexed(index_dir)
    assert sorted(docs) == SEEDS
    assert docs["002_49c803ce4194f931.txt"]["title"] == (
        "U.S. and Panama Sign a Letter of Intent to Increase Security Cooperation"
    )
    assert docs["002_49c803ce4194f931.txt"]["date"] == "2019-12-17"


def test_second_run_with_nothing_changed_reports_no_changes(corpus_dir, index_dir):
    update_index(corpus_dir, index_dir)
    generation = whoosh_index.open_dir(store.live_index_path(index_dir)).latest_generation()
    summary = update_index(corpus_dir, index_dir)
    assert (summary.added, summary.updated, summary.removed, summary.failed) == ([], [], [], [])
    assert summary.unchanged == SEEDS
    assert not summary.rebuilt
    assert sorted(indexed(index_dir)) == SEEDS
    # No commit when there is nothing to write: web workers keep their warm generation.
    assert whoosh_index.open_dir(store.live_index_path(index_dir)).latest_generation() == generation


def test_added_changed_and_removed_files(corpus_dir, index_dir):
    update_index(corpus_dir, index_dir)
    (corpus_dir / "sub").mkdir()
    (corpus_dir / "sub" / "new.txt").write_text("WASHINGTON — Secretary Napolitano met officials from Belize today.\n")
    changed = corpus_dir / SEEDS[2]
    changed.write_text(changed.read_text() + "\nA new closing paragraph about Costa Rica.\n")
    (corpus_dir / SEEDS[4]).unlink()

    summary = update_index(corpus_dir, index_dir)

    assert summary.added == ["sub/new.txt"]
    assert summary.updated == [SEEDS[2]]
    assert summary.removed == [SEEDS[4]]
    assert summary.unchanged == [SEEDS[0], SEEDS[1], SEEDS[3]]
    docs = indexed(index_dir)
    assert sorted(docs) == [*SEEDS[:4], "sub/new.txt"]
    assert "Costa Rica" in docs[SEEDS[2]]["body"]
    assert "Costa Rica" in docs[SEEDS[2]]["country_value"]


def test_a_removed_release_put_back_is_indexed_again(corpus_dir, index_dir):
    # The removed release's document is deleted, not gone from its segment: a run must
    # not count it as indexed.
    update_index(corpus_dir, index_dir)
    text = (corpus_dir / SEEDS[4]).read_text()
    (corpus_dir / SEEDS[4]).unlink()
    update_index(corpus_dir, index_dir)
    (corpus_dir / SEEDS[4]).write_text(text)
    summary = update_index(corpus_dir, index_dir)
    assert summary.added == [SEEDS[4]]
    assert sorted(indexed(index_dir)) == SEEDS


def test_changed_sidecar_reindexes_the_release(corpus_dir, index_dir):
    update_index(corpus_dir, index_dir)
    sidecar = corpus_dir / "001_26145a666600c224.meta.json"
    sidecar.write_text('{"title": "A corrected title", "date": "2012-03-07"}')
    summary = update_index(corpus_dir, index_dir)
    assert summary.updated == ["001_26145a666600c224.txt"]
    doc = indexed(index_dir)["001_26145a666600c224.txt"]
    assert (doc["title"], doc["date"]) == ("A corrected title", "2012-03-07")


def test_rebuild_swaps_in_a_new_directory(corpus_dir, index_dir):
    update_index(corpus_dir, index_dir)
    before = store.live_index_path(index_dir)
    summary = update_index(corpus_dir, index_dir, rebuild=True)
    after = store.live_index_path(index_dir)
    assert summary.rebuilt and summary.added == SEEDS
    assert after != before
    assert sorted(indexed(index_dir)) == SEEDS
    # The directory live just before is kept for readers still using it; older ones go.
    update_index(corpus_dir, index_dir, rebuild=True)
    gens = sorted(p.name for p in index_dir.iterdir() if p.name.startswith("gen-"))
    assert before.name not in gens and after.name in gens and len(gens) == 2


def test_bad_files_are_reported_and_the_rest_indexed(corpus_dir, index_dir):
    (corpus_dir / "empty.txt").write_bytes(b"")
    (corpus_dir / "binary.txt").write_bytes(b"\x00\x01\x02PNG\x00" * 100)
    (corpus_dir / "huge.txt").write_bytes(b"a " * 15_000)
    (corpus_dir / "notes.pdf").write_bytes(b"%PDF-1.4")
    (corpus_dir / "broken.meta.json").write_text("{not json")
    (corpus_dir / "broken.txt").write_text("WASHINGTON — Secretary Napolitano visited Panama.\n")

    summary = update_index(corpus_dir, index_dir, max_bytes=20_000)

    assert sorted(summary.failed) == [
        ("binary.txt", "binary file (contains NUL bytes)"),
        ("empty.txt", "empty file"),
        ("huge.txt", "too large: 30,000 bytes (limit 20,000)"),
    ]
    assert [path for path, _ in summary.warnings] == ["broken.txt"]
    assert summary.warnings[0][1].startswith("sidecar is not valid JSON")
    assert summary.ignored == [("notes.pdf", "not a release file (expected one of .htm, .html, .md, .txt)")]
    assert sorted(indexed(index_dir)) == sorted(["broken.txt", *SEEDS])
    assert not summary.ok


def test_a_changed_file_that_now_fails_keeps_its_previous_version(corpus_dir, index_dir):
    update_index(corpus_dir, index_dir)
    (corpus_dir / SEEDS[0]).write_bytes(b"\x00binary now")
    summary = update_index(corpus_dir, index_dir)
    assert summary.failed == [(SEEDS[0], "binary file (contains NUL bytes)")]
    assert "Napolitano" in indexed(index_dir)[SEEDS[0]]["body"]


def test_interrupt_during_writing_leaves_the_previous_index(corpus_dir, index_dir):
    update_index(corpus_dir, index_dir)
    for n in range(3):
        (corpus_dir / f"extra{n}.txt").write_text(f"WASHINGTON — Release number {n} about Honduras.\n")

    def interrupt(phase, done, total):
        if phase == "indexing" and done == 2:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        update_index(corpus_dir, index_dir, progress=interrupt)
    assert sorted(indexed(index_dir)) == SEEDS
    summary = update_index(corpus_dir, index_dir)
    assert summary.added == ["extra0.txt", "extra1.txt", "extra2.txt"]


def test_sigkill_mid_run_leaves_a_readable_index_and_the_next_run_completes(corpus_dir, index_dir):
    from reliability.kills import run_and_kill

    update_index(corpus_dir, index_dir)
    text = (corpus_dir / SEEDS[0]).read_text()
    for n in range(400):
        (corpus_dir / f"bulk{n:03}.txt").write_text(text + f"\nRelease {n}.\n")
    # On a terminal the command prints its progress; the kill waits for "indexing 100/400",
    # so it lands while releases are being written, never before or after the run.
    argv = [sys.executable, "-m", "indexer", "index", str(corpus_dir), "--index-dir", str(index_dir)]
    killed = run_and_kill(argv, "indexing", 100, 0.0, timeout=300)
    assert killed.killed, f"the run ended before the kill: {killed.output[-500:]}"
    done = int(killed.aimed_at.split()[1].split("/")[0].replace(",", ""))  # "indexing 150/400 +0.000s"
    assert 100 <= done < 400 and killed.returncode == -signal.SIGKILL, killed.aimed_at
    assert sorted(indexed(index_dir)) == SEEDS  # readable, and holding the state before the run
    summary = update_index(corpus_dir, index_dir)
    assert not summary.failed and len(summary.added) == 400
    assert sorted(indexed(index_dir)) == sorted([*SEEDS, *(f"bulk{n:03}.txt" for n in range(400))])


def test_a_second_run_while_one_holds_the_lock_stops_with_a_message(corpus_dir, index_dir):
    with writer_lock(index_dir):
        with pytest.raises(IndexBusy, match="another indexing run"):
            update_index(corpus_dir, index_dir)
        result = subprocess.run(
            [sys.executable, "-m", "indexer", "index", str(corpus_dir), "--index-dir", str(index_dir)],
            cwd=REPO, capture_output=True, text=True,
        )
    assert result.returncode == 1
    assert f"another indexing run (pid {os.getpid()})" in result.stderr
    assert store.live_index_path(index_dir) is None


def test_schema_version_change_forces_a_rebuild(corpus_dir, index_dir, monkeypatch):
    update_index(corpus_dir, index_dir)
    monkeypatch.setattr("indexer.build.SCHEMA_VERSION", 999)
    summary = update_index(corpus_dir, index_dir)
    assert summary.rebuilt and summary.added == SEEDS
    assert store.read_pointer(index_dir)["schema_version"] == 999


def test_cli_prints_a_summary_and_exit_status(corpus_dir, index_dir):
    from click.testing import CliRunner

    runner = CliRunner()
    result = runner.invoke(main, ["index", str(corpus_dir), "--index-dir", str(index_dir)])
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"rebuilt {index_dir} in ")
    assert result.output.rstrip().endswith("5 added, 0 updated, 0 removed, 0 unchanged, 0 failed")

    (corpus_dir / "empty.txt").write_text("  \n")
    result = runner.invoke(main, ["index", str(corpus_dir), "--index-dir", str(index_dir)])
    assert result.exit_code == 1
    assert "failed: empty.txt: empty file" in result.output
    assert result.output.rstrip().endswith("0 added, 0 updated, 0 removed, 5 unchanged, 1 failed")

    result = runner.invoke(main, ["index", str(corpus_dir / "nope"), "--index-dir", str(index_dir)])
    assert result.exit_code == 1
    assert "corpus folder" in result.output and "does not exist" in result.output


def test_parsing_in_a_second_process_indexes_exactly_what_serial_parsing_does(corpus_dir, tmp_path, monkeypatch):
    (corpus_dir / "empty.txt").write_text("")
    (corpus_dir / "bad.meta.json").write_text("[1]")
    (corpus_dir / "bad.txt").write_text("WASHINGTON — Secretary Napolitano visited Panama.\n")
    monkeypatch.setattr("indexer.build.PARALLEL_FROM", 10_000)
    serial = update_index(corpus_dir, tmp_path / "serial")
    monkeypatch.setattr("indexer.build.PARALLEL_FROM", 1)
    parallel = update_index(corpus_dir, tmp_path / "parallel")
    for field in ("added", "failed", "warnings"):
        assert getattr(parallel, field) == getattr(serial, field)
    assert indexed(tmp_path / "parallel") == indexed(tmp_path / "serial")


@pytest.mark.parametrize("parallel_from", [10_000, 1], ids=["one writer", "two writers"])
def test_a_finished_run_leaves_no_temporary_folder_or_file(corpus_dir, index_dir, monkeypatch, parallel_from):
    monkeypatch.setattr("indexer.build.PARALLEL_FROM", parallel_from)
    update_index(corpus_dir, index_dir)
    (corpus_dir / "later.txt").write_text("WASHINGTON — Secretary Napolitano visited Panama today.\n")
    summary = update_index(corpus_dir, index_dir)
    assert summary.added == ["later.txt"]
    assert [p.name for p in index_dir.rglob("*.tmp")] == []


def test_a_build_left_by_a_killed_rebuild_is_removed_by_the_next_run(corpus_dir, index_dir):
    update_index(corpus_dir, index_dir)
    live = store.live_index_path(index_dir)
    abandoned = store.new_index_path(index_dir)  # what a SIGKILLed --rebuild leaves
    (abandoned / "MAIN_1.toc").write_text("half")
    update_index(corpus_dir, index_dir)
    assert sorted(p.name for p in index_dir.iterdir() if p.is_dir()) == [live.name]


@pytest.mark.parametrize("generated, spilled", [(0, False), (300, False), (300, True)])
def test_the_segment_writer_writes_what_whoosh_s_own_writes(corpus_dir, tmp_path, monkeypatch, generated, spilled):
    """_NewSegmentWriter only computes faster: the segment files must be identical.

    300 generated releases as well as the five seeds: common terms then have more
    postings than a block holds (128), so blocks are written mid-term too. Spilled: a
    writer holding at most 256 KB of postings writes them to runs on disk and merges them.
    """
    import hashlib

    from bench.generate import generate_corpus
    from indexer import writer
    from indexer.schema import build_schema
    from indexer.sources import MAX_BYTES, find_sources

    if generated:
        generate_corpus(corpus_dir / "generated", generated, seed=5, mix="long")
    sources, _ = find_sources(corpus_dir)
    jobs = [writer.Job(source, MAX_BYTES) for source in sources]

    spills = []
    if spilled:
        monkeypatch.setattr(writer, "WRITER_MB", 0.25)
        monkeypatch.setattr(writer.TermPostings, "spill",
                            lambda self, spill=writer.TermPostings.spill: spills.append(self.size) or spill(self))

    def segment_files(writer_class, folder):
        monkeypatch.setattr(writer, "_NewSegmentWriter", writer_class)
        folder.mkdir()
        ix = writer.create_index(folder, build_schema())
        segment, _, _ = writer.write_segment(ix, jobs, lambda done: None)
        prefix = f"MAIN_{segment.segid}"
        return {p.name[len(prefix):]: hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.glob(prefix + "*")}

    ours = segment_files(writer._NewSegmentWriter, tmp_path / "ours")
    whoosh = segment_files(writer.SegmentWriter, tmp_path / "whoosh")
    assert len(ours) > 5 and ours == whoosh
    assert (len(spills) > 3) if spilled else not spills


def _count_reads(monkeypatch) -> list[str]:
    from indexer import build

    reads, read = [], build.read_bytes
    monkeypatch.setattr(build, "read_bytes", lambda path, *args: reads.append(path.name) or read(path, *args))
    return reads


def test_a_file_whose_signature_is_unchanged_is_not_read_again(corpus_dir, index_dir, monkeypatch):
    monkeypatch.setattr("indexer.build.RACY_SECONDS", -60.0)  # trust even files written just now
    update_index(corpus_dir, index_dir)
    reads = _count_reads(monkeypatch)
    summary = update_index(corpus_dir, index_dir)
    assert summary.unchanged == SEEDS and reads == []


def test_a_file_rewritten_with_its_old_size_and_mtime_is_still_re_indexed(corpus_dir, index_dir, monkeypatch):
    """The ctime moves on every write and cannot be set back."""
    monkeypatch.setattr("indexer.build.RACY_SECONDS", -60.0)
    update_index(corpus_dir, index_dir)
    path = corpus_dir / SEEDS[1]
    before = path.stat()
    time.sleep(0.05)  # past the clock tick of file timestamps
    text = path.read_text()
    path.write_text(text.replace("Panama", "Peru!!", 1) if "Panama" in text else "X" + text[1:])
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert path.stat().st_size == before.st_size and path.stat().st_mtime_ns == before.st_mtime_ns
    reads = _count_reads(monkeypatch)
    summary = update_index(corpus_dir, index_dir)
    assert summary.updated == [SEEDS[1]] and [r for r in reads if not r.endswith(".json")] == [SEEDS[1]]


def test_files_changed_just_before_a_run_are_read_again_by_the_next(corpus_dir, index_dir, monkeypatch):
    """A file changed within RACY_SECONDS of a run could change again within the same
    clock tick, unseen by its timestamps: it is stored without a signature."""
    update_index(corpus_dir, index_dir)  # the fixture's files were written moments ago
    reads = _count_reads(monkeypatch)
    summary = update_index(corpus_dir, index_dir)
    assert summary.unchanged == SEEDS and sorted(r for r in reads if not r.endswith(".json")) == SEEDS


def test_a_file_read_while_unchanged_gets_its_signature_recorded(corpus_dir, index_dir, monkeypatch):
    """Files indexed moments after they were written get no signature; a later run that
    finds them unchanged records one, so the run after need not read them."""
    monkeypatch.setattr("indexer.build.RACY_SECONDS", 3600.0)
    update_index(corpus_dir, index_dir)
    monkeypatch.setattr("indexer.build.RACY_SECONDS", -60.0)
    reads = _count_reads(monkeypatch)
    assert update_index(corpus_dir, index_dir).unchanged == SEEDS and len(reads) >= len(SEEDS)
    reads.clear()
    assert update_index(corpus_dir, index_dir).unchanged == SEEDS and reads == []


def test_a_changed_file_that_fails_is_read_again_and_reported_again(corpus_dir, index_dir, monkeypatch):
    monkeypatch.setattr("indexer.build.RACY_SECONDS", -60.0)
    update_index(corpus_dir, index_dir)
    time.sleep(0.05)
    (corpus_dir / SEEDS[0]).write_bytes(b"\0\1\2 binary")
    for _ in range(2):
        summary = update_index(corpus_dir, index_dir)
        assert [path for path, _ in summary.failed] == [SEEDS[0]]
        assert SEEDS[0] in indexed(index_dir)  # the previous version stays
