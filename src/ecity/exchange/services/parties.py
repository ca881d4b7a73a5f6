"""Register and change exchange parties: members (departments) and subsystems (their systems).

Who may: platform administrators register and change members; a department administrator (the
department's IT and data administrator) registers and changes the subsystems of their
department's member. ``actor=None`` is the command line (an operator on the server), trusted.
Parties of a federated city are never changed here: only their signed configuration changes
them (``ecity.exchange.federation``). Every act is audited in the same transaction.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from oauth2_provider.models import AbstractApplication

from ecity.audit.services import audit_record
from ecity.core import vault
from ecity.core.errors import Conflict, PermissionDenied, ValidationFailed
from ecity.core.models import SigningKey
from ecity.exchange.errors import ExchangeErrorCode
from ecity.exchange.identifiers import local_instance
from ecity.exchange.models import Member, MemberClass, Subsystem
from ecity.exchange.models.parties import IDENTIFIER_PART
from ecity.exchange.selectors.parties import can_manage_subsystems
from ecity.identity.models import User
from ecity.org import selectors as org_selectors
from ecity.org.models import Department
from ecity.sso.selectors import client_policy

PURPOSE = vault.Purpose.EXCHANGE


def _require_platform_admin(actor: User | None) -> None:
    if actor is not None and not org_selectors.is_platform_admin(user=actor):
        raise PermissionDenied(_("Only platform administrators can manage exchange members."))


def _require_subsystem_manager(actor: User | None, member: Member) -> None:
    if actor is not None and not can_manage_subsystems(actor=actor, department=member.department):
        raise PermissionDenied(
            _("Only an administrator of %(member)s's department can manage its subsystems.")
            % {"member": member.identifier}
        )


def _require_local(member: Member) -> None:
    if member.instance != local_instance():
        raise Conflict(
            _("%(member)s belongs to a federated city; import its configuration instead.")
            % {"member": member.identifier},
            code=ExchangeErrorCode.REMOTE_PARTY,
        )


def _part_errors(value: str) -> list[str]:
    try:
        IDENTIFIER_PART(value)
    except DjangoValidationError as error:
        return [str(m) for m in error.messages]
    return []


def _validate_name(name: str, errors: dict[str, list[str]]) -> None:
    if not name.strip():
        errors["name"] = [_("Enter the name.")]
    elif len(name.strip()) > 200:
        errors["name"] = [_("Use at most 200 characters.")]


@transaction.atomic
def member_register(
    *,
    actor: User | None,
    member_class: str,
    code: str,
    name: str,
    department: Department | None,
) -> Member:
    """Register a department of this city as an exchange member (``instance/class/code``).

    Rules: platform administrators only; the class is one of ``MemberClass``; the code is one
    identifier part (the department's code or its USCC); a local member is tied to an active
    department; the identifier is unique. Audited as ``exchange.member_registered``.
    Raises ``PermissionDenied``, ``ValidationFailed`` or ``Conflict`` (identifier taken).
    """
    _require_platform_admin(actor)
    code = (code or "").strip()
    errors: dict[str, list[str]] = {}
    if member_class not in MemberClass.values:
        errors["member_class"] = [_("Choose one of GOV, COM, NGO or ORG.")]
    if part_errors := _part_errors(code):
        errors["code"] = part_errors
    _validate_name(name, errors)
    if department is None:
        errors["department"] = [_("Choose the department this member stands for.")]
    elif not department.is_active:
        errors["department"] = [_("This department is no longer active.")]
    if errors:
        raise ValidationFailed(fields=errors)
    instance = local_instance()
    if Member.objects.filter(instance=instance, member_class=member_class, code=code).exists():
        raise Conflict(
            _("The member %(identifier)s exists already.")
            % {"identifier": f"{instance}/{member_class}/{code}"},
            code=ExchangeErrorCode.MEMBER_EXISTS,
        )
    member = Member.objects.create(
        instance=instance,
        member_class=member_class,
        code=code,
        name=name.strip(),
        department=department,
    )
    audit_record(
        actor=actor,
        action="exchange.member_registered",
        obj=member,
        data={"identifier": member.identifier, "department": department.code if department else ""},
    )
    return member


@transaction.atomic
def member_update(
    *, actor: User | None, member: Member, name: str, department: Department | None
) -> Member:
    """Change a local member's name and department (its identifier never changes).

    Rules: platform administrators only; local members only; an active department. Audited as
    ``exchange.member_changed`` with the changed fields. Raises ``PermissionDenied``,
    ``Conflict`` (a federated member) or ``ValidationFailed``.
    """
    _require_platform_admin(actor)
    member = Member.objects.select_for_update().get(pk=member.pk)
    _require_local(member)
    errors: dict[str, list[str]] = {}
    _validate_name(name, errors)
    if department is None:
        errors["department"] = [_("Choose the department this member stands for.")]
    elif not department.is_active:
        errors["department"] = [_("This department is no longer active.")]
    if errors:
        raise ValidationFailed(fields=errors)
    changed = []
    if member.name != name.strip():
        member.name = name.strip()
        changed.append("name")
    if member.department_id != getattr(department, "pk", None):
        if member.subsystems.filter(application__isnull=False).exists():
            raise ValidationFailed(
                fields={
                    "department": [
                        _(
                            "Its subsystems authenticate as systems of the current department; "
                            "register new subsystems for the other department instead."
                        )
                    ]
                }
            )
        member.department = department
        changed.append("department")
    if changed:
        member.save(update_fields=[*changed, "updated_at"])
        audit_record(
            actor=actor,
            action="exchange.member_changed",
            obj=member,
            fields=changed,
            data={"identifier": member.identifier},
        )
    return member


def _member_set_enabled(*, actor: User | None, member: Member, is_enabled: bool) -> Member:
    _require_platform_admin(actor)
    member = Member.objects.select_for_update().get(pk=member.pk)
    _require_local(member)
    if member.is_enabled != is_enabled:
        member.is_enabled = is_enabled
        member.save(update_fields=["is_enabled", "updated_at"])
        audit_record(
            actor=actor,
            action="exchange.member_enabled" if is_enabled else "exchange.member_disabled",
            obj=member,
            data={"identifier": member.identifier},
        )
    return member


@transaction.atomic
def member_enable(*, actor: User | None, member: Member) -> Member:
    """Enable a local member again: its enabled subsystems send and receive again.

    Platform administrators only. Audited as ``exchange.member_enabled`` (once per change).
    """
    return _member_set_enabled(actor=actor, member=member, is_enabled=True)


@transaction.atomic
def member_disable(*, actor: User | None, member: Member) -> Member:
    """Disable a local member: every envelope from its subsystems is refused from now on.

    Platform administrators only. Audited as ``exchange.member_disabled`` (once per change).
    """
    return _member_set_enabled(actor=actor, member=member, is_enabled=False)


def _validate_application(
    application: AbstractApplication | None, member: Member, subsystem: Subsystem | None = None
) -> list[str]:
    if application is None:
        return []
    if application.authorization_grant_type != AbstractApplication.GRANT_CLIENT_CREDENTIALS:
        return [_("Choose an application registered as a system with client credentials.")]
    policy = client_policy(application=application)
    if policy is None or policy.department_id != member.department_id:
        return [
            _("The application is not registered for the department of %(member)s.")
            % {"member": member.identifier}
        ]
    bound = Subsystem.objects.filter(application=application)
    if subsystem is not None:
        bound = bound.exclude(pk=subsystem.pk)
    if bound.exists():
        return [_("This application is bound to another subsystem already.")]
    return []


@transaction.atomic
def subsystem_register(
    *,
    actor: User | None,
    member: Member,
    code: str,
    name: str,
    application: AbstractApplication | None = None,
    log_level: str = Subsystem.LogLevel.FULL,
    contact: str = "",
) -> Subsystem:
    """Register an information system of a local member; give it its identifier and signing key.

    Rules: an administrator of the member's department (or a platform administrator); the
    member is local and enabled; the code is one identifier part, unique within the member;
    ``application``, when given, is a client-credentials application (``sso``) registered for
    the member's department and bound to no other subsystem: its bearer tokens then act as this
    subsystem. Side effects: the subsystem's first Ed25519 key is created in the vault (purpose
    ``exchange``, owner = identifier); audited as ``exchange.subsystem_registered``.
    Raises ``PermissionDenied``, ``ValidationFailed`` (with fields), ``Conflict``.
    """
    member = Member.objects.select_related("department").get(pk=member.pk)
    _require_subsystem_manager(actor, member)
    _require_local(member)
    code = (code or "").strip()
    errors: dict[str, list[str]] = {}
    if not member.is_enabled:
        errors["member"] = [_("The member is disabled.")]
    if part_errors := _part_errors(code):
        errors["code"] = part_errors
    _validate_name(name, errors)
    if log_level not in Subsystem.LogLevel.values:
        errors["log_level"] = [_("Choose full or metadata.")]
    if len(contact.strip()) > 200:
        errors["contact"] = [_("Use at most 200 characters.")]
    if app_errors := _validate_application(application, member):
        errors["application"] = app_errors
    if errors:
        mismatch = "application" in errors and len(errors) == 1
        raise ValidationFailed(
            code=ExchangeErrorCode.APPLICATION_MISMATCH if mismatch else None, fields=errors
        )
    identifier = f"{member.identifier}/{code}"
    if Subsystem.objects.filter(identifier=identifier).exists():
        raise Conflict(
            _("The subsystem %(identifier)s exists already.") % {"identifier": identifier},
            code=ExchangeErrorCode.SUBSYSTEM_EXISTS,
        )
    subsystem = Subsystem.objects.create(
        member=member,
        code=code,
        name=name.strip(),
        identifier=identifier,
        application=application,
        log_level=log_level,
        contact=contact.strip(),
    )
    key = vault.key_current(purpose=PURPOSE, owner=identifier, actor=actor)
    audit_record(
        actor=actor,
        action="exchange.subsystem_registered",
        obj=subsystem,
        data={
            "identifier": identifier,
            "kid": key.kid,
            "client_id": application.client_id if application is not None else "",
        },
    )
    return subsystem


@transaction.atomic
def subsystem_update(
    *,
    actor: User | None,
    subsystem: Subsystem,
    name: str | None = None,
    log_level: str | None = None,
    contact: str | None = None,
    is_enabled: bool | None = None,
    application: AbstractApplication | None = None,
    unbind_application: bool = False,
) -> Subsystem:
    """Change a local subsystem's name, log level, contact, enabled flag or application.

    Arguments left ``None`` stay as they are. Rules as for ``subsystem_register``. A disabled
    subsystem's envelopes are refused at once. Audited as ``exchange.subsystem_changed`` with
    the changed fields (nothing changed, nothing recorded). Raises ``PermissionDenied``,
    ``Conflict`` (a federated subsystem) or ``ValidationFailed``.
    """
    subsystem = (
        Subsystem.objects.select_for_update(of=("self",))
        .select_related("member", "member__department")
        .get(pk=subsystem.pk)
    )
    _require_subsystem_manager(actor, subsystem.member)
    _require_local(subsystem.member)
    errors: dict[str, list[str]] = {}
    if name is not None:
        _validate_name(name, errors)
    if log_level is not None and log_level not in Subsystem.LogLevel.values:
        errors["log_level"] = [_("Choose full or metadata.")]
    if contact is not None and len(contact.strip()) > 200:
        errors["contact"] = [_("Use at most 200 characters.")]
    if app_errors := _validate_application(application, subsystem.member, subsystem):
        errors["application"] = app_errors
    if errors:
        raise ValidationFailed(fields=errors)
    values = {
        "name": name.strip() if name is not None else None,
        "log_level": log_level,
        "contact": contact.strip() if contact is not None else None,
        "is_enabled": is_enabled,
    }
    changed = [f for f, v in values.items() if v is not None and getattr(subsystem, f) != v]
    for field in changed:
        setattr(subsystem, field, values[field])
    new_app_id = (
        None if unbind_application else getattr(application, "pk", subsystem.application_id)
    )
    if new_app_id != subsystem.application_id:
        subsystem.application = None if unbind_application else application
        changed.append("application")
    if changed:
        subsystem.save(update_fields=[*changed, "updated_at"])
        audit_record(
            actor=actor,
            action="exchange.subsystem_changed",
            obj=subsystem,
            fields=changed,
            data={
                "identifier": subsystem.identifier,
                **{f: values[f] for f in changed if f in ("log_level", "is_enabled")},
            },
        )
    return subsystem


@transaction.atomic
def subsystem_key_rotate(*, actor: User | None, subsystem: Subsystem) -> SigningKey:
    """Give a local subsystem a new signing key; the old one keeps verifying what it signed.

    Rules as for ``subsystem_update``. Side effects: the vault rotates the key of purpose
    ``exchange`` and owner = identifier (audited by the vault as ``keys.rotated``); audited
    as ``exchange.subsystem_key_rotated``. Federated cities learn the new key from the next
    exported configuration. Raises ``PermissionDenied`` or ``Conflict``.
    """
    subsystem = Subsystem.objects.select_related("member", "member__department").get(
        pk=subsystem.pk
    )
    _require_subsystem_manager(actor, subsystem.member)
    _require_local(subsystem.member)
    previous = vault.key_current_get(purpose=PURPOSE, owner=subsystem.identifier)
    key = vault.key_rotate(purpose=PURPOSE, owner=subsystem.identifier, actor=actor)
    audit_record(
        actor=actor,
        action="exchange.subsystem_key_rotated",
        obj=subsystem,
        data={
            "identifier": subsystem.identifier,
            "kid": key.kid,
            "previous": previous.kid if previous is not None else "",
        },
    )
    return key
