"""A release's full text as HTML for its page: facet mentions underlined, query words
marked, in one pass over both lists of spans (linear in the text and the spans).

The first drawn mention of each value gets an id, so the facet list beside the text can
link to it; `render` says which ids it drew.
"""

from collections.abc import Callable
from dataclasses import dataclass

from markupsafe import Markup, escape

from webapp.highlight import Span, marked_pieces
from webapp.results import Mention


@dataclass(frozen=True)
class RenderedText:
    html: Markup
    anchors: dict[tuple[str, str], str]  # (facet, value) -> id of its first drawn mention


def mention_anchor(facet: str, value: str) -> str:
    """The id of the first marked mention of a facet value on the release page."""
    return "m-" + facet + "-" + "".join(ch if ch.isalnum() else "-" for ch in value.lower())


def render(body: str, spans: list[Span], mentions: list[Mention],
           link: Callable[[str, str], str | None] | None = None) -> RenderedText:
    """`body` escaped, `spans` in <mark>, each mention in <span class="mention">, or in
    <a class="mention"> to the address `link(facet, value)` gives, when it gives one.

    Overlapping mentions: the first one (leftmost, then longest) wins. A query span that
    straddles a mention's edge is not marked.
    """
    marks = sorted(
        ((start, end, mention) for mention in mentions for start, end in mention.spans if 0 <= start < end <= len(body)),
        key=lambda m: (m[0], -m[1]),
    )
    spans = sorted(spans, key=lambda s: s.start)
    out: list[str] = []
    anchors: dict[tuple[str, str], str] = {}
    used: set[str] = set()
    tags: dict[tuple[str, str], tuple[str, str]] = {}  # each value's opening (without id) and closing tag
    pos = 0
    next_span = 0  # spans before it are drawn or skipped: each is looked at once

    def marked(start: int, end: int) -> None:
        nonlocal next_span
        inside = []
        while next_span < len(spans) and spans[next_span].start < end:
            span = spans[next_span]
            if span.start >= start and span.end <= end:
                inside.append(span)
            next_span += 1
        out.extend(marked_pieces(body[start:end], inside, offset=start))

    for start, end, mention in marks:
        if start < pos:
            continue
        marked(pos, start)
        key = (mention.facet, mention.value)
        if key not in tags:
            tags[key] = _tags(mention, link(*key) if link is not None else None)
        opening, closing = tags[key]
        anchor = mention_anchor(*key)
        if key not in anchors and anchor not in used:
            anchors[key] = anchor
            used.add(anchor)
            out.append(f'{opening} id="{anchor}">')
        else:
            out.append(opening + ">")
        marked(start, end)
        out.append(closing)
        pos = end
    marked(pos, len(body))
    return RenderedText(Markup("".join(out)), anchors)


def _tags(mention: Mention, href: str | None) -> tuple[str, str]:
    """A mention's opening tag, not yet closed (its first one gets an id), and its closing tag."""
    facet, value = escape(mention.facet), escape(mention.value)
    element = "a" if href else "span"
    target = f' href="{escape(href)}"' if href else ""
    return f'<{element} class="mention mention-{facet}" title="{facet}: {value}"{target}', f"</{element}>"
