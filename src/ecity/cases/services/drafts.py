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
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from ecity.cases.errors import CasesErrorCode
from ecity.cases.models import Attachment, Case, CaseDraft
from ecity.cases.selectors.drafts import (
    case_submitted_with_key,
    draft_attachments_by_material,
    draft_for,
    draft_revision,
)
from ecity.cases.selectors.joint import SERVICES, SHARED, slot_key
from ecity.cases.selectors.materials import material_key, materials_of
from ecity.cases.services.eligibility import applicant_fields, version_check
from ecity.cases.services.joint import joint_uploads_check, joint_version_check
from ecity.cases.services.materials import material_errors, uploads_check
from ecity.cases.services.submission import (
    _attachment_create,
    _store_all,
    case_submit,
    draft_save,
)
from ecity.cases.uploads import stored_files_delete
from ecity.catalogue.form_schema import schema_validate_data
from ecity.catalogue.joint.layout import joint_layout
from ecity.catalogue.models import JointServiceVersion, ServiceItemVersion
from ecity.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from ecity.identity.models import User
from ecity.identity.selectors import ActingIdentity


def _schema_answers(version: ServiceItemVersion, form_data: Mapping[str, object]) -> dict:
    properties = (version.form_schema or {}).get("properties") or {}
    return {name: value for name, value in (form_data or {}).items() if name in properties}


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
    answers = _schema_answers(service_version, form_data)
    cleaned, form_errors = schema_validate_data(service_version.form_schema or {}, answers)
    on_draft = set(
        draft_attachments_by_material(
            draft_for(actor=actor, identity=identity, version=service_version)
        )
    )
    rejected = set(errors)
    errors.update(form_errors)
    errors.update(material_errors(materials, provided=on_draft, rejected=rejected))
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
) -> tuple[CaseDraft, dict[str, list[str]]]:
    """Save a half-filled joint application and every acceptable file; return it and file errors.

    The draft of ``actor`` acting as ``identity`` for ``joint_version`` (one each, private to its
    owner) keeps the combined form's answers as given (``{"shared": …, "services": …}``,
    unchecked: they are checked on submission) and each acceptable file of a material slot
    (``material:<id>``), replacing the slot's earlier file; a rejected file does not stop the
    rest and its errors are returned by slot. Raises ``PermissionDenied`` for an anonymous
    actor and ``ServiceUnavailable`` when the joint application cannot be applied for online.
    """
    if not getattr(actor, "is_authenticated", False):
        raise PermissionDenied(_("Please log in to save an application."))
    joint_version_check(joint_version, channel=Case.Channel.ONLINE)
    layout = joint_layout(joint_version)
    checked, rejected = joint_uploads_check(layout, files or {})
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
            names = _store_all(checked, stored)
            for key, upload in checked.items():
                material = slots[key].targets[0][1]
                old = Attachment.objects.filter(draft=draft, material=material)
                replaced.extend(old.values_list("file", flat=True))
                old.delete()
                _attachment_create(
                    checked=upload, name=names[key], material=material, actor=actor, draft=draft
                )
            transaction.on_commit(lambda: stored_files_delete(replaced))
    except BaseException:
        stored_files_delete(stored)
        raise
    return draft, rejected
