"""Who issued a release, as one canonical name per agency or office (issuers.json).

"DHS Office of the Press Secretary", "DHS Press Office" and "DHS" are one issuer. Where it
comes from, first found wins: a press-office line naming an agency; the page's chrome (the
DHS banner says whose site it is, an embassy's header or footer names it); the page's site
name (og:site_name, the end of its <title>); the host of its own address. A press-office
line that names no agency ("Office of the Press Secretary") is kept as written when nothing
else tells whose office it is.
"""

import re
from urllib.parse import urlsplit

from indexer import gazetteer
from indexer.gazetteer import line_key

_SEPARATORS = re.compile(r"\s+(?:\||::|>|»|-|–|—)\s+|,\s+")


def canonical_issuer(name: str) -> str | None:
    """The canonical issuer a name or press-office line stands for, else None:
    'DHS Office of the Press Secretary' -> 'DHS', 'Embajada de EE.UU. en El Salvador' ->
    'U.S. Embassy in El Salvador'."""
    data = gazetteer.issuers()
    key = line_key(name)
    if key in data.by_name:
        return data.by_name[key]
    embassy = data.embassy.match(key)
    if embassy:
        country = gazetteer.canonical_country(embassy["rest"].strip(" .,|-")) if embassy["rest"] else None
        return f"U.S. Embassy in {country}" if country else None
    # "DHS Office of the Press Secretary", "The White House, Office of the Vice President":
    # an agency's name opening the line, or one of its parts.
    for part in _SEPARATORS.split(name):
        part_key = line_key(part)
        if part_key in data.by_name and part_key not in data.offices:
            return data.by_name[part_key]
    words = key.split()
    for size in range(len(words) - 1, 0, -1):
        head = " ".join(words[:size])
        rest = " ".join(words[size:])
        if head in data.by_name and (rest in data.offices or rest == "office"):
            return data.by_name[head]
    return None


def extract_issuer(
    issuer_lines: list[str],
    site_lines: list[str] = (),
    html_meta: dict[str, str] | None = None,
    html_title: str | None = None,
    url: str | None = None,
) -> tuple[str | None, str | None]:
    """(issuer, source): from the press-office lines, the page's chrome, its site name or address."""
    html_meta = html_meta or {}
    for line in issuer_lines:
        found = canonical_issuer(line)
        if found:
            return found, "text"
    for line in site_lines:
        found = _site_hint(line)
        if found:
            return found, "page chrome"
    for candidate, source in ((html_meta.get("og:site_name"), "html meta og:site_name"),
                              (_title_site(html_title), "html <title>")):
        found = canonical_issuer(candidate) if candidate else None
        if found:
            return found, source
    for address in (url, html_meta.get("og:url"), html_meta.get("canonical")):
        found = issuer_of_address(address) if address else None
        if found:
            return found, "address"
    return (", ".join(issuer_lines), "text") if issuer_lines else (None, None)


def _site_hint(line: str) -> str | None:
    key = line_key(line)
    found = canonical_issuer(line) if len(key.split()) <= 8 else None
    if found:
        return found
    return next((issuer for phrase, issuer in gazetteer.issuers().site_hints if phrase in key), None)


def _title_site(title: str | None) -> str | None:
    """The part of an HTML <title> after its last separator: the site's name."""
    if not title:
        return None
    parts = re.split(r"\s+(?:\||::|>|»|-|–|—)\s+", title)
    return parts[-1] if len(parts) > 1 else None


def issuer_of_address(url: str) -> str | None:
    """The issuer of a page by its host: 'https://www.dhs.gov/news/…' -> 'DHS',
    'https://sv.usembassy.gov/…' -> 'U.S. Embassy in El Salvador'."""
    data = gazetteer.issuers()
    host = (urlsplit(url).hostname or "").removeprefix("www.")
    if host.endswith(".usembassy.gov"):
        country = data.embassy_codes.get(host.split(".")[0])
        return f"U.S. Embassy in {country}" if country else None
    while host:
        if host in data.hosts:
            return data.hosts[host]
        host = host.partition(".")[2]
    return None
