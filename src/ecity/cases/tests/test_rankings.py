"""Monthly rankings of departments (好差评, on-time rate): computed, ranked, published, frozen."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from ecity.cases.models import RankingPublication, Rating
from ecity.cases.selectors.rankings import (
    department_rankings,
    months_to_publish,
    ranking_for_month,
    ranking_months,
)
from ecity.cases.services.rankings import ranking_month_publish
from ecity.cases.tests.rating_support import rated
from ecity.cases.tests.workbench_support import at, make_case
from ecity.core.jobs import run_job

pytestmark = pytest.mark.django_db
D = dt.date
MARCH = D(2026, 3, 1)


def _rated_on(joint, level, day, department=None, *, excluded=False):
    rating = rated(joint, level, department=department or joint.lead)
    Rating.objects.filter(pk=rating.pk).update(created_at=at(day), is_excluded=excluded)
    return rating


def _decided_on(joint, department, day, committed):
    return make_case(
        joint,
        department=department,
        status="approved",
        accepted_at=at(day - dt.timedelta(days=7)),
        decided_at=at(day, hour=23),  # late evening: still the same local day
        committed_due_on=committed,
    )


@pytest.fixture
def march(joint):
    """SCJ: four ratings (one 差评) and one excluded, two cases decided (one late); WJW: two
    "very satisfied", one case decided late; XFJ: no rating, one case on time. Plus an April
    rating and a February decision that March must not count."""
    for level in (5, 4, 3, 2):
        _rated_on(joint, level, D(2026, 3, 10))
    _rated_on(joint, 1, D(2026, 3, 31), excluded=True)
    _decided_on(joint, joint.lead, D(2026, 3, 16), committed=D(2026, 3, 16))
    _decided_on(joint, joint.lead, D(2026, 3, 17), committed=D(2026, 3, 16))
    for day in (D(2026, 3, 1), D(2026, 3, 31)):  # the first and the last day of the month
        _rated_on(joint, 5, day, joint.health)
    _decided_on(joint, joint.health, D(2026, 3, 20), committed=D(2026, 3, 19))
    _decided_on(joint, joint.fire, D(2026, 3, 2), committed=D(2026, 3, 5))
    _rated_on(joint, 1, D(2026, 4, 1))
    _decided_on(joint, joint.lead, D(2026, 2, 27), committed=D(2026, 2, 20))


def _by_code(rows):
    return {row.department.code: row for row in rows}


def test_march_ranking_counts_levels_rates_and_on_time(joint, march):
    rows = department_rankings(month=MARCH)

    assert [(r.rank, r.department.code) for r in rows] == [(1, "WJW"), (2, "SCJ"), (3, "XFJ")]
    scj, wjw, xfj = (_by_code(rows)[code] for code in ("SCJ", "WJW", "XFJ"))
    assert (scj.ratings, scj.very_satisfied, scj.satisfied, scj.fairly_satisfied) == (4, 1, 1, 1)
    assert (scj.dissatisfied, scj.very_dissatisfied, scj.excluded) == (1, 0, 1)
    assert scj.satisfaction_rate == Decimal("75.0")  # 3 good of 4 counted
    assert (scj.decided, scj.on_time, scj.on_time_rate) == (2, 1, Decimal("50.0"))
    assert (wjw.ratings, wjw.satisfaction_rate, wjw.on_time_rate) == (2, Decimal("100.0"), 0)
    assert (xfj.ratings, xfj.satisfaction_rate, xfj.on_time_rate) == (0, None, 100)


def test_equal_rates_share_a_rank(joint):
    _rated_on(joint, 5, D(2026, 3, 3), joint.lead)
    _rated_on(joint, 4, D(2026, 3, 3), joint.health)

    rows = department_rankings(month=MARCH)

    assert sorted((r.rank, r.department.code) for r in rows) == [(1, "SCJ"), (1, "WJW")]


def test_ended_months_are_published_once_and_do_not_move(joint, march):
    # When the job publishes the ended months (today is after March)
    assert MARCH in months_to_publish()
    run_job("cases.rankings")
    published = ranking_for_month(month=MARCH)
    assert published.published_at is not None
    assert [(r.rank, r.department.code, r.ratings) for r in published.rows] == [
        (1, "WJW", 2),
        (2, "SCJ", 4),
        (3, "XFJ", 0),
    ]

    # And a rating of March that changes afterwards does not move the published numbers
    Rating.objects.filter(case__department=joint.lead, level=1).update(is_excluded=False)
    live = _by_code(department_rankings(month=MARCH))["SCJ"]
    frozen = _by_code(ranking_for_month(month=MARCH).rows)["SCJ"]
    assert (live.ratings, frozen.ratings) == (5, 4)
    assert frozen.satisfaction_rate == Decimal("75.0")
    # A second run publishes nothing new; the current month is never published
    count = RankingPublication.objects.count()
    assert run_job("cases.rankings") == "0 months published"
    assert RankingPublication.objects.count() == count
    assert MARCH in ranking_months()
    with pytest.raises(ValueError):
        ranking_month_publish(month=timezone.localdate())


def test_rankings_page_is_public_and_shows_the_chosen_month(client, joint, march):
    run_job("cases.rankings")

    page = client.get(reverse("cases:rankings"), {"month": "2026-03"})

    assert page.status_code == 200
    text = page.content.decode()
    assert "2026-03" in text
    assert 'data-department="WJW"' in text and "100.0%" in text and "75.0%" in text
    assert page.context["ranking"].published_at is not None
    # No personal data: neither the applicant's name nor a case number is published
    assert "王小明" not in text


def test_rankings_page_of_the_current_month_is_provisional(client, joint):
    rated(joint, 2)

    page = client.get(reverse("cases:rankings"))

    assert page.status_code == 200
    assert 'data-department="SCJ"' in page.content.decode()
    assert page.context["ranking"].published_at is None
    assert page.context["is_current"] is True
