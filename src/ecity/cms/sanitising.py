"""Rich text sanitised with nh3 before it is stored (no script, event handler or javascript: URL).

Wagtail's editor already produces clean HTML, but rich text also arrives through revisions, the
demo loader, imports and code: the field cleans whatever it is given, on validation (revisions
are validated) and again when it is written to the database.
"""

from __future__ import annotations

from typing import Any

import nh3
from wagtail.fields import RichTextField

# Wagtail's stored rich-text format: <a linktype="page" id="3">, <embed embedtype="image" .../>.
_TAGS = {
    "p", "br", "h2", "h3", "h4", "h5", "h6", "strong", "b", "em", "i", "u", "s", "sub", "sup",
    "ul", "ol", "li", "blockquote", "a", "hr", "code", "pre", "table", "thead", "tbody", "tr",
    "th", "td", "caption", "embed", "span",
}  # fmt: skip
_ATTRIBUTES = {
    "a": {"href", "linktype", "id", "title"},
    "embed": {"embedtype", "id", "format", "alt", "url"},
    "th": {"scope", "colspan", "rowspan"},
    "td": {"colspan", "rowspan"},
    "ol": {"start"},
}


def rich_text_sanitise(html: str) -> str:
    """Return ``html`` without scripts, event handlers, styles or unsafe URLs (nh3)."""
    if not html:
        return html
    return nh3.clean(
        html,
        tags=_TAGS,
        attributes=_ATTRIBUTES,
        url_schemes={"http", "https", "mailto", "tel"},
        link_rel=None,
        strip_comments=True,
    )


class SanitisedRichTextField(RichTextField):
    """A Wagtail rich-text field whose value is sanitised when validated and when stored."""

    def to_python(self, value: Any) -> Any:
        value = super().to_python(value)
        return rich_text_sanitise(value) if isinstance(value, str) else value

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        return rich_text_sanitise(value) if isinstance(value, str) else value
