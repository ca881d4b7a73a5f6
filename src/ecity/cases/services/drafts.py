"""The application form's steps before a case exists: keep what was given, check, then submit.

GOV.UK's "check your answers" pattern, without JavaScript:

1. The form's "Continue" (``draft_continue``) keeps the answers and every acceptable file on
   the applicant's draft (``CaseDraft``), whatever else is wrong, so that a mistake in one field
   never loses an upload; then it checks the application is complete, all errors together.
2. The "Check your answers" page lists the draft's answers and files with "Change" links.
3. Its "Submit" (``draft_submit``) submits exactly what was checked: the draft's answers and
   files, through ``case_submit`` with the page's one-time key, so a repeated or concurrent
   post creates one case, and answers changed since the check are refused.

A kept file can be removed again (``draft_attachment_remove``).

A joint application (一件事) is saved on the same kind of draft (``joint_draft_save``): the
combined form's answers and every acceptable file by material slot; submitting it
(``joint_services.joint_application_submit`` with ``draft``) uses the kept files and removes it.
The counter form (``counter_submit``) and the correction form (``correction_send``) reuse the
mechanism: when they are refused for a mistake, their acceptable files are kept on a draft of
purpose counter (per clerk and form key) or correction (per applicant and case), shown as
"already uploaded" and used by the next submission unless replaced. Only their owner can use
them, and they expire (``ECITY_KEPT_FILES_HOURS``, deleted by ``kept_files_purge``).
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from ecity.cases.errors import CasesErrorCode
from ecity.cases.models import Attachment, Case, CaseDraft
from ecity.cases.selectors.drafts import (
    case_submitted_with_key,
    draft_attachments_by_material,
    draft_for,
    draft_revision,
    joint_draft_for,
    kept_files_expired_before,
)
from ecity.cases.selectors.joint import SERVICES, SHARED, slot_key
from ecity.cases.selectors.materials import material_key, materials_of
from ecity.cases.selectors.references import material_sources
from ecity.cases.services.attachments import attachment_create, draft_files_write, uploads_store
from ecity.cases.services.eligibility import applicant_fields, version_check
from ecity.cases.services.joint_check import joint_uploads_check, joint_version_check
from ecity.cases.services.materials import material_errors, uploads_check
from ecity.cases.services.submission import case_submit, correction_submit, draft_save
from ecity.cases.services.submission.answers import schema_answers
from ecity.catalogue.form_schema import schema_validate_data
from ecity.catalogue.joint.layout import joint_layout
from ecity.catalogue.models import JointServiceVersion, ServiceItemVersion
from ecity.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from ecity.core.uploads import stored_files_delete
from ecity.identity.models import User
from ecity.identity.selectors import ActingIdentity


def draft_keep(
    *,
    actor: User,
    identity: ActingIdentity | None,
    service_version: ServiceItemVersion,
    form_data: Mapping[str, object],
    files: Mapping[str, UploadedFile | None] | None = None,
) -> tuple[CaseDraft, dict[str, list[str]]]:
    """Save the answers and every acceptable file on the draft; return it and the files' errors.

    Like ``draft_save`` (answers unchecked, a file replaces the draft's earlier file of its
    material), except that a rejected file does not stop the others and the answers from being
    kept: its errors are returned by material key (``material:<id>``). Raises ApplicationError
    when the service cannot be applied for online.
    """
    version_check(service_version, channel=Case.Channel.ONLINE)
    materials = {material_key(m): m for m in materials_of(service_version)}
    checked, rejected = uploads_check(materials, files or {})
    accepted = {key: upload for key, upload in (files or {}).items() if upload and key in checked}
    draft = draft_save(
        actor=actor,
        identity=identity,
        service_version=service_version,
        form_data=form_data,
        files=accepted,
    )
    return draft, rejected


def draft_continue(
    *,
    actor: User,
    identity: ActingIdentity | None,
    service_version: ServiceItemVersion,
    form_data: Mapping[str, object],
    files: Mapping[str, UploadedFile | None] | None = None,
) -> CaseDraft:
    """Keep the answers and files on the draft, then check the application is complete.

    First ``draft_keep`` (nothing acceptable is lost). Then the rules of ``case_submit``: who
    may apply (PermissionDenied), the form's rules and the mandatory materials, now or already
    on the draft. Raises one ValidationFailed with every error (rejected files, form fields,
    missing materials under ``material:<id>``). When complete, the draft holds the cleaned
    answers (normalised ID numbers, numbers as numbers), ready for "Check your answers".
    """
    draft, errors = draft_keep(
        actor=actor,
        identity=identity,
        service_version=service_version,
        form_data=form_data,
        files=files,
    )
    applicant_fields(
        actor=actor,
        identity=identity,
        version=service_version,
        on_behalf_of=None,
        form_data=form_data,
    )
    materials = {material_key(m): m for m in materials_of(service_version)}
    answers = schema_answers(service_version, form_data)
    cleaned, form_errors = schema_validate_data(service_version.form_schema or {}, answers)
    on_draft = set(
        draft_attachments_by_material(
            draft_for(actor=actor, identity=identity, version=service_version)
        )
    )
    rejected = set(errors)
    errors.update(form_errors)
    references = material_sources(
        user=actor, identity=identity, materials=materials, on=timezone.localdate()
    )
    errors.update(
        material_errors(
            materials, provided=on_draft, rejected=rejected, by_reference=set(references)
        )
    )
    if errors:
        raise ValidationFailed(fields=errors)
    draft.form_data = cleaned
    draft.save(update_fields=["form_data", "updated_at"])
    return draft


def draft_submit(
    *,
    actor: User,
    identity: ActingIdentity | None,
    service_version: ServiceItemVersion,
    revision: str,
    idempotency_key: str,
) -> Case:
    """Submit the draft as the applicant checked it; exactly one case per ``idempotency_key``.

    ``revision`` is the draft's ``draft_revision`` shown on "Check your answers": answers or
    files changed since (in another tab, say) raise Conflict ``answers_changed``, so nothing
    unchecked is submitted. The submission is ``case_submit`` with the draft's answers and
    files. Repeating the call with the same key returns the first case (``is_replay``), also
    once the draft is gone; without a draft and without an earlier case it raises NotFound.
    Raises ValidationFailed (every error) when the draft is not complete.
    """
    draft = draft_for(actor=actor, identity=identity, version=service_version)
    if draft is None:
        earlier = case_submitted_with_key(actor=actor, key=idempotency_key)
        if earlier is None:
            raise NotFound(_("There is no application to submit. Please fill in the form."))
        earlier.is_replay = True  # type: ignore[attr-defined]
        return earlier
    if draft_revision(draft) != revision:
        raise Conflict(
            _("Your answers changed after you checked them. Please check them again."),
            code=CasesErrorCode.ANSWERS_CHANGED,
        )
    return case_submit(
        actor=actor,
        session_identity=identity,
        service_version=service_version,
        form_data=dict(draft.form_data or {}),
        attachments={},
        idempotency_key=idempotency_key,
    )


def draft_attachment_remove(*, actor: User, public_id: uuid.UUID | str) -> Attachment:
    """Remove a file from one's own draft (the stored file is deleted after commit).

    Only the draft's owner may (others, files already on a case and malformed ids get
    NotFound).
    """
    try:
        public_id = uuid.UUID(str(public_id))
    except ValueError as exc:
        raise NotFound(_("No such file.")) from exc
    attachment = (
        Attachment.objects.select_related("draft", "material")
        .filter(public_id=public_id, draft__owner=actor, case__isnull=True)
        .first()
    )
    if attachment is None:
        raise NotFound(_("No such file."))
    name = attachment.file.name
    with transaction.atomic():
        attachment.delete()
        transaction.on_commit(lambda: stored_files_delete([name]))
    return attachment


def joint_draft_save(
    *,
    actor: User,
    identity: ActingIdentity | None,
    joint_version: JointServiceVersion,
    form_data: Mapping[str, object],
    files: Mapping[str, UploadedFile | None] | None = None,
    all_or_nothing: bool = False,
) -> tuple[CaseDraft, dict[str, list[str]]]:
    """Save a half-filled joint application and every acceptable file; return it and file errors.

    The draft of ``actor`` acting as ``identity`` for ``joint_version`` (one each, private to its
    owner) keeps the combined form's answers as given (``{"shared": …, "services": …}``,
    unchecked: they are checked on submission) and each acceptable file of a material slot
    (``material:<id>``), replacing the slot's earlier file; a rejected file does not stop the
    rest and its errors are returned by slot; with ``all_or_nothing`` (the API) a rejected
    file raises ``ValidationFailed`` with every file error instead and nothing is saved. Raises
    ``PermissionDenied`` for an anonymous actor and ``ServiceUnavailable`` when the joint
    application cannot be applied for online.
    """
    if not getattr(actor, "is_authenticated", False):
        raise PermissionDenied(_("Please log in to save an application."))
    joint_version_check(joint_version, channel=Case.Channel.ONLINE)
    layout = joint_layout(joint_version)
    checked, rejected = joint_uploads_check(layout, files or {})
    if all_or_nothing and rejected:
        raise ValidationFailed(fields=rejected)
    answers = {
        part: dict(value)
        for part, value in (form_data or {}).items()
        if part in (SHARED, SERVICES) and isinstance(value, Mapping)
    }
    slots = {slot_key(slot): slot for slot in layout.materials}
    stored: list[str] = []
    replaced: list[str] = []
    try:
        with transaction.atomic():
            draft, _created = CaseDraft.objects.get_or_create(
                owner=actor,
                legal_entity=getattr(identity, "legal_entity", None),
                joint_version=joint_version,
            )
            draft.form_data = answers
            draft.save(update_fields=["form_data", "updated_at"])
            names = uploads_store(checked, stored)
            for key, upload in checked.items():
                material = slots[key].targets[0][1]
                old = Attachment.objects.filter(draft=draft, material=material)
                replaced.extend(old.values_list("file", flat=True))
                old.delete()
                attachment_create(
                    checked=upload, name=names[key], material=material, actor=actor, draft=draft
                )
            transaction.on_commit(lambda: stored_files_delete(replaced))
    except BaseException:
        stored_files_delete(stored)
        raise
    return draft, rejected


def joint_draft_delete(
    *, actor: User, identity: ActingIdentity | None, joint_version: JointServiceVersion
) -> None:
    """Delete the joint application draft of ``actor`` acting as ``identity``, with its files.

    Only the owner's own draft is found (``NotFound`` otherwise, also when there is none).
    The stored files are deleted after commit.
    """
    draft = joint_draft_for(actor=actor, identity=identity, joint_version=joint_version)
    if draft is None:
        raise NotFound(_("There is no such draft."))
    _drafts_delete(CaseDraft.objects.filter(pk=draft.pk))


def _files_keep(
    *,
    actor: User,
    service_version: ServiceItemVersion,
    files: Mapping[str, UploadedFile | None],
    form_key: str = "",
    case: Case | None = None,
) -> None:
    """Keep every acceptable file of a refused counter form or correction on the actor's
    kept-files draft (``CaseDraft`` of purpose counter or correction), like ``draft_keep``."""
    materials = {material_key(m): m for m in materials_of(service_version)}
    checked, _rejected = uploads_check(materials, files)
    if not checked:
        return
    lookup = {
        "owner": actor,
        "legal_entity": None,
        "service_version": service_version,
        "purpose": CaseDraft.Purpose.CORRECTION if case is not None else CaseDraft.Purpose.COUNTER,
        "case": case,
        "form_key": "" if case is not None else form_key,
    }
    # Files kept earlier under the same key but expired are not revived by keeping new ones.
    _drafts_delete(CaseDraft.objects.filter(**lookup, updated_at__lt=kept_files_expired_before()))
    draft_files_write(
        actor=actor, lookup=lookup, form_data=None, checked=checked, materials=materials
    )


def counter_submit(
    *,
    actor: User,
    service_version: ServiceItemVersion,
    form_data: Mapping[str, object],
    files: Mapping[str, UploadedFile | None],
    on_behalf_of: Mapping[str, object],
    form_key: str,
) -> Case:
    """A counter clerk submits for a walk-in applicant; a refused form loses no file.

    ``case_submit`` on the counter channel, with the counter form's one-time ``form_key`` as
    the idempotency key (``counter-<key>``). When the submission is refused for a mistake
    (ValidationFailed, after ``case_submit`` checked the clerk's role), every acceptable file
    is kept for this clerk and this form, and the next submission of the same form uses it
    unless replaced; only this clerk can (another account with the same key finds nothing),
    for ``ECITY_KEPT_FILES_HOURS``. Without a valid ``form_key`` nothing is kept.
    """
    try:
        return case_submit(
            actor=actor,
            session_identity=None,
            service_version=service_version,
            form_data=form_data,
            attachments=files,
            idempotency_key=f"counter-{form_key}" if form_key else None,
            on_behalf_of=on_behalf_of,
            kept_files_key=form_key,
        )
    except ValidationFailed:
        if form_key:
            _files_keep(
                actor=actor, service_version=service_version, files=files, form_key=form_key
            )
        raise


def correction_send(
    *,
    actor: User,
    case: Case,
    form_data: Mapping[str, object],
    files: Mapping[str, UploadedFile | None],
) -> Case:
    """The applicant sends a correction (补正); a refused form loses no file.

    ``correction_submit`` (only the applicant, only while awaiting correction). When it is
    refused for a mistake (ValidationFailed), every acceptable file is kept for this applicant
    and this case, and the next correction uses it unless replaced (for
    ``ECITY_KEPT_FILES_HOURS``; no one else can use it).
    """
    try:
        return correction_submit(actor=actor, case=case, form_data=form_data, attachments=files)
    except ValidationFailed:
        _files_keep(actor=actor, service_version=case.service_version, files=files, case=case)
        raise


def kept_files_purge() -> int:
    """Delete the expired files kept from refused counter and correction forms; return how many.

    Online application drafts are the applicant's and never expire. Stored files are deleted
    after commit.
    """
    return _drafts_delete(
        CaseDraft.objects.filter(
            purpose__in=[CaseDraft.Purpose.COUNTER, CaseDraft.Purpose.CORRECTION],
            updated_at__lt=kept_files_expired_before(),
        )
    )


def _drafts_delete(drafts: QuerySet[CaseDraft]) -> int:
    """Delete ``drafts`` with their files (stored files after commit); return how many files."""
    with transaction.atomic():
        attachments = Attachment.objects.filter(draft__in=drafts, case__isnull=True)
        names = list(attachments.values_list("file", flat=True))
        attachments.delete()
        drafts.delete()
        transaction.on_commit(lambda: stored_files_delete(names))
    return len(names)
