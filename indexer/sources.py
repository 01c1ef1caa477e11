"""Find release files under a corpus folder, read them and decode their text.

Everything here is about bytes on disk; nothing here knows what a release says.
"""

import hashlib
import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path

RELEASE_SUFFIXES = {".txt", ".md", ".html", ".htm"}
HTML_SUFFIXES = {".html", ".htm"}
SIDECAR_SUFFIX = ".meta.json"
MAX_BYTES = 10 * 1024 * 1024  # a press release is kilobytes; 10 MB is a wrong file


OUTSIDE = "a symbolic link to a file outside the corpus folder: not read"
SIDECAR_OUTSIDE = "the sidecar is a symbolic link to a file outside the corpus folder: not read"


class SourceError(Exception):
    """A file that cannot be turned into text; the message says why, for the summary."""


@dataclass
class SourceFile:
    """One release file found in the corpus, before it is read."""

    relpath: str  # POSIX path relative to the corpus folder: the release id
    path: Path
    sidecar: Path | None  # NAME.meta.json beside it, when present
    # Links that lead out of the corpus folder are never read: the index is published,
    # and a link such as passwd.txt -> /etc/passwd would publish what it points to.
    outside: bool = False
    sidecar_outside: bool = False

    @property
    def is_html(self) -> bool:
        return self.path.suffix.lower() in HTML_SUFFIXES


def source_file(path: Path, corpus_dir: Path) -> SourceFile:
    """The SourceFile of `path`, a release file under `corpus_dir` (its id is the relative path)."""
    path, corpus_dir = Path(path), Path(corpus_dir)
    root = os.path.realpath(corpus_dir)
    sidecar = sidecar_path(path)
    has_sidecar = sidecar.exists()
    return SourceFile(Path(os.path.relpath(path, corpus_dir)).as_posix(), path, sidecar if has_sidecar else None,
                      _outside(path, root), has_sidecar and _outside(sidecar, root))


def _outside(path: Path, root: str) -> bool:
    """Whether `path`, followed through any links, ends outside the folder `root` (a real path)."""
    return os.path.commonpath([root, os.path.realpath(path)]) != root


def sidecar_path(path: Path) -> Path:
    """Where a release's sidecar lives: `NAME.meta.json` beside `NAME.txt`."""
    return path.with_name(sidecar_name(path.name))


def sidecar_name(name: str) -> str:
    """The file name of the sidecar of the release file named `name`."""
    return os.path.splitext(name)[0] + SIDECAR_SUFFIX


def find_sources(corpus_dir: Path) -> tuple[list[SourceFile], list[tuple[str, str]]]:
    """List release files under `corpus_dir`, sorted; and the files passed over, with why.

    Directories are walked without following symlinks, so a symlink loop cannot
    trap the walk; a symlink to a file in the corpus is read like the file, one that
    leads out of it is marked `outside` and never read.
    """
    corpus_dir = Path(corpus_dir)
    root = os.path.realpath(corpus_dir)
    found: list[SourceFile] = []
    ignored: list[tuple[str, str]] = []
    folders = [(corpus_dir, "")]  # a stack, not recursion: a corpus may nest deeper than Python's calls
    while folders:
        folder, prefix = folders.pop()
        subfolders = _list_folder(folder, prefix, root, found, ignored)
        folders += [(folder / name, f"{prefix}{name}/") for name in reversed(subfolders)]
    return found, ignored


def _list_folder(folder: Path, prefix: str, root: str, found: list, ignored: list) -> list[str]:
    """Add `folder`'s release files (ids starting with `prefix`); return its subfolders' names.

    One directory listing per folder tells names, links and sidecars apart without a
    system call per file (a pathlib walk with a stat per file was most of an unchanged
    run's scan). Only a link can lead out: the folders above were walked without
    following links, so only links have their real path resolved.
    """
    try:
        with os.scandir(folder) as listing:
            entries = {entry.name: entry for entry in listing if not entry.name.startswith(".")}
    except OSError:
        return []  # an unreadable folder is passed over, as os.walk does
    subfolders = []
    for name in sorted(entries):
        entry = entries[name]
        try:
            is_folder = entry.is_dir()
        except OSError:
            is_folder = False
        if is_folder:
            if not entry.is_symlink():
                subfolders.append(name)
            continue
        if name.endswith(SIDECAR_SUFFIX):
            continue
        if os.path.splitext(name)[1].lower() not in RELEASE_SUFFIXES:
            ignored.append((prefix + name, f"not a release file (expected one of {', '.join(sorted(RELEASE_SUFFIXES))})"))
            continue
        path = folder / name
        sidecar_entry = entries.get(sidecar_name(name))
        sidecar = folder / sidecar_entry.name if sidecar_entry is not None and (
            not sidecar_entry.is_symlink() or os.path.exists(sidecar_entry.path)) else None
        found.append(SourceFile(prefix + name, path, sidecar,
                                entry.is_symlink() and _outside(path, root),
                                sidecar is not None and sidecar_entry.is_symlink() and _outside(sidecar, root)))
    return subfolders


def read_bytes(path: Path, max_bytes: int = MAX_BYTES) -> bytes:
    """Read a file whole, refusing ones too large to be a release."""
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):
            # Opening a FIFO would block the whole run until something writes to it.
            raise SourceError("not a regular file (a FIFO, socket or device)")
        size = info.st_size
        if size > max_bytes:
            raise SourceError(f"too large: {size:,} bytes (limit {max_bytes:,})")
        with open(path, "rb") as f:
            # Ask for the size stat() gave (and a byte more, to see growth): a read of
            # max_bytes allocates that much, and the shrunk result keeps a memory mapping
            # of its own; 100,000 releases held at once ran out of mappings.
            data = f.read(size + 1)
            if len(data) > size:
                data += f.read(max_bytes + 1 - len(data))
    except OSError as exc:
        raise SourceError(f"cannot read: {exc.strerror or exc}") from exc
    if len(data) > max_bytes:
        raise SourceError(f"too large: more than {max_bytes:,} bytes")
    return data


def stat_signature(source: SourceFile, trusted_before: float) -> str:
    """The inode, size, mtime and ctime of a release file and its sidecar, or "" when
    either cannot be trusted to reveal a later change.

    An unchanged signature means unchanged bytes, so a run need not read and hash the
    file again (at 100,000 releases reading was nearly all of an incremental run). The
    ctime moves on every write and cannot be set back, so a file restored with an old
    mtime still differs. A file changed after `trusted_before` (shortly before the run
    started) gets no signature: it could change again within the same clock tick.
    """
    parts = []
    for path in (source.path, source.sidecar):
        if path is None:
            parts.append("-")
            continue
        try:
            info = path.stat()
        except OSError:
            return ""
        if info.st_ctime_ns >= trusted_before * 1e9:
            return ""
        parts.append(f"{info.st_ino}:{info.st_size}:{info.st_mtime_ns}:{info.st_ctime_ns}")
    return "|".join(parts)


def content_hash(data: bytes, sidecar_data: bytes = b"") -> str:
    """A hash of the release and its sidecar: a change to either re-indexes it."""
    h = hashlib.sha256(data)
    h.update(b"\0sidecar\0")
    h.update(sidecar_data)
    return h.hexdigest()


def decode(data: bytes) -> str:
    """Bytes to text: UTF-8 (with or without BOM), UTF-16 with BOM, else Windows-1252.

    Refuses empty and binary files, which would otherwise index as noise.
    """
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise SourceError(f"invalid UTF-16: {exc.reason}") from exc
    elif b"\0" in data:
        raise SourceError("binary file (contains NUL bytes)")
    else:
        text = _decode_8bit(data)
    if not text.strip():
        raise SourceError("empty file")
    if _control_ratio(text) > 0.05:
        raise SourceError("binary file (mostly control characters)")
    return valid_text(text)


_SURROGATE = re.compile("[\ud800-\udfff]")


def valid_text(text: str) -> str:
    """`text` with lone surrogates replaced by U+FFFD, so it can be written as UTF-8.

    JSON can spell one ("\\ud800"); indexed, it made every search page fail. Text from
    files and sidecars passes here once, as it enters the indexer.
    """
    return _SURROGATE.sub("\ufffd", text) if _SURROGATE.search(text) else text


def _decode_8bit(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        # A file cut mid-character is still UTF-8: keep all but the broken tail.
        if exc.reason == "unexpected end of data":
            try:
                return data[: exc.start].decode("utf-8-sig")
            except UnicodeDecodeError:
                pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        # Five bytes are undefined in Windows-1252; Latin-1 maps every byte.
        return data.decode("latin-1")


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f]")  # C0 controls but tab, newline, form feed, CR


def _control_ratio(text: str) -> float:
    sample = text[:4096]
    return len(_CONTROL.findall(sample)) / len(sample)
