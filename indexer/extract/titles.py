"""A release's title: the page's headline, else its first sentence (marked so).

The headline is not simply the first line. Saved pages open with labels that stand alone
("FACT SHEET", "THE WHITE HOUSE", "DHS Press Office", "For Immediate Release", "Justice
News"), date and place lines, a speaker's name, menus of short lines; the headline is the
first line after them that reads as one, joined with its second line when it was broken
over two. An HTML page's <title> loses the site's name ("| Homeland Security", "- U.S.
Embassy in Colombia"). A headline is never cut; only a first-sentence title is shortened.
"""

import re
from dataclasses import dataclass
from functools import lru_cache

from indexer import gazetteer
from indexer.extract.dates import PLACE_WORD, WRITTEN_DATE, find_date, is_date_line
from indexer.gazetteer import fold, line_key
from indexer.normalize import continues_sentence

TITLE_MAX = 120  # a title made from the first sentence is cut near here, at a word boundary

_DATELINE_PREFIX = re.compile(
    rf"[A-ZÀ-Þ](?:[^\W\d_]|[.'’-])*(?:,?[ \t]+{PLACE_WORD}){{0,3}}(?:,?[ \t]+\(?{WRITTEN_DATE}\)?)?[ \t]*(?:—|–|--)[ \t]*"
)
_SENTENCE_END = re.compile(r"[.!?][\"”’)]*(?=\s+[\"“‘(]?[A-Z0-9])")
_ABBREVIATION = re.compile(
    r"\b(?:[A-Z]|U\.S|U\.K|U\.N|D\.C|Mr|Mrs|Ms|Dr|St|Jr|Sr|Gen|Adm|Sen|Rep|Gov|Lt|Col|Sgt|Capt|Tex|Calif|Fla|Ariz"
    r"|Ave|No|Inc|Co|Corp|Ltd|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec|a\.m|p\.m|vs|etc)$"
)
_ABBREVIATION_END = re.compile(r"(?:\b[A-Za-z]\.){2,}$")  # "D.F.", "U.S.", "a.i."
_SITE_SEPARATORS = (" | ", " :: ", " > ", " » ")
_DASHES = (" - ", " – ", " — ")
# What the part after a dash in a <title> says when it is the site's name, not the headline's.
_SITE_NAME = re.compile(
    r"(?i)\b(?:embassy|embajada|consulate|consulado|mission|department|departamento|homeland security|white house"
    r"|casa blanca|command|agency|usaid|ministry|ministerio|state|justice|\.gov|\.mil|news|noticias)\b"
)
_SITE_NAME_WORDS = 8

_TOP_LINES = 30  # non-blank lines searched for the headline
_LABEL_CHARS = 60  # a line this much longer than the title is text, not a label under it
_HEADLINE_WORDS = (3, 45)
_HEADLINE_MAX = 300  # characters
_SENTENCE_WORDS = 10  # a line this long that ends a sentence is the text, not a headline
_MENU_RUN = 5  # this many short lines in a row are a menu
_MENU_WORDS = 5
_MENU_CHARS = 80
_LIST_ITEM = re.compile(r"(?:[-•*·▪◦]|\d{1,2}[.)])\s")
_INITIAL = re.compile(r"[A-Z]\.$")
_NAME_WORD = re.compile(r"(?:[A-ZÀ-Þ][\w'’.-]*|de|del|la|y)$")
_LABEL_SHAPE = re.compile(
    r"(?:for immediate release|para su divulgacion inmediata|para publicacion inmediata|embargoed\b|embargo\b"
    r"|hasta las\b|not for release|under embargo|check against delivery|as prepared for delivery"
    r"|(?:office|oficina|bureau|department|departamento|ministry|ministerio|embassy|embajada) (?:of|de|del)\b)",
)


@dataclass(frozen=True)
class Headline:
    """A headline found in a body: its text, and where it and the labels after it end."""

    text: str
    start: int  # offset of its first line in the body
    end: int  # offset just after its (last) line


def _lines(body: str, limit: int, offset: int = 0) -> list[tuple[int, str]]:
    """(offset, line) of the body's first `limit` non-blank lines from `offset` on."""
    out = []
    while len(out) < limit and offset <= len(body):
        end = body.find("\n", offset)
        end = len(body) if end == -1 else end
        if not body[offset:end].isspace() and end > offset:
            out.append((offset, body[offset:end]))
        offset = end + 1
    return out


def is_label(line: str) -> bool:
    """Whether a line stands alone as a label, not a headline or text: an issuer, a press
    office, a kind ("FACT SHEET"), an embargo or release note, a "Label | date" line,
    a line ending in a colon, a short line in capitals."""
    key = line_key(line)
    if key in gazetteer.label_lines() or _LABEL_SHAPE.match(key) is not None and len(key.split()) <= 10:
        return True
    if key.endswith(":") and len(key.split()) <= 6:
        return True
    if " | " in line and all(len(part.split()) <= 5 for part in line.split(" | ")):
        return True
    letters = [c for c in line if c.isalpha()]
    return len(line.split()) <= _MENU_WORDS and bool(letters) and all(c.isupper() for c in letters)


def _is_person_line(line: str) -> bool:
    """A line that is only a person's name, with an initial ("Roberta S. Jacobson",
    "President George W. Bush"): a speaker block or a site header, not a headline."""
    words = line.split()
    return len(words) <= 5 and all(_NAME_WORD.match(w) for w in words) and any(_INITIAL.match(w) for w in words)


def _ends_sentence(line: str) -> bool:
    end = line.rstrip("\"”’' ")
    return end.endswith(("!", "?")) or (end.endswith(".") and not _ABBREVIATION_END.search(end))


def _verdict(line: str) -> str:
    """'headline', 'text' (the release has begun: there is no headline) or 'skip'."""
    words = line.split()
    stripped = line.strip()
    if _LIST_ITEM.match(stripped) or _DATELINE_PREFIX.match(stripped):
        return "text"
    if len(words) > _HEADLINE_WORDS[1] or len(stripped) > _HEADLINE_MAX:
        return "text"
    if _ends_sentence(stripped):
        return "text" if len(words) >= _SENTENCE_WORDS else "skip"
    if not (stripped[0].isupper() or stripped[0].isdigit() or stripped[0] in "¿¡"):
        return "text" if len(words) >= _SENTENCE_WORDS else "skip"  # a quotation, a lower-case run-on
    if len(words) < _HEADLINE_WORDS[0] or stripped.endswith((",", ";", ":", "—", "–", "-")):
        return "skip"
    if len(words) == _HEADLINE_WORDS[0] and any(c.isdigit() for c in stripped):
        return "skip"  # "Press Releases 07"
    if is_label(stripped) or _is_person_line(stripped) or _is_date_only(stripped):
        return "skip"
    return "headline"


def _is_date_only(line: str) -> bool:
    found = find_date(line)
    return is_date_line(line) or (found is not None and len(line.split()) <= 8 and found[0] * 3 <= len(line))


@lru_cache(maxsize=8)  # extract_title and text_after_title both ask, for the same body
def locate_headline(body: str) -> Headline | None:
    """The body's headline among its first lines, past labels, dates, names and menus."""
    lines = _lines(body, _TOP_LINES)
    short = [len(line) < _MENU_CHARS and len(line.split()) <= _MENU_WORDS and not _ends_sentence(line) for _, line in lines]
    in_menu = [False] * len(lines)
    run_start = 0
    for index in range(len(lines) + 1):
        if index == len(lines) or not short[index]:
            if index - run_start >= _MENU_RUN:
                in_menu[run_start:index] = [True] * (index - run_start)
            run_start = index + 1
    for index, (offset, line) in enumerate(lines):
        text, end = line.strip(), offset + len(line)
        following = body[end + 1:].split("\n", 1)[0].strip() if body[end:end + 1] == "\n" else ""
        if following and continues_sentence(text, following) and not is_label(following) \
                and len(following.split()) < _SENTENCE_WORDS:
            text, end = f"{text} {following}", body.index("\n", end) + 1 + len(body[end + 1:].split("\n", 1)[0])
        verdict = _verdict(text)
        if verdict == "text":
            return None
        if verdict == "skip" or in_menu[index]:
            continue
        if not body[end:].strip():
            return None  # a headline has text after it
        return Headline(text, offset, end)
    return None


def _after_labels(body: str, end: int, title: str) -> int:
    """Where the labels, date lines and repeats of the headline under a headline ending at
    `end` end ("LA CASA BLANCA" / "4 de mayo, 2013" / "HOJA INFORMATIVA" / the headline
    again, split over two lines)."""
    folded_title = line_key(title)
    for offset, line in _lines(body, _TOP_LINES, end):
        if len(line) > len(title) + _LABEL_CHARS:  # text: longer than any label, date or repeat
            return offset
        if not (_repeats(line, folded_title) or is_label(line) or _is_date_only(line)):
            return offset
    return end


def _repeats(line: str, folded_title: str) -> bool:
    """Whether `line` is the (folded) title again, or a part of it of two words or more."""
    key = line_key(line)
    return key.count(" ") >= 1 and key in folded_title


def find_headline(body: str) -> str | None:
    """The body's headline (see locate_headline), or None."""
    headline = locate_headline(body)
    return headline.text if headline else None


def extract_title(
    body: str, *, html_h1: str | None, html_title: str | None, html_meta: dict[str, str]
) -> tuple[str, str]:
    """(title, source): the page's <h1>, og:title or <title>, else a headline line, else the first sentence."""
    if html_h1:
        return html_h1, "html <h1>"
    if html_meta.get("og:title"):
        return _without_site_name(html_meta["og:title"], html_meta.get("og:site_name")), "html meta og:title"
    if html_title:
        return _without_site_name(html_title, html_meta.get("og:site_name")), "html <title>"
    headline = find_headline(body)
    if headline:
        return headline, "headline line"
    return _shorten(first_sentence(body)), "first sentence"


def text_after_title(body: str, title: str) -> str:
    """The body from where the release's own text begins: without its headline (the title
    or the headline found in it), the lines above it (chrome, labels, menus) and the labels
    under it. The body as it is when it has no headline."""
    start = None
    headline = locate_headline(body)
    if headline is None or not same_line_text(headline.text, title):
        for offset, line in _lines(body, _TOP_LINES):  # an HTML page's <h1>, a sidecar's title
            if same_line_text(line, title):
                start = offset + len(line)
                break
            if _verdict(line) == "text":
                break
    if start is None:
        if headline is None:
            return body
        start, title = headline.end, headline.text
    # Labels and dates under the headline stay (they are the page's words); repeats of it go.
    labels_end = _after_labels(body, start, title)
    folded_title = line_key(title)
    kept = [line for line in body[start:labels_end].split("\n") if not _repeats(line, folded_title)]
    return ("\n".join(kept) + body[labels_end:]).strip("\n")


def _without_site_name(title: str, site_name: str | None) -> str:
    """'Readout of … | Homeland Security' -> 'Readout of …'; '… - U.S. Embassy in Colombia' -> '…'."""
    for separator in _SITE_SEPARATORS:
        head = title.split(separator)[0].strip()
        if head and head != title:
            return head
    for separator in _DASHES:
        head, sep, tail = title.rpartition(separator)
        if sep and head.strip() and (
            tail.strip() == site_name or (len(tail.split()) <= _SITE_NAME_WORDS and _SITE_NAME.search(tail))
        ):
            return head.strip()
    return title


def first_sentence(body: str) -> str:
    """The body's first sentence without its dateline ("WASHINGTON—"); abbreviations don't end it."""
    lines = [line for _, line in _lines(body, 4)] or [""]
    line = lines[0].strip()
    for candidate in lines:
        candidate = candidate.strip()
        dateline = _DATELINE_PREFIX.match(candidate)
        if dateline and not candidate[dateline.end():].strip():
            continue  # a dateline alone on its line ("TEGUCIGALPA, Honduras –"): the sentence follows
        line = candidate[dateline.end():] if dateline else candidate
        break
    for m in _SENTENCE_END.finditer(line, 0, 4 * TITLE_MAX):
        if not _ABBREVIATION.search(line[max(0, m.start() - 12): m.start()]):
            return line[: m.end()]
    return line


def _shorten(text: str) -> str:
    """`text`, or its first ~TITLE_MAX characters cut at a word with "…"."""
    if len(text) <= TITLE_MAX:
        return text
    cut = text[:TITLE_MAX]
    if " " in cut[TITLE_MAX // 2:]:
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip(" ,;:—–-(") + "…"


def same_line_text(a: str, b: str) -> bool:
    """Whether two headlines say the same, ignoring case, spacing and closing punctuation."""
    def norm(s: str) -> str:
        return " ".join(fold(s).casefold().split()).rstrip(".:;,!?\"”’' ")
    return norm(a) == norm(b)
