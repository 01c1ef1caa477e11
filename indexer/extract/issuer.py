"""Who issued a release."""


def extract_issuer(issuer_lines: list[str]) -> tuple[str | None, str | None]:
    """(issuer, source) from the office lines the text opens with, e.g. 'The White House, Office of the Vice President'."""
    return (", ".join(issuer_lines), "text") if issuer_lines else (None, None)
