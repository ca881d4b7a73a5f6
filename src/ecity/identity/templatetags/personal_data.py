"""Template helpers for personal data: ``{% load personal_data %}``.

* ``{{ value|masked:"id_number" }}`` always masks (lists, read-only views);
* ``{% personal value "phone" %}`` shows the value in full when the view put
  ``show_personal_data=True`` in the context (it decided with
  ``identity.selectors.can_see_unmasked`` and recorded the read), else masked.

Kinds: ``id_number``, ``phone``, ``address``, ``email`` (see ``ecity.core.masking``).
"""

from __future__ import annotations

from typing import Any

from django import template

from ecity.core.masking import mask, shown

register = template.Library()


@register.filter
def masked(value: Any, kind: str) -> str:
    """``value`` masked as a ``kind``."""
    return mask(value, kind)


@register.simple_tag(takes_context=True)
def personal(context: template.Context, value: Any, kind: str) -> str:
    """``value`` in full if the context allows it (``show_personal_data``), else masked."""
    return shown(value, kind, unmasked=bool(context.get("show_personal_data")))
