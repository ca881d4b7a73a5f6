"""Bad JSON sent to the applicant API answers a clear 400 envelope, never a server error."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from ecity.cases.models import Case, Rating
from ecity.cases.tests.submission_support import submit

pytestmark = pytest.mark.django_db

APPLICATIONS = "/api/v1/cases/applications/"


def _post(client: APIClient, url: str, body: str):
    return client.generic("POST", url, body, content_type="application/json")


@pytest.fixture
def client(joint):
    client = APIClient(raise_request_exception=False)
    client.force_authenticate(joint.citizen)
    return client


@pytest.mark.parametrize("body", ["[]", '["SCJ-XK-TEST"]', '"SCJ-XK-TEST"', "42", "null", "true"])
def test_a_top_level_json_value_that_is_not_an_object_is_a_400(client, body):
    response = _post(client, APPLICATIONS + "?lang=en", body)

    assert response.status_code == 400
    assert response.json()["code"] == "parse_error"
    assert "JSON object" in response.json()["message"]
    assert not Case.objects.exists()


def test_deeply_nested_json_to_the_applications_api_is_a_400(client):
    response = _post(client, APPLICATIONS, '{"form": ' + "[" * 50_000 + "]" * 50_000 + "}")

    assert response.status_code == 400
    assert response.json()["code"] == "parse_error"


@pytest.mark.parametrize("constant", ["Infinity", "-Infinity", "NaN"])
def test_a_rating_of_infinity_is_a_400(client, joint, constant):
    case = submit(joint)
    Case.objects.filter(pk=case.pk).update(status=Case.Status.APPROVED)

    response = _post(
        client, f"/api/v1/cases/my/{case.number}/rating/", '{"level": ' + constant + "}"
    )

    assert response.status_code == 400
    assert response.json()["code"] == "parse_error"
    assert not Rating.objects.filter(case=case).exists()


def test_a_top_level_array_to_the_rating_api_is_a_400(client, joint):
    case = submit(joint)
    Case.objects.filter(pk=case.pk).update(status=Case.Status.APPROVED)

    response = _post(client, f"/api/v1/cases/my/{case.number}/rating/", "[5]")

    assert response.status_code == 400


@pytest.mark.parametrize(
    "form",
    ['{"area": ' + "[" * 50_000 + "]" * 50_000 + "}", '{"area": Infinity}', "[1]"],
    ids=["deep", "infinity", "array"],
)
def test_json_inside_a_multipart_form_field_meets_the_same_limits(client, joint, form):
    from ecity.cases.selectors.materials import material_key
    from ecity.cases.tests.submission_support import upload

    data = {"service": joint.item.code, "form": form}
    data[material_key(joint.mandatory_material)] = upload()

    response = client.post(APPLICATIONS, data)

    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["form"]
    assert not Case.objects.exists()
