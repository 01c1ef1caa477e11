"""The plan of an indexing run, from a scan and the index's record: no files, no Whoosh."""

from pathlib import Path

from indexer.plan import Change, Plan, Scanned, plan_run
from indexer.sources import SourceFile


def scanned(relpath: str, digest: str | None = None, *, failure: str | None = None,
            refused: str | None = None) -> Scanned:
    return Scanned(SourceFile(relpath, Path("/corpus") / relpath, None), "sig", digest, failure, refused)


def test_a_first_run_adds_every_file_without_reading_it():
    scan = [scanned("b.txt"), scanned("a/c.txt")]
    assert plan_run(scan, {}) == Plan(changes=[Change(scan[0], "add"), Change(scan[1], "add")])


def test_files_are_added_updated_left_and_deleted_by_content_hash():
    scan = [
        scanned("same.txt", "h1"),  # read, or known unchanged by its signature: the indexed hash
        scanned("changed.txt", "h2-new"),
        scanned("new.txt"),
        scanned("unread-but-indexed.txt"),  # no digest: it must be parsed again
    ]
    indexed = {"same.txt": "h1", "changed.txt": "h2", "gone.txt": "h3", "unread-but-indexed.txt": "h4"}
    assert plan_run(scan, indexed) == Plan(
        changes=[Change(scan[1], "update"), Change(scan[2], "add"), Change(scan[3], "update")],
        delete=["gone.txt"],
        unchanged=["same.txt"],
    )


def test_an_unreadable_file_is_failed_and_keeps_its_indexed_version():
    scan = [scanned("broken.txt", failure="cannot read: Permission denied")]
    plan = plan_run(scan, {"broken.txt": "h1"})
    assert plan == Plan(failed=[("broken.txt", "cannot read: Permission denied")])


def test_a_refused_file_is_skipped_and_its_indexed_version_deleted():
    scan = [scanned("passwd.txt", refused="a link to outside the corpus folder")]
    plan = plan_run(scan, {"passwd.txt": "h1"})
    assert plan == Plan(delete=["passwd.txt"], skipped=[("passwd.txt", "a link to outside the corpus folder")])


def test_deletions_are_sorted_and_changes_keep_the_scan_order():
    scan = [scanned("z.txt"), scanned("sub/a.txt")]
    plan = plan_run(scan, {"y.txt": "h", "b.txt": "h"})
    assert [c.relpath for c in plan.changes] == ["z.txt", "sub/a.txt"]
    assert plan.delete == ["b.txt", "y.txt"]
