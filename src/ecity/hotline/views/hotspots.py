"""Statistics pages of the hotline centre (统计分析): trends and hotspots, department measures
and the weekly report (PDF and Excel). Reads only; who may see them is
``selectors.hotspots.can_view_statistics``."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from ecity.core.views import view_permission
from ecity.hotline import reports
from ecity.hotline.selectors import hotspots as selectors
from ecity.hotline.selectors.hotspot_overview import hotspot_overview, hotspot_overview_forget
from ecity.hotline.selectors.measures import DEFINITIONS, department_measures, ranked
from ecity.hotline.views import charts
from ecity.hotline.views.hotspots_forms import HotspotsForm, MeasuresForm, WeekForm

#: Signed-in readers of the statistics only; others 403.
statistics_required = view_permission(lambda user: selectors.can_view_statistics(actor=user))


def _with_refresh(request: HttpRequest) -> str:
    """The page's query string asking for figures computed now."""
    query = request.GET.copy()
    query["refresh"] = "1"
    return query.urlencode()


@statistics_required
def hotspots_index(request: HttpRequest) -> HttpResponse:
    """Trends by time, category and region; rising topics; repeated places; recurring problems."""
    form = HotspotsForm(request.GET)
    context: dict[str, Any] = {"form": form}
    if not form.is_bound or form.is_valid():
        period = form.period()
        data = form.cleaned_data if form.is_bound else {}
        granularity = data.get("granularity") or "day"
        topic_days = data.get("topic_days") or 7
        if request.GET.get("refresh"):
            hotspot_overview_forget(period=period, granularity=granularity, topic_days=topic_days)
        overview = hotspot_overview(period=period, granularity=granularity, topic_days=topic_days)
        series, by_category, by_region = overview.series, overview.by_category, overview.by_region
        context.update(
            period=period,
            granularity=granularity,
            topic_days=topic_days,
            series=series,
            total=sum(b.count for b in series),
            line=charts.line_chart(series),
            by_category=by_category,
            category_bars=charts.bar_chart(by_category),
            by_region=by_region,
            region_bars=charts.bar_chart([g for g in by_region if g.key]),
            region_map=charts.region_grid(by_region),
            topics=overview.topics,
            places=overview.places,
            recurring=overview.recurring,
            computed_at=overview.computed_at,
            refresh_query=_with_refresh(request),
            repeat_days=selectors.REPEAT_DAYS,
            repeat_min=selectors.REPEAT_MIN,
            near_metres=selectors.NEAR_METRES,
            rate_min=int(selectors.RATE_MIN * 100),
        )
    return render(request, "hotline/hotspots/index.html", context)


@statistics_required
def measures_index(request: HttpRequest) -> HttpResponse:
    """The measures of each department (or sub-district) in a period, ranked, with definitions."""
    form = MeasuresForm(request.GET)
    context: dict[str, Any] = {"form": form, "definitions": DEFINITIONS}
    if not form.is_bound or form.is_valid():
        data = form.cleaned_data if form.is_bound else {}
        grouping = data.get("grouping") or "department"
        order = data.get("order") or "score"
        rows = department_measures(period=form.period(), grouping=grouping)
        context.update(
            period=form.period(),
            grouping=grouping,
            order=order,
            rows=ranked(rows, order=order),
        )
    return render(request, "hotline/hotspots/measures.html", context)


@statistics_required
def weekly_report(request: HttpRequest) -> HttpResponse:
    """Choose a week and download its report (PDF or Excel)."""
    form = WeekForm(request.GET or None)
    context: dict[str, Any] = {"form": form}
    if form.is_bound and form.is_valid():
        period = form.week_period()
        context.update(period=period, week=period.start.isoformat())
    return render(request, "hotline/hotspots/weekly.html", context)


@statistics_required
def weekly_report_download(request: HttpRequest, fmt: str) -> HttpResponse:
    """The week's report as ``pdf`` or ``xlsx`` (``?week=`` a day of that week)."""
    if fmt not in ("pdf", "xlsx"):
        raise Http404
    form = WeekForm(request.GET)
    if not form.is_valid():
        return render(request, "hotline/hotspots/weekly.html", {"form": form}, status=400)
    period = form.week_period()
    report = reports.weekly_report(period=period)
    if fmt == "pdf":
        body, content_type = reports.report_pdf(report), reports.PDF_TYPE
    else:
        body, content_type = reports.report_xlsx(report), reports.XLSX_TYPE
    response = HttpResponse(body, content_type=content_type)
    name = f"hotline-weekly-{period.start:%Y%m%d}.{fmt}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
