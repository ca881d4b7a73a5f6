"""Reads of the government information resource catalogue (政务信息资源目录).

The published catalogue is public: every published live entry (``revision_of`` empty) with its
provider, subjects, service items and items. Drafts, entries in review and revisions are seen
by those who maintain them (the provider's department administrators) and by reviewers
(platform administrators).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from ecity.core.errors import NotFound
from ecity.identity.models import User
from ecity.org import selectors as org_selectors
from ecity.org.models import Department, StaffRole
from ecity.registry.models import (
    OpenType,
    Resource,
    ResourceFormat,
    ResourceItem,
    ShareType,
    SubjectTerm,
    UpdateCycle,
)

#: The facets of the public catalogue: filter name → the choices it takes (None: from data).
#: The format facet is ``resource_format``: ``format`` selects the response format in the API.
FACET_CHOICES: dict[str, type | None] = {
    "department": None,
    "subject": None,
    "share_type": ShareType,
    "open_type": OpenType,
    "resource_format": ResourceFormat,
    "update_cycle": UpdateCycle,
}
#: The facets that are a field of ``Resource``: filter name → field name.
FACET_FIELDS = {
    "share_type": "share_type",
    "open_type": "open_type",
    "resource_format": "format",
    "update_cycle": "update_cycle",
}


@dataclass(frozen=True)
class CatalogueFilters:
    """What the public catalogue is narrowed to; empty strings mean no filter."""

    query: str = ""
    department: str = ""  # a department code
    subject: str = ""  # a subject term (the preferred term)
    share_type: str = ""
    open_type: str = ""
    resource_format: str = ""
    update_cycle: str = ""

    def invalid_fields(self) -> dict[str, list[str]]:
        """The filters whose value is not one of the field's choices, with a message."""
        errors: dict[str, list[str]] = {}
        for name, choices in FACET_CHOICES.items():
            value = getattr(self, name)
            if choices is not None and value and value not in choices.values:  # type: ignore[attr-defined]
                errors[name] = [_("Unknown value %(value)s.") % {"value": value}]
        return errors


def can_review_resources(*, actor: User) -> bool:
    """Whether ``actor`` reviews catalogue entries before publication (platform administrators)."""
    return org_selectors.is_platform_admin(user=actor)


def can_maintain_resource(*, actor: User, provider: Department) -> bool:
    """Whether ``actor`` maintains the entries of ``provider``.

    The provider department's administrators (their data administrators; sub-units included)
    and platform administrators.
    """
    if org_selectors.is_platform_admin(user=actor):
        return True
    return org_selectors.user_has_role(
        user=actor, role=StaffRole.Role.DEPARTMENT_ADMIN, department=provider
    )


def _with_details(resources: QuerySet[Resource]) -> QuerySet[Resource]:
    items = ResourceItem.objects.select_related("data_element", "data_element__code_list")
    return resources.select_related("provider", "code_list").prefetch_related(
        "subjects",
        "services",
        Prefetch("items", queryset=items.order_by("order", "id")),
    )


def resource_published_list() -> QuerySet[Resource]:
    """List the published catalogue (live entries), provider and subjects joined. Public."""
    return (
        Resource.objects.filter(revision_of__isnull=True, status=Resource.Status.PUBLISHED)
        .select_related("provider")
        .prefetch_related("subjects")
        .order_by("code")
    )


def resource_catalogue(*, filters: CatalogueFilters) -> QuerySet[Resource]:
    """List the published catalogue narrowed by ``filters``. Public.

    ``query`` matches part of the Chinese or English name or the code; ``department`` keeps the
    resources of that department and its sub-units; ``subject`` those classified under the term.
    Unknown choice values match nothing (callers check ``filters.invalid_fields()`` first).
    """
    resources = resource_published_list()
    if filters.query:
        resources = resources.filter(
            Q(name__icontains=filters.query)
            | Q(name_en__icontains=filters.query)
            | Q(code__iexact=filters.query)
        )
    if filters.department:
        resources = resources.filter(
            Q(provider__code=filters.department) | Q(provider__parent__code=filters.department)
        )
    if filters.subject:
        resources = resources.filter(subjects__term=filters.subject).distinct()
    for name, field_name in FACET_FIELDS.items():
        value = getattr(filters, name)
        if value:
            resources = resources.filter(**{field_name: value})
    return resources


@dataclass
class FacetValue:
    value: str
    label: str
    count: int
    is_selected: bool = False
    url: str = ""  # set by the page: the catalogue with this value chosen (or unchosen)


@dataclass
class Facet:
    name: str
    values: list[FacetValue] = field(default_factory=list)
    title: str = ""  # set by the page


def resource_facets(*, resources: QuerySet[Resource], filters: CatalogueFilters) -> list[Facet]:
    """Count ``resources`` by department, subject, share type, open type, format, update cycle.

    Values with no resource are left out. Four queries whatever the catalogue's size: the
    narrowed catalogue's facet columns (counted here, so the narrowing runs once, not once per
    facet), its subject links, and the names of the departments and subjects counted.
    """
    ids = resources.order_by().values("pk")
    columns = list(FACET_FIELDS.values())
    providers: Counter[int] = Counter()
    counts: dict[str, Counter[str]] = {name: Counter() for name in FACET_FIELDS}
    for provider_id, *values in Resource.objects.filter(pk__in=ids).values_list(
        "provider_id", *columns
    ):
        providers[provider_id] += 1
        for name, value in zip(FACET_FIELDS, values, strict=True):
            counts[name][value] += 1
    subject_counts = Counter(
        Resource.subjects.through.objects.filter(resource_id__in=ids).values_list(
            "subjectterm_id", flat=True
        )
    )
    facets: list[Facet] = []
    departments = Department.objects.filter(pk__in=list(providers)).order_by("sort_order", "code")
    facets.append(
        Facet(
            "department",
            [
                FacetValue(d.code, d.name, providers[d.pk], d.code == filters.department)
                for d in departments
            ],
        )
    )
    terms = sorted(
        SubjectTerm.objects.filter(pk__in=list(subject_counts)),
        key=lambda t: (-subject_counts[t.pk], t.term),
    )
    facets.append(
        Facet(
            "subject",
            [
                FacetValue(t.term, t.display_term, subject_counts[t.pk], t.term == filters.subject)
                for t in terms
            ],
        )
    )
    for name in FACET_FIELDS:
        choices = FACET_CHOICES[name]
        labels = dict(choices.choices)  # type: ignore[union-attr]
        selected = getattr(filters, name)
        facets.append(
            Facet(
                name,
                [
                    FacetValue(value, str(label), counts[name][value], value == selected)
                    for value, label in labels.items()
                    if counts[name].get(value)
                ],
            )
        )
    return facets


def resource_published_get(*, code: str) -> Resource:
    """Return the published entry ``code`` with its items, subjects and services. Public.

    Raises ``NotFound`` when there is no published entry with that code.
    """
    resource = _with_details(resource_published_list()).filter(code=code).first()
    if resource is None:
        raise NotFound(_("There is no published resource %(code)s.") % {"code": code})
    return resource


def resource_open_list() -> QuerySet[Resource]:
    """List the published entries that are open data without condition (无条件开放). Public."""
    return _with_details(resource_published_list().filter(open_type=OpenType.OPEN))


def resource_open_get(*, code: str) -> Resource:
    """Return the open-data entry ``code``. Public.

    Raises ``NotFound`` unless it is published and open without condition.
    """
    resource = resource_open_list().filter(code=code).first()
    if resource is None:
        raise NotFound(_("There is no open data resource %(code)s.") % {"code": code})
    return resource


def resource_export_list() -> QuerySet[Resource]:
    """The published catalogue with everything an export writes (items, subjects, services)."""
    return _with_details(resource_published_list())


def resource_working_copy(*, code: str) -> Resource | None:
    """The entry of ``code`` that is changed next: its open revision, else the live entry.

    No permission check: services call it before checking the actor's rights on the result.
    """
    live = Resource.objects.filter(code=code, revision_of__isnull=True).first()
    if live is None:
        return None
    revision = Resource.objects.filter(revision_of=live).first()
    return revision or live
