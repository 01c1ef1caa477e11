"""Reading release files: limits, and what holding many of them costs."""

from pathlib import Path

import pytest

from indexer.sources import SourceError, read_bytes


def _mappings() -> int:
    return len(Path("/proc/self/maps").read_text().splitlines())


def test_many_files_held_at_once_do_not_each_take_a_memory_mapping(tmp_path):
    """A read sized by the 10 MB limit left each file's bytes in a mapping of its own;
    a 100,000-release run hit the kernel's limit on mappings (65,530) and crashed."""
    paths = []
    for n in range(2000):
        path = tmp_path / f"r{n}.txt"
        path.write_text("WASHINGTON — Secretary Napolitano visited Panama. " * 20)
        paths.append(path)
    before = _mappings()
    held = [read_bytes(path) for path in paths]
    assert len(held) == 2000 and _mappings() - before < 200


def test_a_file_over_the_limit_is_refused(tmp_path):
    path = tmp_path / "big.txt"
    path.write_bytes(b"x" * 101)
    assert read_bytes(path, max_bytes=101) == b"x" * 101
    with pytest.raises(SourceError, match="too large"):
        read_bytes(path, max_bytes=100)
