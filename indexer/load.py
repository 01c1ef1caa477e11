"""One release file and its sidecar to a Release: the pipeline every caller shares.

read → decode → sidecar → normalize and extract (indexer.parse) → Release. The indexing
command, the benchmark's FTS5 baseline and the reliability harnesses all go through here;
none keeps a copy of these steps.
"""

import re
from dataclasses import dataclass
from pathlib import Path

from indexer.parse import parse_release
from indexer.release import Release
from indexer.sidecar import parse_sidecar
from indexer.sources import (
    MAX_BYTES, OUTSIDE, SIDECAR_OUTSIDE, SourceError, SourceFile, content_hash, decode, read_bytes, source_file,
)

SIDECAR_IGNORED = "; indexed without the sidecar"

# Bounds on the work one file may cause, checked here, before normalization and
# extraction see the text. A press release is a few thousand words in a page of a few
# thousand elements; each bound is far past that, and each stopped a hostile file that
# took minutes or gigabytes (the figures are in the README and the commit).
MAX_HTML_ELEMENTS = 50_000  # 300,000 elements: 25 s in BeautifulSoup; normalizing them 3.1 s with lxml
MAX_HTML_ATTRIBUTES = 200_000  # 1.5 million: 87 s and 713 MB in BeautifulSoup
# libxml2 checks each attribute of an element against the others: 10,000 on one element
# took 0.1 s to parse, 20,000 0.46 s, 40,000 2.4 s (and 200,000 spread over 20,000
# elements 0.1 s). Real elements have a few dozen.
MAX_ELEMENT_ATTRIBUTES = 2_000
MAX_WORD_CHARS = 1_000  # a longer run without a space is cut into pieces of this length
# Text past this is not indexed (with a warning): about 75,000 words, seventy long
# releases. It bounds the text every extraction pattern reads and the words analyzed:
# stemming is pure Python, ~50 µs a new word, and a 9.8 MB release of 150,000 distinct
# words took 12 s; cut here, 3-4 s.
MAX_TEXT_CHARS = 500_000

_LOOKS_LIKE_HTML = re.compile(r"\s*<(?:!doctype|html)", re.IGNORECASE)  # normalize reads such a .txt as HTML
_ELEMENT = re.compile(r"<[a-zA-Z]")
# Possessive (*+, ++): no backtracking state is kept per character of a tag of megabytes.
_START_TAG = re.compile(r"<[a-zA-Z][^\s/>]*+((?:[^>\"']++|\"[^\"]*+\"|'[^']*+')*+)>")
_ATTRIBUTE = re.compile(r"""[^\s/>"'=]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s>"']*))?""")
_GIANT_WORD = re.compile(r"(?<!\S)\S{%d,}" % (MAX_WORD_CHARS + 1))  # tried at word starts only


@dataclass
class ReleaseFiles:
    """A release's bytes and its sidecar's, as read from the corpus."""

    relpath: str
    is_html: bool
    data: bytes
    sidecar_data: bytes  # b"" when there is no sidecar, or it was not read
    sidecar_problem: str | None = None  # why a sidecar beside it was not read

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
    if source.outside:
        raise SourceError(OUTSIDE)
    try:
        source.relpath.encode("utf-8")
    except UnicodeEncodeError:
        # os.walk hands such a name over with its bytes escaped (PEP 383); an id must be text.
        raise SourceError("the file name is not valid UTF-8; rename it to UTF-8 to index it") from None
    data = read_bytes(source.path, max_bytes)
    if source.sidecar_outside:
        return ReleaseFiles(source.relpath, source.is_html, data, b"", SIDECAR_OUTSIDE)
    sidecar_data = read_bytes(source.sidecar, max_bytes) if source.sidecar else b""
    return ReleaseFiles(source.relpath, source.is_html, data, sidecar_data)


def parse_release_files(files: ReleaseFiles) -> Loaded:
    """Decode and parse what read_release_files read; SourceError says why it cannot be indexed.

    A sidecar that cannot be used is a warning, not a failure: the release is indexed
    from its text alone.
    """
    sidecar = None
    warning = f"{files.sidecar_problem}{SIDECAR_IGNORED}" if files.sidecar_problem else None
    if files.sidecar_data:
        try:
            sidecar = parse_sidecar(files.sidecar_data)
        except SourceError as exc:
            warning = f"{exc}{SIDECAR_IGNORED}"
    text, cut = bounded_text(decode(files.data), is_html=files.is_html)
    if cut:
        warning = f"{cut}; {warning}" if warning else cut
    try:
        release = parse_release(
            files.relpath, text, is_html=files.is_html, sidecar=sidecar, content_hash=files.content_hash
        )
    except SourceError:
        raise
    except Exception as exc:  # noqa: BLE001 - one odd file must not stop the other releases
        raise SourceError(f"could not parse: {type(exc).__name__}: {exc}") from exc
    return Loaded(release, warning)


def bounded_text(text: str, *, is_html: bool) -> tuple[str, str | None]:
    """Decoded text whose parsing stays within the bounds above, and a warning if it was cut.

    HTML of too many elements or attributes is refused (SourceError). Runs of non-space
    characters longer than MAX_WORD_CHARS are cut into pieces, so no extraction pattern
    backtracks over megabytes (9 MB of "Aa-Aa-…" took 1.1 GB in the dateline pattern).
    Text past MAX_TEXT_CHARS (at a space, if one is near) is left out.
    """
    if is_html or _LOOKS_LIKE_HTML.match(text):
        elements = len(_ELEMENT.findall(text))
        if elements > MAX_HTML_ELEMENTS:
            raise SourceError(f"HTML of {elements:,} elements; at most {MAX_HTML_ELEMENTS:,} are read")
        tags = _START_TAG.findall(text)
        # Attributes are separated by white space: its count bounds theirs, and is cheap.
        spaces = [tag.count(" ") + tag.count("\n") + tag.count("\t") + tag.count("\r") for tag in tags]
        if sum(spaces) > MAX_HTML_ATTRIBUTES and _more_attributes_than(tags, MAX_HTML_ATTRIBUTES):
            raise SourceError(f"HTML of more than {MAX_HTML_ATTRIBUTES:,} attributes; "
                              f"at most {MAX_HTML_ATTRIBUTES:,} are read")
        crowded = [tag for tag, count in zip(tags, spaces) if count > MAX_ELEMENT_ATTRIBUTES]
        if any(_more_attributes_than([tag], MAX_ELEMENT_ATTRIBUTES) for tag in crowded):
            raise SourceError(f"HTML with an element of more than {MAX_ELEMENT_ATTRIBUTES:,} attributes; "
                              f"at most {MAX_ELEMENT_ATTRIBUTES:,} are read")
    cut = None
    if len(text) > MAX_TEXT_CHARS:  # first, so the passes below read at most this much
        end = max(text.rfind(" ", 0, MAX_TEXT_CHARS), text.rfind("\n", 0, MAX_TEXT_CHARS))
        if end < MAX_TEXT_CHARS - MAX_WORD_CHARS:
            end = MAX_TEXT_CHARS  # inside a giant word, which is cut up next anyway
        cut = f"text of {len(text):,} characters; only the first {end:,} are indexed"
        text = text[:end]
    # The longest word first (split in C: half the time of the pattern's scan, which runs
    # only when one is too long; str.split and \s break at the same 29 characters).
    if max(map(len, text.split()), default=0) > MAX_WORD_CHARS:
        text = _GIANT_WORD.sub(_cut, text)
    return text, cut


def _more_attributes_than(tags: list[str], limit: int) -> bool:
    """Whether these start tags hold more than `limit` attributes, counting no further."""
    count = 0
    for tag in tags:
        for _ in _ATTRIBUTE.finditer(tag):
            count += 1
            if count > limit:
                return True
    return False


def _cut(match: re.Match) -> str:
    word = match.group()
    return " ".join(word[i:i + MAX_WORD_CHARS] for i in range(0, len(word), MAX_WORD_CHARS))


def load_release(path: Path, corpus_root: Path, *, max_bytes: int = MAX_BYTES) -> Release:
    """Read, decode and parse one release file (with its sidecar, if any) under `corpus_root`.

    Raises SourceError with a sentence when the file cannot be indexed; a sidecar that
    cannot be used is left out (the indexing command reports it as a warning).
    """
    return parse_release_files(read_release_files(source_file(path, corpus_root), max_bytes)).release
