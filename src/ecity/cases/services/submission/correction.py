"""Answer a correction request (补正): the corrected application goes back to the department."""

from __future__ import annotations

from collections.abc import Mapping

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ecity.cases.deadlines import case_clock_resume
from ecity.cases.errors import CasesErrorCode
from ecity.cases.models import Case, CaseDraft, CaseEvent, CorrectionRequest
from ecity.cases.selectors.applicant import is_applicant
from ecity.cases.selectors.drafts import draft_attachments_by_material, kept_files_draft
from ecity.cases.selectors.materials import material_key, materials_of
from ecity.cases.selectors.references import case_material_references
from ecity.cases.services.attachments import attachment_create, draft_files_move, uploads_store
from ecity.cases.services.handling import correction_resume_tasks
from ecity.cases.services.locking import case_lock
from ecity.cases.services.materials import material_errors, uploads_check
from ecity.cases.services.notifications import case_notification_enqueue, service_name
from ecity.cases.services.submission.answers import schema_answers
from ecity.catalogue.form_schema import schema_validate_data
from ecity.catalogue.models import RequiredMaterial
from ecity.core.errors import Conflict, NotFound, ValidationFailed
from ecity.core.uploads import CheckedUpload, stored_files_delete
from ecity.identity.models import User


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
        version.form_schema or {}, schema_answers(version, form_data)
    )
    errors.update(upload_errors)
    on_case = {material_key(a.material) for a in case.attachments.select_related("material")}
    kept = kept_files_draft(actor=actor, version=version, case=case)
    on_case |= set(draft_attachments_by_material(kept))
    referenced = {material_key(r.material) for r in case_material_references(case=case)}
    errors.update(
        material_errors(
            materials,
            provided=set(checked) | on_case,
            rejected=set(upload_errors),
            by_reference=referenced,
        )
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
    names = uploads_store(checked, stored)
    for key, upload in checked.items():
        attachment_create(
            checked=upload, name=names[key], material=materials[key], actor=actor, case=case
        )
    files = set(checked)
    if kept is not None:
        files |= set(draft_attachments_by_material(kept))
        draft_files_move(kept, case=case, replaced_keys=set(checked), materials=materials)
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
