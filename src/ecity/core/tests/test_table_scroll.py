"""``{% table_scroll %}``: the one wrapper that lets a wide table scroll on a phone."""

from __future__ import annotations

import pytest
from django.template import Context, Template, TemplateSyntaxError


def _render(source: str, **context: object) -> str:
    return Template("{% load ecity_tables %}" + source).render(Context(context))


def test_the_region_is_focusable_and_named_by_a_heading_or_a_text():
    by_heading = _render(
        '{% table_scroll labelledby="rights-title" %}<table></table>{% endtable_scroll %}'
    )
    by_text = _render(
        "{% table_scroll label=caption %}<table></table>{% endtable_scroll %}",
        caption="办件 <逾期>",
    )

    assert by_heading == (
        '<div class="table-scroll" role="region" tabindex="0" aria-labelledby="rights-title">'
        "<table></table></div>"
    )
    assert by_text == (
        '<div class="table-scroll" role="region" tabindex="0" aria-label="办件 &lt;逾期&gt;">'
        "<table></table></div>"
    )


@pytest.mark.parametrize("arguments", ["", 'title="x"', 'label="x" labelledby="y"', '"x"'])
def test_a_region_without_exactly_one_name_is_a_template_error(arguments):
    with pytest.raises(TemplateSyntaxError, match="label=… or labelledby="):
        _render(f"{{% table_scroll {arguments} %}}<table></table>{{% endtable_scroll %}}")
