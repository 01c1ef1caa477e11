"""Indexing cost, measured on the real indexing command run as a child process."""

import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

INDEX_COMMAND = Path(sys.executable).with_name("release-search")


class IndexingFailed(Exception):
    """The indexing command exited non-zero; the message carries the end of its output."""


@dataclass
class IndexRun:
    """One run of `release-search index`: wall time, the child's peak memory, its summary."""

    seconds: float
    cpu_seconds: float  # user + system time of the command and its second writer process
    peak_rss_mb: float
    summary: str  # the command's own last line: "rebuilt ... 10 added, ..."


def run_indexer(corpus_dir: Path, index_dir: Path) -> IndexRun:
    """Run `release-search index CORPUS --index-dir DIR -q` and wait for it.

    os.wait4 gives this child's own peak RSS; getrusage(RUSAGE_CHILDREN) would give the
    largest of every child waited for so far, hiding a smaller run after a larger one.
    """
    command = [str(INDEX_COMMAND), "index", str(corpus_dir), "--index-dir", str(index_dir), "-q"]
    with tempfile.TemporaryFile() as output:
        started = time.perf_counter()
        child = subprocess.Popen(command, stdout=output, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        try:
            _, status, usage = os.wait4(child.pid, 0)
        except BaseException:
            child.kill()
            child.wait()
            raise
        seconds = time.perf_counter() - started
        child.returncode = os.waitstatus_to_exitcode(status)  # tell Popen it was reaped
        output.seek(0)
        lines = output.read().decode(errors="replace").strip().splitlines()
    if child.returncode != 0:
        tail = "\n".join(lines[-15:])
        raise IndexingFailed(f"`{' '.join(command)}` exited {child.returncode}:\n{tail}")
    cpu = usage.ru_utime + usage.ru_stime  # wait4 counts the child and the children it waited for
    return IndexRun(seconds, cpu, usage.ru_maxrss / 1024, lines[-1] if lines else "")  # ru_maxrss is KiB on Linux


def dir_size(path: Path) -> int:
    """Bytes of every file under `path`."""
    return sum(f.stat().st_size for f in Path(path).rglob("*") if f.is_file())
