"""Snippets: matches marked the way the index analyzes words, everything else escaped."""

from markupsafe import Markup

from indexer.schema import name_analyzer, text_analyzer
from webapp.highlight import Highlight, Span, TermMatcher, mark, snippet

matcher = TermMatcher({"text": text_analyzer(), "names": name_analyzer()})


def spans_for(text, stems=(), names=(), phrases=()):
    highlight = Highlight({"text": frozenset(stems), "names": frozenset(names)}, {"text": frozenset(phrases)})
    return matcher.spans(text, highlight)


def test_stemmed_forms_match_like_the_index():
    text = "Securing the border; border security and secure borders."
    assert [text[s.start : s.end] for s in spans_for(text, stems={"secur"})] == ["Securing", "security", "secure"]


def test_running_matches_run_with_porter2():
    assert [s.term for s in spans_for("He was running.", stems={"run"})] == ["run"]


def test_accented_names_match_folded_terms():
    text = "President Felipe Calderón met officials from Panamá."
    assert [text[s.start : s.end] for s in spans_for(text, names={"calderon", "panama"})] == ["Calderón", "Panamá"]


def test_phrase_words_are_marked_only_where_they_stand_together():
    text = "Border patrols; the security of the border. Border security matters."
    marked = [text[s.start : s.end] for s in spans_for(text, phrases={("border", "secur")})]
    assert marked == ["Border", "security"]
    assert [(s.start, s.end) for s in spans_for(text, phrases={("border", "secur")})] == [(44, 50), (51, 59)]


def test_a_phrase_skips_stop_words_as_the_index_does():
    text = "a letter of intent was signed"
    assert [text[s.start : s.end] for s in spans_for(text, phrases={("letter", "intent")})] == ["letter", "intent"]


def test_limit_bounds_the_scan():
    text = "x " * 1000 + "border"
    highlight = Highlight({"text": frozenset({"border"})})
    assert matcher.spans(text, highlight, limit=100) == []
    assert len(matcher.spans(text, highlight)) == 1


def test_mark_escapes_everything_outside_a_match():
    text = '<script>alert("x")</script> border & <b>'
    html = mark(text, spans_for(text, stems={"border"}))
    assert html == Markup(
        "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; <mark>border</mark> &amp; &lt;b&gt;"
    )


def test_mark_escapes_inside_a_match_too():
    assert mark("a<b", [Span(0, 3, "x")]) == Markup("<mark>a&lt;b</mark>")


def test_snippet_without_matches_shows_the_lead_escaped():
    text = "word " * 100 + "<end>"
    html = snippet(text, [])
    assert html.startswith("word word")
    assert html.endswith(" …")
    assert "<" not in html.replace("…", "")


def test_snippet_picks_fragments_covering_distinct_words_in_text_order():
    filler = "lorem ipsum dolor sit amet " * 20
    text = "alpha " + filler + "beta " + filler + "alpha again " + filler + "gamma end"
    spans = spans_for(text, stems={"alpha", "beta", "gamma"})
    html = str(snippet(text, spans))
    assert html.count("<mark>") == 3
    assert html.index("<mark>alpha</mark>") < html.index("<mark>beta</mark>") < html.index("<mark>gamma</mark>")
    assert "again" not in html  # the second alpha adds no new word, so its fragment is left out
    assert html.startswith("<mark>alpha</mark>") and " … " in html


def test_snippet_fragments_never_repeat_text():
    """Each fragment is a distinct stretch of the text: the fragments of a text where the
    word recurs every 400 characters are disjoint and in text order."""
    text = ("security " + "x " * 200) * 6
    html = str(snippet(text, spans_for(text, stems={"secur"})))
    fragments = [f.replace("<mark>", "").replace("</mark>", "").strip(" …") for f in html.split(" … ")]
    positions = []
    for fragment in fragments:
        at = text.find(fragment, positions[-1] + 1 if positions else 0)
        assert at != -1, fragment  # each fragment is text of the release, after the previous one
        positions.append(at + len(fragment) - 1)
    assert len(fragments) == 3
