"""The demo city's macro-economic indicators, written through ``ecity.registry`` services.

The indicators are created and put in force by ``admin``; the figures are loaded by ``admin``
for the statistics bureau (TJJ) as a file would be: first the preliminary 2024 GDP, then the
whole series (so 2024's GDP shows a revision history).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from django.utils import timezone

from ecity.demo.data import indicators as data
from ecity.identity.models import User
from ecity.org.models import Department
from ecity.registry.models import Indicator
from ecity.registry.periods import period_parse
from ecity.registry.services.indicator_loads import indicator_observations_load
from ecity.registry.services.indicators import indicator_save, indicator_status_set


def _csv(figures: Iterable[data.Figure]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["indicator", "region", "period", "value", "status"])
    for figure in figures:
        writer.writerow(
            [figure.indicator, figure.region, figure.period, figure.value, figure.status]
        )
    return buffer.getvalue().encode()


def _load(*, actor: User, department: Department, name: str, figures: list[data.Figure]) -> None:
    report = indicator_observations_load(
        actor=actor, department=department, file_name=name, content=_csv(figures)
    )
    if report.problems:
        raise ValueError(f"demo indicators {name}: {report.problems[:5]}")


def demo_indicators_ensure(*, actor: User) -> int:
    """Create the demo indicators that are missing and load their figures; return how many
    indicators were created.

    Idempotent: an existing indicator is left as its maintainers left it, and figures are
    loaded only for indicators without any (periods that have not ended are skipped).
    Needs the statistics bureau (``departments_ensure``) and the region codes.
    """
    statistics = Department.objects.get(code="TJJ")
    existing = {
        i.code: i for i in Indicator.objects.filter(code__in=[s.code for s in data.INDICATORS])
    }
    created = 0
    for order, spec in enumerate(data.INDICATORS):
        if spec.code in existing:
            continue
        indicator = indicator_save(
            actor=actor,
            code=spec.code,
            name=spec.name,
            name_en=spec.name_en,
            definition=spec.definition,
            subject=spec.subject,
            unit=spec.unit,
            frequency=spec.frequency,
            aggregation=spec.aggregation,
            decimal_places=spec.decimal_places,
            authority=statistics,
            source=spec.source,
            sort_order=order * 10,
        )
        existing[spec.code] = indicator_status_set(
            actor=actor, indicator=indicator, status=Indicator.Status.IN_FORCE
        )
        created += 1
    empty = {code for code, i in existing.items() if not i.observations.exists()}
    today = timezone.localdate()
    frequency = {s.code: s.frequency for s in data.INDICATORS}
    figures = [
        f
        for f in data.figures()
        if f.indicator in empty
        and period_parse(f.period, frequency=frequency[f.indicator]).end < today
    ]
    first = [
        f._replace(
            value=(f.value * data.FIRST_RELEASE_FACTOR).quantize(f.value), status="preliminary"
        )
        for f in figures
        if f.indicator == "GDP" and f.period == "2024"
    ]
    if first:
        _load(actor=actor, department=statistics, name="gdp-2024-preliminary.csv", figures=first)
    if figures:
        _load(actor=actor, department=statistics, name="indicators.csv", figures=figures)
    return created
