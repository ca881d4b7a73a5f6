"""Rating pages: the rater's page, the counter's rating device, the workbench tab, the staff's
rating page and its actions, the supervision page."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from ecity.cases.models import Rating, RatingAppeal, Rectification
from ecity.cases.services.rectification import rectification_answer
from ecity.cases.tests.rating_support import decided_case, rated
from ecity.identity.tests.factories import StaffRoleFactory, UserFactory

pytestmark = pytest.mark.django_db


def _staff_url(rating, action=None):
    if action is None:
        return reverse("cases:rating_staff", kwargs={"public_id": rating.public_id})
    return reverse(
        "cases:rating_staff_action", kwargs={"public_id": rating.public_id, "action": action}
    )


# --- the rater ---------------------------------------------------------------------------------


def test_rater_rates_low_then_confirms_the_answer_on_the_rating_page(client, joint):
    case = decided_case(joint)
    url = reverse("cases:rate", args=[case.number])
    client.force_login(joint.citizen)

    # The rating page offers the five levels; a 差评 is sent
    form_page = client.get(url)
    sent = client.post(url, {"level": "2", "comment": "排队太久"})

    assert form_page.status_code == 200 and form_page.content.decode().count('name="level"') == 5
    assert sent.status_code == 302 and sent["Location"] == url
    rating = Rating.objects.get(case=case)
    assert (rating.level, rating.rectification.stage) == (2, "rectifying")

    # After the department's answer the page shows it and asks whether it is resolved
    rectification_answer(actor=joint.lead_reviewer, rating=rating, answer="已优化叫号系统。")
    page = client.get(url)
    text = page.content.decode()
    assert page.status_code == 200 and page["Cache-Control"] == "private, no-store"
    assert "已优化叫号系统。" in text and 'name="resolved"' in text

    confirmed = client.post(
        reverse("cases:rating_confirm", args=[case.number]), {"resolved": "yes", "comment": ""}
    )
    assert confirmed.status_code == 302
    assert Rectification.objects.get(rating=rating).stage == "resolved"
    assert 'name="resolved"' not in client.get(url).content.decode()


def test_rating_page_errors_and_other_peoples_cases(client, joint):
    case = decided_case(joint)
    url = reverse("cases:rate", args=[case.number])
    client.force_login(joint.citizen)

    missing = client.post(url, {"comment": "无等级"})
    assert missing.status_code == 400 and "error-summary" in missing.content.decode()
    assert not Rating.objects.exists()
    unanswered = client.post(reverse("cases:rating_confirm", args=[case.number]), {})
    assert unanswered.status_code == 404  # nothing rated yet

    client.force_login(UserFactory(is_real_name_verified=True))
    assert client.get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302  # to the login page


# --- the counter's rating device ----------------------------------------------------------------


def test_counter_clerk_opens_the_rating_device_and_the_applicant_rates_without_login(client, joint):
    case = decided_case(joint)
    client.force_login(joint.clerk)

    # The clerk's case page offers the rating device; opening it leads to a one-time page
    case_page = client.get(reverse("cases:workbench_case", args=[case.number]))
    assert reverse("cases:rating_counter", args=[case.number]) in case_page.content.decode()
    opened = client.post(reverse("cases:rating_counter", args=[case.number]))
    assert opened.status_code == 302
    device_url = opened["Location"]
    assert re.fullmatch(r"/cases/rate/[A-Za-z0-9_-]{20,}/", device_url)

    # On the tablet (no login): the case's number, service and department, the form, a QR code
    client.logout()
    device = client.get(device_url)
    text = device.content.decode()
    assert device.status_code == 200
    assert case.number in text and "<svg" in text and 'name="level"' in text
    assert case.applicant_name not in text  # no personal data on the device
    assert device["Referrer-Policy"] == "no-referrer"
    assert device["Cache-Control"] == "private, no-store"

    rated_ = client.post(device_url, {"level": "5", "comment": "很满意"})
    assert rated_.status_code == 302 and rated_["Location"] == reverse("cases:rating_thanks")
    assert Rating.objects.get(case=case).channel == "counter"
    # The link works once
    assert client.get(device_url).status_code == 410
    assert client.post(device_url, {"level": "1"}).status_code == 410
    assert Rating.objects.get(case=case).level == 5
    assert client.get("/cases/rate/not-a-token/").status_code == 404


def test_only_the_lead_departments_counter_clerks_open_the_rating_device(client, joint):
    case = decided_case(joint)
    url = reverse("cases:rating_counter", args=[case.number])

    client.force_login(joint.lead_reviewer)  # sees the case, is no counter clerk
    page = client.get(reverse("cases:workbench_case", args=[case.number])).content.decode()
    assert url not in page
    assert client.post(url).status_code == 403
    client.force_login(StaffRoleFactory(department=joint.health, role="counter_clerk").user)
    assert client.post(url).status_code == 404  # cannot see the case at all
    client.force_login(joint.citizen)
    assert client.post(url).status_code == 403  # not staff


# --- staff: the workbench tab and the rating page ----------------------------------------------


def test_workbench_tab_lists_the_departments_low_ratings(client, joint):
    rating = rated(joint, 1, "态度差")

    client.force_login(joint.lead_reviewer)
    workbench = client.get(reverse("cases:workbench")).content.decode()
    queue = client.get(reverse("cases:rectifications"))

    tab = re.search(r'href="/cases/ratings/">[^<]*<span class="count">(\d+)</span>', workbench)
    assert tab is not None and tab.group(1) == "1"
    assert queue.status_code == 200 and rating.case.number in queue.content.decode()

    # The health commission's reviewer has the tab, empty; a counter clerk has none
    client.force_login(joint.health_reviewer)
    assert rating.case.number not in client.get(reverse("cases:rectifications")).content.decode()
    client.force_login(joint.clerk)
    assert 'href="/cases/ratings/"' not in client.get(reverse("cases:workbench")).content.decode()


def test_department_answers_and_appeals_on_the_rating_page(client, joint):
    rating = rated(joint, 1, "乱评")
    client.force_login(joint.lead_reviewer)

    page = client.get(_staff_url(rating))
    text = page.content.decode()
    assert page.status_code == 200
    assert 'name="answer-answer"' in text and 'name="appeal-reason"' in text

    empty = client.post(_staff_url(rating, "answer"), {"answer-answer": ""})
    assert empty.status_code == 400 and "error-summary" in empty.content.decode()
    version = rating.rectification.lock_version
    answered = client.post(
        _staff_url(rating, "answer"),
        {"answer-answer": "已核实并整改。", "answer-expected_version": str(version)},
    )
    assert answered.status_code == 302
    appealed = client.post(_staff_url(rating, "appeal"), {"appeal-reason": "评价内容与办件无关。"})
    assert appealed.status_code == 302
    assert Rectification.objects.get(rating=rating).stage == "awaiting_confirmation"
    assert RatingAppeal.objects.get(rating=rating).status == "pending"
    # A second answer is refused with a message, not a server error
    again = client.post(_staff_url(rating, "answer"), {"answer-answer": "再答一次"})
    assert again.status_code == 409


def test_another_department_gets_404_on_the_rating_page_and_its_actions(client, joint):
    rating = rated(joint, 2)
    client.force_login(joint.health_reviewer)

    assert client.get(_staff_url(rating)).status_code == 404
    assert client.post(_staff_url(rating, "answer"), {"answer-answer": "越权"}).status_code == 404
    assert Rectification.objects.get(rating=rating).stage == "rectifying"


def test_supervisor_decides_the_appeal_from_the_supervision_page(client, joint):
    rating = rated(joint, 1)
    client.force_login(joint.lead_reviewer)
    client.post(_staff_url(rating, "appeal"), {"appeal-reason": "恶意差评。"})

    client.force_login(joint.supervisor)
    supervision = client.get(reverse("cases:supervision"))
    assert supervision.status_code == 200
    assert _staff_url(rating) in supervision.content.decode()
    page = client.get(_staff_url(rating)).content.decode()
    assert 'name="appeal-decision-decision"' in page and 'name="answer-answer"' not in page
    decided = client.post(
        _staff_url(rating, "appeal-decision"),
        {"appeal-decision-decision": "uphold", "appeal-decision-note": "属实，予以支持。"},
    )
    assert decided.status_code == 302
    rating.refresh_from_db()
    assert rating.is_excluded
