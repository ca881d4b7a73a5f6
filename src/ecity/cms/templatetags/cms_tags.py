"""Template helpers of the sub-site pages: navigation, sub-site, children, page links."""

from __future__ import annotations

from typing import Any

from django import template
from wagtail.models import Page

from ecity.cms import selectors

register = template.Library()


@register.simple_tag
def cms_navigation(page: Page) -> list[Page]:
    return selectors.site_navigation(page=page)


@register.simple_tag
def cms_department_site(page: Page) -> Any:
    return selectors.department_site_of(page)


@register.simple_tag
def cms_children(page: Page, limit: int = 30) -> list[Any]:
    return selectors.page_children(parent=page, limit=limit)


@register.simple_tag
def cms_live(pages: Any) -> list[Any]:
    """The live ones of ``pages`` (a related manager or list), as specific pages."""
    items = pages.all() if hasattr(pages, "all") else pages
    return [p for p in items if getattr(p, "live", False)]


@register.simple_tag
def cms_follow_topic(page: Page) -> str:
    """The topic to follow a column or sub-site by (``ecity.cms.notifications``), else ""."""
    kind = {"columnpage": "cms.column", "departmentsitepage": "cms.site", "homepage": "cms.site"}
    name = kind.get(page.specific_class._meta.model_name) if page.specific_class else None
    return f"{name}:{page.pk}" if name else ""
