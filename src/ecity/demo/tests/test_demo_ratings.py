"""Ratings in the demo city: a 差评 under rectification, one resolved, one appealed; the pages
that show them."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from ecity.cases.models import Case, Rating
from ecity.demo.services import demo_approval_ensure
from ecity.identity.models import User

pytestmark = pytest.mark.django_db


def test_load_demo_rates_cases_of_lina_and_wangfang_once():
    out = io.StringIO()
    call_command("load_demo", "--no-content", "--hotline-tickets", "0", stdout=out)

    assert "demo ratings 4" in out.getvalue()
    ratings = {
        (r.case.applicant.username, r.level): r
        for r in Rating.objects.select_related("case__applicant", "case__department")
    }
    assert sorted(ratings) == [("lina", 2), ("lina", 5), ("wangfang", 1), ("wangfang", 2)]
    assert ratings[("lina", 2)].rectification.stage == "rectifying"
    assert ratings[("wangfang", 2)].rectification.stage == "resolved"
    appealed = ratings[("wangfang", 1)]
    assert (appealed.case.department.code, appealed.appeal.status) == ("WJW", "pending")
    assert appealed.case.status == Case.Status.REJECTED
    # 张伟's approved case is left for visitors to rate
    assert not Rating.objects.filter(case__applicant__username="zhangwei").exists()
    # Loading again adds nothing
    assert demo_approval_ensure().ratings == 0
    assert Rating.objects.count() == 4


def test_demo_pages_show_the_ratings(client):
    call_command("load_demo", "--no-content", "--hotline-tickets", "0", stdout=io.StringIO())
    under_rectification = Rating.objects.get(case__applicant__username="lina", level=2)

    rankings = client.get(reverse("cases:rankings")).content.decode()
    client.force_login(User.objects.get(username="reviewer_scj"))
    queue = client.get(reverse("cases:rectifications")).content.decode()

    assert 'data-department="SCJ"' in rankings and 'data-department="WJW"' in rankings
    assert under_rectification.case.number in queue
