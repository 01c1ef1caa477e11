"""The release page's full text: mentions underlined, query words marked, anchors where
the facet list links, in one pass."""

import gc
import time

from markupsafe import Markup

from webapp.document import render
from webapp.highlight import Span
from webapp.results import Mention


def test_anchor_moves_to_the_first_mention_actually_drawn():
    body = "Mexico City hosts Mexico talks."
    mentions = [
        Mention("official", "Mexico City Mayor", [(0, 11)]),
        Mention("country", "Mexico", [(0, 6), (18, 24)]),  # its first span lies inside the mayor's
    ]
    text = render(body, [], mentions)
    assert text.html == Markup(
        '<span class="mention mention-official" title="official: Mexico City Mayor" '
        'id="m-official-mexico-city-mayor">Mexico City</span> hosts '
        '<span class="mention mention-country" title="country: Mexico" id="m-country-mexico">Mexico</span> talks.'
    )
    assert text.anchors == {("official", "Mexico City Mayor"): "m-official-mexico-city-mayor", ("country", "Mexico"): "m-country-mexico"}


def test_mention_text_is_escaped():
    text = render("<b>Panama</b>", [], [Mention("country", "Panama", [(3, 9)])])
    assert text.html == Markup(
        '&lt;b&gt;<span class="mention mention-country" title="country: Panama" id="m-country-panama">Panama</span>&lt;/b&gt;'
    )


def test_query_words_are_marked_inside_and_outside_mentions():
    body = "Panama and Panama border"
    spans = [Span(0, 6, "panama"), Span(11, 17, "panama"), Span(18, 24, "border")]
    text = render(body, spans, [Mention("country", "Panama", [(11, 17)])])
    assert text.html == Markup(
        '<mark>Panama</mark> and <span class="mention mention-country" title="country: Panama" id="m-country-panama">'
        "<mark>Panama</mark></span> <mark>border</mark>"
    )


def test_rendering_is_linear_in_the_mentions():
    """Regression: every marked word was rescanned for every mention (10,000 mentions of
    Panama took 15 s). Doubling the mentions must about double the time, not quadruple it."""

    def seconds(n: int) -> float:
        body = "Panama " * n
        spans = [Span(7 * i, 7 * i + 6, "panama") for i in range(n)]
        mentions = [Mention("country", "Panama", [(7 * i, 7 * i + 6) for i in range(n)])]
        gc.disable()  # a collection landing in one timing is noise, not the renderer's cost
        try:
            started = time.perf_counter()
            render(body, spans, mentions)
            return time.perf_counter() - started
        finally:
            gc.enable()

    seconds(1000)  # warm up
    # Interleaved and the best of five each, so a busy moment of the machine skews neither.
    timings = [(seconds(5000), seconds(20000)) for _ in range(5)]
    small, large = min(t[0] for t in timings), min(t[1] for t in timings)
    assert large < 8 * small  # quadratic would be 16x
