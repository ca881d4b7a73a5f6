"""Anti-tampering: sign a page's content at publication, check and restore what the site serves."""

from __future__ import annotations

import base64
import logging
import uuid

from django.db import transaction
from django.utils import timezone
from wagtail.models import Page

from ecity.audit.services import audit_record
from ecity.cms import integrity
from ecity.cms.models import IntegrityRecord
from ecity.cms.selectors import department_of
from ecity.core.models import SigningKey
from ecity.core.vault.keys import key_sign, key_verify
from ecity.core.vault.rotation import key_current_for_signing
from ecity.notify.services import notification_enqueue
from ecity.org.models import StaffRole

logger = logging.getLogger(__name__)
PURPOSE = SigningKey.Purpose.CONTENT


def integrity_record_sign(*, page: Page) -> IntegrityRecord:
    """Hash and sign the content ``page`` (just published) shows; replace its record.

    Rules: called in the publication's transaction (``receivers``), so a page is never live
    without its record. The record keeps the published revision's content (the snapshot) for
    restoring. Side effects: one ``IntegrityRecord`` row written.
    """
    page = page.specific
    revision = page.live_revision
    snapshot = integrity.snapshot_plain(
        revision.content if revision is not None else page.serializable_data()
    )
    content_sha = integrity.content_hash(integrity.rendered_content(page))
    snapshot_sha = integrity.snapshot_hash(snapshot)
    key = key_current_for_signing(purpose=PURPOSE)
    signature = key_sign(
        key=key,
        message=integrity.signed_message(
            page_id=page.pk,
            revision_id=revision.pk if revision else None,
            content=content_sha,
            snapshot=snapshot_sha,
        ),
    )
    record, _created = IntegrityRecord.objects.update_or_create(
        page_id=page.pk,
        defaults={
            "revision_id": revision.pk if revision else None,
            "content_sha256": content_sha,
            "snapshot": snapshot,
            "snapshot_sha256": snapshot_sha,
            "kid": key.kid,
            "signature": base64.b64encode(signature).decode("ascii"),
            "signed_at": timezone.now(),
        },
    )
    return record


def _record_is_authentic(record: IntegrityRecord) -> bool:
    if integrity.snapshot_hash(record.snapshot) != record.snapshot_sha256:
        return False
    try:
        signature = base64.b64decode(record.signature)
    except ValueError:
        return False
    return key_verify(
        purpose=PURPOSE,
        kid=record.kid,
        message=integrity.signed_message(
            page_id=record.page_id,
            revision_id=record.revision_id,
            content=record.content_sha256,
            snapshot=record.snapshot_sha256,
        ),
        signature=signature,
    )


def _alert(*, page: Page, record: IntegrityRecord) -> None:
    department = department_of(page)
    recipients = StaffRole.objects.filter(is_active=True, user__is_active=True).filter(
        role=StaffRole.Role.PLATFORM_ADMIN
    )
    if department is not None:
        recipients = recipients | StaffRole.objects.filter(
            is_active=True,
            user__is_active=True,
            department=department,
            role__in=[StaffRole.Role.CONTENT_REVIEWER, StaffRole.Role.DEPARTMENT_ADMIN],
        )
    users = {role.user for role in recipients.select_related("user")}
    for user in users:
        notification_enqueue(
            recipient=user,
            event="cms_tampering_detected",
            context={"title": page.title, "url": page.url or ""},
            reference=str(page.pk),
            idempotency_key=f"cms-tamper:{record.pk}:{record.restored_count}:{user.pk}",
        )


@transaction.atomic
def integrity_page_check(*, page: Page) -> bool:
    """Compare what ``page`` serves with its signed record; restore it on a mismatch.

    Rules: a record whose signature or snapshot does not verify is not trusted (logged, the
    page left as it is: the record itself was tampered with). On a mismatch the signed snapshot
    is published again as a new revision (the published version restored), the department's
    reviewers and administrators and the platform administrators are alerted, and a
    ``cms.tampering_restored`` audit entry is written. Returns whether the page was intact.
    """
    record = IntegrityRecord.objects.select_for_update().filter(page_id=page.pk).first()
    if record is None:
        return True
    page = Page.objects.get(pk=page.pk).specific
    served = integrity.content_hash(integrity.rendered_content(page))
    record.checked_at = timezone.now()
    if served == record.content_sha256:
        record.save(update_fields=["checked_at", "updated_at"])
        return True
    if not _record_is_authentic(record):
        logger.error("cms integrity record of page %s does not verify: not restored", page.pk)
        record.save(update_fields=["checked_at", "updated_at"])
        return False
    restored = page.specific_class.from_serializable_data(record.snapshot)
    # The snapshot is the whole published page; keep the tree position the database has now.
    for field in ("path", "depth", "numchild", "url_path", "draft_title"):
        setattr(restored, field, getattr(page, field))
    restored.live = True
    revision = restored.save_revision(user=None, log_action=False, clean=False)
    revision.publish(user=None, log_action=False)
    record = IntegrityRecord.objects.get(pk=record.pk)
    record.restored_count += 1
    record.checked_at = timezone.now()
    record.save(update_fields=["restored_count", "checked_at", "updated_at"])
    _alert(page=page, record=record)
    department = department_of(page)
    audit_record(
        actor=None,
        action="cms.tampering_restored",
        obj=record,
        system="cms.integrity",
        data={
            "page": page.pk,
            "department": department.code if department else "",
            "served_sha256": served,
            "signed_sha256": record.content_sha256,
            "incident": uuid.uuid4().hex,
        },
    )
    logger.warning("cms page %s did not match its signed record: restored", page.pk)
    return False


def integrity_check_all() -> tuple[int, int]:
    """Check every live page that has a record; return (checked, restored)."""
    checked = restored = 0
    ids = IntegrityRecord.objects.filter(page__live=True).values_list("page_id", flat=True)
    for page in Page.objects.filter(pk__in=list(ids)):
        checked += 1
        if not integrity_page_check(page=page):
            restored += 1
    return checked, restored
