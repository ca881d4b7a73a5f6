"""Pages of the macro-economic indicators registry: the public list, an indicator's figures with
a chart and a data table, downloads (CSV, JSON), and the staff page to load a file of figures."""

from __future__ import annotations

import csv
import io
from collections import defaultdict

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from ecity.core.errors import NotFound, PermissionDenied, ValidationFailed
from ecity.core.forms import add_application_error
from ecity.identity.models import User
from ecity.registry.forms import IndicatorUploadForm
from ecity.registry.indicator_chart import Point, Series, chart_svg
from ecity.registry.models import Indicator, Observation
from ecity.registry.selectors import indicators as selectors
from ecity.registry.selectors.indicators import SeriesFilters
from ecity.registry.services.indicator_loads import LOAD_COLUMNS, indicator_observations_load


def _actor(request: HttpRequest) -> User | None:
    user = request.user
    return user if isinstance(user, User) and user.is_authenticated else None


@require_GET
def indicator_list(request: HttpRequest) -> HttpResponse:
    """The indicators in force, grouped by subject; search, subject and department filters."""
    query = request.GET.get("q", "").strip()[:100]
    subject = request.GET.get("subject", "").strip()[:32]
    department = request.GET.get("department", "").strip()[:32]
    indicators = selectors.indicator_list(query=query, subject=subject, department=department)
    groups: dict[str, list[Indicator]] = defaultdict(list)
    for indicator in indicators:
        groups[indicator.get_subject_display()].append(indicator)
    context = {
        "groups": dict(groups),
        "query": query,
        "subject": subject,
        "department": department,
        "subjects": selectors.indicator_subjects(),
        "departments": selectors.indicator_departments(),
        "can_upload": _actor(request) is not None
        and selectors.indicator_writable_departments(actor=request.user).exists(),
    }
    return render(request, "registry/indicator_list.html", context)


def _indicator(request: HttpRequest, code: str) -> Indicator:
    try:
        return selectors.indicator_get(code=code, actor=_actor(request))
    except NotFound as exc:
        raise Http404(exc.message) from exc


def _filters(request: HttpRequest) -> SeriesFilters:
    return SeriesFilters(
        regions=tuple(code.strip()[:12] for code in request.GET.getlist("region")[:50] if code),
        period_from=request.GET.get("from", "").strip()[:10],
        period_to=request.GET.get("to", "").strip()[:10],
    )


def _series(indicator: Indicator, filters: SeriesFilters) -> list[Observation]:
    return list(selectors.observation_series(indicator=indicator, filters=filters))


@require_GET
def indicator_detail(request: HttpRequest, code: str) -> HttpResponse:
    """An indicator's figures: chart (SVG) and data table, filtered by region and period range."""
    indicator = _indicator(request, code)
    filters = _filters(request)
    errors: dict[str, list[str]] = {}
    try:
        observations = _series(indicator, filters)
    except ValidationFailed as exc:
        errors, observations = exc.fields, []
    all_regions = selectors.observation_regions(indicator=indicator)
    names = selectors.region_names(codes=all_regions)
    by_region: dict[str, list[Observation]] = defaultdict(list)
    for observation in observations:
        observation.indicator = indicator  # value_text reads it
        by_region[observation.region_code].append(observation)
    regions = [code for code in all_regions if code in by_region]
    periods = sorted({(o.period_start, o.period) for o in observations}, key=lambda pair: pair[0])
    cells = {(o.region_code, o.period): o for o in observations}
    rows = [
        {"period": period, "cells": [cells.get((region, period)) for region in regions]}
        for _start, period in periods
    ]
    series = [
        Series(
            name=names[region],
            points=[Point(o.period, o.value, o.value_text) for o in by_region[region]],
        )
        for region in regions
    ]
    title = f"{indicator.display_name} ({indicator.unit})"
    description = _(
        "%(indicator)s by %(frequency)s period for %(regions)s: %(count)d figures. "
        "The table below gives every value."
    ) % {
        "indicator": indicator.display_name,
        "frequency": indicator.get_frequency_display().lower(),
        "regions": ", ".join(names[r] for r in regions),
        "count": len(observations),
    }
    params = request.GET.urlencode()
    context = {
        "indicator": indicator,
        "filters": filters,
        "errors": errors,
        "region_choices": [(code, names[code]) for code in all_regions],
        "regions": [(code, names[code]) for code in regions],
        "rows": rows,
        "chart": chart_svg(
            title=title, description=description, unit=indicator.unit, series=series
        ),
        "point_count": len(observations),
        "query": f"?{params}" if params else "",
    }
    return render(request, "registry/indicator_detail.html", context, status=400 if errors else 200)


def _records(indicator: Indicator, observations: list[Observation]) -> list[dict[str, str]]:
    return [
        {
            "indicator": indicator.code,
            "region": o.region_code,
            "period": o.period,
            "period_start": o.period_start.isoformat(),
            "period_end": o.period_end.isoformat(),
            "value": indicator.value_text(o.value),
            "unit": indicator.unit,
            "status": o.status,
            "version": str(o.version),
            "source": o.source,
            "source_reference": o.source_reference,
            "note": o.note,
        }
        for o in observations
    ]


@require_GET
def indicator_download(request: HttpRequest, code: str, export_format: str) -> HttpResponse:
    """The figures shown on the indicator's page (same filters) as CSV or JSON: open data."""
    indicator = _indicator(request, code)
    try:
        observations = _series(indicator, _filters(request))
    except ValidationFailed as exc:
        return JsonResponse(
            {"code": exc.code, "message": exc.message, "fields": exc.fields}, status=400
        )
    records = _records(indicator, observations)
    if export_format == "json":
        response = JsonResponse(
            {
                "indicator": {
                    "code": indicator.code,
                    "name": indicator.name,
                    "name_en": indicator.name_en,
                    "unit": indicator.unit,
                    "frequency": indicator.frequency,
                    "aggregation": indicator.aggregation,
                    "authority": indicator.authority.code,
                    "source": indicator.source,
                },
                "observations": records,
            },
            json_dumps_params={"ensure_ascii": False},
        )
    else:
        buffer = io.StringIO()
        buffer.write("\ufeff")  # Excel opens UTF-8 with a BOM
        writer = csv.DictWriter(buffer, fieldnames=list(records[0]) if records else ["indicator"])
        writer.writeheader()
        writer.writerows(records)
        response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{indicator.code}.{export_format}"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def indicator_upload(request: HttpRequest) -> HttpResponse:
    """Staff: load a file of figures for their department (dry run first), with the report."""
    departments = selectors.indicator_writable_departments(actor=request.user)
    if not departments.exists():
        raise DjangoPermissionDenied(_("You do not write the figures of any indicator."))
    form = IndicatorUploadForm(request.POST or None, request.FILES or None, departments=departments)
    report = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            report = indicator_observations_load(
                actor=request.user,
                department=form.cleaned_data["department"],
                file_name=upload.name,
                content=upload.read(),
                dry_run=form.cleaned_data["dry_run"],
            )
        except PermissionDenied as error:
            add_application_error(form, error)
    status = 400 if report is not None and report.problems else 200
    return render(
        request,
        "registry/indicator_upload.html",
        {"form": form, "report": report, "columns": LOAD_COLUMNS},
        status=status,
    )
