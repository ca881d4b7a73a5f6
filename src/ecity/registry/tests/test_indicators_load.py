"""Loading indicator figures from CSV and Excel: a row/column report, all or nothing, audited."""

from __future__ import annotations

import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from ecity.audit.models import AuditEntry
from ecity.core.errors import PermissionDenied
from ecity.registry.models import Observation, ObservationRevision
from ecity.registry.services.indicator_loads import indicator_observations_load

pytestmark = pytest.mark.django_db

GOOD = (
    "indicator,region,period,value,status\n"
    "GDP,990100,2023,5320.15,final\n"
    "GDP,990102,2023,2101.40,final\n"
    "CPI_Q,990100,2024Q1,100.3,preliminary\n"
)


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def _load(ind, text, encoding="utf-8", file_name="figures.csv", **kwargs):
    values = {"actor": ind["statistician"], "department": ind["statistics"], **kwargs}
    return indicator_observations_load(file_name=file_name, content=text.encode(encoding), **values)


def _problems(report):
    return [(p.row, p.column, p.message) for p in report.problems]


def test_csv_loads_every_figure_and_audits_once(indicators):
    report = _load(indicators, GOOD)

    assert (report.created, report.revised, report.unchanged, report.problems) == (3, 0, 0, [])
    assert Observation.objects.get(region_code="990102").value == Decimal("2101.40")
    entry = AuditEntry.objects.get(action="registry.indicators_loaded")
    assert entry.data["indicators"] == ["CPI_Q", "GDP"]
    assert entry.data["created"] == 3


def test_gb18030_csv_is_read(indicators):
    text = "indicator,region,period,value,note\nGDP,990100,2023,5320.15,初步核算\n"
    _load(indicators, text, encoding="gb18030")
    assert Observation.objects.get().note == "初步核算"


def test_excel_file_loads(indicators):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["indicator", "region", "period", "value", "status"])
    sheet.append(["GDP", "990100", 2023, 5320.15, "final"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    report = indicator_observations_load(
        actor=None,
        department=indicators["statistics"],
        file_name="figures.xlsx",
        content=buffer.getvalue(),
    )
    assert report.created == 1
    assert Observation.objects.get().period == "2023"


def test_every_problem_is_reported_by_row_and_column_and_nothing_is_written(indicators):
    text = (
        "indicator,region,period,value,status\n"
        "GDP,990100,2023,5320.15,final\n"  # fine, but not written
        "GDP,990100,2023Q1,10,final\n"
        "NOPE,990100,2023,1,final\n"
        "UNEMP,990100,2023,150,final\n"
        "GDP,123456,2030,1.234,maybe\n"
        "GDP,990100,2023,5320.15,final\n"
        "GDP,,2023,,\n"
    )
    report = _load(indicators, text)

    assert _problems(report) == [
        (3, "period", "This indicator is annual: write the period as 2025."),
        (4, "indicator", "There is no indicator NOPE."),
        (5, "value", "A rate is a percentage between -100 and 100."),
        (6, "region", "123456 is not a known region code (GB/T 2260)."),
        (6, "period", "The period 2030 has not ended yet."),
        (6, "value", "At most 2 decimal places (the indicator's precision)."),
        (6, "status", "Use preliminary, final or revised."),
        (7, "period", "This figure is already in row 2."),
        (8, "region", "This cell is required."),
        (8, "value", "This cell is required."),
    ]
    assert Observation.objects.count() == 0
    assert not AuditEntry.objects.filter(action="registry.indicators_loaded").exists()


def test_rows_of_another_authority_are_refused(indicators):
    report = _load(
        indicators, GOOD, actor=indicators["market_admin"], department=indicators["market"]
    )
    assert _problems(report)[0] == (
        2,
        "indicator",
        "Only Shifan Statistics Bureau writes the figures of GDP (one data, one source).",
    )
    assert Observation.objects.count() == 0


def test_staff_of_another_department_may_not_load_for_the_authority(indicators):
    with pytest.raises(PermissionDenied):
        _load(indicators, GOOD, actor=indicators["market_admin"])


def test_dry_run_reports_and_writes_nothing(indicators):
    _load(indicators, "indicator,region,period,value\nGDP,990100,2023,5000\n")

    report = _load(indicators, GOOD, dry_run=True)

    assert (report.created, report.revised, report.unchanged) == (2, 1, 0)
    assert Observation.objects.get(region_code="990100", period="2023").value == Decimal("5000")
    assert Observation.objects.count() == 1


def test_reload_revises_changed_figures_and_keeps_history(indicators):
    _load(indicators, GOOD)
    revised = GOOD.replace("5320.15,final", "5333.00,revised")

    report = _load(indicators, revised)

    assert (report.created, report.revised, report.unchanged) == (0, 1, 2)
    revision = ObservationRevision.objects.get()
    assert (revision.value, revision.status, revision.version) == (Decimal("5320.15"), "final", 1)


def test_final_figure_changed_without_revised_is_a_problem(indicators):
    _load(indicators, GOOD)
    report = _load(indicators, GOOD.replace("5320.15,final", "5400,final"))
    assert _problems(report) == [
        (
            2,
            "status",
            "The figure for 2023 is final (5320.15): send a changed value with the status revised.",
        )
    ]


def test_command_prints_the_report_and_fails_on_problems(indicators, tmp_path, capsys):
    bad = tmp_path / "bad.csv"
    bad.write_text("indicator,region,period,value\nGDP,990100,2023Q2,1\n", encoding="utf-8")
    with pytest.raises(CommandError, match="1 problem"):
        call_command("registry_indicators_load", str(bad), "--department", "TJJ")
    assert "2\tperiod\tThis indicator is annual" in capsys.readouterr().err

    good = tmp_path / "good.csv"
    good.write_text(GOOD, encoding="utf-8")
    call_command("registry_indicators_load", str(good), "--department", "TJJ", "--dry-run")
    assert "3 figures would be created" in capsys.readouterr().out
    assert Observation.objects.count() == 0
    call_command("registry_indicators_load", str(good), "--department", "TJJ")
    assert Observation.objects.count() == 3
