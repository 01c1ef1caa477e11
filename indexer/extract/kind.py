"""What kind of release a text is: readout, remarks, fact sheet, joint statement, ...

Read from cues in kinds.json, in its order: how the headline starts or what it says, a label
standing alone among the opening lines ("FACT SHEET", "Press Release"), a phrase of the
opening ("Remarks as prepared for delivery", "MODERATOR:"). No cue, no kind: None.
"""

from indexer import gazetteer
from indexer.gazetteer import line_key

_OPENING_LINES = 12
_LINE_START = 80


def extract_kind(title: str, opening: str, title_is_headline: bool = True) -> tuple[str | None, str | None]:
    """(kind, source): 'headline', 'label' or 'opening'; (None, None) when nothing tells."""
    headline = line_key(title) if title_is_headline else ""
    padded = f" {headline} "
    # The start of each opening line is enough: labels are short, cues open their line.
    lines = [line_key(line[:_LINE_START]) for line in opening.split("\n", 2 * _OPENING_LINES)[: 2 * _OPENING_LINES]
             if line.strip()]
    for kind in gazetteer.kinds():
        if headline and (headline.startswith(kind.headline_starts) or any(p in padded for p in kind.headline_has)):
            return kind.name, "headline"
    for kind in gazetteer.kinds():
        if any(line in kind.labels or line.split(" | ")[0] in kind.labels for line in lines[:_OPENING_LINES]):
            return kind.name, "label"
    for kind in gazetteer.kinds():
        if any(line.startswith(p) or (p[-1] in ":)" and p in line) for line in lines[:_OPENING_LINES] for p in kind.opening):
            return kind.name, "opening"
    return None, None
