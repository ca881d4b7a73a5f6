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
from ecity.identity.models import AgentAuthorisation, LegalEntity, User
from ecity.org import selectors as org_selectors
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
    representative's, otherwise the enterprise's ADMINISTRATOR. The enterprise starts unverified.
    Raises ``PermissionDenied`` if ``actor`` has no real name and ID number on file, and
    ``ValidationFailed`` for invalid fields or a USCC that is already registered.
    """
    if not (actor.is_authenticated and actor.real_name and actor.id_number):
        raise PermissionDenied(
            _("Add your real name and ID number to your account before registering an enterprise.")
        )
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
    if legal_representative_id_number:
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


@transaction.atomic
def legal_entity_verify(*, actor: User, legal_entity: LegalEntity) -> LegalEntity:
    """Record that ``legal_entity`` was checked against the legal-entity registry; return it.

    Rules: verifying an enterprise that is already verified changes nothing and records
    nothing. Permissions: platform administrators only. Side effects: a ``legal_entity.verified``
    audit entry. Errors: ``PermissionDenied``.
    """
    if not org_selectors.is_platform_admin(user=actor):
        raise PermissionDenied(_("Only a platform administrator can do this."))
    legal_entity = LegalEntity.objects.select_for_update().get(pk=legal_entity.pk)
    if legal_entity.is_verified:
        return legal_entity
    legal_entity.is_verified = True
    legal_entity.save(update_fields=["is_verified", "updated_at"])
    audit_record(
        actor=actor, action="legal_entity.verified", obj=legal_entity, acting_for=legal_entity
    )
    logger.info("legal entity verified: entity=%s by=%s", legal_entity.public_id, actor.public_id)
    return legal_entity


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

    The citizen is ``user`` or the account whose ID number and real name both match. Only the
    entity's legal representative or administrators (or a platform administrator) may grant;
    only a platform administrator may grant the legal-representative role. A revoked
    authorisation is reactivated. Raises ``PermissionDenied`` or ``ValidationFailed``.
    """
    if not selectors.can_manage_agents(user=actor, legal_entity=legal_entity):
        raise PermissionDenied(_("Only the legal representative or an administrator can do this."))
    errors: checks.Errors = {}
    if role not in AgentAuthorisation.Role.values:
        errors["role"] = [_("Choose a role from the list.")]
    elif (
        role == AgentAuthorisation.Role.LEGAL_REPRESENTATIVE
        and not org_selectors.is_platform_admin(user=actor)
    ):
        errors["role"] = [_("Only a platform administrator can appoint a legal representative.")]
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

    Managers (legal representative, administrators) and platform administrators may revoke;
    an administrator cannot revoke the legal representative; the last current manager cannot be
    removed. Raises ``PermissionDenied`` or ``ValidationFailed``.
    """
    entity = LegalEntity.objects.select_for_update().get(pk=authorisation.legal_entity_id)
    is_self = authorisation.user_id == actor.pk
    if not (is_self or selectors.can_manage_agents(user=actor, legal_entity=entity)):
        raise PermissionDenied(_("Only the legal representative or an administrator can do this."))
    is_admin = org_selectors.is_platform_admin(user=actor)
    if (
        authorisation.role == AgentAuthorisation.Role.LEGAL_REPRESENTATIVE
        and not is_self
        and not is_admin
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
