"""Reads of the proactive-disclosure catalogue, guides and published annual reports."""

from __future__ import annotations

from django.db.models import Count, QuerySet

from ecity.core.errors import NotFound
from ecity.disclosure.models import AnnualReport, CatalogueEntry, Category, DisclosureGuide
from ecity.org.models import Department


def departments_with_catalogue() -> QuerySet[Department]:
    """Active departments, each with ``entry_count`` (its catalogue entries), by code."""
    return (
        Department.objects.filter(is_active=True)
        .annotate(entry_count=Count("disclosure_entries"))
        .order_by("code")
    )


def catalogue_entries(
    *, department: Department | None = None, category: str = ""
) -> QuerySet[CatalogueEntry]:
    """Catalogue entries, newest first, filtered by department and category (all public)."""
    entries = CatalogueEntry.objects.select_related("department")
    if department is not None:
        entries = entries.filter(department=department)
    if category in Category.values:
        entries = entries.filter(category=category)
    return entries.order_by("-published_at", "-id")


def category_counts(*, department: Department) -> list[tuple[str, str, int]]:
    """(code, label, count) of every category for ``department``'s catalogue."""
    counts = dict(
        CatalogueEntry.objects.filter(department=department)
        .values_list("category")
        .annotate(n=Count("id"))
        .values_list("category", "n")
    )
    return [(code, str(label), counts.get(code, 0)) for code, label in Category.choices]


def guide_of(*, department: Department) -> DisclosureGuide | None:
    """``department``'s disclosure guide, if it wrote one."""
    return DisclosureGuide.objects.filter(department=department).first()


def reports_published(*, department: Department | None = None) -> QuerySet[AnnualReport]:
    """Published annual reports, newest year first."""
    reports = AnnualReport.objects.filter(status=AnnualReport.Status.PUBLISHED).select_related(
        "department"
    )
    if department is not None:
        reports = reports.filter(department=department)
    return reports.order_by("-year", "department__code")


def report_published_get(*, department: Department, year: int) -> AnnualReport:
    """The published report of ``department`` for ``year``; ``NotFound`` otherwise."""
    report = reports_published(department=department).filter(year=year).first()
    if report is None:
        raise NotFound()
    return report
