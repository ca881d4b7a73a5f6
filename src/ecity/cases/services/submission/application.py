"""Submit an application: validate the form and the materials together, then write the case.

With an ``Idempotency-Key``, a repeated submission returns the case the first one created.
"""

from __future__ import annotations

from collections.abc import Mapping

from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone
from django.utils.translation import gettext as _

from ecity.cases.models import Case
from ecity.cases.selectors.drafts import (
    SUBMIT_SCOPE,
    draft_attachments_by_material,
    draft_for,
    kept_files_draft,
)
from ecity.cases.selectors.materials import material_key, materials_of
from ecity.cases.selectors.references import material_sources
from ecity.cases.services.case_write import case_write
from ecity.cases.services.eligibility import applicant_fields, version_check
from ecity.cases.services.materials import material_errors, uploads_check
from ecity.cases.services.submission.answers import schema_answers
from ecity.catalogue.form_schema import schema_validate_data
from ecity.catalogue.models import ServiceItemVersion
from ecity.core.errors import ValidationFailed
from ecity.core.idempotency import (
    idempotency_find,
    idempotency_key_check,
    idempotency_result,
    request_fingerprint,
)
from ecity.core.uploads import CheckedUpload, write_storing_files
from ecity.identity.models import User
from ecity.identity.selectors import ActingIdentity


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
    A material bound to a certificate type or a base registry needs no file when the applicant
    holds a valid certificate of the type or the registry holds their own record (免提交): the
    case records a ``CaseMaterialReference`` to it instead (unless a file was given anyway).
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
        service_version.form_schema or {}, schema_answers(service_version, form_data)
    )
    for name in set(form_data or {}) - set(schema_answers(service_version, form_data)):
        form_errors.setdefault(str(name), [_("This field is not part of the form.")])
    errors.update(form_errors)
    errors.update(upload_errors)
    # 免提交: the applicant's own valid e-certificates and registry records (not a walk-in's).
    references = material_sources(
        user=actor,
        identity=session_identity if on_behalf_of is None else None,
        materials=materials,
        on=timezone.localdate(),
    )
    errors.update(
        material_errors(
            materials,
            provided=set(checked) | set(on_draft),
            rejected=set(upload_errors),
            by_reference=set(references),
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
        lambda stored: case_write(
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
            references={
                key: source
                for key, source in references.items()
                if key not in checked and key not in on_draft
            },
        ),
        earlier=winner_replayed,
    )
    if getattr(case, "is_replay", False):
        return case
    case.is_replay = False  # type: ignore[attr-defined]
    return case
