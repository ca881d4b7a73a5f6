"""Wagtail's signals wired to ecity: audit, search index and anti-tampering record.

Wagtail writes a ``PageLogEntry`` for every act on a page (publish, unpublish, revert, workflow
approve/reject...) in the act's transaction; mirroring it here puts the ecity audit entry in
that same transaction, whichever way the act was done (admin, job, service).
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from wagtail.models import Page, PageLogEntry
from wagtail.signals import page_published, page_unpublished, post_page_move

from ecity.audit.services import audit_record
from ecity.cms.models import IntegrityRecord
from ecity.cms.search_documents import SOURCE
from ecity.cms.selectors import department_of
from ecity.cms.services.announcing import page_announce, pages_withdraw
from ecity.cms.services.integrity import integrity_record_sign
from ecity.search.services import index_schedule

AUDITED = {
    "wagtail.publish": "cms.page_published",
    "wagtail.publish.scheduled": "cms.page_published",
    "wagtail.publish.schedule": "cms.page_publish_scheduled",
    "wagtail.unpublish": "cms.page_unpublished",
    "wagtail.unpublish.scheduled": "cms.page_unpublished",
    "wagtail.revert": "cms.page_reverted",
    "wagtail.delete": "cms.page_deleted",
    "wagtail.move": "cms.page_moved",
    "wagtail.workflow.start": "cms.review_submitted",
    "wagtail.workflow.approve": "cms.review_approved",
    "wagtail.workflow.reject": "cms.review_rejected",
}


@receiver(post_save, sender=PageLogEntry)
@transaction.atomic
def _audit_page_log(sender: Any, instance: PageLogEntry, created: bool, **kwargs: Any) -> None:
    action = AUDITED.get(instance.action)
    if not created or action is None:
        return
    page = Page.objects.filter(pk=instance.page_id).first()
    department = department_of(page) if page is not None else None
    audit_record(
        actor=instance.user,
        action=action,
        system="" if instance.user_id else "cms",
        data={
            "page": instance.page_id,
            "title": instance.label[:200],
            "revision": instance.revision_id,
            "department": department.code if department else "",
        },
    )


@receiver(page_published)
@transaction.atomic  # Wagtail publishes outside a transaction when its caller did not open one
def _page_published(sender: Any, instance: Page, **kwargs: Any) -> None:
    integrity_record_sign(page=instance)
    index_schedule(source=SOURCE, keys=[str(instance.pk)])
    page_announce(page=instance)


@receiver(page_unpublished)
@transaction.atomic
def _page_unpublished(sender: Any, instance: Page, **kwargs: Any) -> None:
    IntegrityRecord.objects.filter(page_id=instance.pk).delete()
    keys = [
        str(instance.pk),
        *(str(pk) for pk in instance.get_descendants().values_list("pk", flat=True)),
    ]
    index_schedule(source=SOURCE, keys=keys)
    pages_withdraw(page_ids=[int(k) for k in keys])


@receiver(post_page_move)
@transaction.atomic
def _page_moved(sender: Any, instance: Page, **kwargs: Any) -> None:
    keys = [
        str(instance.pk),
        *(str(pk) for pk in instance.get_descendants().values_list("pk", flat=True)),
    ]
    index_schedule(source=SOURCE, keys=keys)


@receiver(post_delete)
@transaction.atomic
def _page_deleted(sender: Any, instance: Any, **kwargs: Any) -> None:
    if isinstance(instance, Page) and type(instance) is Page:
        index_schedule(source=SOURCE, keys=[str(instance.pk)])
        pages_withdraw(page_ids=[instance.pk])
