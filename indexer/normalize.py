"""From decoded file text to a clean body: HTML to text, Unicode and whitespace, boilerplate.

Boilerplate is not simply thrown away: the issuing office it names and a "Release Date:"
line are handed on to extraction, and so are an HTML page's <title>, first <h1> and meta tags.
"""

import re
import unicodedata
from dataclasses import dataclass, field

from bs4 import BeautifulSoup, CData, NavigableString
from bs4.exceptions import ParserRejectedMarkup

# Page furniture, not the release: its text never reaches the body.
# Not "head": html.parser nests a <body> inside an unclosed <head>, and its text is the release.
DROPPED_TAGS = ("script", "style", "nav", "header", "footer", "noscript", "form", "aside",
                "template", "iframe", "svg", "title")
_BLOCK_TAGS = {
    "address", "article", "blockquote", "body", "center", "dd", "details", "div", "dl", "dt", "fieldset",
    "figcaption", "figure", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "main", "ol", "p", "pre", "section",
    "summary", "table", "ul",
}
# Private-use characters stand for breaks while HTML whitespace is collapsed, then become newlines.
_PARAGRAPH, _LINE = "\ue000", "\ue001"
_BREAKS = re.compile(f" *[{_PARAGRAPH}{_LINE}][{_PARAGRAPH}{_LINE} ]*")
_HTML_START = re.compile(r"\s*<(?:!doctype\s+html|html)[\s>]", re.IGNORECASE)
_TAG = re.compile(r"<[^>]*>")
_ANY_SPACE = re.compile(r"\s+")

_SPACES = str.maketrans(
    {**{c: " " for c in "\t\xa0\u1680\u202f\u205f\u3000"}, **{chr(c): " " for c in range(0x2000, 0x200B)},
     **{c: "\n" for c in "\f\v\u2028\u2029\x85"}, "\u200b": None, "\ufeff": None, "\xad": None}
)
_CONTROLS = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f]")
_SPACE_RUNS = re.compile(r" {2,}")

# Whole lines that are press-office furniture wherever they stand.
_FURNITURE = re.compile(
    r"for immediate release\.?"
    r"|(?:media |press )?contacts?:.{0,120}"
    r"|this is historical material.*"
    r"|archived content|in an effort to keep dhs\.gov current.*"
    r"|search form|skip to (?:main )?content"
    r"|last published date:.*|page last reviewed:.*"
    r"|#[#\s]*|-\s*30\s*-"
    r"|[|•·*=_~—–-]+",  # separator lines, such as a stray "|"
    re.IGNORECASE,
)
_RELEASE_DATE = re.compile(r"(?:release|publication|published) date:\s*(.+)", re.IGNORECASE)
# Near the top only: who issued it, and labels that would otherwise pass for a headline.
_TOP_LINES = 12
_ISSUER_ORG = re.compile(
    r"the white house|(?:u\.s\. )?department of (?:homeland security|state|justice|the treasury|defense|commerce"
    r"|labor|energy|transportation|agriculture|education|health and human services|the interior|veterans affairs"
    r"|housing and urban development)",
    re.IGNORECASE,
)
# At most four words after "Office of", so a headline ("Office of Foreign Assets Control Sanctions …") stays.
_ISSUER_OFFICE = re.compile(r"(?:[A-Z]{2,6} )?Office of (?:the )?[A-Z][\w’']*(?: (?:of |and |for |the )?[A-Z][\w’']*){0,3}")
_LABEL = re.compile(r"media note|press release|news release|washington,? d\.? ?c\.?", re.IGNORECASE)
_LIST_ITEM = re.compile(r"(?:[-•*·▪◦]|\d{1,2}[.)])\s")


@dataclass
class HtmlPage:
    """An HTML file's text with block elements as line breaks, and what its head says."""

    text: str
    title: str | None
    h1: str | None
    meta: dict[str, str]  # lower-cased meta name/property -> content; "canonical" -> link href


@dataclass
class Normalized:
    """A release's clean body plus what normalization learned on the way."""

    body: str
    issuer_lines: list[str]  # e.g. ["The White House", "Office of the Vice President"]
    release_date: str | None  # the text after a "Release Date:" label
    html_title: str | None = None
    html_h1: str | None = None
    html_meta: dict[str, str] = field(default_factory=dict)


def normalize(text: str, *, is_html: bool) -> Normalized:
    """Clean body text of a release, with its issuer lines, release-date line and HTML head facts."""
    # A .txt file holding a saved web page is read as the page it is.
    page = html_to_text(text) if is_html or _HTML_START.match(text) else None
    lines, issuer_lines, release_date = strip_boilerplate(tidy_lines(page.text if page else text))
    body = join_paragraphs(lines)
    if page is None:
        return Normalized(body, issuer_lines, release_date)
    return Normalized(body, issuer_lines, release_date, page.title, page.h1, page.meta)


def html_to_text(markup: str) -> HtmlPage:
    """Text of an HTML page without its furniture; paragraphs and list items on their own lines."""
    try:
        soup = BeautifulSoup(markup, "html.parser")
    except ParserRejectedMarkup:
        # Markup too broken for the parser is still text: keep what lies between tags.
        return HtmlPage(_TAG.sub(" ", markup), None, None, {})
    title = _inline_text(soup.title)
    meta = _head_facts(soup)
    h1 = _inline_text(_release_h1(soup))
    root = soup.body or soup
    text = _ANY_SPACE.sub(" ", _marked_text(root))  # HTML whitespace is one space; breaks are markers
    text = _BREAKS.sub(lambda m: "\n\n" if _PARAGRAPH in m.group() else "\n", text)
    return HtmlPage(text, title, h1, meta)


def _marked_text(root) -> str:
    """The text under `root` with break markers around blocks, list items and rows.

    One pass with an explicit stack: no recursion limit on 50,000 nested <div>s, and no
    tree edits (each BeautifulSoup insert walks the subtree, which made deep or long
    pages quadratic). Dropped tags are skipped with everything inside them.
    """
    out: list[str] = []
    stack = [(child, False) for child in reversed(root.contents)]
    while stack:
        node, leaving = stack.pop()
        if isinstance(node, NavigableString):
            if type(node) in (NavigableString, CData):  # not comments, doctypes, script text
                out.append(node)
            continue
        name = node.name
        if leaving:
            out.append(_PARAGRAPH if name in _BLOCK_TAGS else _LINE if name == "li" else " ")
            continue
        if name in DROPPED_TAGS:
            continue
        if name in _BLOCK_TAGS:
            out.append(_PARAGRAPH)
        elif name == "li":
            out.append(_LINE + "• ")
        elif name in ("br", "tr"):
            out.append(_LINE)
        if name in _BLOCK_TAGS or name in ("li", "td", "th"):
            stack.append((node, True))
        stack.extend((child, False) for child in reversed(node.contents))
    return "".join(out)


def _inline_text(tag) -> str | None:
    """A title or heading on one line; block elements inside it (from broken markup) become spaces."""
    text = _ANY_SPACE.sub(" ", _BREAKS.sub(" ", _marked_text(tag))).strip() if tag is not None else ""
    return unicodedata.normalize("NFC", text) or None


def _release_h1(soup):
    """The release's headline: the first <h1> in <main>/<article>, else the first outside page furniture."""
    container = soup.find(["main", "article"])
    h1 = container.find("h1") if container else None
    if h1 is None:
        h1 = next((tag for tag in soup.find_all("h1") if tag.find_parent(DROPPED_TAGS) is None), None)
    return h1


def _head_facts(soup) -> dict[str, str]:
    """Meta tags by lower-cased name, property or itemprop (first wins), and the canonical link."""
    meta: dict[str, str] = {}
    for tag in soup.find_all("meta"):
        key = tag.get("property") or tag.get("name") or tag.get("itemprop")
        content = tag.get("content")
        if isinstance(key, str) and isinstance(content, str) and content.strip():
            meta.setdefault(key.strip().lower(), content.strip())
    link = soup.find("link", rel="canonical")
    href = link.get("href") if link else None
    if isinstance(href, str) and href.strip():
        meta.setdefault("canonical", href.strip())
    return meta


def tidy_lines(text: str) -> list[str]:
    """NFC text split into lines, each with single spaces and no spaces at either end."""
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    text = _CONTROLS.sub("", text.translate(_SPACES))
    return [_SPACE_RUNS.sub(" ", line).strip() for line in text.split("\n")]


def strip_boilerplate(lines: list[str]) -> tuple[list[str], list[str], str | None]:
    """Lines without press-office furniture; also the issuer lines and a "Release Date:" value."""
    kept: list[str] = []
    issuer_lines: list[str] = []
    release_date = None
    seen = 0  # non-blank lines so far: issuer lines and labels are only looked for near the top
    for line in lines:
        if not line:
            kept.append(line)
            continue
        seen += 1
        if _FURNITURE.fullmatch(line):
            continue
        dated = _RELEASE_DATE.fullmatch(line)
        if dated:
            release_date = release_date or dated.group(1)
            continue
        if seen <= _TOP_LINES:
            if _ISSUER_ORG.fullmatch(line) or _ISSUER_OFFICE.fullmatch(line):
                if line not in issuer_lines:
                    issuer_lines.append(line)
                continue
            if _LABEL.fullmatch(line):
                continue
        kept.append(line)
    return kept, issuer_lines, release_date


def join_paragraphs(lines: list[str]) -> str:
    """Paragraphs separated by one blank line; list items stay on consecutive lines.

    A file that never leaves a blank line writes one paragraph per line, so there each
    line becomes a paragraph; where blank lines separate paragraphs, single line breaks
    inside one are kept as they are.
    """
    blocks: list[list[str]] = []
    current: list[str] = []
    for line in lines:
        if line:
            current.append(line)
        elif current:
            blocks.append(current)
            current = []
    if current:
        blocks.append(current)
    if len(blocks) != 1:
        return "\n\n".join("\n".join(block) for block in blocks)
    out = blocks[0][:1]
    for previous, line in zip(blocks[0], blocks[0][1:]):
        both_items = _LIST_ITEM.match(previous) and _LIST_ITEM.match(line)
        out.append(("\n" if both_items else "\n\n") + line)
    return "".join(out)
