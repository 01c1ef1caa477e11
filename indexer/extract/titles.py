"""A release's title: the page's headline, else its first sentence (marked so)."""

import re

from indexer.extract.dates import PLACE_WORD, WRITTEN_DATE
from indexer.gazetteer import fold

TITLE_MAX = 120  # a title made from the first sentence is cut near here, at a word boundary

_DATELINE_PREFIX = re.compile(
    rf"[A-ZÀ-Þ](?:[^\W\d_]|[.'’-])*(?:,?[ \t]+{PLACE_WORD}){{0,3}}(?:,?[ \t]+\(?{WRITTEN_DATE}\)?)?[ \t]*(?:—|–|--)[ \t]*"
)
_SENTENCE_END = re.compile(r"[.!?][\"”’)]*(?=\s+[\"“‘(]?[A-Z0-9])")
_ABBREVIATION = re.compile(
    r"\b(?:[A-Z]|U\.S|U\.K|U\.N|D\.C|Mr|Mrs|Ms|Dr|St|Jr|Sr|Gen|Adm|Sen|Rep|Gov|Lt|Col|Sgt|Capt|Tex|Calif|Fla|Ariz"
    r"|Ave|No|Inc|Co|Corp|Ltd|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec|a\.m|p\.m|vs|etc)$"
)
_HEADLINE_MAX = 200
_SITE_SEPARATORS = (" | ", " :: ")


def find_headline(body: str) -> str | None:
    """The body's first line when it reads as a headline: short, no final period, text after it."""
    first, _, rest = body.partition("\n")
    words = first.split()
    if not first or not rest.strip() or not 3 <= len(words) <= 30 or len(first) > _HEADLINE_MAX:
        return None
    if not first[0].isupper() and not first[0].isdigit():
        return None  # quotations, bullets
    if first.rstrip("\"”’'").endswith((".", ",", ";", ":", "—", "–", "-")) or _DATELINE_PREFIX.match(first):
        return None
    return first


def extract_title(
    body: str, *, html_h1: str | None, html_title: str | None, html_meta: dict[str, str]
) -> tuple[str, str]:
    """(title, source): the page's <h1>, og:title or <title>, else a headline line, else the first sentence."""
    if html_h1:
        return html_h1, "html <h1>"
    if html_meta.get("og:title"):
        return html_meta["og:title"], "html meta og:title"
    if html_title:
        return _without_site_name(html_title, html_meta.get("og:site_name")), "html <title>"
    headline = find_headline(body)
    if headline:
        return headline, "headline line"
    return _shorten(first_sentence(body)), "first sentence"


def _without_site_name(title: str, site_name: str | None) -> str:
    """'Readout of … | Homeland Security' -> 'Readout of …'."""
    for separator in _SITE_SEPARATORS:
        head = title.split(separator)[0].strip()
        if head and head != title:
            return head
    if site_name:
        for separator in (" - ", " – ", " — "):
            if title.endswith(separator + site_name) and len(title) > len(separator + site_name):
                return title[: -len(separator + site_name)].strip()
    return title


def first_sentence(body: str) -> str:
    """The body's first sentence without its dateline ("WASHINGTON—"); abbreviations don't end it."""
    line = body.lstrip().split("\n", 1)[0]
    dateline = _DATELINE_PREFIX.match(line)
    if dateline and line[dateline.end():].strip():
        line = line[dateline.end():]
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
