"""Wagtail admin widgets started without inline scripts (ecity's Content-Security-Policy).

Wagtail's chooser widgets end their markup with ``<script>new PageChooser(…)</script>``, which
``script-src 'self'`` blocks: the "Choose a page" button of a policy's "replaced by" and of an
interpretation's policy did nothing. These widgets leave a marker instead, which
``cms/admin-choosers.js`` starts (as it starts the date pickers).
"""

from __future__ import annotations

import json
from typing import Any

from django.db import models
from django.utils.html import format_html
from django.utils.safestring import SafeString
from wagtail.admin.forms.models import register_form_field_override
from wagtail.admin.widgets import AdminPageChooser
from wagtail.models import Page


class PageChooser(AdminPageChooser):
    """Wagtail's page chooser, started by ``cms/admin-choosers.js`` from its marker."""

    def render(
        self,
        name: str,
        value: Any,
        attrs: dict[str, Any] | None = None,
        renderer: Any = None,
    ) -> SafeString:
        if not attrs or "id" not in attrs:
            raise TypeError("a chooser cannot be rendered without an 'id' attribute")
        value_data = self.get_value_data(value)
        options = self.get_js_init_options(attrs["id"], name, value_data)
        return format_html(
            '{}<span data-ecity-chooser="page" data-ecity-chooser-id="{}"'
            ' data-ecity-chooser-config="{}" hidden></span>',
            self.render_html(name, value_data, attrs),
            attrs["id"],
            json.dumps(options),
        )


def page_chooser_override_register() -> None:
    """Give every foreign key to a page in the editors' forms the chooser above."""
    register_form_field_override(
        models.ForeignKey,
        to=Page,
        override=lambda db_field: {
            "widget": PageChooser(target_models=[db_field.remote_field.model])
        },
    )
