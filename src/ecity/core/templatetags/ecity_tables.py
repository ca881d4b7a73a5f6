"""Template helpers for tables: a scrollable region that keeps wide tables usable on a phone."""

from __future__ import annotations

from django import template
from django.template.base import FilterExpression, NodeList, Parser, Token, token_kwargs
from django.template.context import Context
from django.utils.html import format_html
from django.utils.safestring import SafeString

register = template.Library()

NAMING = ("label", "labelledby")


class TableScrollNode(template.Node):
    def __init__(self, nodelist: NodeList, name: str, value: FilterExpression) -> None:
        self.nodelist = nodelist
        self.name = name
        self.value = value

    def render(self, context: Context) -> SafeString:
        return format_html(
            '<div class="table-scroll" role="region" tabindex="0" aria-{}="{}">{}</div>',
            self.name,
            self.value.resolve(context),
            self.nodelist.render(context),
        )


@register.tag("table_scroll")
def table_scroll(parser: Parser, token: Token) -> TableScrollNode:
    """Wrap a table in a region that scrolls sideways when the window is narrower than it.

    ``{% table_scroll labelledby="services-title" %}<table>…</table>{% endtable_scroll %}``
    names the region by the id of the heading or caption that names the table;
    ``{% table_scroll label=caption %}`` by a text (a variable or ``_("…")``). The region can
    take the keyboard focus (``tabindex="0"``) so that keyboard users can scroll it, and is a
    named landmark (``role="region"``), as axe's rule scrollable-region-focusable asks.
    """
    bits = token.split_contents()
    tag = bits[0]
    remaining = bits[1:]
    kwargs = token_kwargs(remaining, parser)
    if remaining or len(kwargs) != 1 or next(iter(kwargs)) not in NAMING:
        raise template.TemplateSyntaxError(
            f'"{tag}" takes exactly one of label=… or labelledby=… to name the region'
        )
    ((name, value),) = kwargs.items()
    nodelist = parser.parse((f"end{tag}",))
    parser.delete_first_token()
    return TableScrollNode(nodelist, name, value)
