"""A release's full text as HTML for its page: facet mentions underlined, query words
marked, in one pass over both lists of spans (linear in the text and the spans).

The first drawn mention of each value gets an id, so the facet list beside the text can
link to it; `render` says which ids it drew.
"""

from collections.abc import Callable
from dataclasses import dataclass

from markupsafe import Markup

from webapp.highlight import Span, mark
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
    out: list[Markup] = []
    anchors: dict[tuple[str, str], str] = {}
    used: set[str] = set()
    pos = 0
    next_span = 0  # spans before it are drawn or skipped: each is looked at once

    def marked(start: int, end: int) -> Markup:
        nonlocal next_span
        inside = []
        while next_span < len(spans) and spans[next_span].start < end:
            span = spans[next_span]
            if span.start >= start and span.end <= end:
                inside.append(span)
            next_span += 1
        return mark(body[start:end], inside, offset=start)

    for start, end, mention in marks:
        if start < pos:
            continue
        out.append(marked(pos, start))
        key = (mention.facet, mention.value)
        anchor = mention_anchor(*key)
        first = key not in anchors and anchor not in used
        if first:
            anchors[key] = anchor
            used.add(anchor)
        href = link(mention.facet, mention.value) if link is not None else None
        out.append(
            Markup('<{4} class="mention mention-{0}"{1} title="{0}: {2}"{5}>{3}</{4}>').format(
                mention.facet, Markup(' id="{}"').format(anchor) if first else "", mention.value, marked(start, end),
                Markup("a" if href else "span"), Markup(' href="{}"').format(href) if href else "",
            )
        )
        pos = end
    out.append(marked(pos, len(body)))
    return RenderedText(Markup("").join(out), anchors)
