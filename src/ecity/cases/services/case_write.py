"""The write of one new case: shared by a single application (``submission.case_submit``) and
each member case of a joint application (``joint.joint_application_submit``).

It runs inside the caller's transaction after the caller validated everything: allocates the
number, writes the case and its attachments, moves the draft's files to it, records the
``submitted`` event and (unless the caller tells the applicant itself) queues the
``case_submitted`` notification.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from django.utils import timezone

from ecity.cases.deadlines import due_on
from ecity.cases.models import Attachment, Case, CaseDraft, CaseEvent, CaseMaterialReference
from ecity.cases.numbers import case_number_allocate, query_code_generate
from ecity.cases.selectors.drafts import SUBMIT_SCOPE
from ecity.cases.selectors.references import MaterialSource
from ecity.cases.services.attachments import attachment_build, draft_files_move, uploads_store
from ecity.cases.services.eligibility import ApplicantFields
from ecity.cases.services.notifications import case_notification_enqueue, service_name
from ecity.catalogue.models import RequiredMaterial, ServiceItemVersion
from ecity.core.idempotency import idempotency_begin
from ecity.core.uploads import CheckedUpload
from ecity.identity.models import User


def _acceptance_due_on(submitted_on: dt.date, version: ServiceItemVersion) -> dt.date:
    # The rule of ecity.cases.deadlines (module docstring): working days after submission.
    return due_on(submitted_on, version.acceptance_days)


def case_write(
    *,
    actor: User,
    version: ServiceItemVersion,
    applicant: ApplicantFields,
    channel: str,
    cleaned: dict[str, object],
    checked: dict[str, CheckedUpload],
    materials: dict[str, RequiredMaterial],
    draft: CaseDraft | None,
    stored: list[str],
    idempotency: tuple[str | None, str],
    notify_submitted: bool = True,
    references: Mapping[str, MaterialSource] | None = None,
) -> Case:
    """Write a new case from validated input inside the caller's transaction; return it.

    ``checked`` files are stored (their names appended to ``stored``) and attached; the
    ``draft``'s files move to the case unless replaced now, and the draft is deleted. With an
    idempotency key (``idempotency``), the record naming the case is begun first, so a
    concurrent duplicate waits, then fails. ``references`` (by material key) are the materials
    satisfied by the applicant's certificate or registry record: each is recorded as a
    ``CaseMaterialReference`` verified now. ``notify_submitted=False``: the caller tells the
    applicant itself (a joint application sends one message for all its member cases).
    """
    key, fingerprint = idempotency
    now = timezone.now()
    today = timezone.localdate(now)
    department = version.item.department
    case = Case(
        query_code=query_code_generate(),
        service_version=version,
        department=department,
        channel=channel,
        form_data=cleaned,
        submitted_at=now,
        **applicant,
    )
    # Files are written and the deadline computed before any row is locked: the case number's
    # sequence row stays locked until commit, so the work after it is kept to the inserts.
    names = uploads_store(checked, stored)
    acceptance_due_on = _acceptance_due_on(today, version)
    if key:
        # First statement of the transaction: a concurrent duplicate waits here, then fails.
        # The record names the case now (its public ID is set), so it needs no second write.
        idempotency_begin(
            user=actor, scope=SUBMIT_SCOPE, key=key, fingerprint=fingerprint, result=case
        )
    case.number = case_number_allocate(department_code=department.code, on=today)
    case.acceptance_due_on = acceptance_due_on
    case.save(force_insert=True)
    Attachment.objects.bulk_create(
        [
            attachment_build(
                checked=upload,
                name=names[material_id],
                material=materials[material_id],
                actor=actor,
                case=case,
            )
            for material_id, upload in checked.items()
        ]
    )
    CaseMaterialReference.objects.bulk_create(
        [
            CaseMaterialReference(
                case=case,
                material=source.material,
                certificate=source.certificate,
                person=source.person,
                legal_entity_record=source.legal_entity_record,
                label=source.label[:200],
                verified_at=now,
            )
            for source in (references or {}).values()
        ]
    )
    if draft is not None:
        draft_files_move(draft, case=case, replaced_keys=set(checked), materials=materials)
    CaseEvent.objects.create(
        case=case,
        action=CaseEvent.Action.SUBMITTED,
        actor=actor,
        data={"channel": channel, "number": case.number},
    )
    if notify_submitted:
        _submitted_notify(case)
    return case


def _submitted_notify(case: Case) -> None:
    version = case.service_version
    case_notification_enqueue(
        recipient=case.applicant,
        event="case_submitted",
        case=case,
        phone=case.contact_phone if case.applicant is None else "",
        context={
            "case_number": case.number,
            "query_code": case.query_code,
            "service_name": service_name(version),
            "acceptance_due_on": case.acceptance_due_on.isoformat()
            if case.acceptance_due_on
            else "",
        },
        idempotency_key=f"case_submitted:{case.public_id}",
    )
