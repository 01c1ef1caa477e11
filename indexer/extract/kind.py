"""What kind of release a text is: readout, remarks, fact sheet, joint statement, ...

Read from cues in kinds.json, in its order: how the headline starts or what it says, a label
standing alone among the opening lines ("FACT SHEET", "Press Release"), a phrase of the
opening ("Remarks as prepared for delivery", "MODERATOR:"). No cue, no kind: None.
"""

import re
from dataclasses import dataclass
from functools import cache

from indexer import gazetteer
from indexer.gazetteer import line_key

_OPENING_LINES = 12
_LINE_START = 80  # labels are short, and cues open their line: a line's start is enough


@dataclass(frozen=True)
class _Cues:
    labels: dict[str, int]  # label -> rank of its kind (kinds.json order)
    opening_start: re.Pattern  # a cue opening a line; group "c<rank>" names the kind
    opening_anywhere: re.Pattern | None  # speaker-like cues ("moderator:", "(via translation)") anywhere


@cache
def _cues() -> _Cues:
    kinds = gazetteer.kinds()
    labels: dict[str, int] = {}
    for rank, kind in enumerate(kinds):
        for label in kind.labels:
            labels.setdefault(label, rank)

    def pattern(keep) -> str:
        return "|".join(
            f"(?P<c{rank}>{'|'.join(map(re.escape, sorted(cues, key=len, reverse=True)))})"
            for rank, kind in enumerate(kinds) if (cues := [c for c in kind.opening if keep(c)])
        )

    anywhere = pattern(lambda c: c[-1] in ":)")
    return _Cues(labels, re.compile(pattern(lambda c: True) or "(?!)"), re.compile(anywhere) if anywhere else None)


def extract_kind(title: str, opening: str, title_is_headline: bool = True) -> tuple[str | None, str | None]:
    """(kind, source): 'headline', 'label' or 'opening'; (None, None) when nothing tells."""
    kinds = gazetteer.kinds()
    if title_is_headline:
        headline = line_key(title)
        padded = f" {headline} "
        for kind in kinds:
            if headline.startswith(kind.headline_starts) or any(p in padded for p in kind.headline_has):
                return kind.name, "headline"
    cues = _cues()
    lines = [line_key(line[:_LINE_START]) for line in opening.split("\n", 2 * _OPENING_LINES)[: 2 * _OPENING_LINES]
             if line.strip()][:_OPENING_LINES]
    ranks = [cues.labels[key] for line in lines for key in (line, line.split(" | ")[0]) if key in cues.labels]
    if ranks:
        return kinds[min(ranks)].name, "label"
    ranks = []
    for line in lines:
        for found in (cues.opening_start.match(line), cues.opening_anywhere.search(line) if cues.opening_anywhere else None):
            if found:
                ranks.append(int(found.lastgroup[1:]))
    return (kinds[min(ranks)].name, "opening") if ranks else (None, None)
