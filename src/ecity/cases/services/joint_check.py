"""Is a joint application (一件事一次办) complete, and may this actor submit it?

The rules ``joint_application_submit`` applies before it writes anything, and the "check your
answers" step (``joint_application_check``) applies without writing: the joint application
version and every member service can be applied for through the channel; the combined form's
answers (``{"shared": {key: value}, "services": {item code: {field: value}}}``) and files
(``material:<id>``, see ``ecity.cases.selectors.joint``) split into each member service's own
form data (its own answers plus the shared answers under its field names) and files (a shared
material's file goes to every member that needs it); every member is validated with the same
rules as a single application (``form_schema.schema_validate_data``, ``materials``,
``uploads``, ``eligibility``) and every error is reported at once under the combined form's
names.

At a counter (``on_behalf_of``: a walk-in applicant's name, ID number and phone) the clerk
must be allowed to submit each member case as a single counter submission: the counter clerk
role in every member service's department (``selectors.joint.joint_counter_allowed``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from django.core.files.uploadedfile import SimpleUploadedFile, UploadedFile
from django.utils.translation import gettext as _

from ecity.cases.models import Case, CaseDraft
from ecity.cases.selectors.drafts import joint_draft_attachments
from ecity.cases.selectors.joint import (
    SERVICES,
    SHARED,
    joint_counter_allowed,
    member_field_name,
    shared_field_name,
    slot_key,
)
from ecity.cases.selectors.materials import MATERIAL_PREFIX, material_key, materials_of
from ecity.cases.services.eligibility import (
    ApplicantFields,
    ServiceUnavailable,
    applicant_fields,
    version_check,
)
from ecity.cases.services.materials import material_errors
from ecity.catalogue.form_schema import schema_validate_data
from ecity.catalogue.joint.layout import JointLayout, MemberSection, joint_layout, own_field_names
from ecity.catalogue.models import JointServiceVersion, RequiredMaterial
from ecity.core.errors import NotFound, PermissionDenied, ValidationFailed
from ecity.core.uploads import CheckedUpload, UploadRejected, upload_check
from ecity.identity.models import User
from ecity.identity.selectors import ActingIdentity


def joint_counter_check(*, actor: User, joint_version: JointServiceVersion) -> None:
    """Raise ``PermissionDenied`` unless ``actor`` may submit ``joint_version`` at a counter.

    The rule of a single counter submission, for each member case: the counter clerk role in
    that member service's department (a role in a parent department counts; platform
    administrators hold every role).
    """
    if not joint_counter_allowed(user=actor, joint_version=joint_version):
        raise PermissionDenied(
            _(
                "Only a counter clerk of every department of this joint application can apply "
                "for a walk-in applicant."
            )
        )


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
class MemberCheck:
    """One member case, validated and ready to be written."""

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
    on_behalf_of: Mapping[str, object] | None,
    layout: JointLayout,
    section: MemberSection,
    shared: dict[str, object],
    own: dict[str, object],
    checked: dict[str, CheckedUpload],
    rejected: set[str],
    errors: dict[str, list[str]],
) -> MemberCheck:
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
        actor=actor,
        identity=identity,
        version=section.version,
        on_behalf_of=on_behalf_of,
        form_data=data,
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
    return MemberCheck(
        section=section,
        applicant=applicant,
        cleaned=cleaned,
        checked=member_checked,
        materials=materials,
    )


@dataclass
class JointInput:
    """A joint application's answers and files, read and split; not validated per member yet."""

    layout: JointLayout
    shared: dict[str, object]
    own: dict[str, dict[str, object]]
    checked: dict[str, CheckedUpload]
    errors: dict[str, list[str]]
    rejected: set[str] = field(default_factory=set)


def joint_input_read(
    *,
    layout: JointLayout,
    form_data: object,
    attachments: Mapping[str, UploadedFile | None],
) -> JointInput:
    """Split the combined answers by member and check every file against its slot's limits."""
    shared, own, errors = _split(layout, form_data)
    checked, upload_errors = joint_uploads_check(layout, attachments)
    errors.update(upload_errors)
    return JointInput(
        layout=layout,
        shared=shared,
        own=own,
        checked=checked,
        errors=errors,
        rejected=set(upload_errors),
    )


def joint_members_check(
    *,
    actor: User,
    identity: ActingIdentity | None,
    on_behalf_of: Mapping[str, object] | None,
    given: JointInput,
) -> list[MemberCheck]:
    """Validate every member with the single application's rules; raise every error at once.

    Raises ``ValidationFailed`` (under the combined form's names; a walk-in applicant's
    details under ``on_behalf_of.<name>``), ``PermissionDenied`` as ``eligibility.
    applicant_fields`` does for a member.
    """
    errors = dict(given.errors)
    members = [
        _member_prepare(
            actor=actor,
            identity=identity,
            on_behalf_of=on_behalf_of,
            layout=given.layout,
            section=section,
            shared=given.shared,
            own=given.own[section.item_code],
            checked=given.checked,
            rejected=given.rejected,
            errors=errors,
        )
        for section in given.layout.sections
    ]
    errors = {key: messages for key, messages in errors.items() if messages}
    if errors:
        raise ValidationFailed(fields=errors)
    return members


@dataclass
class JointCheck:
    """A complete joint application as it would be submitted: each member's cleaned answers,
    and the file of every material slot (``from_draft``: the slots filled from the draft)."""

    layout: JointLayout
    members: list[MemberCheck]
    checked: dict[str, CheckedUpload]
    from_draft: set[str]


def joint_application_check(
    *,
    actor: User,
    session_identity: ActingIdentity | None,
    joint_version: JointServiceVersion,
    form_data: Mapping[str, object],
    attachments: Mapping[str, UploadedFile | None] | None = None,
    channel: str = Case.Channel.ONLINE,
    draft: CaseDraft | None = None,
) -> JointCheck:
    """Check a joint application as ``joint_application_submit`` would, without submitting it.

    The "check your answers" step: the same rules, in the same order (who may apply, the
    versions and channel, every member's form and files, the draft's kept files filling the
    slots ``attachments`` leave empty) and the same errors (``PermissionDenied``,
    ``ServiceUnavailable``, ``NotFound`` for someone else's draft, one ``ValidationFailed``
    with every error). Nothing is written and no file is stored.
    """
    if not getattr(actor, "is_authenticated", False):
        raise PermissionDenied(_("Please log in to apply."))
    joint_version_check(joint_version, channel=channel)
    layout = joint_layout(joint_version)
    if draft is not None and draft.owner_id != actor.pk:
        raise NotFound(_("There is no such draft."))
    kept = draft_files(draft, layout)
    given_files = {key: upload for key, upload in (attachments or {}).items() if upload}
    given = joint_input_read(
        layout=layout, form_data=form_data, attachments={**kept, **given_files}
    )
    members = joint_members_check(
        actor=actor, identity=session_identity, on_behalf_of=None, given=given
    )
    return JointCheck(
        layout=layout,
        members=members,
        checked=given.checked,
        from_draft={key for key in kept if key not in given_files},
    )
