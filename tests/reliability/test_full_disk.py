"""A full disk while indexing: a tmpfs of 2 MB mounted on the index folder (tests run as
root; a mount that is refused fails the test, it is never skipped). The run must stop
with a sentence naming the cause, not a traceback; the previous index stays usable; once
space is freed, the next run completes."""

import pytest

from reliability.kills import run_full_disk


@pytest.fixture(scope="module")
def disk(tmp_path_factory):
    return run_full_disk(tmp_path_factory.mktemp("disk"), added=1500)


def test_an_update_on_a_full_disk_says_so_and_exits_non_zero(disk):
    assert disk.returncode != 0
    assert not disk.traceback, f"a traceback instead of a message; it ends:\n{disk.message}"
    assert "No space left on device" in disk.message
    assert disk.index_dir in disk.message and disk.message.count("\n") == 0  # one sentence naming the folder


def test_a_rebuild_on_a_full_disk_says_so_and_exits_non_zero(disk):
    assert disk.rebuild_returncode != 0
    assert not disk.rebuild_traceback, f"a traceback instead of a message; it ends:\n{disk.rebuild_message}"
    assert "No space left on device" in disk.rebuild_message
    assert disk.index_dir in disk.rebuild_message and disk.rebuild_message.count("\n") == 0


def test_a_failed_rebuild_leaves_no_half_built_index(disk):
    assert disk.leftover_builds == 0


def test_the_previous_index_stays_usable_and_the_next_run_recovers(disk):
    assert disk.previous_index_usable
    assert disk.recovered
    assert disk.problems == []
