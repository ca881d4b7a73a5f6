"""Writes about accounts, enterprises and staff roles. Every rule is checked here, not in views.

Each service validates all its input first and reports every problem at once as
``ValidationFailed(fields=...)``; nothing is written unless everything is valid.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import MutableMapping
from typing import Any

from django.contrib.auth.validators import UnicodeUsernameValidator
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ecity.audit.services import audit_record
from ecity.core.errors import PermissionDenied, ValidationFailed
from ecity.core.masking import mask
from ecity.core.validators import (
    normalise_id_number,
    normalise_mobile,
    normalise_uscc,
    validate_id_number,
    validate_uscc,
)
from ecity.identity import checks, selectors
from ecity.identity.models import AgentAuthorisation, LegalEntity, User
from ecity.org import selectors as org_selectors
from ecity.org.models import Department, Region, StaffRole

logger = logging.getLogger("ecity.identity")


# --- citizens --------------------------------------------------------------------------------


def citizen_register(
    *,
    username: str,
    password: str,
    real_name: str,
    id_number: str,
    phone: str,
    email: str,
    address: str = "",
    preferred_language: str = "zh-hans",
) -> User:
    """Register a citizen account (not yet real-name verified) and return it.

    Rules: every field is validated (ID number GB 11643, mainland mobile, e-mail, password policy);
    username, ID number, phone and e-mail are unique. Raises ``ValidationFailed`` listing every
    field problem; nothing is written then.
    """
    username = username.strip()
    real_name = real_name.strip()
    id_number = normalise_id_number(id_number) if id_number else ""
    phone = normalise_mobile(phone)
    email = checks.normalise_email(email)
    errors: checks.Errors = {}
    checks.check_username(errors, username)
    if checks.check_required(errors, "real_name", real_name) and len(real_name) > 100:
        errors.setdefault("real_name", []).append(_("Use at most 100 characters."))
    checks.check_id_number(errors, id_number)
    checks.check_phone(errors, phone)
    checks.check_email(errors, email)
    if preferred_language not in dict(User._meta.get_field("preferred_language").choices or []):
        errors.setdefault("preferred_language", []).append(_("Choose a language from the list."))
    user = User(
        username=username,
        real_name=real_name,
        id_number=id_number,
        phone=phone,
        email=email,
        address=address.strip(),
        preferred_language=preferred_language,
    )
    checks.check_password(errors, password, user)
    checks.raise_if(errors)
    user.set_password(password)
    try:
        with transaction.atomic():
            user.save()
            audit_record(actor=user, action="account.registered", obj=user, subject=user)
    except IntegrityError as exc:
        raise checks.unique_violation(exc) from exc
    logger.info("citizen registered: user=%s", user.public_id)
    return user


@transaction.atomic
def citizen_real_name_verify(*, actor: User, user: User) -> User:
    """Record that ``user``'s real name and ID number were verified; return the account.

    Rules: the account must be active and hold a real name and an ID number; verifying an
    account that is already verified changes nothing and records nothing. Permissions: platform
    administrators only (online verification against the population registry will call this
    too, as the platform). Side effects: an ``account.real_name_verified`` audit entry.
    Errors: ``PermissionDenied``, ``ValidationFailed``.
    """
    if not org_selectors.is_platform_admin(user=actor):
        raise PermissionDenied(_("Only a platform administrator can do this."))
    user = User.objects.select_for_update().get(pk=user.pk)
    if user.is_real_name_verified:
        return user
    errors: checks.Errors = {}
    if not user.is_active:
        errors["user"] = [_("This account is disabled.")]
    if not (user.real_name and user.id_number):
        errors.setdefault("user", []).append(
            _("Only an account with a real name and an ID number can be verified.")
        )
    checks.raise_if(errors)
    user.is_real_name_verified = True
    user.save(update_fields=["is_real_name_verified"])
    audit_record(actor=actor, action="account.real_name_verified", obj=user, subject=user)
    logger.info("real name verified: user=%s by=%s", user.public_id, actor.public_id)
    return user


# Every mask in core.masking hides characters behind a run of at least two stars.
_MASK_PATTERN = "**"


def _unless_masked(
    errors: checks.Errors, field: str, value: str | None, stored: str, kind: str
) -> str | None:
    """``value`` as input, ``None`` (unchanged) if it is the stored value's mask; records an error
    for any other masked-looking value so that a mask is never written over a real value."""
    if value is None:
        return None
    if stored and value.strip() == mask(stored, kind):
        return None
    if _MASK_PATTERN in value:
        errors.setdefault(field, []).append(
            _("Enter the full value, not the masked form shown on the page.")
        )
        return None
    return value


def profile_update(
    *,
    user: User,
    phone: str | None = None,
    email: str | None = None,
    address: str | None = None,
    preferred_language: str | None = None,
) -> User:
    """Change the contact details of ``user``'s own account; ``None`` leaves a field unchanged.

    Real name and ID number are not changed here: they are the identity that was registered and
    verified. A masked value (as the account API shows phone, e-mail and address) is never taken
    as input: exactly the mask of the stored value means "unchanged" (a client sending back what
    it read), any other value with the mask pattern is refused. Raises ``ValidationFailed``
    (invalid, masked-looking or already registered phone/e-mail).
    """
    errors: checks.Errors = {}
    changes: dict[str, str] = {}
    phone = _unless_masked(errors, "phone", phone, user.phone or "", "phone")
    email = _unless_masked(errors, "email", email, user.email or "", "email")
    address = _unless_masked(errors, "address", address, user.address or "", "address")
    if phone is not None:
        phone = normalise_mobile(phone)
        checks.check_phone(errors, phone, exclude=user)
        changes["phone"] = phone
    if email is not None:
        email = checks.normalise_email(email)
        checks.check_email(errors, email, exclude=user)
        changes["email"] = email
    if address is not None:
        address = address.strip()
        if len(address) > 300:
            errors.setdefault("address", []).append(_("Use at most 300 characters."))
        changes["address"] = address
    if preferred_language is not None:
        if preferred_language not in dict(User._meta.get_field("preferred_language").choices or []):
            errors.setdefault("preferred_language", []).append(
                _("Choose a language from the list.")
            )
        changes["preferred_language"] = preferred_language
    checks.raise_if(errors)
    if not changes:
        return user
    for name, value in changes.items():
        setattr(user, name, value)
    try:
        with transaction.atomic():
            user.save(update_fields=list(changes))
            audit_record(
                actor=user,
                action="personal_data.write",
                obj=user,
                subject=user,
                fields=list(changes),
            )
    except IntegrityError as exc:
        raise checks.unique_violation(exc) from exc
    return user


def acting_identity_switch(
    *, user: User, session: MutableMapping[str, Any], legal_entity: LegalEntity | None
) -> selectors.ActingIdentity:
    """Make ``user`` act as ``legal_entity`` (or as themselves when None) in this session.

    Raises ``PermissionDenied`` unless ``user`` is a current agent of ``legal_entity``.
    """
    if legal_entity is None:
        session[selectors.ACTING_SESSION_KEY] = ""
    else:
        if selectors.authorisation_for(user=user, legal_entity=legal_entity) is None:
            raise PermissionDenied(_("You are not an authorised agent of this enterprise."))
        session[selectors.ACTING_SESSION_KEY] = str(legal_entity.public_id)
    identity = selectors.acting_identity(user=user, session=session)
    assert identity is not None  # user is authenticated here
    return identity


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


# --- staff -----------------------------------------------------------------------------------


@transaction.atomic
def staff_account_create(
    *,
    actor: User,
    username: str,
    password: str,
    real_name: str,
    email: str = "",
    phone: str = "",
) -> User:
    """Create the account of a civil servant (no roles yet) and return it.

    Rules: username, real name and password are required (password policy applies); e-mail and
    mainland mobile are optional and unique when given. Roles are given afterwards with
    ``staff_role_grant``. Permissions: platform administrators only. Side effects: an
    ``account.created`` audit entry. Errors: ``PermissionDenied``, ``ValidationFailed`` listing
    every field problem (nothing is written then).
    """
    if not org_selectors.is_platform_admin(user=actor):
        raise PermissionDenied(_("Only a platform administrator can do this."))
    username = username.strip()
    real_name = real_name.strip()
    email = checks.normalise_email(email)
    phone = normalise_mobile(phone) if phone else ""
    errors: checks.Errors = {}
    checks.check_username(errors, username)
    if checks.check_required(errors, "real_name", real_name) and len(real_name) > 100:
        errors.setdefault("real_name", []).append(_("Use at most 100 characters."))
    checks.check_email(errors, email, required=False)
    if phone:
        checks.check_phone(errors, phone)
    user = User(username=username, real_name=real_name, email=email, phone=phone)
    checks.check_password(errors, password, user)
    checks.raise_if(errors)
    user.set_password(password)
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError as exc:
        raise checks.unique_violation(exc) from exc
    audit_record(actor=actor, action="account.created", obj=user, subject=user)
    logger.info("staff account created: user=%s by=%s", user.public_id, actor.public_id)
    return user


_ADMIN_SITE_ROLES = {StaffRole.Role.DEPARTMENT_ADMIN, StaffRole.Role.PLATFORM_ADMIN}


def _check_staff_permission(*, actor: User, role: str, department: Department | None) -> None:
    # Auditors see the whole audit trail: only a platform administrator appoints them.
    if role in {StaffRole.Role.PLATFORM_ADMIN, StaffRole.Role.AUDITOR} or department is None:
        if not org_selectors.is_platform_admin(user=actor):
            raise PermissionDenied(_("Only a platform administrator can do this."))
        return
    if not org_selectors.can_manage_staff(actor=actor, department=department):
        raise PermissionDenied(_("You can manage staff only in your own department."))


def _sync_staff_flags(user: User) -> None:
    """Admin-site access follows the administrator roles a user holds."""
    roles = set(StaffRole.objects.filter(user=user, is_active=True).values_list("role", flat=True))
    user.is_staff = bool(roles & _ADMIN_SITE_ROLES) or user.is_superuser
    user.save(update_fields=["is_staff", "is_superuser"])


@transaction.atomic
def staff_role_grant(
    *, actor: User, user: User, role: str, department: Department | None = None
) -> StaffRole:
    """Give ``user`` a staff ``role`` in ``department`` (none for platform_admin); return it.

    Platform administrators may grant any role anywhere; department administrators may grant
    department roles in their department and its sub-units, never platform_admin. A revoked role
    is reactivated. Raises ``PermissionDenied`` or ``ValidationFailed``.
    """
    errors: checks.Errors = {}
    if role not in StaffRole.Role.values:
        errors["role"] = [_("Choose a role from the list.")]
        checks.raise_if(errors)
    if role == StaffRole.Role.PLATFORM_ADMIN:
        department = None
    elif department is None:
        errors["department"] = [_("Choose the department this role is held in.")]
        checks.raise_if(errors)
    _check_staff_permission(actor=actor, role=role, department=department)
    if department is not None and not department.is_active:
        errors["department"] = [_("This department is no longer active.")]
    if not user.is_active:
        errors["user"] = [_("This account is disabled.")]
    existing = (
        StaffRole.objects.select_for_update().filter(user=user, role=role, department=department)
        # NULL departments are not equal in a unique index: look them up explicitly.
        if department is not None
        else StaffRole.objects.select_for_update().filter(
            user=user, role=role, department__isnull=True
        )
    ).first()
    if existing is not None and existing.is_active:
        errors.setdefault("role", []).append(_("This person already holds this role here."))
    checks.raise_if(errors)
    if existing is None:
        staff_role = StaffRole.objects.create(user=user, role=role, department=department)
    else:
        existing.is_active = True
        existing.save(update_fields=["is_active", "updated_at"])
        staff_role = existing
    if role == StaffRole.Role.PLATFORM_ADMIN:
        user.is_superuser = True
    _sync_staff_flags(user)
    audit_record(
        actor=actor,
        action="role.granted",
        obj=staff_role,
        subject=user,
        data={"role": role, "department": department.code if department else ""},
    )
    logger.info(
        "staff role granted: user=%s role=%s department=%s by=%s",
        user.public_id,
        role,
        department.code if department else "-",
        actor.public_id,
    )
    return staff_role


@transaction.atomic
def staff_role_revoke(*, actor: User, staff_role: StaffRole) -> StaffRole:
    """Deactivate ``staff_role`` (kept for the record) under the same rules as granting it.

    The last platform administrator cannot be removed. Raises ``PermissionDenied`` or
    ``ValidationFailed``.
    """
    staff_role = StaffRole.objects.select_for_update().select_related("user").get(pk=staff_role.pk)
    _check_staff_permission(actor=actor, role=staff_role.role, department=staff_role.department)
    user = staff_role.user
    if staff_role.role == StaffRole.Role.PLATFORM_ADMIN:
        others = (
            StaffRole.objects.filter(role=StaffRole.Role.PLATFORM_ADMIN, is_active=True)
            .exclude(pk=staff_role.pk)
            .exists()
        )
        if not others:
            raise ValidationFailed(_("The platform must keep at least one platform administrator."))
        user.is_superuser = False
    staff_role.is_active = False
    staff_role.save(update_fields=["is_active", "updated_at"])
    _sync_staff_flags(user)
    audit_record(
        actor=actor,
        action="role.revoked",
        obj=staff_role,
        subject=user,
        data={
            "role": staff_role.role,
            "department": staff_role.department.code if staff_role.department else "",
        },
    )
    logger.info("staff role revoked: role=%s by=%s", staff_role.public_id, actor.public_id)
    return staff_role


@transaction.atomic
def platform_admin_create(
    *, username: str, password: str, email: str = "", real_name: str = ""
) -> User:
    """Create a platform administrator (staff, superuser, platform_admin role) and return it.

    Used by ``manage.py create_platform_admin`` / ``ecity createadmin`` and the demo city.
    Raises ``ValidationFailed`` for a taken username or e-mail, a name longer than 100
    characters, or a password the policy refuses.
    """
    username = username.strip()
    email = checks.normalise_email(email)
    real_name = real_name.strip()
    errors: checks.Errors = {}
    if not checks.check_required(errors, "username", username):
        checks.raise_if(errors)
    checks.run(errors, "username", UnicodeUsernameValidator(), username)
    if User.objects.filter(username__iexact=username).exists():
        errors.setdefault("username", []).append(_("This username is already taken."))
    checks.check_email(errors, email, required=False)
    if len(real_name) > 100:
        errors["real_name"] = [_("Use at most 100 characters.")]
    user = User(
        username=username, email=email, real_name=real_name, is_staff=True, is_superuser=True
    )
    checks.check_password(errors, password, user)
    checks.raise_if(errors)
    user.set_password(password)
    user.save()
    StaffRole.objects.create(user=user, role=StaffRole.Role.PLATFORM_ADMIN)
    logger.info("platform administrator created: user=%s", user.public_id)
    return user
