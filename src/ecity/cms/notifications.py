"""The notifications of the department sub-sites (found by ``ecity.notify.registry``)."""

from __future__ import annotations

from collections.abc import Callable

from django.utils.translation import gettext_lazy as _

from ecity.notify.registry import EventGroup, NotificationEvent, register_events
from ecity.notify.topics import TopicKind, register_topic_kind

register_events(
    NotificationEvent(
        name="cms_tampering_detected",
        label=_("Published page altered and restored (staff)"),
        group=EventGroup.STAFF,
        templates="cms/notifications/cms_tampering_detected",
        link_label=_("View page"),
    ),
)


def _list_topic(model_name: str) -> Callable[[str], tuple[str, str] | None]:
    def resolve(key: str) -> tuple[str, str] | None:
        from ecity.cms.models import ColumnPage, DepartmentSitePage, HomePage
        from ecity.cms.selectors import department_site_of, public_pages

        models = {"column": [ColumnPage], "site": [DepartmentSitePage, HomePage]}[model_name]
        if not key.isdigit():
            return None
        page = public_pages().type(*models).filter(pk=int(key)).first()
        if page is None:
            return None
        site = department_site_of(page)
        title = page.title if site is None or site.pk == page.pk else f"{site.title} · {page.title}"
        return title, page.url or ""

    return resolve


register_topic_kind(
    TopicKind(name="cms.column", label=_("Sub-site column"), resolve=_list_topic("column"))
)
register_topic_kind(
    TopicKind(name="cms.site", label=_("Department sub-site"), resolve=_list_topic("site"))
)
