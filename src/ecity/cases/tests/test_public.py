"""Public case lookup (number + query code, rate-limited) and published results."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from ecity.cases.models import Case, CaseEvent
from ecity.cases.selectors.public import (
    case_lookup,
    lookup_number_locked,
    public_result_rows,
    published_results,
)
from ecity.cases.tests.submission_support import submit
from ecity.core import ratelimit
from ecity.core.errors import NotFound
from ecity.identity.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_cache(monkeypatch):
    cache.clear()
    # The limits count in fixed windows of a minute: a test that crossed a minute boundary
    # would start counting again. Stop the limiter's clock in the middle of a window.
    monkeypatch.setattr(ratelimit, "time", SimpleNamespace(time=lambda: 1_800_000_030.0))
    yield
    cache.clear()


def personal_data(case):
    return [case.applicant_name, case.applicant_identifier, case.contact_phone, "小明面馆"]


def test_lookup_with_the_right_code_shows_status_and_steps(joint):
    case = submit(joint)
    CaseEvent.objects.create(case=case, action="urged", is_public=False)

    result = case_lookup(number=case.number, query_code=case.query_code.lower())

    assert result.status == "submitted" and result.number == case.number
    assert result.department == "市市场监督管理局"
    assert [s.action for s in result.steps] == ["submitted"]
    assert not any(value in repr(result) for value in personal_data(case))


def test_wrong_code_and_unknown_number_give_the_same_error(joint):
    case = submit(joint)
    with pytest.raises(NotFound) as wrong:
        case_lookup(number=case.number, query_code="AAAAAAAA")
    with pytest.raises(NotFound) as unknown:
        case_lookup(number="2026-XXX-000001", query_code=case.query_code)
    assert wrong.value.message == unknown.value.message


def test_lookup_page_shows_public_status_without_personal_data(client, joint):
    case = submit(joint)

    response = client.post(
        reverse("cases:lookup"), {"number": case.number, "query_code": case.query_code}
    )

    body = response.content.decode()
    assert response.status_code == 200
    assert case.get_status_display() in body and case.number in body
    assert not any(value in body for value in personal_data(case))
    assert response["Cache-Control"] == "private, no-store"


def test_api_lookup_answers_are_not_cached(api_client, joint):
    case = submit(joint)

    response = api_client.get(
        reverse("cases-api:case-lookup"), {"number": case.number, "query_code": case.query_code}
    )

    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"


def test_lookup_page_wrong_code_shows_a_generic_error(client, joint):
    case = submit(joint)
    response = client.post(reverse("cases:lookup"), {"number": case.number, "query_code": "ZZZ"})
    assert response.status_code == 200
    body = response.content.decode()
    assert 'class="error-summary"' in body and "error-summary" in body
    assert "王小明" not in body


def test_lookup_page_is_rate_limited_per_ip(client, joint):
    case = submit(joint)
    data = {"number": case.number, "query_code": case.query_code}
    statuses = [client.post(reverse("cases:lookup"), data).status_code for _ in range(11)]
    assert statuses[:10] == [200] * 10 and statuses[10] == 429


def test_lookup_page_locks_a_number_after_five_wrong_codes(client, joint):
    case = submit(joint)
    url = reverse("cases:lookup")
    for n in range(5):
        client.post(
            url, {"number": case.number, "query_code": f"WRONG{n:03d}"}, REMOTE_ADDR=f"10.0.0.{n}"
        )

    blocked = client.post(
        url, {"number": case.number, "query_code": case.query_code}, REMOTE_ADDR="10.0.1.1"
    )

    assert blocked.status_code == 429
    assert lookup_number_locked(case.number)


def test_api_lookup_and_throttle(api_client, joint):
    case = submit(joint)
    url = reverse("cases-api:case-lookup")

    ok = api_client.get(url, {"number": case.number, "query_code": case.query_code})
    wrong = api_client.get(url, {"number": case.number, "query_code": "AAAAAAAA"})
    for _ in range(9):  # 10 per minute allowed, the 11th is refused
        last = api_client.get(url, {"number": case.number, "query_code": case.query_code})

    assert ok.status_code == 200 and ok.json()["status"] == "submitted"
    assert "王小明" not in ok.content.decode()
    assert wrong.status_code == 404 and wrong.json()["code"] == "no_match"
    assert last.status_code == 429 and last.json()["code"] == "throttled"


def test_api_lookup_throttle_ignores_a_client_sent_forwarded_for(api_client, joint, settings):
    # Given no trusted proxy and a client that used its 10 lookups of the minute
    settings.ECITY_PROXY_COUNT = 0
    case = submit(joint)
    url = reverse("cases-api:case-lookup")
    query = {"number": case.number, "query_code": case.query_code}
    for _ in range(10):
        assert api_client.get(url, query).status_code == 200
    # When it sends a different X-Forwarded-For with each further lookup
    answers = [
        api_client.get(url, query, HTTP_X_FORWARDED_FOR=f"203.0.113.{n}").status_code
        for n in range(1, 4)
    ]
    # Then it is still refused
    assert answers == [429, 429, 429]


def test_api_lookup_throttle_counts_the_trusted_proxy_entry(api_client, joint, settings):
    # Given one trusted proxy in front (REMOTE_ADDR is the proxy's address)
    settings.ECITY_PROXY_COUNT = 1
    case = submit(joint)
    url = reverse("cases-api:case-lookup")
    query = {"number": case.number, "query_code": case.query_code}
    first = [
        api_client.get(url, query, HTTP_X_FORWARDED_FOR="198.51.100.4").status_code
        for _ in range(11)
    ]
    # When another client comes through the same proxy, and the first forges an extra entry
    other = api_client.get(url, query, HTTP_X_FORWARDED_FOR="198.51.100.5").status_code
    forged = api_client.get(url, query, HTTP_X_FORWARDED_FOR="6.6.6.6, 198.51.100.4").status_code
    # Then the proxy's entry is the client: the first is refused, the other one served
    assert first == [200] * 10 + [429]
    assert other == 200
    assert forged == 429


def _decide(case, status):
    Case.objects.filter(pk=case.pk).update(status=status, decided_at=timezone.now())


def test_results_list_decided_cases_without_personal_data(client, joint):
    approved = submit(joint)
    rejected = submit(joint, user=UserFactory(is_real_name_verified=True))
    still_open = submit(joint, user=UserFactory(is_real_name_verified=True))
    _decide(approved, Case.Status.APPROVED)
    _decide(rejected, Case.Status.REJECTED)

    rows = public_result_rows(published_results())
    response = client.get(reverse("cases:results"), {"department": "SCJ"})
    api = client.get(reverse("cases-api:result-list"))

    assert {r.number for r in rows} == {approved.number, rejected.number}
    assert response.status_code == api.status_code == 200
    body = response.content.decode()
    assert approved.number in body and still_open.number not in body
    assert not any(value in body for value in personal_data(approved))
    assert api.json()["count"] == 2
    assert set(api.json()["results"][0]) == {
        "number",
        "result",
        "result_label",
        "service",
        "service_code",
        "department",
        "department_code",
        "decided_on",
    }


def test_results_filter_by_text(joint):
    case = submit(joint)
    _decide(case, Case.Status.APPROVED)
    assert published_results(q=case.number[-6:]).count() == 1
    assert published_results(q="没有这个").count() == 0
