"""From a decoded file to a Release: normalize the text, extract the facts, apply the sidecar."""

from indexer.release import Release


def parse_release(relpath: str, text: str, *, is_html: bool, sidecar: dict | None, content_hash: str) -> Release:
    """Build the Release for one file; sidecar fields override what extraction found."""
    raise NotImplementedError  # being written: see the extraction brief
