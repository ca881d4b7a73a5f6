"""Reads of controlled sharing: who administers it, requests, grants, field access of a system.

Who sees what: a department's data administrators (its ``department_admin``, or a platform
administrator) see the requests their department sent and received and the grants it gave and
holds. A department system's access to the fields of a base registry is computed on every read
(``registry_access``), so a revocation or an expiry takes effect on the next read.

Field access (deny by default). The registry's provider is the authority department of its key
data element (一数一源: the public security bureau for persons, market regulation for legal
entities). Its published catalogue entries that hold the key element describe the registry;
each attribute of the registry is bound to a data element (``ecity.registry.attributes``) and
each item of those entries bound to that element gives its share type:

* an item shared unconditionally: any registered department system reads the field;
* otherwise, a conditional item: the field is read by the system holding a grant of such an
  item (still conditional), from its first to its last day, not revoked, while the system is its
  grantee department's;
* otherwise (no item for the element, or not-shared items only): the field is never returned.
  A not-shared item never opens a field; it does not close one that another entry of the same
  provider shares (a not-shared resource of criminal records holds the ID number as its key,
  the population resource shares it on condition).
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Case, Q, QuerySet, When
from django.utils.translation import gettext as _

from ecity.core.errors import NotFound, PermissionDenied
from ecity.identity.models import User
from ecity.org import selectors as org_selectors
from ecity.org.models import Department, StaffRole
from ecity.registry.attributes import (
    ADDRESS_ATTRIBUTES,
    ADDRESS_KEY,
    LEGAL_ENTITY_ATTRIBUTES,
    LEGAL_ENTITY_KEY,
    PERSON_ATTRIBUTES,
    PERSON_KEY,
    Attribute,
)
from ecity.registry.models import (
    Resource,
    ShareType,
    SharingGrant,
    SharingRequest,
)
from ecity.registry.selectors.metadata import data_element_authority
from ecity.sso.selectors import SystemClient


@dataclass(frozen=True)
class SharedRegistry:
    """A base registry as the sharing API names it: ``/data/{name}/{version}/…``."""

    name: str
    version: str
    kind: str  # "person", "legal_entity" or "address" (``ecity.registry.attributes``)
    key: Attribute
    attributes: tuple[Attribute, ...]
    # Attributes a ``list`` may filter on (exact match), when the system may read them.
    filters: tuple[str, ...] = ()
    # A ``text`` filter (every word contained in this attribute), when the system may read it.
    text_attribute: str = ""
    # An exact filter that matches every code starting with the value (a region and its parts).
    prefix_filters: tuple[str, ...] = ()

    @property
    def filter_names(self) -> tuple[str, ...]:
        return (*self.filters, "text") if self.text_attribute else self.filters

    @property
    def fields(self) -> tuple[Attribute, ...]:
        return (self.key, *self.attributes)

    def attribute(self, name: str) -> Attribute | None:
        return next((spec for spec in self.fields if spec.name == name), None)


SHARED_REGISTRIES: dict[str, SharedRegistry] = {
    "persons": SharedRegistry(
        name="persons",
        version="1.0",
        kind="person",
        key=PERSON_KEY,
        attributes=tuple(PERSON_ATTRIBUTES.values()),
        filters=("sex", "ethnic_group", "region_code", "birth_on"),
    ),
    "legal-entities": SharedRegistry(
        name="legal-entities",
        version="1.0",
        kind="legal_entity",
        key=LEGAL_ENTITY_KEY,
        attributes=tuple(LEGAL_ENTITY_ATTRIBUTES.values()),
        filters=("entity_type", "industry_code", "status", "established_on"),
    ),
    "addresses": SharedRegistry(
        name="addresses",
        version="1.0",
        kind="address",
        key=ADDRESS_KEY,
        attributes=tuple(ADDRESS_ATTRIBUTES.values()),
        filters=("region_code", "street", "postal_code", "status"),
        text_attribute="full_address",
        prefix_filters=("region_code",),
    ),
}


def shared_registry_get(*, name: str, version: str) -> SharedRegistry:
    """The registry ``name`` in API ``version``; ``NotFound`` naming the wrong path part."""
    registry = SHARED_REGISTRIES.get(name)
    if registry is None:
        raise NotFound(
            _("There is no registry “%(name)s”.") % {"name": name},
            fields={
                "registry": [
                    _("Unknown registry. Known: %(names)s.")
                    % {"names": ", ".join(sorted(SHARED_REGISTRIES))}
                ]
            },
        )
    if version != registry.version:
        raise NotFound(
            _("The registry has no version “%(version)s”.") % {"version": version},
            fields={
                "version": [
                    _("Unknown version. Current: %(version)s.") % {"version": registry.version}
                ]
            },
        )
    return registry


# --- who administers sharing -------------------------------------------------------------------


def can_administer_sharing(*, actor: User, department: Department) -> bool:
    """Whether ``actor`` is a data administrator of ``department``: its department administrator
    (also of a parent department) or a platform administrator."""
    return org_selectors.user_has_role(
        user=actor, role=StaffRole.Role.DEPARTMENT_ADMIN, department=department
    )


def sharing_departments(*, actor: User) -> QuerySet[Department]:
    """List the departments whose sharing ``actor`` administers (active ones, by code)."""
    return (
        org_selectors.departments_where(user=actor, role=StaffRole.Role.DEPARTMENT_ADMIN)
        .filter(is_active=True)
        .order_by("code")
    )


def platform_data_administrators() -> list[User]:
    """The platform's data administrators: active platform administrators and superusers."""
    return list(
        User.objects.filter(is_active=True)
        .filter(
            Q(is_superuser=True)
            | Q(staff_roles__role=StaffRole.Role.PLATFORM_ADMIN, staff_roles__is_active=True)
        )
        .distinct()
        .order_by("pk")
    )


def department_data_administrators(*, department: Department) -> list[User]:
    """The active department administrators of ``department`` itself."""
    return list(
        User.objects.filter(
            is_active=True,
            staff_roles__department=department,
            staff_roles__role=StaffRole.Role.DEPARTMENT_ADMIN,
            staff_roles__is_active=True,
        )
        .distinct()
        .order_by("pk")
    )


# --- requests and grants -----------------------------------------------------------------------


def _require_administrator(actor: User, department: Department) -> None:
    if not can_administer_sharing(actor=actor, department=department):
        raise PermissionDenied(_("Only the department's data administrator may do this."))


def sharing_request_list(
    *, actor: User, department: Department, direction: str = "received", status: str = ""
) -> QuerySet[SharingRequest]:
    """List the requests ``department`` received (``direction="received"``) or sent ("sent").

    Rules: the department's data administrators. ``status`` filters ("" for all). Pending
    requests first, by due date; then the newest. Errors: ``PermissionDenied``.
    """
    _require_administrator(actor, department)
    side = {"provider": department} if direction == "received" else {"requester": department}
    requests = SharingRequest.objects.filter(**side)
    if status:
        requests = requests.filter(status=status)
    return (
        requests.select_related("resource", "provider", "requester", "application", "requested_by")
        .prefetch_related("items__data_element")
        .annotate(answered=Case(When(status=SharingRequest.Status.PENDING, then=0), default=1))
        .order_by("answered", "due_on", "-created_at")
    )


def _uuid(value: object) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None


def sharing_request_get(*, actor: User, public_id: object) -> SharingRequest:
    """The request ``public_id`` for a data administrator of its provider or requester.

    Errors: ``NotFound`` (also when the actor may see neither side).
    """
    key = _uuid(public_id)
    if key is None:
        raise NotFound(_("There is no such sharing request."))
    request = (
        SharingRequest.objects.select_related(
            "resource", "provider", "requester", "application", "requested_by", "decided_by"
        )
        .prefetch_related("items__data_element")
        .filter(public_id=key)
        .first()
    )
    if request is None or not (
        can_administer_sharing(actor=actor, department=request.provider)
        or can_administer_sharing(actor=actor, department=request.requester)
    ):
        raise NotFound(_("There is no such sharing request."))
    return request


def sharing_grant_list(
    *, actor: User, department: Department, direction: str = "given"
) -> QuerySet[SharingGrant]:
    """List the grants ``department`` gave (``direction="given"``) or holds ("held"), newest first.

    Rules: the department's data administrators. Errors: ``PermissionDenied``.
    """
    _require_administrator(actor, department)
    side = {"provider": department} if direction == "given" else {"grantee": department}
    return (
        SharingGrant.objects.filter(**side)
        .select_related("resource", "provider", "grantee", "application", "request")
        .prefetch_related("items__data_element")
        .order_by("-created_at")
    )


def sharing_grant_get(*, actor: User, public_id: object) -> SharingGrant:
    """The grant ``public_id`` for a data administrator of its provider or grantee."""
    key = _uuid(public_id)
    if key is None:
        raise NotFound(_("There is no such sharing grant."))
    grant = (
        SharingGrant.objects.select_related("resource", "provider", "grantee", "application")
        .filter(public_id=key)
        .first()
    )
    if grant is None or not (
        can_administer_sharing(actor=actor, department=grant.provider)
        or can_administer_sharing(actor=actor, department=grant.grantee)
    ):
        raise NotFound(_("There is no such sharing grant."))
    return grant


def shareable_resources() -> QuerySet[Resource]:
    """Published catalogue entries with at least one conditional item, for requests."""
    return (
        Resource.objects.filter(status=Resource.Status.PUBLISHED, revision_of__isnull=True)
        .filter(
            Q(items__share_type=ShareType.CONDITIONAL)
            | Q(items__share_type__isnull=True, share_type=ShareType.CONDITIONAL)
        )
        .distinct()
        .select_related("provider")
        .order_by("code")
    )


def grant_is_active(grant: SharingGrant, *, today: dt.date) -> bool:
    """Whether ``grant`` lets its system read today: not revoked, within its period."""
    return grant.revoked_at is None and grant.starts_on <= today <= grant.expires_on


# --- field access of a department system ---------------------------------------------------------


class FieldAccess:
    """Why a field is or is not readable by a system (``registry_access``)."""

    READABLE = "readable"
    NOT_SHARED = "not_shared"
    NEEDS_GRANT = "needs_grant"
    NOT_YET = "not_yet"
    EXPIRED = "expired"
    REVOKED = "revoked"
    WRONG_DEPARTMENT = "wrong_department"


@dataclass
class RegistryAccess:
    """A system's access to each field of a registry today."""

    registry: SharedRegistry
    fields: dict[str, str] = field(default_factory=dict)  # attribute -> FieldAccess
    # The grant that decides a field that is not readable (its dates for the message).
    grants: dict[str, SharingGrant] = field(default_factory=dict)

    @property
    def readable(self) -> list[str]:
        return [name for name, state in self.fields.items() if state == FieldAccess.READABLE]

    def can_read(self, name: str) -> bool:
        return self.fields.get(name) == FieldAccess.READABLE

    def problem(self, name: str) -> str:
        """A translated sentence saying why ``name`` is not returned ("" when it is)."""
        state = self.fields.get(name)
        spec = self.registry.attribute(name)
        label = str(spec.label) if spec is not None else name
        grant = self.grants.get(name)
        if state == FieldAccess.READABLE:
            return ""
        if state == FieldAccess.NEEDS_GRANT:
            return _("“%(field)s” is shared on condition: request it first.") % {"field": label}
        if state == FieldAccess.NOT_YET and grant is not None:
            return _("Your grant for “%(field)s” starts on %(date)s.") % {
                "field": label,
                "date": grant.starts_on.isoformat(),
            }
        if state == FieldAccess.EXPIRED and grant is not None:
            return _("Your grant for “%(field)s” expired on %(date)s.") % {
                "field": label,
                "date": grant.expires_on.isoformat(),
            }
        if state == FieldAccess.REVOKED and grant is not None:
            return _("Your grant for “%(field)s” was revoked: %(reason)s") % {
                "field": label,
                "reason": grant.revocation_reason,
            }
        if state == FieldAccess.WRONG_DEPARTMENT:
            return _("The grant for “%(field)s” is another department's.") % {"field": label}
        return _("“%(field)s” is not shared.") % {"field": label}


# The order in which an inactive grant explains a refusal: the most useful first.
_GRANT_STATES = (
    FieldAccess.WRONG_DEPARTMENT,
    FieldAccess.NOT_YET,
    FieldAccess.REVOKED,
    FieldAccess.EXPIRED,
)


# What a system may read of a registry: the share types of the registry's data elements in the
# provider's live entries describing it, and the system's grants of items of those entries with
# each grant's state today, in one statement (it runs on every read of the sharing API, so the
# SQL is written once here rather than built by the ORM on each call: that build was most of its
# time). Plain SQL that PostgreSQL and SQLite both run; every value is a parameter.
_ACCESS_SQL = """
WITH entries AS (
    SELECT DISTINCT r.id FROM registry_resource r
    JOIN registry_resourceitem ri ON ri.resource_id = r.id
    JOIN registry_dataelement de ON de.id = ri.data_element_id
    WHERE r.provider_id = %s AND r.status = %s AND r.revision_of_id IS NULL
      AND de.identifier = %s
)
SELECT 0, de.identifier, ri.share_type, r.share_type, NULL, NULL, NULL, NULL
FROM registry_resourceitem ri
JOIN registry_dataelement de ON de.id = ri.data_element_id
JOIN registry_resource r ON r.id = ri.resource_id
WHERE ri.resource_id IN (SELECT id FROM entries) AND de.identifier IN ({elements})
UNION ALL
SELECT 1, de.identifier, ri.share_type, r.share_type, g.id, g.grantee_id,
       CASE WHEN g.revoked_at IS NULL THEN 0 ELSE 1 END,
       CASE WHEN %s < g.starts_on THEN 1 WHEN %s > g.expires_on THEN 2 ELSE 0 END
FROM registry_sharinggrant g
JOIN registry_sharinggrant_items gi ON gi.sharinggrant_id = g.id
JOIN registry_resourceitem ri ON ri.id = gi.resourceitem_id
JOIN registry_resource r ON r.id = ri.resource_id
JOIN registry_dataelement de ON de.id = ri.data_element_id
WHERE g.application_id = %s AND g.resource_id IN (SELECT id FROM entries)
"""


def _grant_row_state(
    *, grantee_id: int, is_revoked: bool, period: int, client: SystemClient
) -> str:
    """A grant's state for ``client`` today, from the columns of ``_ACCESS_SQL``."""
    if grantee_id != client.department.pk:
        return FieldAccess.WRONG_DEPARTMENT
    if is_revoked:
        return FieldAccess.REVOKED
    if period == 1:
        return FieldAccess.NOT_YET
    if period == 2:
        return FieldAccess.EXPIRED
    return FieldAccess.READABLE


def registry_access(
    *, client: SystemClient, registry: SharedRegistry, today: dt.date
) -> RegistryAccess:
    """Compute what ``client`` may read of each field of ``registry`` on ``today``.

    Rules in the module docstring. Two statements whatever the catalogue's size: the registry
    key's authority (the provider), then the share types of the registry's data elements in the
    provider's live entries and the system's grants of their items with each grant's state
    (``_ACCESS_SQL``). The grants themselves are read only to explain a refused field.
    """
    provider = data_element_authority(identifier=registry.key.data_element)
    access = RegistryAccess(registry=registry)
    if provider is None:
        for spec in registry.fields:
            access.fields[spec.name] = FieldAccess.NOT_SHARED
        return access
    elements = sorted({spec.data_element for spec in registry.fields})
    sql = _ACCESS_SQL.format(elements=", ".join(["%s"] * len(elements)))
    params: list[int | str | dt.date] = [
        provider.pk,
        str(Resource.Status.PUBLISHED),
        registry.key.data_element,
        *elements,
        today,
        today,
        client.application.pk,
    ]
    share_types: dict[str, set[str]] = {}
    # identifier -> {grant id: state}; an item no longer conditional grants nothing.
    granted: dict[str, dict[int, str]] = {}
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for is_grant, identifier, own, inherited, grant_id, grantee_id, revoked, period in cursor:
            share_type = own or inherited
            if not is_grant:
                share_types.setdefault(identifier, set()).add(share_type)
            elif share_type == ShareType.CONDITIONAL:
                granted.setdefault(identifier, {})[grant_id] = _grant_row_state(
                    grantee_id=grantee_id, is_revoked=bool(revoked), period=period, client=client
                )
    explained: dict[str, int] = {}
    for spec in registry.fields:
        types = share_types.get(spec.data_element, set())
        if ShareType.UNCONDITIONAL in types:
            access.fields[spec.name] = FieldAccess.READABLE
        elif ShareType.CONDITIONAL not in types:
            access.fields[spec.name] = FieldAccess.NOT_SHARED
        else:
            states = {
                state: grant_id for grant_id, state in granted.get(spec.data_element, {}).items()
            }
            if FieldAccess.READABLE in states:
                access.fields[spec.name] = FieldAccess.READABLE
                continue
            state = next((s for s in _GRANT_STATES if s in states), FieldAccess.NEEDS_GRANT)
            access.fields[spec.name] = state
            if state in states:
                explained[spec.name] = states[state]
    if explained:
        grants = SharingGrant.objects.in_bulk(set(explained.values()))
        access.grants = {name: grants[grant_id] for name, grant_id in explained.items()}
    return access
