"""Reads of the macro-economic indicators registry: public lists, series, history, regions.

Indicators in force and their figures are open data (无条件开放): every read here is public,
except drafts, which only their maintainers see.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _

from ecity.core.errors import NotFound, ValidationFailed
from ecity.identity.models import User
from ecity.org import selectors as org_selectors
from ecity.org.models import Department, Region
from ecity.registry.models import CodeValue, Indicator, Observation, ObservationRevision, Subject
from ecity.registry.periods import period_of_any
from ecity.registry.selectors.records import can_write_records

#: The code list of GB/T 2260 region codes (shipped provinces; the demo adds its city).
REGION_CODE_LIST = "region"


def indicator_list(
    *, query: str = "", subject: str = "", department: str = ""
) -> QuerySet[Indicator]:
    """List the indicators in force, filtered by text, subject and authority department code.

    ``query`` matches the code (exact, case-insensitive) or part of either name. Public. Each
    row has ``observation_count``; the authority is selected.
    """
    indicators = (
        Indicator.objects.filter(status=Indicator.Status.IN_FORCE)
        .select_related("authority")
        .annotate(observation_count=Count("observations"))
    )
    if query:
        indicators = indicators.filter(
            Q(code__iexact=query) | Q(name__icontains=query) | Q(name_en__icontains=query)
        )
    if subject:
        indicators = indicators.filter(subject=subject)
    if department:
        indicators = indicators.filter(authority__code=department)
    return indicators.order_by("subject", "sort_order", "code")


def indicator_subjects() -> list[tuple[str, str, int]]:
    """The subjects that have indicators in force: ``(value, label, count)``. Public."""
    counts = dict(
        Indicator.objects.filter(status=Indicator.Status.IN_FORCE)
        .values_list("subject")
        .annotate(n=Count("id"))
    )
    return [
        (value, str(label), counts[value]) for value, label in Subject.choices if value in counts
    ]


def indicator_departments() -> QuerySet[Department]:
    """The departments that are the authority of an indicator in force. Public."""
    return Department.objects.filter(indicators__status=Indicator.Status.IN_FORCE).distinct()


def indicator_get(*, code: str, actor: User | None = None) -> Indicator:
    """Return the indicator ``code``: in force or withdrawn for anyone, a draft for those who may
    maintain it. Raises ``NotFound``."""
    indicator = (
        Indicator.objects.select_related("authority", "data_element").filter(code=code).first()
    )
    if indicator is None or (
        indicator.status == Indicator.Status.DRAFT
        and not (actor is not None and can_maintain_indicator(actor=actor, indicator=indicator))
    ):
        raise NotFound(_("There is no indicator %(code)s.") % {"code": code})
    return indicator


def can_maintain_indicator(*, actor: User, indicator: Indicator) -> bool:
    """Whether ``actor`` may change the indicator or write its figures: the record writers of its
    authority department (department administrators, counter clerks; parents included) and
    platform administrators."""
    return can_write_records(actor=actor, department=indicator.authority)


def indicator_writable_departments(*, actor: User) -> QuerySet[Department]:
    """The departments for which ``actor`` may load figures (the authorities of indicators)."""
    departments = Department.objects.filter(indicators__isnull=False).distinct()
    if org_selectors.is_platform_admin(user=actor):
        return departments
    ids = [d.pk for d in departments if can_write_records(actor=actor, department=d)]
    return departments.filter(pk__in=ids)


def region_codes_known(*, codes: Iterable[str], on: dt.date) -> set[str]:
    """The ``codes`` that name a region: an ``org.Region`` or a GB/T 2260 code valid on ``on``."""
    wanted = set(codes)
    known = set(Region.objects.filter(code__in=wanted).values_list("code", flat=True))
    listed = (
        CodeValue.objects.filter(code_list__identifier=REGION_CODE_LIST, code__in=wanted - known)
        .filter(Q(valid_from__isnull=True) | Q(valid_from__lte=on))
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=on))
    )
    return known | set(listed.values_list("code", flat=True))


def region_names(*, codes: Iterable[str]) -> dict[str, str]:
    """The names of ``codes`` (in the page's language when a region has one), code if unknown."""
    wanted = set(codes)
    names = {r.code: r.name for r in Region.objects.filter(code__in=wanted)}
    for value in CodeValue.objects.filter(
        code_list__identifier=REGION_CODE_LIST, code__in=wanted - set(names)
    ):
        names[value.code] = value.display_name
    return {code: names.get(code, code) for code in wanted}


@dataclass(frozen=True)
class SeriesFilters:
    """Which figures of an indicator to show: regions (empty: all) and a period range."""

    regions: tuple[str, ...] = ()
    period_from: str = ""
    period_to: str = ""

    def bounds(self) -> tuple[dt.date | None, dt.date | None]:
        """The first and last day asked for; ``ValidationFailed`` naming a bad field."""
        errors: dict[str, list[str]] = {}
        start = end = None
        for name in ("period_from", "period_to"):
            text = getattr(self, name)
            if not text:
                continue
            period = period_of_any(text)
            if period is None:
                errors[name] = [_("Write a period as 2025, 2025Q3 or 2025-09.")]
            elif name == "period_from":
                start = period.start
            else:
                end = period.end
        if start and end and end < start:
            errors["period_to"] = [_("The end of the range is before its start.")]
        if errors:
            raise ValidationFailed(fields=errors)
        return start, end


def observation_series(*, indicator: Indicator, filters: SeriesFilters) -> QuerySet[Observation]:
    """The indicator's current figures, by region then period, filtered. Public.

    Raises ``ValidationFailed`` (``period_from``, ``period_to``) for a period that is not one.
    """
    start, end = filters.bounds()
    observations = Observation.objects.filter(indicator=indicator)
    if filters.regions:
        observations = observations.filter(region_code__in=filters.regions)
    if start:
        observations = observations.filter(period_start__gte=start)
    if end:
        observations = observations.filter(period_end__lte=end)
    return observations.order_by("region_code", "period_start")


def observation_regions(*, indicator: Indicator) -> list[str]:
    """The region codes the indicator has figures for, in code order. Public."""
    return list(
        Observation.objects.filter(indicator=indicator)
        .order_by("region_code")
        .values_list("region_code", flat=True)
        .distinct()
    )


def observation_history(*, observation: Observation) -> QuerySet[ObservationRevision]:
    """The replaced versions of a figure, newest first. Public (published figures are open)."""
    return observation.revisions.select_related("department").order_by("-version")
