"""Reliability harnesses: hostile release files, SIGKILL during indexing, a full disk,
indexing while serving, query fuzzing and HTTP load.

Each harness returns its figures and a list of problems (sentences naming the case,
the request and what was observed); an empty list means the property held. The tests in
tests/reliability run the short variants; `python -m reliability [--long]` runs them all
and prints a table.

This module holds what several harnesses share: running the indexing command, reading
which ids an index really holds, and fingerprinting a folder.
"""

import os
import subprocess
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from whoosh import index as whoosh_index

from indexer import store
from indexer.load import read_release_files
from indexer.sources import SourceError, find_sources

INDEX_COMMAND = [sys.executable, "-m", "indexer", "index"]
# The child sees the same packages as this process even when run from another folder.
_REPO = Path(__file__).resolve().parent.parent


def indexer_argv(corpus_dir: Path, index_dir: Path, *, rebuild: bool = False, extra: tuple[str, ...] = ()) -> list[str]:
    """The command line of `release-search index CORPUS --index-dir DIR [--rebuild]`."""
    argv = [*INDEX_COMMAND, str(corpus_dir), "--index-dir", str(index_dir), "-q", *extra]
    return argv + ["--rebuild"] if rebuild else argv


def child_env() -> dict[str, str]:
    """The environment for child processes: this checkout first on the import path."""
    path = os.environ.get("PYTHONPATH", "")
    return dict(os.environ, PYTHONPATH=str(_REPO) + (os.pathsep + path if path else ""))


@dataclass
class CommandResult:
    argv: list[str]
    returncode: int
    stdout: str
    stderr: str

    def describe(self) -> str:
        """The command, its exit status and the end of its output, for a problem report."""
        tail = "\n".join((self.stdout + self.stderr).strip().splitlines()[-12:])
        return f"`{' '.join(self.argv[2:])}` exited {self.returncode}:\n{tail}"


def run_indexer(corpus_dir: Path, index_dir: Path, *, rebuild: bool = False, timeout: float = 600,
                extra: tuple[str, ...] = ()) -> CommandResult:
    """Run the indexing command to its end (bounded by `timeout`) and capture its output."""
    argv = indexer_argv(corpus_dir, index_dir, rebuild=rebuild, extra=extra)
    done = subprocess.run(argv, capture_output=True, text=True, timeout=timeout, env=child_env(),
                          stdin=subprocess.DEVNULL, cwd=_REPO)
    return CommandResult(argv, done.returncode, done.stdout, done.stderr)


def index_documents(index_dir: Path) -> list[tuple[str, str]] | None:
    """(id, content hash) of every live document in the live index, sorted, duplicates kept.

    None when there is no live index. Read from the stored fields, the slow way, so that
    nothing the indexer or the web app derive (columns, caches) can hide a duplicate.
    """
    path = store.live_index_path(index_dir)
    if path is None:
        return None
    ix = whoosh_index.open_dir(path)
    try:
        with ix.searcher() as searcher:
            return sorted((doc["id"], doc["content_hash"]) for doc in searcher.all_stored_fields())
    finally:
        ix.close()


def index_ids(index_dir: Path) -> list[str] | None:
    """The id of every live document in the live index, sorted, duplicates kept."""
    documents = index_documents(index_dir)
    return None if documents is None else [release_id for release_id, _ in documents]


def corpus_documents(corpus_dir: Path) -> dict[str, str]:
    """id -> content hash of every readable release in `corpus_dir`, as the indexer hashes it."""
    out = {}
    for source in find_sources(corpus_dir)[0]:
        try:
            out[source.relpath] = read_release_files(source).content_hash
        except SourceError:
            continue
    return out


def duplicates(ids: list[str]) -> list[str]:
    """Ids that occur more than once."""
    return sorted(i for i, n in Counter(ids).items() if n > 1)


def describe_difference(got: list[str], want: set[str], limit: int = 5) -> str:
    """'3 missing (a, b, c), 1 extra (d), 2 duplicated (e, f)' for a problem report."""
    got_set = set(got)
    parts = []
    for label, items in (("missing", sorted(want - got_set)), ("extra", sorted(got_set - want)),
                         ("duplicated", duplicates(got))):
        if items:
            shown = ", ".join(items[:limit]) + (", …" if len(items) > limit else "")
            parts.append(f"{len(items)} {label} ({shown})")
    return "; ".join(parts) or "identical"


def tree_snapshot(root: Path) -> dict[str, tuple[str, int, int]]:
    """relative path -> (kind, size, mtime_ns) of everything under `root`, root included."""
    root = Path(root)
    out = {}
    for path in [root, *sorted(root.rglob("*"))]:
        st = path.lstat()
        kind = "dir" if path.is_dir() and not path.is_symlink() else "file"
        out[path.relative_to(root).as_posix()] = (kind, st.st_size if kind == "file" else 0, st.st_mtime_ns)
    return out


def snapshot_difference(before: dict, after: dict, limit: int = 8) -> list[str]:
    """Sentences naming each path created, removed or changed between two snapshots."""
    out = []
    for path in sorted(set(before) | set(after)):
        if path not in after:
            out.append(f"{path or '.'} was removed")
        elif path not in before:
            out.append(f"{path or '.'} was created {after[path]}")
        elif before[path] != after[path]:
            out.append(f"{path or '.'} changed from {before[path]} to {after[path]}")
    return out[:limit] + ([f"… and {len(out) - limit} more"] if len(out) > limit else [])
