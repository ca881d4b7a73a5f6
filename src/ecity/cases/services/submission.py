"""What the applicant does: save a draft, submit an application, answer a correction request.

Every write runs in one transaction together with its case event, its notification outbox rows
and (for submissions) its idempotency record, so an application is acknowledged only once all
of it is committed. Uploaded files are checked (``ecity.cases.uploads``) before anything is
written and deleted again if the transaction fails.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ecity.cases.deadlines import case_clock_resume, due_on
from ecity.cases.errors import CasesErrorCode
from ecity.cases.models import Attachment, Case, CaseDraft, CaseEvent, CorrectionRequest
from ecity.cases.numbers import case_number_allocate, query_code_generate
from ecity.cases.selectors.applicant import is_applicant
from ecity.cases.selectors.drafts import (
    SUBMIT_SCOPE,
    draft_attachments_by_material,
    draft_for,
    kept_files_draft,
)
from ecity.cases.selectors.materials import material_key, materials_of
from ecity.cases.services.eligibility import ApplicantFields, applicant_fields, version_check
from ecity.cases.services.handling import correction_resume_tasks
from ecity.cases.services.locking import case_lock
from ecity.cases.services.materials import material_errors, uploads_check
from ecity.cases.services.notifications import case_notification_enqueue, service_name
from ecity.cases.services.timeline import event_record
from ecity.cases.uploads import (
    CheckedUpload,
    stored_files_delete,
    upload_store,
    write_storing_files,
)
from ecity.catalogue.form_schema import schema_validate_data
from ecity.catalogue.models import RequiredMaterial, ServiceItemVersion
from ecity.core.errors import Conflict, NotFound, ValidationFailed
from ecity.core.idempotency import (
    idempotency_begin,
    idempotency_find,
    idempotency_key_check,
    idempotency_result,
    request_fingerprint,
)
from ecity.identity.models import User
from ecity.identity.selectors import ActingIdentity

WITHDRAWABLE = (
    Case.Status.SUBMITTED,
    Case.Status.IN_PROGRESS,
    Case.Status.AWAITING_CORRECTION,
)


def _schema_data(version: ServiceItemVersion, form_data: Mapping[str, object]) -> dict[str, object]:
    properties = (version.form_schema or {}).get("properties") or {}
    return {name: value for name, value in (form_data or {}).items() if name in properties}


def _store_all(checked: dict[str, CheckedUpload], stored: list[str]) -> dict[str, str]:
    names = {}
    for key, upload in checked.items():
        names[key] = upload_store(upload)
        stored.append(names[key])
    return names


def _attachment_create(
    *,
    checked: CheckedUpload,
    name: str,
    material: RequiredMaterial,
    actor: User,
    **owner: Case | CaseDraft,
) -> Attachment:
    attachment = _attachment_build(
        checked=checked, name=name, material=material, actor=actor, **owner
    )
    attachment.save()
    return attachment


def _attachment_build(
    *,
    checked: CheckedUpload,
    name: str,
    material: RequiredMaterial,
    actor: User,
    **owner: Case | CaseDraft,
) -> Attachment:
    attachment = Attachment(
        material=material,
        original_name=checked.original_name,
        content_type=checked.content_type,
        size=checked.size,
        sha256=checked.sha256,
        uploaded_by=actor if getattr(actor, "is_authenticated", False) else None,
        **owner,
    )
    attachment.file.name = name
    return attachment


def draft_save(
    *,
    actor: User,
    identity: ActingIdentity | None,
    service_version: ServiceItemVersion,
    form_data: Mapping[str, object],
    files: Mapping[str, UploadedFile | None] | None = None,
) -> CaseDraft:
    """Save (create or update) the application draft of ``actor`` acting as ``identity``.

    Form data may be incomplete and is not validated (only the schema's fields are kept). Each
    uploaded file (keyed by material id or ``material:<id>``) is checked against its material's
    limits and replaces the draft's earlier file for that material. Raises ValidationFailed
    listing every rejected file (nothing is saved then), or ApplicationError when the service
    cannot be applied for online.
    """
    version_check(service_version, channel=Case.Channel.ONLINE)
    materials = {material_key(m): m for m in materials_of(service_version)}
    checked, errors = uploads_check(materials, files or {})
    if errors:
        raise ValidationFailed(fields=errors)
    return draft_files_write(
        actor=actor,
        lookup={
            "owner": actor,
            "legal_entity": getattr(identity, "legal_entity", None),
            "service_version": service_version,
            "purpose": CaseDraft.Purpose.APPLICATION,
            "case": None,
            "form_key": "",
        },
        form_data=_schema_data(service_version, form_data),
        checked=checked,
        materials=materials,
    )


def draft_files_write(
    *,
    actor: User,
    lookup: Mapping[str, Any],
    form_data: dict[str, object] | None,
    checked: Mapping[str, CheckedUpload],
    materials: Mapping[str, RequiredMaterial],
) -> CaseDraft:
    """Store checked files on the draft ``lookup`` names (created when missing); return it.

    A file replaces the draft's earlier file of its material (deleted after commit). The
    answers are replaced by ``form_data`` unless it is None. The draft's ``updated_at`` moves
    on, so kept files expire counted from the last time they were kept. The caller checked the
    actor's right and the files; stored files are removed again if the transaction fails.
    """
    stored: list[str] = []
    replaced: list[str] = []
    try:
        with transaction.atomic():
            draft, _created = CaseDraft.objects.get_or_create(**lookup)
            if form_data is not None:
                draft.form_data = form_data
            draft.save(update_fields=["form_data", "updated_at"])
            names = _store_all(dict(checked), stored)
            for key, upload in checked.items():
                old = Attachment.objects.filter(draft=draft, material=materials[key])
                replaced.extend(old.values_list("file", flat=True))
                old.delete()
                _attachment_create(
                    checked=upload,
                    name=names[key],
                    material=materials[key],
                    actor=actor,
                    draft=draft,
                )
            transaction.on_commit(lambda: stored_files_delete(replaced))
    except BaseException:
        stored_files_delete(stored)
        raise
    return draft


def _acceptance_due_on(submitted_on: dt.date, version: ServiceItemVersion) -> dt.date:
    # The rule of ecity.cases.deadlines (module docstring): working days after submission.
    return due_on(submitted_on, version.acceptance_days)


def _fingerprint(
    *,
    version: ServiceItemVersion,
    identity: ActingIdentity | None,
    form_data: Mapping[str, object],
    checked: Mapping[str, CheckedUpload],
    on_behalf_of: Mapping[str, object] | None,
) -> str:
    return request_fingerprint(
        {
            "version": str(version.public_id),
            "identity": getattr(identity, "key", ""),
            "form": dict(form_data or {}),
            "files": {key: upload.sha256 for key, upload in checked.items()},
            "on_behalf_of": dict(on_behalf_of or {}),
        }
    )


def _earlier_case(*, actor: User, key: str, fingerprint: str) -> Case | None:
    """The case an earlier submission with ``key`` created (Conflict for another payload)."""
    record = idempotency_find(
        user=actor,
        scope=SUBMIT_SCOPE,
        key=key,
        fingerprint=fingerprint,
        conflict_message=_("This request key was already used for a different application."),
    )
    return None if record is None else idempotency_result(record, Case)


def _replayed(case: Case) -> Case:
    case.is_replay = True  # type: ignore[attr-defined]
    return case


def case_submit(
    *,
    actor: User,
    session_identity: ActingIdentity | None,
    service_version: ServiceItemVersion,
    form_data: Mapping[str, object],
    attachments: Mapping[str, UploadedFile | None] | None = None,
    idempotency_key: str | None = None,
    channel: str = Case.Channel.ONLINE,
    on_behalf_of: Mapping[str, object] | None = None,
    kept_files_key: str = "",
) -> Case:
    """Submit an application and return the new case (number and query code set).

    ``service_version`` must be its item's current published version and allow the channel.
    The applicant is ``actor`` acting as ``session_identity`` (themselves, or an enterprise they
    represent), or, with ``on_behalf_of`` (name, id_number, phone), a walk-in applicant for whom
    a counter clerk of the lead department submits (channel "counter"). Files in ``attachments``
    (keyed by material id or ``material:<id>``) come on top of, or replace, the files already on
    the actor's draft; at the counter, the draft is the files the clerk's counter form
    ``kept_files_key`` kept from a refused submission (``drafts.counter_submit``), if any.

    Validates the form and the materials together and raises one ValidationFailed with every
    field error (materials under ``material:<id>``, walk-in fields under ``on_behalf_of.<name>``).
    In one transaction: allocates the number, writes the case, moves the draft's attachments to
    it, records the ``submitted`` event, sets the acceptance deadline, queues the
    ``case_submitted`` notification and deletes the draft.

    With ``idempotency_key``, a repeated call with the same payload returns the first case
    (``case.is_replay`` is True) and a different payload raises Conflict.
    """
    if on_behalf_of is not None:
        channel = Case.Channel.COUNTER
    version_check(service_version, channel=channel)
    if idempotency_key:
        idempotency_key_check(idempotency_key)
    applicant, errors = applicant_fields(
        actor=actor,
        identity=session_identity,
        version=service_version,
        on_behalf_of=on_behalf_of,
        form_data=form_data,
    )
    materials = {material_key(m): m for m in materials_of(service_version)}
    checked, upload_errors = uploads_check(materials, attachments or {})
    fingerprint = _fingerprint(
        version=service_version,
        identity=session_identity,
        form_data=form_data,
        checked=checked,
        on_behalf_of=on_behalf_of,
    )
    if idempotency_key:
        earlier = _earlier_case(actor=actor, key=idempotency_key, fingerprint=fingerprint)
        if earlier is not None:
            return _replayed(earlier)
    draft = (
        kept_files_draft(actor=actor, version=service_version, form_key=kept_files_key)
        if on_behalf_of is not None
        else draft_for(actor=actor, identity=session_identity, version=service_version)
    )
    on_draft = draft_attachments_by_material(draft)
    cleaned, form_errors = schema_validate_data(
        service_version.form_schema or {}, _schema_data(service_version, form_data)
    )
    for name in set(form_data or {}) - set(_schema_data(service_version, form_data)):
        form_errors.setdefault(str(name), [_("This field is not part of the form.")])
    errors.update(form_errors)
    errors.update(upload_errors)
    errors.update(
        material_errors(
            materials, provided=set(checked) | set(on_draft), rejected=set(upload_errors)
        )
    )
    if errors:
        raise ValidationFailed(fields=errors)

    def winner_replayed() -> Case | None:
        if not idempotency_key:
            return None
        found = _earlier_case(actor=actor, key=idempotency_key, fingerprint=fingerprint)
        return _replayed(found) if found is not None else None

    case = write_storing_files(
        lambda stored: _case_write(
            actor=actor,
            version=service_version,
            applicant=applicant,
            channel=channel,
            cleaned=cleaned,
            checked=checked,
            materials=materials,
            draft=draft,
            stored=stored,
            idempotency=(idempotency_key, fingerprint),
        ),
        earlier=winner_replayed,
    )
    if getattr(case, "is_replay", False):
        return case
    case.is_replay = False  # type: ignore[attr-defined]
    return case


def _case_write(
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
) -> Case:
    # ``notify_submitted=False``: the caller tells the applicant itself (a joint application
    # sends one message for all its member cases).
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
    names = _store_all(checked, stored)
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
            _attachment_build(
                checked=upload,
                name=names[material_id],
                material=materials[material_id],
                actor=actor,
                case=case,
            )
            for material_id, upload in checked.items()
        ]
    )
    if draft is not None:
        _draft_files_move(draft, case=case, replaced_keys=set(checked), materials=materials)
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


def correction_submit(
    *,
    actor: User,
    case: Case,
    form_data: Mapping[str, object],
    attachments: Mapping[str, UploadedFile | None] | None = None,
) -> Case:
    """Send the corrected application of a case awaiting correction (补正) and restart its clock.

    Only the applicant may (others get NotFound); only while the status is
    ``awaiting_correction`` (else Conflict). The form and materials are validated again, all
    errors together. Earlier files stay on the case for the record; the newest file of a
    material is the current one. Resolves the open correction request, resumes the clock
    (``deadlines.case_clock_resume``), returns the case to ``in_progress`` (``submitted`` if it
    was not accepted yet), reopens the task that asked for the correction, records the
    ``corrected`` event and queues the ``case_corrected`` notification to the requester.
    Files the applicant's correction form kept from a refused attempt (``drafts.correction_send``)
    count as uploaded now, unless replaced; they move to the case.
    """
    if not is_applicant(user=actor, case=case):
        raise NotFound(_("No such case among yours."))
    if case.status != Case.Status.AWAITING_CORRECTION:
        raise Conflict(
            _("This case is not waiting for a correction."), code=CasesErrorCode.NOT_AWAITING
        )
    version = case.service_version
    materials = {material_key(m): m for m in materials_of(version)}
    checked, upload_errors = uploads_check(materials, attachments or {})
    cleaned, errors = schema_validate_data(
        version.form_schema or {}, _schema_data(version, form_data)
    )
    errors.update(upload_errors)
    on_case = {material_key(a.material) for a in case.attachments.select_related("material")}
    kept = kept_files_draft(actor=actor, version=version, case=case)
    on_case |= set(draft_attachments_by_material(kept))
    errors.update(
        material_errors(materials, provided=set(checked) | on_case, rejected=set(upload_errors))
    )
    if errors:
        raise ValidationFailed(fields=errors)
    stored: list[str] = []
    try:
        with transaction.atomic():
            case = _correction_write(
                actor=actor,
                case=case,
                cleaned=cleaned,
                checked=checked,
                materials=materials,
                stored=stored,
                kept=kept,
            )
    except BaseException:
        stored_files_delete(stored)
        raise
    return case


def _draft_files_move(
    draft: CaseDraft,
    *,
    case: Case,
    replaced_keys: set[str],
    materials: Mapping[str, RequiredMaterial],
) -> None:
    """Move a draft's files to ``case`` (except those replaced now) and delete the draft."""
    superseded = Attachment.objects.filter(
        draft=draft, material__in=[materials[k] for k in replaced_keys]
    )
    replaced = list(superseded.values_list("file", flat=True))
    superseded.delete()
    Attachment.objects.filter(draft=draft).update(case=case, draft=None)
    draft.delete()
    transaction.on_commit(lambda: stored_files_delete(replaced))


def _correction_write(
    *,
    actor: User,
    case: Case,
    cleaned: dict[str, object],
    checked: dict[str, CheckedUpload],
    materials: dict[str, RequiredMaterial],
    stored: list[str],
    kept: CaseDraft | None,
) -> Case:
    case = case_lock(case)
    if case.status != Case.Status.AWAITING_CORRECTION:
        raise Conflict(
            _("This case is not waiting for a correction."), code=CasesErrorCode.NOT_AWAITING
        )
    now = timezone.now()
    today = timezone.localdate(now)
    names = _store_all(checked, stored)
    for key, upload in checked.items():
        _attachment_create(
            checked=upload, name=names[key], material=materials[key], actor=actor, case=case
        )
    files = set(checked)
    if kept is not None:
        files |= set(draft_attachments_by_material(kept))
        _draft_files_move(kept, case=case, replaced_keys=set(checked), materials=materials)
    correction = CorrectionRequest.objects.filter(case=case, resolved_at__isnull=True).first()
    if correction is not None:
        correction.resolved_at = now
        correction.save(update_fields=["resolved_at", "updated_at"])
    case.form_data = cleaned
    case.status = Case.Status.IN_PROGRESS if case.accepted_at else Case.Status.SUBMITTED
    case.lock_version += 1
    case.save(update_fields=["form_data", "status", "lock_version", "updated_at"])
    case_clock_resume(case, on=today)
    _correction_tasks_resume(case, correction)
    CaseEvent.objects.create(
        case=case,
        action=CaseEvent.Action.CORRECTED,
        actor=actor,
        task=correction.task if correction else None,
        department=correction.task.department if correction and correction.task else None,
        data={"files": sorted(str(materials[k].public_id) for k in files)},
    )
    due_on = case.committed_due_on or case.acceptance_due_on
    case_notification_enqueue(
        recipient=case.applicant,
        event="case_corrected",
        case=case,
        phone=case.contact_phone if case.applicant is None else "",
        context={
            "case_number": case.number,
            "service_name": service_name(case.service_version),
            "due_on": due_on.isoformat() if due_on else "",
        },
        idempotency_key=f"case_corrected:{correction.public_id if correction else case.public_id}",
    )
    return case


def _correction_tasks_resume(case: Case, correction: CorrectionRequest | None) -> None:
    """Reopen the task that requested the correction (the workbench owns how)."""
    correction_resume_tasks(case)


def case_withdraw(*, actor: User, case: Case, reason: str) -> Case:
    """Withdraw an application that is not decided yet (撤回); only its applicant may.

    Open tasks are cancelled and the ``withdrawn`` event records the reason. Raises NotFound for
    someone else's case, Conflict when the case is already closed, ValidationFailed without a
    reason.
    """
    if not is_applicant(user=actor, case=case):
        raise NotFound(_("No such case among yours."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(fields={"reason": [_("Please say why you withdraw.")]})
    with transaction.atomic():
        case = case_lock(case)
        if case.status not in WITHDRAWABLE:
            raise Conflict(
                _("This case can no longer be withdrawn."), code=CasesErrorCode.NOT_WITHDRAWABLE
            )
        case.status = Case.Status.WITHDRAWN
        case.decided_at = timezone.now()
        case.lock_version += 1
        case.save(update_fields=["status", "decided_at", "lock_version", "updated_at"])
        case.tasks.filter(status__in=["open", "claimed"]).update(
            status="cancelled", updated_at=timezone.now()
        )
        # The timeline entry, and the audit entry of the act (see ``event_record``).
        event_record(case=case, action=CaseEvent.Action.WITHDRAWN, actor=actor, note=reason[:2000])
    return case
