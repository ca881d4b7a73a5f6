"""The proactive-disclosure catalogue (主动公开目录) and each department's disclosure guide.

Other apps put what they publish into the catalogue through ``catalogue_entry_publish`` (an
upsert keyed by source and key) and take it out with ``catalogue_entry_withdraw``: ``cms`` for
its published pages, this app for the service catalogue (``catalogue_services_sync``) and for
approval results already public (``handlers``). Every change schedules the search index.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from ecity.audit.services import audit_record
from ecity.catalogue.selectors import published_item_list
from ecity.core.errors import PermissionDenied, ValidationFailed
from ecity.disclosure.models import CatalogueEntry, Category, DisclosureGuide
from ecity.disclosure.selectors.requests import can_handle_requests
from ecity.identity.models import User
from ecity.notify.subscriptions import topic_publish
from ecity.org.models import Department
from ecity.search.services import index_schedule

SEARCH_SOURCE = "disclosure.entry"
TOPIC_KIND = "disclosure.department"  # declared in notifications.py
SERVICES_SOURCE = "catalogue"
GUIDE_MAX = 20000

# Sources whose entries mirror a document the one search holds already (a content page, a
# service item): search offers those once, from their own source, not again as an entry.
_SEARCHED_ELSEWHERE: set[str] = {SERVICES_SOURCE}


def entry_source_searched_elsewhere(source: str) -> None:
    """Declare that the catalogue entries of ``source`` are found in search through their own
    documents (called by the app that publishes them, once at import)."""
    _SEARCHED_ELSEWHERE.add(source)


def entry_sources_searched_elsewhere() -> frozenset[str]:
    """The sources declared with ``entry_source_searched_elsewhere``."""
    return frozenset(_SEARCHED_ELSEWHERE)


def catalogue_entry_publish(
    *,
    source: str,
    key: str,
    department: Department,
    category: str,
    title: str,
    url: str,
    published_at: dt.datetime,
    document_number: str = "",
) -> CatalogueEntry:
    """Put an item into ``department``'s disclosure catalogue, or update it (upsert).

    Rules: ``source`` and ``key`` identify the item (publishing again with the same pair
    updates it, also moving it to another department or category); ``category`` one of
    ``Category``; title and URL required. The caller checked that the item is public. Side
    effects: the search index of the entry is scheduled. Errors: ``ValidationFailed``.
    """
    source, key, title, url = (str(v or "").strip() for v in (source, key, title, url))
    errors: dict[str, str] = {}
    if not source or len(source) > 40:
        errors["source"] = _("Name the source (at most 40 characters).")
    if not key or len(key) > 100:
        errors["key"] = _("Give the key in the source (at most 100 characters).")
    if category not in Category.values:
        errors["category"] = _("Choose a disclosure category.")
    if not title:
        errors["title"] = _("Enter the title.")
    if not url:
        errors["url"] = _("Enter the address.")
    if errors:
        raise ValidationFailed(fields=errors)
    with transaction.atomic():
        entry, created = CatalogueEntry.objects.update_or_create(
            source=source,
            key=key,
            defaults={
                "department": department,
                "category": category,
                "title": title[:300],
                "url": url[:500],
                "published_at": published_at,
                "document_number": (document_number or "").strip()[:100],
            },
        )
        index_schedule(source=SEARCH_SOURCE, keys=[str(entry.pk)])
        if created:  # followers of the department's catalogue hear of new items, not of edits
            topic_publish(
                topic=f"{TOPIC_KIND}:{department.code}",
                key=f"{source}:{key}",
                title=entry.title,
                path=entry.url,
                published_at=published_at,
            )
    return entry


def catalogue_entry_withdraw(*, source: str, key: str) -> bool:
    """Remove the item ``source``/``key`` from the catalogue (and search); False if absent."""
    with transaction.atomic():
        entry = CatalogueEntry.objects.filter(source=source, key=key).first()
        if entry is None:
            return False
        pk = entry.pk
        entry.delete()
        index_schedule(source=SEARCH_SOURCE, keys=[str(pk)])
    return True


def catalogue_services_sync() -> int:
    """Mirror the published service catalogue into the 行政许可和处罚结果 category.

    Every active item with a published version becomes (or stays) an entry of its
    department; entries of items no longer published are withdrawn; unchanged entries are not
    written again. Idempotent; returns how many entries were added, changed or removed.
    """
    changed = 0
    seen: set[str] = set()
    existing = {e.key: e for e in CatalogueEntry.objects.filter(source=SERVICES_SOURCE)}
    for item in published_item_list():
        seen.add(item.code)
        version = item.current_version
        if version is None:
            continue
        url = reverse("catalogue:item_detail", kwargs={"code": item.code})
        entry = existing.get(item.code)
        if entry is not None and (entry.title, entry.department_id, entry.url) == (
            version.name_zh,
            item.department_id,
            url,
        ):
            continue  # unchanged: no write, no reindex
        catalogue_entry_publish(
            source=SERVICES_SOURCE,
            key=item.code,
            department=item.department,
            category=Category.PERMITS_PENALTIES,
            title=version.name_zh,
            url=url,
            published_at=version.published_at or version.created_at,
        )
        changed += 1
    stale = CatalogueEntry.objects.filter(source=SERVICES_SOURCE).exclude(key__in=seen)
    for key in list(stale.values_list("key", flat=True)):
        changed += int(catalogue_entry_withdraw(source=SERVICES_SOURCE, key=key))
    return changed


def guide_update(*, actor: User, department: Department, text: str) -> DisclosureGuide:
    """Write ``department``'s disclosure guide (政府信息公开指南).

    Permissions: disclosure staff of the department. Rules: text required, at most 20,000
    characters. Side effects: audit entry. Errors: ``PermissionDenied``, ``ValidationFailed``.
    """
    if not can_handle_requests(actor=actor, department=department):
        raise PermissionDenied(_("Only the disclosure staff of the department may do this."))
    text = (text or "").strip()
    if not text:
        raise ValidationFailed(fields={"text": _("Write the guide.")})
    if len(text) > GUIDE_MAX:
        raise ValidationFailed(
            fields={"text": _("At most %(max)s characters.") % {"max": GUIDE_MAX}}
        )
    with transaction.atomic():
        guide, _created = DisclosureGuide.objects.update_or_create(
            department=department, defaults={"text": text, "updated_by": actor}
        )
        audit_record(actor=actor, action="disclosure_guide.updated", obj=guide)
    return guide
