"""Request parameters: regressions pinned by the bug they fixed."""

import pytest
from werkzeug.datastructures import MultiDict

from webapp.params import ParamError, parse_params


@pytest.mark.parametrize("value", ["²", "³", "١", "٣"])
def test_unicode_digits_in_page_are_a_400_not_a_500(value):
    # str.isdigit() accepts superscripts and Arabic-Indic digits; int() rejects some of them.
    with pytest.raises(ParamError, match="'page' must be a whole number"):
        parse_params(MultiDict({"page": value}))


def test_unicode_digits_in_year_are_refused():
    with pytest.raises(ParamError, match="year must be four digits"):
        parse_params(MultiDict({"year": "２０１１"}))
