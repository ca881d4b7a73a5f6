"""The demo city's accounts, staff roles and enterprise, written through ``identity.services``.

The platform administrator is created first; every other account, role and verification is
then an act of that administrator (audited as such), as it would be in a real city. Accounts
that exist are never changed: people may have changed their details or password since.
"""

from __future__ import annotations

from ecity.demo.data import accounts
from ecity.identity import services as identity_services
from ecity.identity.models import AgentAuthorisation, LegalEntity, User
from ecity.org.models import Department, Region, StaffRole


def admin_ensure() -> tuple[User, bool]:
    """The demo platform administrator ``admin``, created when missing; and whether it was."""
    admin = User.objects.filter(username=accounts.ADMIN.username).first()
    if admin is not None:
        return admin, False
    admin = identity_services.platform_admin_create(
        username=accounts.ADMIN.username,
        password=accounts.DEMO_PASSWORD,
        email=accounts.ADMIN.email,
        real_name=accounts.ADMIN.real_name,
    )
    return admin, True


def citizen_ensure(*, actor: User, account: accounts.Account) -> tuple[User, bool]:
    """The demo citizen ``account``: registered when missing, then (unless the account is meant
    to show the unverified path) verified in person at a counter with its ID card."""
    user = User.objects.filter(username=account.username).first()
    created = user is None
    if user is None:
        user = identity_services.citizen_register(
            username=account.username,
            password=accounts.DEMO_PASSWORD,
            real_name=account.real_name,
            id_number=account.id_number,
            phone=account.phone,
            email=account.email,
            address=account.address,
        )
    if account.is_verified and not user.is_real_name_verified and user.real_name:
        user = identity_services.citizen_verify_at_counter(
            actor=actor, user=user, id_number=account.id_number, real_name=account.real_name
        )
    return user, created


def staff_ensure(*, actor: User, account: accounts.Account) -> tuple[User, bool, int]:
    """The demo staff ``account`` with its roles; return it, whether it was new, roles granted.

    A role the account has held is not granted again: one an administrator revoked stays
    revoked.
    """
    user = User.objects.filter(username=account.username).first()
    created = user is None
    if user is None:
        user = identity_services.staff_account_create(
            actor=actor,
            username=account.username,
            password=accounts.DEMO_PASSWORD,
            real_name=account.real_name,
            email=account.email,
            phone=account.phone,
        )
    granted = 0
    for role, code in account.staff_roles:
        department = Department.objects.filter(code=code).first() if code else None
        if code and department is None:
            continue
        held = StaffRole.objects.filter(user=user, role=role)
        held = held.filter(department=department) if department else held.filter(department=None)
        if held.exists():
            continue
        identity_services.staff_role_grant(actor=actor, user=user, role=role, department=department)
        granted += 1
    return user, created, granted


def enterprise_ensure(
    *, actor: User, enterprise: accounts.Enterprise, users: dict[str, User]
) -> bool:
    """Register, verify and staff the demo enterprise when missing; return whether it was new.

    Its legal representative registers it (and so becomes its legal representative agent) and
    authorises its agents; the platform administrator verifies it at a counter against its
    business licence.
    """
    representative = users[enterprise.legal_representative]
    entity = LegalEntity.objects.filter(uscc=enterprise.uscc).first()
    created = entity is None
    if entity is None:
        authorisation = identity_services.legal_entity_register(
            actor=representative,
            uscc=enterprise.uscc,
            name=enterprise.name,
            legal_representative_name=representative.real_name,
            legal_representative_id_number=representative.id_number,
            address=enterprise.address,
            phone=enterprise.phone,
            region=Region.objects.filter(code=enterprise.region).first(),
        )
        entity = authorisation.legal_entity
    if not entity.is_verified:
        entity = identity_services.legal_entity_verify_at_counter(
            actor=actor,
            legal_entity=entity,
            name_on_licence=enterprise.name,
            representative_on_licence=representative.real_name,
        )
    for username in enterprise.agents:
        agent = users[username]
        if AgentAuthorisation.objects.filter(legal_entity=entity, user=agent).exists():
            continue
        identity_services.agent_grant(
            actor=representative,
            legal_entity=entity,
            user=agent,
            role=AgentAuthorisation.Role.AGENT,
        )
    return created
