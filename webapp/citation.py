"""Cite this release: a release's facts as a plain-text reference and as BibTeX.

Plain functions over a `Citation`; the release page shows one, and /cite/<id>.bib and
/cite/<id>.txt (webapp.views) download them.
"""

import datetime
import hashlib
import re
from dataclasses import dataclass

from webapp.results import Hit

MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")  # BibTeX's macros
# Characters with a meaning in BibTeX and LaTeX, and how a field writes them literally.
BIBTEX_ESCAPES = {
    "\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "%": r"\%", "&": r"\&", "$": r"\$", "#": r"\#",
    "_": r"\_", "^": r"\^{}", "~": r"\~{}",
}
BIBTEX_SPECIAL = re.compile("|".join(re.escape(c) for c in BIBTEX_ESCAPES))
# In a url field (read verbatim by biblatex and the url package) only these would break
# the entry; they are never needed literally in an address, so they are percent-encoded.
URL_UNSAFE = re.compile(r'[{}\\"\s]')


@dataclass
class Citation:
    """What a reference to a release names."""

    release_id: str
    title: str
    issuer: str | None
    kind: str  # "Press release", "Fact sheet", ...
    date: str | None  # ISO, to the precision known: "2011", "2011-07", "2011-07-12"
    date_text: str  # as a person reads it: "12 July 2011", "July 2011", "2011", "n.d."
    original: str | None  # the release's own web address, when known (http/https only)
    permanent: str  # this service's page for the release

    @property
    def title_sentence(self) -> str:
        """The title ending in a full stop (inside the quotes), unless it ends in punctuation."""
        return self.title if self.title.endswith((".", "?", "!")) else self.title + "."

    @property
    def published(self) -> str:
        """"Press release, 12 July 2011." (one full stop, also after "n.d.")."""
        text = f"{self.kind}, {self.date_text}"
        return text if text.endswith(".") else text + "."


def citation_of(hit: Hit, original: str | None, permanent: str) -> Citation:
    """The citation of a release; `original` must already be vetted as a web address."""
    date = _to_precision(hit.date, hit.date_precision)
    return Citation(
        release_id=hit.id,
        title=hit.title,
        issuer=hit.issuer,
        kind=(hit.kind or "press release").capitalize(),
        date=date,
        date_text=_readable(date),
        original=original,
        permanent=permanent,
    )


def _to_precision(date: str | None, precision: str | None) -> str | None:
    if not date:
        return None
    return {"year": date[:4], "month": date[:7]}.get(precision or "day", date)


def _readable(date: str | None) -> str:
    if date is None:
        return "n.d."
    if len(date) == 4:
        return date
    day = datetime.date.fromisoformat(date if len(date) == 10 else date + "-01")
    return f"{day:%B} {day.year}" if len(date) == 7 else f"{day.day} {day:%B} {day.year}"


def plain_text(citation: Citation) -> str:
    """One line: issuer. “Title.” Kind, date. Original address. Also at: this page."""
    parts = [f"{citation.issuer}." if citation.issuer else None, f"“{citation.title_sentence}”", citation.published]
    if citation.original:
        parts.append(citation.original)
    parts.append(f"Also at: {citation.permanent}")
    return " ".join(_one_line(p) for p in parts if p)


def bibtex(citation: Citation) -> str:
    """A BibTeX @misc entry; every text field escaped, the title and corporate author
    braced so their capitals are kept."""
    fields = []  # (name, value as written after "=")
    if citation.issuer:
        fields.append(("author", "{{" + bibtex_text(citation.issuer) + "}}"))
    fields.append(("title", "{{" + bibtex_text(citation.title) + "}}"))
    fields.append(("howpublished", "{" + bibtex_text(citation.kind) + "}"))
    if citation.date:
        fields.append(("year", "{" + citation.date[:4] + "}"))
        if len(citation.date) >= 7:  # a macro, unbraced: styles print the month by name
            fields.append(("month", MONTHS[int(citation.date[5:7]) - 1]))
        fields.append(("date", "{" + citation.date + "}"))  # biblatex's; BibTeX ignores it
    if citation.original:
        fields.append(("url", "{" + bibtex_url(citation.original) + "}"))
    fields.append(("note", "{Also at " + bibtex_text(citation.permanent) + "}"))
    body = "".join(f"  {name} = {value},\n" for name, value in fields)
    return f"@misc{{{cite_key(citation.release_id)},\n{body}}}\n"


def bibtex_text(text: str) -> str:
    """Text as a BibTeX field value: its special characters written literally, on one line."""
    return BIBTEX_SPECIAL.sub(lambda m: BIBTEX_ESCAPES[m.group()], _one_line(text))


def bibtex_url(url: str) -> str:
    """An address as a url field: verbatim, but for the characters that would end or
    break the entry, percent-encoded."""
    return URL_UNSAFE.sub(lambda m: "".join(f"%{b:02X}" for b in m.group().encode("utf-8")), url)


def cite_key(release_id: str) -> str:
    """"release:000_690fb21f9058b593.txt": the id where it is made of characters every
    BibTeX tool accepts in a key; otherwise those characters, dashed, and a short hash
    of the id, so two ids never share a key."""
    safe = re.sub(r"[^A-Za-z0-9_.:-]+", "-", release_id).strip("-")
    if safe != release_id:
        safe = f"{safe}-{hashlib.sha256(release_id.encode('utf-8', 'surrogatepass')).hexdigest()[:8]}".lstrip("-")
    return "release:" + safe


def download_name(release_id: str, extension: str) -> str:
    """A safe file name for a release's citation: the last part of its id, without its
    own extension, in letters, digits, dots, dashes and underscores."""
    stem = release_id.rsplit("/", 1)[-1].rsplit(".", 1)[0]
    stem = re.sub(r"[^A-Za-z0-9_.-]+", "-", stem).strip("-.")
    return f"{stem or 'release'}.{extension}"


def _one_line(text: str) -> str:
    return " ".join(text.split())
