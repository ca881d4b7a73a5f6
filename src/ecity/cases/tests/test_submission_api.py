"""The applicant API: submit with Idempotency-Key, my cases, correction, rating."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from ecity.cases.models import Case
from ecity.cases.selectors.materials import material_key
from ecity.cases.tests.submission_support import form_data, submit, upload
from ecity.cases.tests.test_submission_correction import awaiting_correction
from ecity.identity.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def payload(joint, **form):
    return {
        "service": joint.item.code,
        "form": json.dumps(form_data(**form)),
        material_key(joint.mandatory_material): upload(),
    }


def test_submit_returns_201_and_a_retry_200_with_the_same_case(api_client, joint):
    api_client.force_authenticate(joint.citizen)
    url = reverse("cases-api:application-submit")

    first = api_client.post(url, payload(joint), HTTP_IDEMPOTENCY_KEY="api-key-00001")
    retry = api_client.post(url, payload(joint), HTTP_IDEMPOTENCY_KEY="api-key-00001")
    other = api_client.post(url, payload(joint, area=77), HTTP_IDEMPOTENCY_KEY="api-key-00001")

    assert first.status_code == 201, first.content
    assert first.json()["number"] == retry.json()["number"] and retry.status_code == 200
    assert first.json()["channel"] == "api" and len(first.json()["query_code"]) == 8
    assert other.status_code == 409 and other.json()["code"] == "idempotency_conflict"
    assert Case.objects.count() == 1


def test_submit_reports_all_errors_in_the_envelope(api_client, joint):
    api_client.force_authenticate(joint.citizen)
    data = {"service": joint.item.code, "form": json.dumps(form_data(id_number="1", area=None))}

    response = api_client.post(reverse("cases-api:application-submit"), data)

    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "validation_failed"
    assert {"id_number", "area", material_key(joint.mandatory_material)} <= set(body["fields"])
    assert Case.objects.count() == 0


def test_submit_needs_login_and_a_known_service(api_client, joint):
    url = reverse("cases-api:application-submit")
    assert api_client.post(url, payload(joint)).status_code in (401, 403)
    api_client.force_authenticate(joint.citizen)
    assert api_client.post(url, {**payload(joint), "service": "NOPE"}).status_code == 404
    bad = api_client.post(url, {**payload(joint), "form": "not json"})
    assert bad.status_code == 400 and "form" in bad.json()["fields"]


def test_my_cases_list_and_detail(api_client, joint):
    case = submit(joint)
    submit(joint, user=UserFactory(is_real_name_verified=True))
    api_client.force_authenticate(joint.citizen)

    listing = api_client.get(reverse("cases-api:my-case-list")).json()
    detail = api_client.get(reverse("cases-api:my-case-detail", args=[case.number])).json()

    assert [c["number"] for c in listing["results"]] == [case.number]
    assert detail["timeline"][0]["action"] == "submitted"
    assert detail["attachments"][0]["download_url"].endswith(
        f"/{case.number}/attachments/{case.attachments.get().public_id}/"
    )
    assert detail["form_data"]["shop_name"] == "小明面馆"


def test_someone_elses_case_is_404(api_client, joint):
    case = submit(joint)
    api_client.force_authenticate(UserFactory(is_real_name_verified=True))
    response = api_client.get(reverse("cases-api:my-case-detail", args=[case.number]))
    assert response.status_code == 404 and response.json()["code"] == "not_found"


def test_correction_via_api(api_client, joint):
    case, _task = awaiting_correction(joint)
    api_client.force_authenticate(joint.citizen)

    response = api_client.post(
        reverse("cases-api:my-case-correction", args=[case.number]),
        {"form": json.dumps(form_data(area=50))},
    )

    assert response.status_code == 200, response.content
    assert response.json()["status"] == "in_progress"
    assert response.json()["form_data"]["area"] == 50


def test_rating_via_api(api_client, joint):
    case = submit(joint)
    api_client.force_authenticate(joint.citizen)
    url = reverse("cases-api:my-case-rating", args=[case.number])

    early = api_client.post(url, {"level": 5}, format="json")
    Case.objects.filter(pk=case.pk).update(status=Case.Status.APPROVED)
    rated = api_client.post(url, {"level": 4, "comment": "好"}, format="json")
    twice = api_client.post(url, {"level": 4}, format="json")

    assert early.status_code == 409
    assert rated.status_code == 201 and rated.json() == {"level": 4, "comment": "好"}
    assert twice.status_code == 409


def test_openapi_schema_documents_the_endpoints(api_client):
    schema = api_client.get("/api/schema/?format=json").json()
    for path in (
        "/api/v1/cases/applications/",
        "/api/v1/cases/my/",
        "/api/v1/cases/my/{number}/rating/",
        "/api/v1/cases/lookup/",
        "/api/v1/cases/results/",
    ):
        assert path in schema["paths"]
