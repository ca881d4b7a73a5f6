"""Data quality of a department's registry data: completeness, freshness, import failures.

For each base registry in which the department is the authority of some attributes (一数一源):

- **completeness**: per such attribute, the share of the registry's records that have a value;
- **freshness**: against the registry's update cycle (``ECITY_REGISTRY_UPDATE_CYCLE_DAYS``,
  until the resource catalogue gives each resource its own): when the department last wrote
  the registry, and the share of the records it vouches for (it wrote at least one of their
  values) that it wrote within the cycle;

for the addresses, when the department is the authority of their coordinates: how many lie
outside their region's boundary and how many could not be checked (no boundary);

and for the department as a whole: the validation problems of its imports (dry runs included)
in the last ``IMPORT_WINDOW_DAYS`` days, its open conflicts (as authority) and its open and
overdue disputes.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Count, Max, Q, Sum
from django.db.models.functions import Length
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from ecity.core.errors import NotFound, PermissionDenied
from ecity.core.fields import EncryptedTextField
from ecity.identity.models import User
from ecity.org import selectors as org_selectors
from ecity.org.models import Department, StaffRole
from ecity.registry.attributes import REGISTRY_SPECS, Attribute
from ecity.registry.models import (
    Dispute,
    ImportJob,
    RecordAttribute,
    RecordConflict,
    Registry,
)
from ecity.registry.selectors.metadata import data_element_authority
from ecity.registry.selectors.places import LocationSummary, address_locations_summary
from ecity.workflow.clocks import DeadlineState

IMPORT_WINDOW_DAYS = 90
RECENT_IMPORTS = 10


@dataclass(frozen=True)
class AttributeQuality:
    attribute: str
    label: str | Promise
    data_element: str
    filled: int
    total: int

    @property
    def percent(self) -> float:
        return round(100 * self.filled / self.total, 1) if self.total else 0.0


@dataclass
class RegistryQuality:
    registry: str
    label: str | Promise
    total: int
    cycle_days: int
    attributes: list[AttributeQuality] = field(default_factory=list)
    last_written_at: dt.datetime | None = None
    vouched: int = 0  # records with a value the department wrote
    fresh: int = 0  # … of which the department wrote one within the cycle
    location: LocationSummary | None = None  # addresses: coordinates against boundaries

    @property
    def fresh_percent(self) -> float:
        return round(100 * self.fresh / self.vouched, 1) if self.vouched else 0.0

    @property
    def is_fresh(self) -> bool:
        if self.last_written_at is None:
            return False
        return timezone.now() - self.last_written_at <= dt.timedelta(days=self.cycle_days)


@dataclass
class DepartmentQuality:
    department: Department
    registries: list[RegistryQuality]
    imports: list[ImportJob]
    import_problems: int
    failed_imports: int
    open_conflicts: int
    open_disputes: int
    overdue_disputes: int


def can_see_quality(*, actor: User, department: Department) -> bool:
    """The department's data administrator (its department administrator) or a platform one."""
    return org_selectors.is_platform_admin(user=actor) or org_selectors.user_has_role(
        user=actor, role=StaffRole.Role.DEPARTMENT_ADMIN, department=department
    )


def update_cycle_days(registry: str) -> int:
    """Days within which a registry's authority is expected to update it (setting)."""
    return int(settings.ECITY_REGISTRY_UPDATE_CYCLE_DAYS.get(registry, 30))


def _is_authority(attribute: Attribute, department: Department) -> bool:
    try:
        authority = data_element_authority(identifier=attribute.authority_identifier)
    except NotFound:
        return False
    return authority is not None and authority.pk == department.pk


def _registry_quality(registry: str, department: Department, now: dt.datetime) -> RegistryQuality:
    spec = REGISTRY_SPECS[registry]
    owned = [
        attribute
        for attribute in (spec.key, *spec.attributes.values())
        if _is_authority(attribute, department)
    ]
    result = RegistryQuality(
        registry=registry,
        label=Registry(registry).label,
        total=0,
        cycle_days=update_cycle_days(registry),
    )
    if not owned:
        return result
    records = spec.model.objects.all()
    counts = {"total": Count("id")}
    for attribute in owned:
        model_field = spec.model._meta.get_field(attribute.name)
        if isinstance(model_field, EncryptedTextField):
            # Ciphertext cannot be compared: an empty value is stored as "" (length 0).
            records = records.annotate(**{f"_len_{attribute.name}": Length(attribute.name)})
            filled = Q(**{f"_len_{attribute.name}__gt": 0})
        elif getattr(model_field, "null", False):
            filled = Q(**{f"{attribute.name}__isnull": False})
        else:
            filled = ~Q(**{attribute.name: ""})
        counts[attribute.name] = Count("id", filter=filled)
    aggregated = records.aggregate(**counts)
    result.total = aggregated["total"]
    result.attributes = [
        AttributeQuality(
            attribute=a.name,
            label=a.label,
            data_element=a.data_element,
            filled=aggregated[a.name],
            total=result.total,
        )
        for a in owned
    ]
    since = now - dt.timedelta(days=result.cycle_days)
    written = RecordAttribute.objects.filter(
        **{f"{spec.fk}__isnull": False}, department=department
    ).aggregate(
        last=Max("written_at"),
        vouched=Count(spec.fk, distinct=True),
        fresh=Count(spec.fk, distinct=True, filter=Q(written_at__gte=since)),
    )
    if registry == Registry.ADDRESSES and any(a.name == "longitude" for a in owned):
        result.location = address_locations_summary()
    result.last_written_at = written["last"]
    result.vouched = written["vouched"]
    result.fresh = written["fresh"]
    return result


def department_quality(*, actor: User, department: Department) -> DepartmentQuality:
    """The data quality of ``department`` (rules in the module docstring).

    Rules: its data administrator or a platform administrator (``can_see_quality``). A few
    aggregate queries per registry. Errors: ``PermissionDenied``.
    """
    if not can_see_quality(actor=actor, department=department):
        raise PermissionDenied(_("Only the department's data administrator sees its data quality."))
    now = timezone.now()
    registries = [_registry_quality(r, department, now) for r in Registry.values]
    jobs = ImportJob.objects.filter(
        department=department, created_at__gte=now - dt.timedelta(days=IMPORT_WINDOW_DAYS)
    )
    totals = jobs.aggregate(
        problems=Sum("problem_count"),
        failed=Count("id", filter=Q(status=ImportJob.Status.FAILED)),
    )
    disputes = Dispute.objects.filter(authority=department, status=Dispute.Status.OPEN)
    return DepartmentQuality(
        department=department,
        registries=[r for r in registries if r.attributes],
        imports=list(jobs.order_by("-created_at")[:RECENT_IMPORTS]),
        import_problems=totals["problems"] or 0,
        failed_imports=totals["failed"],
        open_conflicts=RecordConflict.objects.filter(
            authoritative_department=department, status=RecordConflict.Status.OPEN
        ).count(),
        open_disputes=disputes.count(),
        overdue_disputes=disputes.filter(deadline_state=DeadlineState.OVERDUE).count(),
    )
