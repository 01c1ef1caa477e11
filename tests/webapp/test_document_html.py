"""The release page's full text: mentions marked, anchors where the facet list links."""

from markupsafe import Markup

from webapp.results import Mention
from webapp.search import _document_html


def test_anchor_moves_to_the_first_mention_actually_drawn():
    body = "Mexico City hosts Mexico talks."
    mentions = [
        Mention("official", "Mexico City Mayor", [(0, 11)]),
        Mention("country", "Mexico", [(0, 6), (18, 24)]),  # its first span lies inside the mayor's
    ]
    html = _document_html(body, [], mentions)
    assert html == Markup(
        '<span class="mention mention-official" id="m-official-mexico-city-mayor" '
        'title="official: Mexico City Mayor">Mexico City</span> hosts '
        '<span class="mention mention-country" id="m-country-mexico" title="country: Mexico">Mexico</span> talks.'
    )


def test_mention_text_is_escaped():
    html = _document_html("<b>Panama</b>", [], [Mention("country", "Panama", [(3, 9)])])
    assert html == Markup(
        '&lt;b&gt;<span class="mention mention-country" id="m-country-panama" title="country: Panama">Panama</span>&lt;/b&gt;'
    )
