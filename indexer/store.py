"""Where the live index is on disk, and how its files are read.

`index/` holds one or more Whoosh directories and a pointer file, CURRENT, naming the
live one. A rebuild writes a new directory and then replaces CURRENT in one rename, so
readers see the old index or the new one, never a half-built one.
"""

import json
import mmap
import os
import shutil
import time
import uuid
import weakref
from pathlib import Path

from whoosh.filedb.filestore import FileStorage
from whoosh.filedb.structfile import StructFile

POINTER = "CURRENT"
LOCK = ".lock"
SIGNATURES = "signatures.json"  # in an index directory: release id -> its files' stat signature
VOCABULARY = "vocabulary.json"  # in an index directory: word -> how many releases use it (spelling)
TITLES = "titles.json"  # in an index directory: title word or two-word phrase -> releases (suggestions)


def read_pointer(index_dir: Path) -> dict | None:
    """The live index's {"dir", "schema_version"}, or None when there is no index yet."""
    try:
        pointer = json.loads((Path(index_dir) / POINTER).read_text())
    except FileNotFoundError:
        return None
    except (OSError, ValueError):
        return None  # an unreadable pointer means no usable index; a rebuild replaces it
    if not isinstance(pointer, dict) or not isinstance(pointer.get("dir"), str):
        return None
    return pointer


def live_index_path(index_dir: Path) -> Path | None:
    """The Whoosh directory readers should open, or None when there is no index."""
    pointer = read_pointer(index_dir)
    if pointer is None:
        return None
    path = Path(index_dir) / pointer["dir"]
    return path if path.is_dir() else None


def new_index_path(index_dir: Path) -> Path:
    """A fresh, unused directory name for a full build."""
    name = time.strftime("gen-%Y%m%dT%H%M%S-") + uuid.uuid4().hex[:8]
    path = Path(index_dir) / name
    path.mkdir(parents=True)
    return path


def publish(index_dir: Path, path: Path, schema_version: int) -> None:
    """Make `path` the live index in one atomic rename, then drop stale builds.

    The directory that was live just before is kept (and named in the pointer), so a
    reader that opened it a moment ago can finish its request.
    """
    index_dir = Path(index_dir)
    previous = read_pointer(index_dir)
    tmp = index_dir / f"{POINTER}.{os.getpid()}.tmp"
    with open(tmp, "w") as f:
        json.dump({"dir": path.name, "previous": previous["dir"] if previous else None, "schema_version": schema_version}, f)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, index_dir / POINTER)
    discard_abandoned(index_dir)


def read_signatures(path: Path) -> dict[str, str]:
    """The file signatures recorded with the index in `path` ({} if none or unreadable:
    then every file is read and hashed, which is always safe)."""
    try:
        signatures = json.loads((Path(path) / SIGNATURES).read_text())
    except (OSError, ValueError):
        return {}
    return signatures if isinstance(signatures, dict) else {}


def write_signatures(path: Path, signatures: dict[str, str]) -> None:
    """Replace the index's recorded signatures in one rename."""
    tmp = Path(path) / f"{SIGNATURES}.{os.getpid()}.tmp"
    tmp.write_text(json.dumps(signatures, separators=(",", ":")))
    os.replace(tmp, Path(path) / SIGNATURES)


def discard_abandoned(index_dir: Path) -> None:
    """Remove what a killed run left: index directories neither live nor just replaced,
    and temporary files and folders inside the kept ones.

    Call only while holding the run lock, so no build in progress is mistaken for one.
    """
    pointer = read_pointer(index_dir) or {}
    keep = {pointer.get("dir"), pointer.get("previous")}
    for child in Path(index_dir).iterdir():
        if child.is_dir() and child.name.startswith("gen-") and child.name not in keep:
            shutil.rmtree(child, ignore_errors=True)
        elif child.is_dir() and child.name in keep:
            for tmp in child.glob("*.tmp"):  # Whoosh writers' folders, our signature files
                if tmp.is_dir():
                    shutil.rmtree(tmp, ignore_errors=True)
                else:
                    tmp.unlink(missing_ok=True)
    for tmp in Path(index_dir).glob(f"{POINTER}.*.tmp"):
        tmp.unlink(missing_ok=True)


# Columns of per-release records, read a few records at a time at random (the stored
# fields of a page's results, their facts): read with system calls, not through a
# mapping, whose first touch of a page maps a whole large folio on kernels that cache
# files in them (100 random 10-byte reads of a mapped, cached 200 MB file added 126 MB
# to RSS), which made a worker's RSS grow with every release it ever showed.
READ_BY_CALL = ("._stored.col", ".facts.col")


class MappedStorage(FileStorage):
    """Whoosh's folder storage with the files read in bulk memory-mapped for reading.

    Whoosh reads plain files with a system call per access, and copies a compound
    file's parts into memory; a mapping is read in place, and its pages are shared by
    all processes (every web worker) through the page cache. Postings, the lexicon and
    the term sequences are read in bulk, in place; per-release records (READ_BY_CALL)
    are read with a system call each.

    A page a process has touched stays in its resident set until the mapping closes, so
    a worker that served long enough would hold much of the index there (its RSS, what
    top, supervisors and the OOM killer see), though the pages are the page cache's.
    `drop_pages` lets go of them: they stay cached, shared and read at memory speed, and
    the next touch maps them again (a minor fault).
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._mappings = weakref.WeakSet()

    def open_file(self, name, *args, **kwargs):
        if name.endswith(READ_BY_CALL):
            return StructFile(_PreadFile(self._fpath(name)), name=name)
        with open(self._fpath(name), "rb") as f:
            if os.fstat(f.fileno()).st_size == 0:
                return super().open_file(name, *args, **kwargs)  # an empty file cannot be mapped
            mapping = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
        self._mappings.add(mapping)
        return StructFile(mapping, name=name)

    def drop_pages(self) -> None:
        """Unmap every page of this storage's files from the process's resident set."""
        for mapping in list(self._mappings):
            drop_range(mapping, 0, len(mapping))


class _PreadFile:
    """A read-only file read with os.pread: one system call a read, no Python buffer (a
    record is read once), and no warning when dropped unclosed, as an old index
    generation is when the last request reading it ends."""

    def __init__(self, path: str):
        self._fd = os.open(path, os.O_RDONLY)
        self._position = 0

    def read(self, size: int = -1) -> bytes:
        if size is None or size < 0:
            size = max(0, os.fstat(self._fd).st_size - self._position)
        data = os.pread(self._fd, size, self._position)
        self._position += len(data)
        return data

    def seek(self, offset: int, whence: int = os.SEEK_SET) -> int:
        base = {os.SEEK_SET: 0, os.SEEK_CUR: self._position}.get(whence)
        self._position = (os.fstat(self._fd).st_size if base is None else base) + offset
        return self._position

    def tell(self) -> int:
        return self._position

    def close(self) -> None:
        if self._fd >= 0:
            os.close(self._fd)
            self._fd = -1

    __del__ = close


def drop_range(mapping: mmap.mmap, start: int, end: int) -> None:
    """Unmap the pages of `mapping[start:end]` from the process (a read-only shared file
    mapping: its data stays in the page cache, and a later read maps it again)."""
    if mapping.closed:
        return
    first = start - start % mmap.PAGESIZE  # madvise takes whole pages
    if end > first:
        mapping.madvise(mmap.MADV_DONTNEED, first, min(end, len(mapping)) - first)


def mapped_bytes() -> int:
    """How much of this process's resident set is mapped files (libraries included): 0
    where /proc is missing."""
    try:
        with open("/proc/self/statm", "rb") as statm:
            return int(statm.read().split()[2]) * mmap.PAGESIZE
    except (OSError, IndexError, ValueError):
        return 0
