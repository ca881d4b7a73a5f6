"""Wagtail admin hooks (autodiscovered by Wagtail): no menu entries to its account pages, and
its pickers started without inline scripts."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.templatetags.static import static
from django.utils.html import format_html
from django.utils.safestring import SafeString
from wagtail import hooks

from ecity.cms.admin_access import CLOSED_MENU_ITEMS


@hooks.register("construct_settings_menu")
def hide_account_management(request: HttpRequest, menu_items: list[Any]) -> None:
    """Users and groups are ecity's (see ``admin_access``): their pages are closed."""
    menu_items[:] = [item for item in menu_items if item.name not in CLOSED_MENU_ITEMS]


@hooks.register("insert_global_admin_js")
def start_pickers_without_inline_scripts() -> SafeString:
    """The date and time pickers' start-up (cms/templates/wagtailadmin/widgets/)."""
    return format_html('<script src="{}" defer></script>', static("cms/admin-choosers.js"))
