"""One release file and its sidecar to a Release: the pipeline every caller shares.

read → decode → sidecar → normalize and extract (indexer.parse) → Release. The indexing
command, the benchmark's FTS5 baseline and the reliability harnesses all go through here;
none keeps a copy of these steps.
"""

import os
from dataclasses import dataclass
from pathlib import Path

from indexer.parse import parse_release
from indexer.release import Release
from indexer.sidecar import parse_sidecar
from indexer.sources import MAX_BYTES, SourceError, SourceFile, content_hash, decode, read_bytes, sidecar_path

SIDECAR_IGNORED = "; indexed without the sidecar"


@dataclass
class ReleaseFiles:
    """A release's bytes and its sidecar's, as read from the corpus."""

    relpath: str
    is_html: bool
    data: bytes
    sidecar_data: bytes  # b"" when there is no sidecar

    @property
    def content_hash(self) -> str:
        return content_hash(self.data, self.sidecar_data)


@dataclass
class Loaded:
    """A parsed release, and the sidecar problem it was indexed despite, if any."""

    release: Release
    warning: str | None = None


def read_release_files(source: SourceFile, max_bytes: int = MAX_BYTES) -> ReleaseFiles:
    """Read a release file and its sidecar; SourceError says why one cannot be read."""
    data = read_bytes(source.path, max_bytes)
    sidecar_data = read_bytes(source.sidecar, max_bytes) if source.sidecar else b""
    return ReleaseFiles(source.relpath, source.is_html, data, sidecar_data)


def parse_release_files(files: ReleaseFiles) -> Loaded:
    """Decode and parse what read_release_files read; SourceError says why it cannot be indexed.

    A sidecar that cannot be used is a warning, not a failure: the release is indexed
    from its text alone.
    """
    warning = sidecar = None
    if files.sidecar_data:
        try:
            sidecar = parse_sidecar(files.sidecar_data)
        except SourceError as exc:
            warning = f"{exc}{SIDECAR_IGNORED}"
    text = decode(files.data)
    try:
        release = parse_release(
            files.relpath, text, is_html=files.is_html, sidecar=sidecar, content_hash=files.content_hash
        )
    except SourceError:
        raise
    except Exception as exc:  # noqa: BLE001 - one odd file must not stop the other releases
        raise SourceError(f"could not parse: {type(exc).__name__}: {exc}") from exc
    return Loaded(release, warning)


def source_file(path: Path, corpus_root: Path) -> SourceFile:
    """The SourceFile of `path`, a release file under `corpus_root` (its id is the relative path)."""
    path, corpus_root = Path(path), Path(corpus_root)
    relpath = Path(os.path.relpath(path, corpus_root)).as_posix()
    sidecar = sidecar_path(path)
    return SourceFile(relpath, path, sidecar if sidecar.exists() else None)


def load_release(path: Path, corpus_root: Path, *, max_bytes: int = MAX_BYTES) -> Release:
    """Read, decode and parse one release file (with its sidecar, if any) under `corpus_root`.

    Raises SourceError with a sentence when the file cannot be indexed; a sidecar that
    cannot be used is left out (the indexing command reports it as a warning).
    """
    return parse_release_files(read_release_files(source_file(path, corpus_root), max_bytes)).release
