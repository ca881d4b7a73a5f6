"""The joint application API: list bundles, submit once (idempotent), read the progress."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse
from django.utils import timezone

from ecity.cases.models import Case, JointApplication
from ecity.cases.tests.factories import CaseTaskFactory
from ecity.cases.tests.joint_support import all_files, answers, submit_joint
from ecity.catalogue.tests.joint_support import restaurant_joint, restaurant_services
from ecity.core.calendar import calendar_seed
from ecity.identity.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def bundle():
    calendar_seed()
    services = restaurant_services()
    services.joint = restaurant_joint(services)
    services.citizen = UserFactory(real_name="王小明", is_real_name_verified=True)
    return services


def payload(bundle, **shared):
    return {
        "joint_service": bundle.joint.code,
        "form": json.dumps(answers(**shared), ensure_ascii=False),
        **all_files(bundle.joint),
    }


def test_anyone_can_list_joint_applications_with_their_combined_form(api_client, bundle):
    response = api_client.get(
        reverse("catalogue-api:joint_service_list"), {"life_event": "open-restaurant"}
    )

    assert response.status_code == 200
    [joint] = response.json()["results"]
    assert (joint["code"], joint["name_zh"], joint["department"]["code"]) == (
        "open-restaurant-test",
        "开餐馆一件事（测试）",
        "ZWB",
    )
    assert [m["code"] for m in joint["members"]] == ["SCJ-DJ-T", "WJW-XK-T", "XFJ-XK-T"]
    assert list(joint["shared_form"]["properties"]) == [
        "operator_name",
        "contact_name",
        "mobile",
        "premises_address",
    ]
    address = next(f for f in joint["shared_fields"] if f["key"] == "premises_address")
    assert address["targets"]["XFJ-XK-T"] == "premises_address"
    fire = joint["members"][2]
    assert list(fire["form"]["properties"]) == ["occupancy"]
    assert fire["waived_fields"] == ["uscc"]
    shared = [m for m in joint["materials"] if m["is_shared"]]
    assert [(m["name_zh"], m["services"]) for m in shared] == [
        ("经营者身份证件", ["SCJ-DJ-T", "WJW-XK-T", "XFJ-XK-T"])
    ]
    other = api_client.get(reverse("catalogue-api:joint_service_list"), {"life_event": "birth"})
    assert other.json()["count"] == 0


def test_submit_returns_201_and_a_retry_200_with_the_same_joint_application(api_client, bundle):
    api_client.force_authenticate(bundle.citizen)
    url = reverse("cases-api:joint-application-submit")

    first = api_client.post(url, payload(bundle), HTTP_IDEMPOTENCY_KEY="joint-api-0001")
    retry = api_client.post(url, payload(bundle), HTTP_IDEMPOTENCY_KEY="joint-api-0001")
    other = api_client.post(
        url, payload(bundle, operator_name="别家"), HTTP_IDEMPOTENCY_KEY="joint-api-0001"
    )

    assert first.status_code == 201, first.content
    body = first.json()
    assert retry.status_code == 200 and retry.json()["number"] == body["number"]
    assert other.status_code == 409 and other.json()["code"] == "idempotency_conflict"
    assert [c["department"]["code"] for c in body["cases"]] == ["SCJ", "WJW", "XFJ"]
    assert {c["channel"] for c in body["cases"]} == {"api"}
    assert JointApplication.objects.count() == 1 and Case.objects.count() == 3


def test_submit_reports_every_error_under_the_combined_names(api_client, bundle):
    api_client.force_authenticate(bundle.citizen)
    data = payload(bundle, mobile="123")
    data["form"] = json.dumps({**json.loads(data["form"]), "services": {"XFJ-XK-T": {}}})

    response = api_client.post(reverse("cases-api:joint-application-submit"), data)

    assert response.status_code == 400
    fields = response.json()["fields"]
    # the registration's delivery choice is optional; the two permits' own fields are not
    assert set(fields) == {
        "shared.mobile",
        "services.WJW-XK-T.floor_area",
        "services.XFJ-XK-T.occupancy",
    }
    assert not Case.objects.exists()


def test_submit_needs_an_account_and_a_published_joint_application(api_client, bundle):
    url = reverse("cases-api:joint-application-submit")
    assert api_client.post(url, payload(bundle)).status_code in (401, 403)

    api_client.force_authenticate(bundle.citizen)
    response = api_client.post(url, {**payload(bundle), "joint_service": "no-such-thing"})
    assert response.status_code == 404
    response = api_client.post(url, ["not", "an", "object"], format="json")
    assert response.status_code == 400


def test_progress_is_readable_by_the_applicant_only(api_client, bundle):
    application = submit_joint(bundle.joint, bundle.citizen)
    url = reverse("cases-api:my-joint-application-progress", args=[application.number])

    api_client.force_authenticate(UserFactory())
    assert api_client.get(url).status_code == 404

    api_client.force_authenticate(bundle.citizen)
    body = api_client.get(url).json()
    assert (body["number"], body["closed_count"], body["results_url"]) == (
        application.number,
        0,
        None,
    )
    # each case awaits acceptance: its lead department checks it
    assert [[(s["department"]["code"], s["state"]) for s in c["steps"]] for c in body["cases"]] == [
        [("SCJ", "in_review")],
        [("WJW", "in_review")],
        [("XFJ", "in_review")],
    ]
    mine = api_client.get(reverse("cases-api:my-joint-application-list")).json()
    assert [a["number"] for a in mine["results"]] == [application.number]


def test_progress_gives_each_case_the_steps_of_its_own_progress(api_client, bundle):
    # Given a joint application whose hygiene permit is in review by two departments
    application = submit_joint(bundle.joint, bundle.citizen)
    cases = [link.case for link in application.links.all()]
    cases[1].status = Case.Status.IN_PROGRESS
    cases[1].save()
    CaseTaskFactory(
        case=cases[1], department=bundle.health, status="completed", completed_at=timezone.now()
    )
    CaseTaskFactory(case=cases[1], department=bundle.fire, status="open")
    api_client.force_authenticate(bundle.citizen)

    # When the applicant reads the joint progress and each case's own detail
    joint = api_client.get(
        reverse("cases-api:my-joint-application-progress", args=[application.number])
    )
    own = [api_client.get(reverse("cases-api:my-case-detail", args=[c.number])) for c in cases]

    # Then each case's steps are the same, field for field
    assert joint.status_code == 200 and all(r.status_code == 200 for r in own)
    assert [c["steps"] for c in joint.json()["cases"]] == [r.json()["progress"] for r in own]
    hygiene_steps = joint.json()["cases"][1]["steps"]
    assert [(s["department"]["code"], s["state"], s["state_label"]) for s in hygiene_steps] == [
        ("WJW", "done", "已完成"),
        ("XFJ", "in_review", "审查中"),
    ]
