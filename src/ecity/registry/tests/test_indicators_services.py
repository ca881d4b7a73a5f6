"""Writing indicator figures: every rule with field-level errors, history, one data one source."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import translation

from ecity.audit.models import AuditEntry
from ecity.core.errors import Conflict, PermissionDenied, ValidationFailed
from ecity.registry.models import Observation, ObservationRevision
from ecity.registry.periods import PeriodError, period_parse
from ecity.registry.selectors.indicators import observation_history
from ecity.registry.services.indicators import (
    ObservationInput,
    indicator_save,
    indicator_status_set,
    observation_write,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def _write(ind, indicator="gdp", actor="statistician", department="statistics", **figure):
    values = {"region_code": "990100", "period": "2024", "value": "5678.90", **figure}
    return observation_write(
        actor=ind[actor] if actor else None,
        department=ind[department],
        indicator=ind[indicator],
        figure=ObservationInput(**values),
    )


@pytest.mark.parametrize(
    ("text", "frequency", "canonical", "start", "end"),
    [
        ("2025", "annual", "2025", "2025-01-01", "2025-12-31"),
        ("2025年", "annual", "2025", "2025-01-01", "2025-12-31"),
        ("2024q1", "quarterly", "2024Q1", "2024-01-01", "2024-03-31"),
        ("2024年第4季度", "quarterly", "2024Q4", "2024-10-01", "2024-12-31"),
        ("2024-2", "monthly", "2024-02", "2024-02-01", "2024-02-29"),
        ("2025/09", "monthly", "2025-09", "2025-09-01", "2025-09-30"),
    ],
)
def test_period_forms_become_canonical_with_first_and_last_day(
    text, frequency, canonical, start, end
):
    period = period_parse(text, frequency=frequency)
    assert (period.text, period.start.isoformat(), period.end.isoformat()) == (
        canonical,
        start,
        end,
    )


@pytest.mark.parametrize(
    ("text", "frequency", "message"),
    [
        ("2025Q3", "annual", "This indicator is annual: write the period as 2025."),
        ("2025", "quarterly", "This indicator is quarterly: write the period as 2025Q3."),
        ("2025-13", "monthly", "A month is 01 to 12."),
        ("last year", "annual", "Write the period as 2025."),
    ],
)
def test_period_of_the_wrong_form_is_refused_with_the_right_example(text, frequency, message):
    with translation.override("en"), pytest.raises(PeriodError) as error:
        period_parse(text, frequency=frequency)
    assert error.value.message == message


def test_authority_writes_a_figure_with_its_period_and_audit(indicators):
    observation = _write(indicators, source_reference="统计年鉴2025 表3-1")

    assert observation.value == Decimal("5678.90")
    assert (observation.period, str(observation.period_start), str(observation.period_end)) == (
        "2024",
        "2024-01-01",
        "2024-12-31",
    )
    assert observation.status == "preliminary"
    assert observation.source == "示范市统计年鉴"  # the indicator's source by default
    assert observation.written_by == indicators["statistician"]
    entry = AuditEntry.objects.get(action="registry.observation_written")
    assert entry.data["value"] == "5678.90"
    assert entry.data["previous"] is None


@pytest.mark.parametrize(
    ("indicator", "figure", "field", "message"),
    [
        ("gdp", {"period": "2024Q1"}, "period", "This indicator is annual"),
        ("gdp", {"period": "2026"}, "period", "The period 2026 has not ended yet."),
        ("gdp", {"region_code": "999999"}, "region_code", "999999 is not a known region code"),
        ("gdp", {"value": "12.345"}, "value", "At most 2 decimal places"),
        ("gdp", {"value": "abc"}, "value", "Enter a number such as 1234.56."),
        ("gdp", {"status": "guessed"}, "status", "Use preliminary, final or revised."),
        ("unemployment", {"value": "120"}, "value", "A rate is a percentage between -100 and 100."),
        ("cpi", {"period": "2024Q2", "value": "0"}, "value", "An index is above 0"),
    ],
)
def test_each_rule_gives_a_field_level_error_and_writes_nothing(
    indicators, indicator, figure, field, message
):
    with pytest.raises(ValidationFailed) as error:
        _write(indicators, indicator=indicator, **figure)

    assert list(error.value.fields) == [field]
    assert error.value.fields[field][0].startswith(message)
    assert Observation.objects.count() == 0
    assert not AuditEntry.objects.filter(action="registry.observation_written").exists()


def test_region_from_the_gb_t_2260_code_list_is_known(indicators):
    from ecity.registry.tests.factories import CodeListFactory, CodeValueFactory

    CodeValueFactory(code_list=CodeListFactory(identifier="region"), code="420000", name="湖北省")

    assert _write(indicators, region_code="420000").region_code == "420000"


def test_another_department_gets_a_clear_error_naming_the_authority(indicators):
    with pytest.raises(PermissionDenied) as error:
        _write(indicators, actor="market_admin", department="market")

    assert error.value.fields["indicator"] == [
        "Only Shifan Statistics Bureau writes the figures of GDP (one data, one source)."
    ]
    assert Observation.objects.count() == 0


def test_staff_of_another_department_cannot_write_for_the_authority(indicators):
    with pytest.raises(PermissionDenied) as error:
        _write(indicators, actor="market_admin")

    assert error.value.message == "You do not write figures for Shifan Statistics Bureau."


def test_changed_value_keeps_the_previous_one_in_the_history(indicators):
    _write(indicators, value="5678.90")
    _write(indicators, value="5678.90", status="final")
    revised = _write(indicators, value="5701.20", status="revised", note="第五次经济普查修订")

    assert (revised.value, revised.version, revised.status) == (Decimal("5701.20"), 3, "revised")
    history = [(r.version, r.value, r.status) for r in observation_history(observation=revised)]
    assert history == [
        (2, Decimal("5678.90"), "final"),
        (1, Decimal("5678.90"), "preliminary"),
    ]


def test_final_figure_is_not_overwritten_without_the_status_revised(indicators):
    _write(indicators, value="5678.90", status="final")

    with pytest.raises(ValidationFailed) as error:
        _write(indicators, value="6000", status="final")

    assert error.value.fields["status"] == [
        "The figure for 2024 is final (5678.90): send a changed value with the status revised."
    ]
    assert Observation.objects.get().value == Decimal("5678.90")
    assert ObservationRevision.objects.count() == 0


def test_same_figure_again_changes_nothing(indicators):
    first = _write(indicators)
    again = _write(indicators)

    assert again.version == first.version == 1
    assert AuditEntry.objects.filter(action="registry.observation_written").count() == 1


def test_withdrawn_indicator_takes_no_figures(indicators):
    indicator_status_set(actor=None, indicator=indicators["gdp"], status="withdrawn")
    indicators["gdp"].refresh_from_db()

    with pytest.raises(PermissionDenied) as error:
        _write(indicators)
    assert error.value.fields["indicator"] == ["The indicator GDP is withdrawn."]


def test_indicator_rules_are_field_level(indicators):
    with pytest.raises(ValidationFailed) as error:
        indicator_save(
            actor=None,
            code="bad code",
            name="",
            unit="%",
            frequency="weekly",
            aggregation="rate",
            authority=indicators["statistics"],
        )
    assert set(error.value.fields) == {"code", "name", "frequency"}


def test_frequency_of_an_indicator_with_figures_does_not_change(indicators):
    _write(indicators)
    gdp = indicators["gdp"]
    with pytest.raises(ValidationFailed) as error:
        indicator_save(
            actor=None,
            code="GDP",
            name=gdp.name,
            unit=gdp.unit,
            frequency="quarterly",
            aggregation=gdp.aggregation,
            authority=indicators["statistics"],
        )
    assert list(error.value.fields) == ["frequency"]


def test_another_departments_admin_cannot_maintain_the_indicator(indicators):
    with pytest.raises(PermissionDenied):
        indicator_status_set(
            actor=indicators["market_admin"], indicator=indicators["gdp"], status="withdrawn"
        )
    with pytest.raises(Conflict):
        indicator_status_set(actor=None, indicator=indicators["gdp"], status="draft")
