"""Writes about enterprises: registration, verification, agent authorisations.

Each service validates all its input first and reports every problem at once as
``ValidationFailed(fields=...)``; nothing is written unless everything is valid.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ecity.audit.services import audit_record
from ecity.core.errors import PermissionDenied, ValidationFailed
from ecity.core.validators import (
    normalise_id_number,
    normalise_uscc,
    validate_id_number,
    validate_uscc,
)
from ecity.identity import checks, selectors
from ecity.identity.errors import VerificationFailed, VerificationUnavailable
from ecity.identity.models import MANAGER_ROLES, AgentAuthorisation, LegalEntity, User
from ecity.identity.registries import Match, legal_entity_registry
from ecity.identity.services.verification import (
    METHOD_COUNTER,
    METHOD_REGISTRY,
    same_id_number,
    same_name,
)
from ecity.org.models import Region

logger = logging.getLogger("ecity.identity")


# --- enterprises -----------------------------------------------------------------------------


@transaction.atomic
def legal_entity_register(
    *,
    actor: User,
    uscc: str,
    name: str,
    legal_representative_name: str,
    legal_representative_id_number: str = "",
    address: str = "",
    phone: str = "",
    region: Region | None = None,
) -> AgentAuthorisation:
    """Register an enterprise on behalf of citizen ``actor``; return ``actor``'s authorisation.

    ``actor`` becomes the LEGAL_REPRESENTATIVE agent when their ID number is the legal
    representative's, otherwise the enterprise's ADMINISTRATOR. The enterprise starts
    unverified: nobody acts for it until it is verified (``legal_entity_verify_at_counter``,
    ``legal_entity_verify_by_registry``), which needs the legal representative's name and ID
    number on the record. Side effects: a ``legal_entity.registered`` audit entry.
    Raises ``PermissionDenied`` if ``actor`` has no real name and ID number on file,
    ``IdentityLevelRequired`` if ``actor``'s real-name level is too low to act for an
    enterprise, and ``ValidationFailed`` for invalid fields or a USCC that is already registered.
    """
    if not (actor.is_authenticated and actor.real_name and actor.id_number):
        raise PermissionDenied(
            _("Add your real name and ID number to your account before registering an enterprise.")
        )
    selectors.identity_level_check(user=actor, purpose=selectors.ACT_FOR_ENTERPRISE)
    uscc = normalise_uscc(uscc)
    name = name.strip()
    legal_representative_name = legal_representative_name.strip()
    legal_representative_id_number = (
        normalise_id_number(legal_representative_id_number)
        if legal_representative_id_number
        else ""
    )
    errors: checks.Errors = {}
    if checks.check_required(errors, "uscc", uscc):
        checks.run(errors, "uscc", validate_uscc, uscc)
        if "uscc" not in errors and LegalEntity.objects.filter(uscc=uscc).exists():
            errors["uscc"] = [
                _("An enterprise with this unified social credit code is registered.")
            ]
    checks.check_required(errors, "name", name)
    checks.check_required(errors, "legal_representative_name", legal_representative_name)
    if checks.check_required(
        errors, "legal_representative_id_number", legal_representative_id_number
    ):
        checks.run(
            errors,
            "legal_representative_id_number",
            validate_id_number,
            legal_representative_id_number,
        )
    checks.raise_if(errors)
    is_representative = legal_representative_id_number == actor.id_number
    try:
        with transaction.atomic():
            entity = LegalEntity.objects.create(
                uscc=uscc,
                name=name,
                legal_representative_name=legal_representative_name,
                legal_representative_id_number=legal_representative_id_number,
                address=address.strip(),
                phone=phone.strip(),
                region=region,
            )
    except IntegrityError as exc:
        raise checks.unique_violation(exc) from exc
    authorisation = AgentAuthorisation.objects.create(
        legal_entity=entity,
        user=actor,
        role=(
            AgentAuthorisation.Role.LEGAL_REPRESENTATIVE
            if is_representative
            else AgentAuthorisation.Role.ADMINISTRATOR
        ),
        granted_by=actor,
    )
    audit_record(
        actor=actor,
        action="legal_entity.registered",
        obj=entity,
        subject=actor,
        acting_for=entity,
        data={"role": authorisation.role},
    )
    logger.info("legal entity registered: entity=%s by=%s", entity.public_id, actor.public_id)
    return authorisation


def _licence_errors(
    legal_entity: LegalEntity, *, name_on_licence: str, representative_on_licence: str
) -> checks.Errors:
    """What on the business licence differs from the enterprise's record."""
    errors: checks.Errors = {}
    if checks.check_required(errors, "name_on_licence", name_on_licence) and not same_name(
        name_on_licence, legal_entity.name
    ):
        errors["name_on_licence"] = [
            _("The name on the licence is not the name registered for this enterprise.")
        ]
    if checks.check_required(
        errors, "representative_on_licence", representative_on_licence
    ) and not same_name(representative_on_licence, legal_entity.legal_representative_name):
        errors["representative_on_licence"] = [
            _("The legal representative on the licence is not the one registered.")
        ]
    return errors


def _representative_check(legal_entity: LegalEntity) -> User:
    """The legal representative's account, verified and matching the record; else errors."""
    if not legal_entity.legal_representative_id_number:
        raise ValidationFailed(
            _(
                "The record has no ID number for the legal representative; register the "
                "enterprise again with it."
            )
        )
    representative = selectors.legal_representative_account(legal_entity=legal_entity)
    if representative is None or not same_name(
        representative.real_name, legal_entity.legal_representative_name
    ):
        raise ValidationFailed(
            _(
                "The legal representative %(name)s has no account with the registered name and ID "
                "number: they register first (and get verified)."
            )
            % {"name": legal_entity.legal_representative_name}
        )
    if not selectors.identity_level_meets(
        user=representative, purpose=selectors.ACT_FOR_ENTERPRISE
    ):
        raise ValidationFailed(
            _(
                "The legal representative %(name)s is not real-name verified yet: verify them "
                "first (at a counter with their ID card, or online)."
            )
            % {"name": legal_entity.legal_representative_name}
        )
    return representative


def _verified_record(
    *, actor: User, legal_entity: LegalEntity, method: str, reference: str = ""
) -> LegalEntity:
    """Mark the (locked) enterprise verified, make its legal representative its agent and end
    the authorisations made before verification."""
    representative = _representative_check(legal_entity)
    legal_entity.is_verified = True
    legal_entity.verification_method = method
    legal_entity.verified_at = timezone.now()
    legal_entity.verified_by = actor
    legal_entity.save(
        update_fields=[
            "is_verified",
            "verification_method",
            "verified_at",
            "verified_by",
            "updated_at",
        ]
    )
    audit_record(
        actor=actor,
        action="legal_entity.verified",
        obj=legal_entity,
        subject=representative,
        acting_for=legal_entity,
        data={"method": method, **({"reference": reference[:100]} if reference else {})},
    )
    role = AgentAuthorisation.Role.LEGAL_REPRESENTATIVE
    existing = AgentAuthorisation.objects.filter(
        legal_entity=legal_entity, user=representative
    ).first()
    if existing is None or not existing.is_current or existing.role != role:
        authorisation, _created = AgentAuthorisation.objects.update_or_create(
            legal_entity=legal_entity,
            user=representative,
            defaults={"role": role, "granted_by": actor, "valid_until": None, "is_active": True},
        )
        audit_record(
            actor=actor,
            action="agent.granted",
            obj=authorisation,
            subject=representative,
            acting_for=legal_entity,
            data={"role": role},
        )
    # Whoever else registered or was authorised before verification was vouched for by nobody
    # (anyone can register any USCC): only the legal representative stays; they authorise
    # administrators and agents again.
    unconfirmed = AgentAuthorisation.objects.filter(
        legal_entity=legal_entity, is_active=True
    ).exclude(user=representative)
    for authorisation in unconfirmed.select_related("user"):
        authorisation.is_active = False
        authorisation.save(update_fields=["is_active", "updated_at"])
        audit_record(
            actor=actor,
            action="agent.revoked",
            obj=authorisation,
            subject=authorisation.user,
            acting_for=legal_entity,
            data={"role": authorisation.role, "reason": "not_confirmed_at_verification"},
        )
    logger.info(
        "legal entity verified: entity=%s method=%s by=%s",
        legal_entity.public_id,
        method,
        actor.public_id,
    )
    return legal_entity


@transaction.atomic
def legal_entity_verify_at_counter(
    *,
    actor: User,
    legal_entity: LegalEntity,
    name_on_licence: str,
    representative_on_licence: str,
) -> LegalEntity:
    """Record that a clerk checked ``legal_entity`` against its business licence; verify it.

    ``name_on_licence`` and ``representative_on_licence`` are what the clerk reads on the
    licence (the USCC found the record): both must match the record. The legal
    representative's verified identity must match the record too: an active account with the
    registered ID number and name, real-name verified. Permissions: a counter clerk of any
    department (platform administrators hold every role). Side effects: the enterprise is
    verified (method ``counter``, the clerk as ``verified_by``; a ``legal_entity.verified``
    audit entry); its legal representative becomes its LEGAL_REPRESENTATIVE agent (an
    ``agent.granted`` entry) and every other authorisation made before verification ends (an
    ``agent.revoked`` entry each: nobody vouched for them; the legal representative authorises
    administrators and agents again). An enterprise already verified is left as it is.
    Errors: ``PermissionDenied``, ``ValidationFailed``.
    """
    if not selectors.can_verify_at_counter(user=actor):
        raise PermissionDenied(_("Only a counter clerk can verify enterprises."))
    legal_entity = LegalEntity.objects.select_for_update().get(pk=legal_entity.pk)
    if legal_entity.is_verified:
        return legal_entity
    checks.raise_if(
        _licence_errors(
            legal_entity,
            name_on_licence=name_on_licence.strip(),
            representative_on_licence=representative_on_licence.strip(),
        )
    )
    return _verified_record(actor=actor, legal_entity=legal_entity, method=METHOD_COUNTER)


@transaction.atomic
def legal_entity_verify_by_registry(*, actor: User, legal_entity: LegalEntity) -> LegalEntity:
    """Verify ``legal_entity`` by matching its record against the legal-entity registry.

    Rules: only its legal representative asks, themselves verified and holding the registered
    ID number and name; the registry (``ecity.identity.registries``) must answer MATCH for the
    USCC, name and legal representative. Side effects as ``legal_entity_verify_at_counter``
    (method ``registry``). Errors: ``PermissionDenied``, ``IdentityLevelRequired``,
    ``VerificationUnavailable`` (no registry connected, or no answer), ``VerificationFailed``.
    """
    legal_entity = LegalEntity.objects.select_for_update().get(pk=legal_entity.pk)
    if legal_entity.is_verified:
        return legal_entity
    if not (
        same_id_number(actor.id_number, legal_entity.legal_representative_id_number)
        and same_name(actor.real_name, legal_entity.legal_representative_name)
    ):
        raise PermissionDenied(
            _("Only the legal representative can verify the enterprise with the registry.")
        )
    selectors.identity_level_check(user=actor, purpose=selectors.ACT_FOR_ENTERPRISE)
    registry = legal_entity_registry()
    if not registry.is_connected:
        raise VerificationUnavailable(
            _(
                "No legal-entity registry is connected yet: bring the business licence to a "
                "service counter."
            )
        )
    answer = registry.legal_entity_match(
        uscc=legal_entity.uscc,
        name=legal_entity.name,
        legal_representative_name=legal_entity.legal_representative_name,
        legal_representative_id_number=legal_entity.legal_representative_id_number,
    )
    if answer.outcome == Match.UNKNOWN:
        raise VerificationUnavailable(
            _("The registry has no answer about this enterprise: verify it at a counter.")
        )
    if answer.outcome == Match.MISMATCH:
        raise VerificationFailed(
            _("The legal-entity registry does not match this enterprise's record.")
        )
    return _verified_record(
        actor=actor, legal_entity=legal_entity, method=METHOD_REGISTRY, reference=answer.reference
    )


def _manager_check(*, actor: User, legal_entity: LegalEntity) -> None:
    """Raise unless ``actor`` manages ``legal_entity``'s agents and may act for it now."""
    authorisation = selectors.act_for_check(user=actor, legal_entity=legal_entity)
    if authorisation.role not in MANAGER_ROLES:
        raise PermissionDenied(_("Only the legal representative or an administrator can do this."))


@transaction.atomic
def agent_grant(
    *,
    actor: User,
    legal_entity: LegalEntity,
    role: str = AgentAuthorisation.Role.AGENT,
    user: User | None = None,
    id_number: str = "",
    real_name: str = "",
    valid_until: dt.date | None = None,
) -> AgentAuthorisation:
    """Authorise a registered citizen to act for ``legal_entity`` and return the authorisation.

    The citizen is ``user`` or the account whose ID number and real name both match; they must
    be real-name verified. Only the entity's legal representative or administrators grant (not
    its agents, not platform administrators), once the enterprise is verified and while they
    may act for it themselves; the legal-representative role is never granted here (it comes
    with verification). A revoked authorisation is reactivated. Side effects: an
    ``agent.granted`` audit entry. Raises ``PermissionDenied``, ``EnterpriseNotVerified``,
    ``IdentityLevelRequired`` or ``ValidationFailed``.
    """
    _manager_check(actor=actor, legal_entity=legal_entity)
    errors: checks.Errors = {}
    if role not in AgentAuthorisation.Role.values:
        errors["role"] = [_("Choose a role from the list.")]
    elif role == AgentAuthorisation.Role.LEGAL_REPRESENTATIVE:
        errors["role"] = [
            _("The legal representative is recorded when the enterprise is verified.")
        ]
    if valid_until is not None and valid_until < timezone.localdate():
        errors["valid_until"] = [_("The date must not be in the past.")]
    if user is None:
        id_number = normalise_id_number(id_number) if id_number else ""
        if checks.check_required(errors, "id_number", id_number):
            user = (
                selectors.users_with_id_number(id_number)
                .filter(real_name=real_name.strip(), is_active=True)
                .first()
            )
            if user is None:
                errors["id_number"] = [_("No registered account matches this ID number and name.")]
    if user is not None:
        existing = (
            AgentAuthorisation.objects.select_for_update()
            .filter(legal_entity=legal_entity, user=user)
            .first()
        )
        if existing is not None and existing.is_current:
            errors.setdefault("id_number", []).append(
                _("This person is already authorised for this enterprise.")
            )
        if not selectors.identity_level_meets(user=user, purpose=selectors.ACT_FOR_ENTERPRISE):
            errors.setdefault("id_number", []).append(
                _(
                    "This person is not real-name verified yet: they get verified first "
                    "(online or at a service counter)."
                )
            )
    checks.raise_if(errors)
    assert user is not None
    authorisation, _created = AgentAuthorisation.objects.update_or_create(
        legal_entity=legal_entity,
        user=user,
        defaults={
            "role": role,
            "granted_by": actor,
            "valid_until": valid_until,
            "is_active": True,
        },
    )
    audit_record(
        actor=actor,
        action="agent.granted",
        obj=authorisation,
        subject=user,
        acting_for=legal_entity,
        data={"role": role},
    )
    logger.info(
        "agent granted: entity=%s user=%s role=%s by=%s",
        legal_entity.public_id,
        user.public_id,
        role,
        actor.public_id,
    )
    return authorisation


@transaction.atomic
def agent_revoke(*, actor: User, authorisation: AgentAuthorisation) -> AgentAuthorisation:
    """Revoke an authorisation (kept, inactive, for the record); agents may also resign.

    Managers (legal representative, administrators) revoke, once the enterprise is verified and
    while they may act for it (not platform administrators); an administrator cannot revoke the
    legal representative; the last current manager cannot be removed. Side effects: an
    ``agent.revoked`` audit entry. Raises ``PermissionDenied``, ``EnterpriseNotVerified``,
    ``IdentityLevelRequired`` or ``ValidationFailed``.
    """
    entity = LegalEntity.objects.select_for_update().get(pk=authorisation.legal_entity_id)
    is_self = authorisation.user_id == actor.pk
    if not is_self:
        _manager_check(actor=actor, legal_entity=entity)
    if (
        authorisation.role == AgentAuthorisation.Role.LEGAL_REPRESENTATIVE
        and not is_self
        and getattr(selectors.authorisation_for(user=actor, legal_entity=entity), "role", None)
        != AgentAuthorisation.Role.LEGAL_REPRESENTATIVE
    ):
        raise PermissionDenied(_("Only the legal representative can revoke this authorisation."))
    if authorisation.can_manage:
        other_managers = [
            a
            for a in AgentAuthorisation.objects.filter(legal_entity=entity, is_active=True).exclude(
                pk=authorisation.pk
            )
            if a.can_manage
        ]
        if not other_managers:
            raise ValidationFailed(
                _("An enterprise must keep at least one legal representative or administrator.")
            )
    authorisation.is_active = False
    authorisation.save(update_fields=["is_active", "updated_at"])
    audit_record(
        actor=actor,
        action="agent.revoked",
        obj=authorisation,
        subject=authorisation.user,
        acting_for=entity,
        data={"role": authorisation.role},
    )
    logger.info("agent revoked: authorisation=%s by=%s", authorisation.public_id, actor.public_id)
    return authorisation
