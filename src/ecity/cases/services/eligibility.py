"""Who may apply for what, through which channel, and as whom (the case's applicant fields).

A service version can be applied for while it is its item's current published version and
offers the channel. The applicant is the signed-in user, real-name verified, acting as
themselves or as an enterprise they represent (verified: ``identity.selectors.act_for_check``);
or, for a counter submission (``on_behalf_of``), a walk-in applicant whose ID card the clerk
sees: the clerk must then hold the ``counter_clerk`` role in the service's lead department (a
role in a parent department counts for its sub-units, and platform administrators hold every
role). A service hall clerk who accepts for several departments is given the role in each of
them; this keeps "who may file for whom" a per-department decision.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TypedDict

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from ecity.cases.errors import CasesErrorCode
from ecity.cases.models import Case
from ecity.catalogue.models import ServiceItemVersion
from ecity.core.errors import ApplicationError, PermissionDenied
from ecity.core.validators import (
    normalise_id_number,
    normalise_mobile,
    validate_id_number,
    validate_mobile,
)
from ecity.identity.models import LegalEntity, User
from ecity.identity.selectors import APPLY, ActingIdentity, act_for_check, identity_level_check
from ecity.org.models import StaffRole
from ecity.org.selectors import user_has_role
from ecity.registry.models import LegalEntityRecord, Person
from ecity.registry.selectors.records import (
    legal_entity_record_of_enterprise,
    person_get_by_id_number,
    person_own_get,
)


class ServiceUnavailable(ApplicationError):
    """The service version cannot be applied for (not current, or not through this channel)."""

    status_code = 400
    default_code = CasesErrorCode.SERVICE_UNAVAILABLE


def version_check(version: ServiceItemVersion, *, channel: str) -> None:
    """Raise ServiceUnavailable unless ``version`` is current, published and open to ``channel``."""
    item = version.item
    if (
        version.status != ServiceItemVersion.Status.PUBLISHED
        or item.current_version_id != version.pk
        or not item.is_active
    ):
        raise ServiceUnavailable(
            _(
                "This version of the service is no longer current; please start again from the "
                "service guide."
            )
        )
    if not version.form_schema:
        raise ServiceUnavailable(_("This service has no application form; apply at a counter."))
    allowed_by_channel: dict[str, bool] = {
        Case.Channel.ONLINE: version.is_online,
        Case.Channel.API: version.is_online,
        Case.Channel.MOBILE: version.is_mobile or version.is_online,
        Case.Channel.COUNTER: version.is_counter,
    }
    allowed = allowed_by_channel.get(str(channel), False)
    if not allowed:
        raise ServiceUnavailable(_("This service cannot be applied for through this channel."))


def _walk_in(on_behalf_of: Mapping[str, object]) -> tuple[dict[str, str], dict[str, list[str]]]:
    errors: dict[str, list[str]] = {}
    name = str(on_behalf_of.get("name") or "").strip()
    if not name:
        errors["on_behalf_of.name"] = [_("Enter the applicant's name.")]
    elif len(name) > 200:
        errors["on_behalf_of.name"] = [_("The name is too long.")]
    id_number = normalise_id_number(str(on_behalf_of.get("id_number") or ""))
    phone = normalise_mobile(str(on_behalf_of.get("phone") or ""))
    for key, value, validate in (
        ("id_number", id_number, validate_id_number),
        ("phone", phone, validate_mobile),
    ):
        if not value:
            errors[f"on_behalf_of.{key}"] = [_("This field is required.")]
            continue
        try:
            validate(value)
        except ValidationError as exc:
            errors[f"on_behalf_of.{key}"] = [str(m) for m in exc.messages]
    return {"name": name, "id_number": id_number, "phone": phone}, errors


def _first(form_data: Mapping[str, object], *names: str) -> str:
    for name in names:
        value = form_data.get(name)
        if isinstance(value, str) and value.strip():
            return value.strip()
    return ""


class ApplicantFields(TypedDict):
    """Who applies, as stored on the case."""

    applicant: User | None
    applicant_kind: str
    legal_entity: LegalEntity | None
    applicant_person: Person | None
    applicant_legal_entity: LegalEntityRecord | None
    applicant_name: str
    applicant_identifier: str
    contact_phone: str
    contact_email: str
    submitted_by: User


def applicant_fields(
    *,
    actor: User,
    identity: ActingIdentity | None,
    version: ServiceItemVersion,
    on_behalf_of: Mapping[str, object] | None,
    form_data: Mapping[str, object],
) -> tuple[ApplicantFields, dict[str, list[str]]]:
    """The case's applicant fields, and errors about a walk-in applicant's details.

    The applicant's base-registry record is referenced beside the snapshot: acting as
    themselves, the person record linked to the account; acting for an enterprise, the
    legal-entity record linked to it; a walk-in applicant, the person record with the ID number
    the clerk entered (found by its blind index). No record: the reference stays empty (a
    submission never creates one).

    Raises PermissionDenied for an anonymous actor, or a counter submission by someone who is
    not a counter clerk of the lead department; ``IdentityLevelRequired`` when the applicant's
    real-name level is too low to apply (``ECITY_IDENTITY_LEVELS_REQUIRED["apply"]``);
    ``EnterpriseNotVerified`` / ``PermissionDenied`` when applying for an enterprise that is not
    verified or that the actor no longer acts for.
    """
    if not getattr(actor, "is_authenticated", False):
        raise PermissionDenied(_("Please log in to apply."))
    if on_behalf_of is not None:
        if not user_has_role(
            user=actor, role=StaffRole.Role.COUNTER_CLERK, department=version.item.department
        ):
            raise PermissionDenied(
                _("Only counter clerks of the department can apply for a walk-in applicant.")
            )
        walk_in, errors = _walk_in(on_behalf_of)
        return ApplicantFields(
            applicant=None,
            applicant_kind=Case.ApplicantKind.CITIZEN,
            legal_entity=None,
            applicant_person=None
            if errors
            else person_get_by_id_number(id_number=walk_in["id_number"]),
            applicant_legal_entity=None,
            applicant_name=walk_in["name"],
            applicant_identifier=walk_in["id_number"],
            contact_phone=walk_in["phone"],
            contact_email="",
            submitted_by=actor,
        ), errors
    if identity is None:
        raise PermissionDenied(_("Please log in to apply."))
    # A registered-only account may hold someone else's ID number: it applies once verified.
    identity_level_check(user=actor, purpose=APPLY)
    entity = identity.legal_entity
    if entity is not None:
        # Re-checked here, not only when the identity was chosen: verified, still an agent.
        act_for_check(user=actor, legal_entity=entity)
    phone = (actor.phone or _first(form_data, "phone", "mobile", "contact_phone"))[:20]
    if entity is not None:
        return ApplicantFields(
            applicant=actor,
            applicant_kind=Case.ApplicantKind.ENTERPRISE,
            legal_entity=entity,
            applicant_person=None,
            applicant_legal_entity=legal_entity_record_of_enterprise(enterprise=entity),
            applicant_name=entity.name,
            applicant_identifier=entity.uscc,
            contact_phone=phone or (entity.phone or "")[:20],
            contact_email=actor.email or "",
            submitted_by=actor,
        ), {}
    name = actor.real_name or _first(form_data, "applicant_name", "name") or actor.get_username()
    identifier = actor.id_number or normalise_id_number(_first(form_data, "id_number"))
    return ApplicantFields(
        applicant=actor,
        applicant_kind=Case.ApplicantKind.CITIZEN,
        legal_entity=None,
        applicant_person=person_own_get(actor=actor),
        applicant_legal_entity=None,
        applicant_name=name[:200],
        applicant_identifier=identifier[:18],
        contact_phone=phone,
        contact_email=actor.email or "",
        submitted_by=actor,
    ), {}
