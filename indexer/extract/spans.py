"""Character spans of a text, and the one overlap test extractors share."""

Span = tuple[int, int]


def mask(text: str, spans) -> bytearray:
    """One byte per character of `text`, 1 inside any of `spans`: overlap tests in one call."""
    mask = bytearray(len(text))
    for start, end in spans:
        mask[start:end] = b"\x01" * (end - start)
    return mask
