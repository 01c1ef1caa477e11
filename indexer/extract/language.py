"""The language a release is written in, by a vote of each language's commonest words.

Measured on the development set against py3langid: both name all 40 releases right; the
vote needs no model to load and costs a tenth of the time per release (see the commit).
"""

import re

# Short words that are frequent in one language and rare in the other's press releases.
# "a", "en", "no", "son" are left out: common to both.
_COMMON_WORDS = {
    "en": frozenset("the of and to in is for on that with by as at from this are was be will has have their our "
                    "we which it an or his her its were been not".split()),
    "es": frozenset("de la el los las del y que por con para una un se su al es como más sus lo este esta entre "
                    "también fue han ha sobre sin desde nuestro nuestra".split()),
}
DEFAULT = "en"
_WORD = re.compile(r"\w+")
_SAMPLE = 700  # characters: some 120 words, enough for a clear vote, at a fixed cost per release


def detect_language(text: str) -> str:
    """'es' or 'en' (the default, also for text too short to tell)."""
    words = _WORD.findall(text[:_SAMPLE].lower())
    votes = {language: sum(map(common.__contains__, words)) for language, common in _COMMON_WORDS.items()}
    best = max(votes, key=votes.get)
    runner_up = max((v for k, v in votes.items() if k != best), default=0)
    # A clear majority, or the default: a few Spanish names in an English text are no vote.
    return best if votes[best] >= 3 and votes[best] > 2 * runner_up else DEFAULT
