"""Reads of the staff pages of the service registry: a department's systems, services, rights.

Who sees what: a department administrator sees the subsystems and services of the members of
their departments (sub-units included); platform administrators see every department's.
Federated members (no local department) are not listed here: other cities administer them.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from ecity.core import vault
from ecity.core.errors import NotFound
from ecity.core.models import SigningKey
from ecity.exchange.models import AccessRight, Service, Subsystem, Topic
from ecity.exchange.selectors.pubsub import pubsub_departments
from ecity.identity.models import User
from ecity.org.models import Department
from ecity.registry.models import SharingGrant


def registry_departments(*, actor: User) -> QuerySet[Department]:
    """The active departments whose systems and services ``actor`` administers, by code."""
    return pubsub_departments(actor=actor)


def department_subsystems(*, department: Department) -> QuerySet[Subsystem]:
    """The subsystems of ``department``'s members, member joined, by identifier."""
    return (
        Subsystem.objects.select_related("member", "application")
        .filter(member__department=department)
        .order_by("identifier")
    )


def subsystem_key_fingerprints(*, subsystems: list[Subsystem]) -> dict[str, str]:
    """The key id (fingerprint of the public key) of each subsystem's current signing key.

    One query for all of them; a subsystem without a key (created outside the services) is
    absent from the answer.
    """
    keys = SigningKey.objects.defer("private_key").filter(
        purpose=vault.Purpose.EXCHANGE,
        status=SigningKey.Status.CURRENT,
        owner__in=[s.identifier for s in subsystems],
    )
    return {key.owner: key.kid for key in keys}


def department_services(*, department: Department) -> QuerySet[Service]:
    """The services ``department``'s subsystems provide, with provider and endpoints."""
    return (
        Service.objects.select_related("provider__member")
        .filter(provider__member__department=department)
        .prefetch_related("endpoints")
        .order_by("identifier")
    )


def service_get_for_staff(*, actor: User, public_id: str) -> Service:
    """Return the service ``public_id`` if ``actor`` administers its provider's department.

    Raises ``NotFound`` otherwise (another department's service is not revealed).
    """
    departments = registry_departments(actor=actor)
    service = (
        Service.objects.select_related("provider__member__department")
        .prefetch_related("endpoints", "resources")
        .filter(public_id=public_id, provider__member__department__in=departments)
        .first()
    )
    if service is None:
        raise NotFound(_("There is no such service."))
    return service


def access_right_list(*, service: Service) -> QuerySet[AccessRight]:
    """The access rights to ``service`` (revoked ones last), with client, endpoint and grant."""
    return (
        AccessRight.objects.select_related(
            "client__member", "endpoint", "sharing_grant__resource", "granted_by"
        )
        .filter(service=service)
        .order_by("revoked_at", "-created_at")
    )


def access_right_get(*, service: Service, public_id: str) -> AccessRight:
    """Return the right ``public_id`` of ``service``. Raises ``NotFound``."""
    right = (
        AccessRight.objects.select_related("client", "service__provider__member")
        .filter(service=service, public_id=public_id)
        .first()
    )
    if right is None:
        raise NotFound(_("There is no such access right."))
    return right


def grantable_clients() -> QuerySet[Subsystem]:
    """The enabled subsystems (local and federated) that may be given an access right."""
    return (
        Subsystem.objects.select_related("member")
        .filter(is_enabled=True, member__is_enabled=True)
        .order_by("identifier")
    )


def provider_sharing_grants(*, department: Department) -> QuerySet[SharingGrant]:
    """The unrevoked sharing grants ``department`` gave (to tie an access right to one)."""
    return (
        SharingGrant.objects.select_related("resource", "grantee", "application")
        .filter(provider=department, revoked_at__isnull=True)
        .order_by("-starts_on")
    )


def subscribable_topics(*, department: Department) -> QuerySet[Topic]:
    """The public topics and those of ``department``'s own systems, owner joined, by name."""
    return (
        Topic.objects.filter(Q(is_public=True) | Q(owner__member__department=department))
        .select_related("owner__member")
        .order_by("name")
    )
