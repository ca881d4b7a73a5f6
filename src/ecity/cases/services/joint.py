"""Submitting a joint application (一件事一次办): one form and one set of files, linked cases.

``joint_application_submit`` takes the combined form's answers (``{"shared": {key: value},
"services": {item code: {field: value}}}``) and files (``material:<id>``, see
``ecity.cases.selectors.joint``) and, for each member service, builds that service's own form
data (its own answers plus the shared answers under its field names) and files (a shared
material's file goes to every member that needs it). Every member is validated with the same
rules as a single application (``form_schema.schema_validate_data``, ``materials``, ``uploads``,
``eligibility``), all errors are reported together under the combined form's names, and then,
in ONE transaction, each member case is written exactly as ``case_submit`` writes a case (its
own number, query code, acceptance deadline and timeline entry; handled by its own department)
together with the ``JointApplication`` that links them, and ONE ``joint_submitted``
notification listing the member cases and linking to the joint application's page (the member
cases' later notifications, such as decisions, are their own). Either every case exists or
none does.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from django.core.files.uploadedfile import SimpleUploadedFile, UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ecity.cases.models import Case, CaseDraft, JointApplication, JointApplicationCase
from ecity.cases.numbers import query_code_generate
from ecity.cases.selectors.drafts import joint_draft_attachments
from ecity.cases.selectors.joint import (
    SERVICES,
    SHARED,
    member_field_name,
    shared_field_name,
    slot_key,
)
from ecity.cases.selectors.materials import MATERIAL_PREFIX, material_key, materials_of
from ecity.cases.services.case_write import case_write as _case_write
from ecity.cases.services.eligibility import (
    ApplicantFields,
    ServiceUnavailable,
    applicant_fields,
    version_check,
)
from ecity.cases.services.materials import material_errors
from ecity.cases.uploads import (
    CheckedUpload,
    UploadRejected,
    stored_files_delete,
    upload_check,
    write_storing_files,
)
from ecity.catalogue.form_schema import schema_validate_data
from ecity.catalogue.joint.layout import JointLayout, MemberSection, joint_layout, own_field_names
from ecity.catalogue.models import JointServiceVersion, RequiredMaterial
from ecity.core.errors import NotFound, ValidationFailed
from ecity.core.idempotency import (
    idempotency_begin,
    idempotency_complete,
    idempotency_find,
    idempotency_key_check,
    idempotency_result,
    request_fingerprint,
)
from ecity.core.sequences import sequence_next
from ecity.identity.models import User
from ecity.identity.selectors import ActingIdentity
from ecity.notify.services import notification_enqueue

SUBMIT_SCOPE = "joint_submit"
NUMBER_PREFIX = "YJS"  # 一件事
NUMBER_DIGITS = 6


def joint_number_allocate(*, on: dt.date) -> str:
    """The next joint application number of the year of ``on``: ``YJS-2026-000123``.

    The gap-free sequence ``joint:<year>`` (``ecity.core.sequences``); call it inside the
    submitting transaction.
    """
    last = sequence_next(scope=f"joint:{on.year}")
    return f"{NUMBER_PREFIX}-{on.year}-{last:0{NUMBER_DIGITS}d}"


def joint_version_check(version: JointServiceVersion, *, channel: str) -> None:
    """Raise ``ServiceUnavailable`` unless ``version`` and every member can be applied for.

    The version must be its joint application's current published version (and that one
    active); each member service version must pass ``eligibility.version_check``: still its
    item's current version and open to ``channel``.
    """
    service = version.service
    if (
        version.status != JointServiceVersion.Status.PUBLISHED
        or service.current_version_id != version.pk
        or not service.is_active
    ):
        raise ServiceUnavailable(
            _(
                "This version of the joint application is no longer current; please start "
                "again from its page."
            )
        )
    for member in version.members.all():
        try:
            version_check(member.service_version, channel=channel)
        except ServiceUnavailable as exc:
            raise ServiceUnavailable(
                _("%(service)s: %(reason)s")
                % {"service": member.service_version.name, "reason": exc.message}
            ) from exc


@dataclass
class _Member:
    """One member case, ready to be written."""

    section: MemberSection
    applicant: ApplicantFields
    cleaned: dict[str, object]
    checked: dict[str, CheckedUpload]
    materials: dict[str, RequiredMaterial]


def draft_files(draft: CaseDraft | None, layout: JointLayout) -> dict[str, UploadedFile]:
    """The files kept on a joint draft, by slot, as uploads (checked again like new ones)."""
    files: dict[str, UploadedFile] = {}
    for key, attachment in joint_draft_attachments(draft, layout).items():
        with attachment.file.open("rb") as handle:
            content = handle.read()
        files[key] = SimpleUploadedFile(
            attachment.original_name, content, content_type=attachment.content_type
        )
    return files


def _not_part() -> list[str]:
    return [_("This field is not part of the form.")]


def _split(
    layout: JointLayout, form_data: object
) -> tuple[dict[str, object], dict[str, dict[str, object]], dict[str, list[str]]]:
    """The shared answers and each member's own answers; errors for anything else."""
    errors: dict[str, list[str]] = {}
    shared: dict[str, object] = {}
    own: dict[str, dict[str, object]] = {s.item_code: {} for s in layout.sections}
    if not isinstance(form_data, Mapping):
        return shared, own, {"form": [_("The form data must be a JSON object.")]}
    for key in set(form_data) - {SHARED, SERVICES}:
        errors[str(key)] = _not_part()
    shared_keys = {slot.key for slot in layout.shared}
    given_shared = form_data.get(SHARED) or {}
    if not isinstance(given_shared, Mapping):
        errors[SHARED] = [_("Give the shared answers as an object.")]
        given_shared = {}
    for key, value in given_shared.items():
        if key in shared_keys:
            shared[str(key)] = value
        else:
            errors[shared_field_name(str(key))] = _not_part()
    given_services = form_data.get(SERVICES) or {}
    if not isinstance(given_services, Mapping):
        errors[SERVICES] = [_("Give each service's answers as an object by service code.")]
        given_services = {}
    for code, answers in given_services.items():
        section = layout.section(str(code))
        if section is None:
            errors[f"{SERVICES}.{code}"] = [_("This service is not part of the application.")]
            continue
        if not isinstance(answers, Mapping):
            errors[f"{SERVICES}.{code}"] = [_("Give this service's answers as an object.")]
            continue
        asked = set(own_field_names(section))
        for name, value in answers.items():
            if name in asked:
                own[section.item_code][str(name)] = value
            else:
                errors[member_field_name(section.item_code, str(name))] = _not_part()
    return shared, own, errors


def joint_uploads_check(
    layout: JointLayout, files: Mapping[str, UploadedFile | None]
) -> tuple[dict[str, CheckedUpload], dict[str, list[str]]]:
    """Check each file against every material it is filed as (a shared one: all of them)."""
    slots = {slot_key(slot): slot for slot in layout.materials}
    checked: dict[str, CheckedUpload] = {}
    errors: dict[str, list[str]] = {}
    for raw_key, upload in files.items():
        if upload is None:
            continue
        key = raw_key if str(raw_key).startswith(MATERIAL_PREFIX) else f"{MATERIAL_PREFIX}{raw_key}"
        slot = slots.get(key)
        if slot is None:
            errors[str(raw_key)] = [_("This is not one of the materials of this application.")]
            continue
        try:
            results = [upload_check(material=m, upload=upload) for _code, m in slot.targets]
        except UploadRejected as rejected:
            errors[key] = [rejected.message]
            continue
        checked[key] = results[0]
    return checked, errors


def _add(errors: dict[str, list[str]], key: str, messages: list[str]) -> None:
    """Add messages under ``key`` once each (several members repeat a shared field's)."""
    listed = errors.setdefault(key, [])
    for message in messages:
        if message not in listed:
            listed.append(message)


def _member_prepare(
    *,
    actor: User,
    identity: ActingIdentity | None,
    layout: JointLayout,
    section: MemberSection,
    shared: dict[str, object],
    own: dict[str, object],
    checked: dict[str, CheckedUpload],
    rejected: set[str],
    errors: dict[str, list[str]],
) -> _Member:
    """Validate one member's form data and files; report errors under the combined names."""
    code = section.item_code
    data = dict(own)
    for slot in layout.shared:
        for target in slot.targets:
            if target.item_code == code and slot.key in shared:
                data[target.field] = shared[slot.key]
    data = {
        name: value
        for name, value in data.items()
        if name in (section.schema.get("properties") or {})
    }
    applicant, applicant_errors = applicant_fields(
        actor=actor, identity=identity, version=section.version, on_behalf_of=None, form_data=data
    )
    for key, messages in applicant_errors.items():
        _add(errors, key, messages)
    cleaned, form_errors = schema_validate_data(section.schema, data)
    for name, messages in form_errors.items():
        if name in section.shared_keys:
            _add(errors, shared_field_name(section.shared_keys[name]), messages)
        elif name == "__all__":
            _add(errors, "__all__", messages)
        else:
            _add(errors, member_field_name(code, name), messages)
    waived = {m.pk for m in section.waived_materials}
    materials = {material_key(m): m for m in materials_of(section.version) if m.pk not in waived}
    slot_of: dict[str, str] = {}
    for material_slot in layout.materials:
        for slot_code, material in material_slot.targets:
            if slot_code == code:
                slot_of[material_key(material)] = slot_key(material_slot)
    member_checked = {
        own_key: checked[joint_key]
        for own_key, joint_key in slot_of.items()
        if joint_key in checked
    }
    missing = material_errors(
        materials,
        provided=set(member_checked),
        rejected={own_key for own_key, joint_key in slot_of.items() if joint_key in rejected},
    )
    for own_key, messages in missing.items():
        _add(errors, slot_of.get(own_key, own_key), messages)
    return _Member(
        section=section,
        applicant=applicant,
        cleaned=cleaned,
        checked=member_checked,
        materials=materials,
    )


def _earlier(*, actor: User, key: str, fingerprint: str) -> JointApplication | None:
    record = idempotency_find(
        user=actor,
        scope=SUBMIT_SCOPE,
        key=key,
        fingerprint=fingerprint,
        conflict_message=_("This request key was already used for a different application."),
    )
    return None if record is None else idempotency_result(record, JointApplication)


def _replayed(application: JointApplication) -> JointApplication:
    application.is_replay = True  # type: ignore[attr-defined]
    return application


def joint_application_submit(
    *,
    actor: User,
    session_identity: ActingIdentity | None,
    joint_version: JointServiceVersion,
    form_data: Mapping[str, object],
    attachments: Mapping[str, UploadedFile | None] | None = None,
    idempotency_key: str | None = None,
    channel: str = Case.Channel.ONLINE,
    draft: CaseDraft | None = None,
) -> JointApplication:
    """Submit a joint application: one case per member service, linked; see the module docstring.

    ``joint_version`` must be its joint application's current published version and every
    member service still current and open to ``channel`` (else ``ServiceUnavailable``). The
    applicant is ``actor`` acting as ``session_identity`` (themselves or an enterprise they
    represent; ``PermissionDenied`` for anonymous actors). Raises one ``ValidationFailed`` with
    every error of every member under the combined form's names. In one transaction: the
    joint number (``joint:<year>`` sequence) and query code, the member cases (numbers,
    attachments, ``submitted`` events, acceptance deadlines) and their links, and one
    ``joint_submitted`` notification to the applicant (no ``case_submitted`` per case); files
    stored for a transaction that fails are deleted again.

    With ``draft`` (the actor's own joint draft, ``selectors.drafts.joint_draft_for``) the files
    kept on it fill the material slots ``attachments`` leave empty, and the draft with its files
    is removed in the same transaction.

    With ``idempotency_key`` a repeated call with the same payload returns the first joint
    application (``is_replay`` True) and creates nothing; another payload raises Conflict.
    """
    joint_version_check(joint_version, channel=channel)
    if idempotency_key:
        idempotency_key_check(idempotency_key)
    layout = joint_layout(joint_version)
    if draft is not None and draft.owner_id != actor.pk:
        raise NotFound(_("There is no such draft."))
    attachments = {**draft_files(draft, layout), **dict(attachments or {})}
    shared, own, errors = _split(layout, form_data)
    checked, upload_errors = joint_uploads_check(layout, attachments)
    fingerprint = request_fingerprint(
        {
            "joint_version": str(joint_version.public_id),
            "identity": getattr(session_identity, "key", ""),
            "form": form_data if isinstance(form_data, Mapping) else str(form_data),
            "files": {key: upload.sha256 for key, upload in checked.items()},
        }
    )
    if idempotency_key:
        earlier = _earlier(actor=actor, key=idempotency_key, fingerprint=fingerprint)
        if earlier is not None:
            return _replayed(earlier)
    errors.update(upload_errors)
    members = [
        _member_prepare(
            actor=actor,
            identity=session_identity,
            layout=layout,
            section=section,
            shared=shared,
            own=own[section.item_code],
            checked=checked,
            rejected=set(upload_errors),
            errors=errors,
        )
        for section in layout.sections
    ]
    errors = {key: messages for key, messages in errors.items() if messages}
    if errors:
        raise ValidationFailed(fields=errors)

    def winner_replayed() -> JointApplication | None:
        if not idempotency_key:
            return None
        found = _earlier(actor=actor, key=idempotency_key, fingerprint=fingerprint)
        return _replayed(found) if found is not None else None

    application = write_storing_files(
        lambda stored: _write(
            actor=actor,
            identity=session_identity,
            version=joint_version,
            members=members,
            channel=channel,
            stored=stored,
            idempotency=(idempotency_key, fingerprint),
            draft=draft,
        ),
        earlier=winner_replayed,
    )
    if getattr(application, "is_replay", False):
        return application
    application.is_replay = False  # type: ignore[attr-defined]
    return application


def _write(
    *,
    actor: User,
    identity: ActingIdentity | None,
    version: JointServiceVersion,
    members: list[_Member],
    channel: str,
    stored: list[str],
    idempotency: tuple[str | None, str],
    draft: CaseDraft | None,
) -> JointApplication:
    key, fingerprint = idempotency
    # First statement of the transaction: a concurrent duplicate waits here, then fails.
    record = (
        idempotency_begin(user=actor, scope=SUBMIT_SCOPE, key=key, fingerprint=fingerprint)
        if key
        else None
    )
    now = timezone.now()
    applicant = members[0].applicant
    application = JointApplication.objects.create(
        number=joint_number_allocate(on=timezone.localdate(now)),
        query_code=query_code_generate(),
        joint_version=version,
        applicant=actor,
        legal_entity=getattr(identity, "legal_entity", None),
        applicant_name=applicant["applicant_name"],
        channel=channel,
        submitted_at=now,
    )
    cases: list[Case] = []
    for index, member in enumerate(members):
        # The single application's write path: the same case, files and event; one message
        # for the whole joint application instead of one per case.
        case = _case_write(
            actor=actor,
            version=member.section.version,
            applicant=member.applicant,
            channel=channel,
            cleaned=member.cleaned,
            checked=member.checked,
            materials=member.materials,
            draft=None,
            stored=stored,
            idempotency=(None, fingerprint),
            notify_submitted=False,
        )
        JointApplicationCase.objects.create(
            joint_application=application, case=case, sort_order=index
        )
        cases.append(case)
    _submitted_notify(application, cases)
    if draft is not None:
        # Each case has its own stored copy of every file: the draft's are no longer needed.
        kept = list(draft.attachments.values_list("file", flat=True))
        draft.attachments.all().delete()
        draft.delete()
        transaction.on_commit(lambda: stored_files_delete(kept))
    if record is not None:
        idempotency_complete(record=record, result=application)
    return application


def _submitted_notify(application: JointApplication, cases: list[Case]) -> None:
    """Tell the applicant once: the joint number, query code and each member case's number."""
    version = application.joint_version
    due = [case.acceptance_due_on for case in cases if case.acceptance_due_on]
    notification_enqueue(
        recipient=application.applicant,
        event="joint_submitted",
        obj=application,
        reference=application.number,
        context={
            "joint_number": application.number,
            "query_code": application.query_code,
            "joint_name": {"zh-hans": version.name_zh, "en": version.name_en or version.name_zh},
            "cases": [
                {
                    "zh-hans": f"{case.service_version.name_zh}（{case.department.name_zh}）："
                    f"{case.number}",
                    "en": f"{case.service_version.name_en or case.service_version.name_zh} "
                    f"({case.department.name_en or case.department.name_zh}): {case.number}",
                }
                for case in cases
            ],
            "acceptance_due_on": max(due).isoformat() if due else "",
        },
        idempotency_key=f"joint_submitted:{application.public_id}",
    )
