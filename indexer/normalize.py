"""From decoded file text to a clean body: HTML to text, Unicode and whitespace, boilerplate.

For HTML, the release is the page's main content (<main>, <article>, role=main, a content
id or class, else the page without its link-dense blocks); for text, site chrome is
recognized line by line, by its words (chrome.json) and its shape (breadcrumbs, menu
arrows). Boilerplate is not simply thrown away: the issuing office it names, a "Release
Date:" line and the chrome lines (whose site it is) are handed on to extraction, and so
are an HTML page's <title>, first <h1> and meta tags.
"""

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from html.parser import HTMLParser

from lxml import etree

from indexer import gazetteer
from indexer.gazetteer import line_key

# Page furniture, not the release: its text never reaches the body.
_CODE_TAGS = ("script", "style", "noscript", "template", "iframe", "svg", "title")  # never text, even in a site's header
DROPPED_TAGS = (*_CODE_TAGS, "nav", "header", "footer", "form", "aside")
# libxml2's HTML parser (lxml) builds a page's tree in C: 0.06 ms for a generated long
# release's page, where BeautifulSoup with html.parser took 3.4 ms of the 6.2 that
# normalizing it took. Comments and processing instructions are left out as it parses;
# huge_tree lifts libxml2's nesting limit (256), which would cut a deep page's text short.
_HTML_PARSER = etree.HTMLParser(encoding="utf-8", remove_comments=True, remove_pis=True, huge_tree=True,
                                no_network=True)
# Elements whose text the parser reads up to their end tag, as a browser does: never
# closed, one would take the rest of the page with it. (Not <script> or <style>: their
# code must never become text, and html.parser took the page with them too.)
_SWALLOWING = re.compile(r"<(title|textarea|xmp|plaintext|noembed|noframes|iframe)\b[^>]*>([^<]*)", re.IGNORECASE)
_SWALLOWING_END = re.compile(r"</(title|textarea|xmp|noembed|noframes|iframe)", re.IGNORECASE)
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
# Substituting only the characters _SPACES maps is several times faster than str.translate,
# which looks every character up (a fifth of all normalizing time).
_ODD_SPACES = re.compile("[" + "".join(re.escape(chr(c)) for c in sorted(_SPACES)) + "]")
# Two spaces, then more: a pattern that starts with a literal is searched for in C; " {2,}"
# was tried at every position: 5x slower, a quarter of normalizing a text release.
_SPACE_RUNS = re.compile("  +")

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
# The label alone, its date on the next line ("Release Date:" / "Tue, 06/04/2019").
_RELEASE_DATE_LABEL = re.compile(r"(?:release|publication|published) date:?|fecha de publicaci[oó]n:?", re.IGNORECASE)
_RELEASE_DATE_VALUE_WORDS = 6
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


# Where a page marks its main content, when it has no <main>, <article> or role=main.
_CONTENT_ID = re.compile(r"(?i)^(?:main|content|main-?content|maincontent|primary|article|press-?release)$")
_CONTENT_CLASS = re.compile(
    r"(?i)^(?:main-?content|content-?main|article-?(?:body|content)|press-?release|field-?name-?body|field--name-body"
    r"|entry-?content|node-?content|page-?content|post-?content|story-?body|body-?content)$"
)
_CONTAINER_MIN_SHARE = 0.3  # a content id/class holding less of the page's text is not the release
LINK_DENSITY_MAX = 0.5  # blocks whose text is mostly link text are menus, not the release
_PRUNABLE = {"div", "section", "ul", "ol", "table", "p", "dl", "center", "span", "td"}
_CHROME_PHRASE_MAX_WORDS = 40
_BREADCRUMB_START = re.compile(r"1[.)]? home")
_NUMBERED_ITEM = re.compile(r"\d{1,2}[.)]\s+\S")
_BREADCRUMB_LINE = re.compile(r"home ?(?:[>/›»|] ?[^>/›»|]{1,60}){1,8}")
_MENU_ARROW = re.compile(r"[>›»]\s*\S.{0,60}")
_URL_LINE = re.compile(r"(?:https?://|www\.)\S+")
_SITE_LINES_MAX = 40
_SITE_ELEMENTS = 6


@dataclass
class HtmlPage:
    """An HTML file's text with block elements as line breaks, and what its head says."""

    text: str
    title: str | None
    h1: str | None
    meta: dict[str, str]  # lower-cased meta name/property -> content; "canonical" -> link href
    site_lines: list[str] = field(default_factory=list)  # text of the page's header, nav and footer


@dataclass
class Normalized:
    """A release's clean body plus what normalization learned on the way."""

    body: str
    issuer_lines: list[str]  # e.g. ["The White House", "Office of the Vice President"]
    release_date: str | None  # the text after a "Release Date:" label
    html_title: str | None = None
    html_h1: str | None = None
    html_meta: dict[str, str] = field(default_factory=dict)
    # Chrome lines removed from the text, and an HTML page's header, nav and footer text:
    # they say whose site the page is on ("Official website of the Department of Homeland Security").
    site_lines: list[str] = field(default_factory=list)


def normalize(text: str, *, is_html: bool) -> Normalized:
    """Clean body text of a release, with its issuer lines, release-date line, chrome and HTML head facts."""
    # A .txt file holding a saved web page is read as the page it is.
    page = html_to_text(text) if is_html or _HTML_START.match(text) else None
    lines, chrome_lines = strip_chrome(tidy_lines(page.text if page else text))
    lines, issuer_lines, release_date = strip_boilerplate(lines)
    body = join_paragraphs(lines)
    if page is None:
        return Normalized(body, issuer_lines, release_date, site_lines=chrome_lines)
    return Normalized(body, issuer_lines, release_date, page.title, page.h1, page.meta,
                      site_lines=[*chrome_lines, *page.site_lines])


def html_to_text(markup: str) -> HtmlPage:
    """Text of an HTML page without its furniture; paragraphs and list items on their own lines."""
    markup = _unswallowed(markup)
    try:
        root = etree.fromstring(markup.encode("utf-8", "replace"), _HTML_PARSER)
    except (etree.LxmlError, ValueError):
        root = None
    halted = _HTML_PARSER.error_log.last_error
    if root is None or (halted is not None and halted.level == etree.ErrorLevels.FATAL):
        # No tree, or one cut short (libxml2 stops at 2,048 open elements): the text is
        # still the release, read flat.
        return HtmlPage(_flat_text(markup), None, None, {})
    title = _title_text(next(root.iter("title"), None))
    meta = _head_facts(root)
    page = root.find("body")
    page = root if page is None else page
    marks = _landmarks(page)
    h1 = _inline_text(_release_h1(marks))
    main, skipped = _main_content(page, marks)
    return HtmlPage(_as_lines(_marked_text(main, skipped)), title, h1, meta, _site_lines(marks.get("site", [])))


def _as_lines(marked: str) -> str:
    """Marked text as lines: HTML white space is one space, break markers line breaks."""
    text = _ANY_SPACE.sub(" ", marked)
    return _BREAKS.sub(lambda m: "\n\n" if _PARAGRAPH in m.group() else "\n", text)


class _FlatText(HTMLParser):
    """The text of markup, with blocks on lines of their own and no script or style code:
    for the pages libxml2 cannot make a whole tree of. Nothing is held per element, so no
    depth is too deep."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in _BLOCK_TAGS or tag in ("li", "br", "tr"):
            self.out.append(_PARAGRAPH if tag in _BLOCK_TAGS else _LINE)

    def handle_endtag(self, tag):
        if tag in _BLOCK_TAGS:
            self.out.append(_PARAGRAPH)

    def handle_data(self, data):
        if self.cdata_elem is None:  # not inside <script> or <style>
            self.out.append(data)


def _flat_text(markup: str) -> str:
    reader = _FlatText()
    reader.feed(markup)
    reader.close()
    return _as_lines("".join(reader.out))


def _unswallowed(markup: str) -> str:
    """`markup` with each never-closed element whose text the parser would take to the
    end of the page closed where its own text ends (an unclosed <title> would hold the
    whole release, as in a browser); <plaintext> taken out; NUL characters taken out."""
    last_end_tag = {match.group(1).lower(): match.start() for match in _SWALLOWING_END.finditer(markup)}

    def close(match: re.Match) -> str:
        name = match.group(1).lower()
        if name == "plaintext":
            return match.group(2)
        if last_end_tag.get(name, -1) >= match.end():
            return match.group()
        return f"{match.group()}</{name}>"

    return _SWALLOWING.sub(close, markup).replace("\0", "")


def _landmarks(page) -> dict:
    """What the page marks, found in one walk: its first <main>, role=main, <article>,
    content id and content class; its <h1>s; its header, nav and footer elements."""
    marks: dict = {"h1": [], "site": []}
    for node in page.iterdescendants(etree.Element):
        name = node.tag
        if name in ("main", "article"):
            marks.setdefault(name, node)
        elif name == "h1":
            marks["h1"].append(node)
        elif name in ("header", "nav", "footer") and len(marks["site"]) < _SITE_ELEMENTS:
            marks["site"].append(node)
        attrs = node.attrib
        if attrs:
            if attrs.get("role") == "main":
                marks.setdefault("role", node)
            ident = attrs.get("id")
            if "id" not in marks and ident and _CONTENT_ID.match(ident):
                marks["id"] = node
            classes = attrs.get("class")
            if "class" not in marks and classes and any(_CONTENT_CLASS.match(c) for c in classes.split()):
                marks["class"] = node
    return marks


def _main_content(page, marks: dict):
    """(element holding the release, elements to leave out of it).

    The page's own mark first: <main>, role=main, <article>; then a content id or class
    holding a fair share of the page's text; else the whole page without the blocks whose
    text is mostly links (menus, related links, share bars).
    """
    for found in (marks.get("main"), marks.get("role"), marks.get("article")):
        if found is not None and next(found.iterancestors(*DROPPED_TAGS), None) is None and _has_text(found):
            return found, frozenset()
    lengths = _text_lengths(page)
    total = lengths.get(page, (0, 0))[0]
    for found in (marks.get("id"), marks.get("class")):
        if found is not None and lengths.get(found, (0, 0))[0] >= _CONTAINER_MIN_SHARE * total > 0:
            return found, frozenset()
    skipped = frozenset(
        node for node, (text, links) in lengths.items() if node is not page and text and links > LINK_DENSITY_MAX * text
    )
    return page, skipped


def _has_text(element) -> bool:
    """Whether any text other than white space (and than script or style code) lies inside `element`."""
    for node in element.iter(etree.Element):
        if node.text and node.tag not in _CODE_TAGS and not node.text.isspace():
            return True
        if node is not element and node.tail and not node.tail.isspace():
            return True
    return False


def _text_lengths(root) -> dict:
    """element -> (characters of text under it, of which inside links), for prunable blocks.

    One post-order pass with an explicit stack, like _marked_text: deep pages stay linear.
    An element's text is its own and its children's tails (lxml's model); a child's tail
    is its parent's text, even when the child itself is dropped.
    """
    totals: dict = {}
    kept: dict = {}
    stack = [(root, False, False)]
    parents = []
    while stack:
        node, leaving, in_link = stack.pop()
        if leaving:
            text, links = totals.pop(node)
            if node.tag in _PRUNABLE or node is root:
                kept[node] = (text, links)
            parents.pop()
            if parents:
                parent = totals[parents[-1]]
                parent[0] += text
                parent[1] += links
            continue
        if node.tail and parents:
            size = len(node.tail.strip())
            parent = totals[parents[-1]]
            parent[0] += size
            parent[1] += size if in_link else 0
        if node.tag in DROPPED_TAGS:
            continue
        inner_link = in_link or node.tag == "a"
        size = len(node.text.strip()) if node.text else 0
        totals[node] = [size, size if inner_link else 0]
        parents.append(node)
        stack.append((node, True, in_link))
        stack.extend((child, False, inner_link) for child in reversed(node))
    return kept


def _site_lines(elements) -> list[str]:
    """The text lines of the page's header, nav and footer: whose site it is."""
    lines: list[str] = []
    for tag in elements:
        text = _BREAKS.sub("\n", _ANY_SPACE.sub(" ", _marked_text(tag, frozenset(), root_dropped=False)))
        lines.extend(line.strip() for line in text.split("\n") if line.strip())
    return lines[:_SITE_LINES_MAX]


def _marked_text(root, skipped=frozenset(), *, root_dropped: bool = True) -> str:
    """The text under `root` with break markers around blocks, list items and rows.

    One pass with an explicit stack: no recursion limit on 50,000 nested <div>s. Dropped
    tags and `skipped` elements are left out with everything inside them (not the text
    after them: lxml keeps that as the element's tail); root_dropped=False keeps header,
    nav and footer (to read the site's name).
    """
    out: list[str] = [root.text or ""]
    stack = [(child, False) for child in reversed(root)]
    dropped = DROPPED_TAGS if root_dropped else _CODE_TAGS
    while stack:
        node, leaving = stack.pop()
        name = node.tag
        if leaving:
            if name in _BLOCK_TAGS:
                out.append(_PARAGRAPH)
            elif name == "li":
                out.append(_LINE)
            elif name in ("td", "th"):
                out.append(" ")
            if node.tail:
                out.append(node.tail)
            continue
        if name in dropped or (skipped and node in skipped):
            if node.tail:
                out.append(node.tail)
            continue
        if name in _BLOCK_TAGS:
            out.append(_PARAGRAPH)
        elif name == "li":
            out.append(_LINE + "• ")
        elif name in ("br", "tr"):
            out.append(_LINE)
        if node.text:
            out.append(node.text)
        stack.append((node, True))
        stack.extend((child, False) for child in reversed(node))
    return "".join(out)


def _inline_text(tag) -> str | None:
    """A title or heading on one line; block elements inside it (from broken markup) become spaces."""
    text = _ANY_SPACE.sub(" ", _BREAKS.sub(" ", _marked_text(tag))).strip() if tag is not None else ""
    return unicodedata.normalize("NFC", text) or None


def _title_text(tag) -> str | None:
    """The page's <title> on one line. The parser keeps what lies inside a title as text,
    so markup in it (a broken page's) is read as markup here: its text, not its tags."""
    title = _inline_text(tag)
    if title and _TAG.search(title):
        fragment = etree.fromstring(f"<div>{title}</div>".encode("utf-8", "replace"), _HTML_PARSER)
        title = _inline_text(fragment.find("body/div")) if fragment is not None else None
    return title


def _release_h1(marks: dict):
    """The release's headline: the first <h1> in <main>/<article>, else the first outside page furniture."""
    container = marks.get("main")
    container = marks.get("article") if container is None else container
    h1 = next(container.iterdescendants("h1"), None) if container is not None else None
    if h1 is None:
        h1 = next((tag for tag in marks["h1"] if next(tag.iterancestors(*DROPPED_TAGS), None) is None), None)
    return h1


def _head_facts(root) -> dict[str, str]:
    """Meta tags by lower-cased name, property or itemprop (first wins), and the canonical link."""
    meta: dict[str, str] = {}
    for tag in root.iter("meta"):
        key = tag.get("property") or tag.get("name") or tag.get("itemprop")
        content = tag.get("content")
        if key and content and content.strip():
            meta.setdefault(key.strip().lower(), content.strip())
    link = next((tag for tag in root.iter("link") if "canonical" in (tag.get("rel") or "").split()), None)
    href = link.get("href") if link is not None else None
    if href and href.strip():
        meta.setdefault("canonical", href.strip())
    return meta


def tidy_lines(text: str) -> list[str]:
    """NFC text split into lines, each with single spaces and no spaces at either end."""
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    text = _CONTROLS.sub("", _ODD_SPACES.sub(lambda m: _SPACES[ord(m.group())] or "", text))
    # Runs of spaces never cross a line: one pass over the text, not one per line.
    return [line.strip() for line in _SPACE_RUNS.sub(" ", text).split("\n")]


def strip_chrome(lines: list[str]) -> tuple[list[str], list[str]]:
    """Lines without site chrome, and the chrome lines taken out.

    Chrome is a line chrome.json lists, a short line holding one of its phrases (the
    .gov banner, archive notices), a breadcrumb ("1. Home" / "2. About Us" …, or
    "Home > News > …"), a menu line led by an arrow (">Press Releases"), and the address
    after "Return to this article at:".
    """
    kept: list[str] = []
    removed: list[str] = []
    in_breadcrumb = after_return_link = False
    for line in lines:
        if not line or line.count(" ") >= _CHROME_PHRASE_MAX_WORDS:
            kept.append(line)  # chrome lines are short: a paragraph is text
            in_breadcrumb = after_return_link = False
            continue
        key, chrome = _chrome_line(line)
        first = line[0]
        chrome = chrome or (in_breadcrumb and first.isdigit() and _NUMBERED_ITEM.match(line) is not None) \
            or (after_return_link and _URL_LINE.fullmatch(line) is not None)
        in_breadcrumb = chrome and (in_breadcrumb or _BREADCRUMB_START.fullmatch(key) is not None)
        after_return_link = chrome and key.startswith("return to this article")
        (removed if chrome else kept).append(line)
    return kept, removed


@lru_cache(maxsize=4096)  # a page repeats its chrome lines, and a hostile file one line 100,000 times
def _chrome_line(line: str) -> tuple[str, bool]:
    """(line_key, whether the line is chrome by itself): listed, a phrase, a breadcrumb, a menu arrow."""
    data = gazetteer.chrome()
    short = line.count(" ") < _SHORT_CHROME_WORDS
    # A long line is chrome only when a phrase opens it: its start is enough to read.
    key = line_key(line if short else line[:_PHRASE_CHARS])
    first = line[0]
    return key, bool(
        (short and key in data.lines)
        or _holds_phrase(data.phrases, key, short)
        or (first == "1" and _BREADCRUMB_START.fullmatch(key) is not None)
        or (first in "Hh" and _BREADCRUMB_LINE.fullmatch(key) is not None)
        or (first in ">›»" and short and _MENU_ARROW.fullmatch(line) is not None)
    )


def _holds_phrase(phrases: re.Pattern, key: str, short: bool) -> bool:
    """A chrome phrase opening the line, or anywhere in a short one: a paragraph that happens
    to quote a banner ("WASHINGTON, March 7 — This is historical material …") stays."""
    return (phrases.search(key) if short else phrases.match(key)) is not None


_SHORT_CHROME_WORDS = 12
_PHRASE_CHARS = 90  # longer than any chrome phrase


def strip_boilerplate(lines: list[str]) -> tuple[list[str], list[str], str | None]:
    """Lines without press-office furniture; also the issuer lines and a "Release Date:" value."""
    kept: list[str] = []
    issuer_lines: list[str] = []
    release_date = None
    seen = 0  # non-blank lines so far: issuer lines and labels are only looked for near the top
    awaiting_date = False  # a "Release Date:" label alone: its value is the next line
    for line in lines:
        if not line:
            kept.append(line)
            continue
        seen += 1
        if awaiting_date:
            awaiting_date = False
            if len(line.split()) <= _RELEASE_DATE_VALUE_WORDS and any(c.isdigit() for c in line):
                release_date = release_date or line  # and the date stays in the text, as the page shows it
        if _FURNITURE.fullmatch(line):
            continue
        dated = _RELEASE_DATE.fullmatch(line)
        if dated:
            release_date = release_date or dated.group(1)
            continue
        if _RELEASE_DATE_LABEL.fullmatch(line):
            awaiting_date = True
            continue
        if seen <= _TOP_LINES:
            if _ISSUER_ORG.fullmatch(line) or _ISSUER_OFFICE.fullmatch(line) or _names_issuer(line):
                if line not in issuer_lines:
                    issuer_lines.append(line)
                continue
            if _LABEL.fullmatch(line):
                continue
        kept.append(line)
    return kept, issuer_lines, release_date


def _names_issuer(line: str) -> bool:
    """Whether a line is only an issuer's name or a press office's (issuers.json): "DHS Press
    Office", "LA CASA BLANCA", "Oficina del Portavoz"."""
    data = gazetteer.issuers()
    key = line_key(line)
    return key in data.by_name or key in data.offices


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
        if _LIST_ITEM.match(previous) and _LIST_ITEM.match(line):
            out.append("\n" + line)
        elif continues_sentence(previous, line):
            out.append(" " + line)  # a sentence hard-wrapped over two lines
        else:
            out.append("\n\n" + line)
    return "".join(out)


_SENTENCE_END = (".", "!", "?", ":", ";", '"', "”", "’", ")", "]")
_JOINING_WORDS = frozenset(
    "and or of the a an to for in on with by at from as that de del la el los las y e en que para por con a al sobre"
    .split()
)


def continues_sentence(previous: str, line: str) -> bool:
    """Whether `line` goes on with the sentence `previous` left open: no closing punctuation,
    and a lower-case start or a comma or joining word before the break."""
    if previous.endswith(_SENTENCE_END) or _LIST_ITEM.match(line):
        return False
    last = previous.rsplit(" ", 1)[-1].lower()
    return line[0].islower() or previous.endswith(",") or last in _JOINING_WORDS
