"""The joint application API before submitting: drafts (save, read, list, delete) and the
"check your answers" step."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse
from drf_spectacular.generators import SchemaGenerator

from ecity.cases.models import Case, CaseDraft, JointApplication
from ecity.cases.selectors.joint import slot_key
from ecity.cases.tests.joint_support import all_files, answers
from ecity.cases.tests.submission_support import PNG_BYTES, upload
from ecity.catalogue.joint.layout import joint_layout
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
    services.identity_slot = next(
        s for s in joint_layout(services.joint.current_version).materials if s.is_shared
    )
    return services


def draft_url(bundle):
    return reverse("cases-api:joint-draft", args=[bundle.joint.code])


def save(api_client, bundle, form, files=None, **headers):
    data = {"form": json.dumps(form, ensure_ascii=False), **(files or {})}
    return api_client.put(draft_url(bundle), data, format="multipart", **headers)


def test_given_a_saved_draft_when_read_then_its_answers_and_kept_file_come_back(api_client, bundle):
    api_client.force_authenticate(bundle.citizen)
    slot = slot_key(bundle.identity_slot)
    half = {"shared": {"operator_name": "张记小馆"}, "services": {"XFJ-XK-T": {"occupancy": 40}}}

    saved = save(api_client, bundle, half, {slot: upload("身份证.pdf")})
    read = api_client.get(draft_url(bundle))
    listed = api_client.get(reverse("cases-api:joint-draft-list"))

    assert saved.status_code == 200 and read.status_code == 200
    body = read.json()
    assert body["form"] == half
    assert body["joint_service"]["code"] == "open-restaurant-test" and body["version"] == 1
    assert [(f["slot"], f["name"], f["file_name"]) for f in body["files"]] == [
        (slot, "经营者身份证件", "身份证.pdf")
    ]
    assert listed.json()["count"] == 1
    assert listed.json()["results"][0]["file_count"] == 1


def test_someone_elses_draft_is_never_found(api_client, bundle):
    api_client.force_authenticate(bundle.citizen)
    save(api_client, bundle, {"shared": {"operator_name": "张记小馆"}})

    api_client.force_authenticate(UserFactory(is_real_name_verified=True))

    assert api_client.get(draft_url(bundle)).status_code == 404
    assert api_client.get(reverse("cases-api:joint-draft-list")).json()["count"] == 0
    assert api_client.delete(draft_url(bundle)).status_code == 404
    assert CaseDraft.objects.count() == 1


def test_given_a_rejected_file_then_saving_answers_400_and_saves_nothing(api_client, bundle):
    api_client.force_authenticate(bundle.citizen)
    slot = slot_key(bundle.identity_slot)  # PDF only: one of its services accepts no images

    response = save(
        api_client,
        bundle,
        {"shared": {"operator_name": "张记小馆"}},
        {slot: upload("photo.png", PNG_BYTES, "image/png")},
    )

    assert response.status_code == 400
    assert list(response.json()["fields"]) == [slot]
    assert not CaseDraft.objects.exists()


def test_a_retried_save_with_the_same_key_is_replayed(api_client, bundle):
    api_client.force_authenticate(bundle.citizen)
    form = {"shared": {"operator_name": "张记小馆"}}

    first = save(api_client, bundle, form, HTTP_IDEMPOTENCY_KEY="draft-key-0001")
    retry = save(api_client, bundle, form, HTTP_IDEMPOTENCY_KEY="draft-key-0001")
    other = save(
        api_client,
        bundle,
        {"shared": {"operator_name": "李记"}},
        HTTP_IDEMPOTENCY_KEY="draft-key-0001",
    )

    assert first.status_code == retry.status_code == 200
    assert retry["Idempotent-Replayed"] == "true" and retry.json() == first.json()
    assert other.status_code == 409
    assert CaseDraft.objects.get().form_data == form


def test_deleting_a_draft_removes_it_and_a_retry_is_replayed(api_client, bundle):
    api_client.force_authenticate(bundle.citizen)
    save(api_client, bundle, {}, {slot_key(bundle.identity_slot): upload()})

    deleted = api_client.delete(draft_url(bundle), HTTP_IDEMPOTENCY_KEY="draft-delete-01")
    retry = api_client.delete(draft_url(bundle), HTTP_IDEMPOTENCY_KEY="draft-delete-01")

    assert deleted.status_code == retry.status_code == 204
    assert retry["Idempotent-Replayed"] == "true"
    assert api_client.get(draft_url(bundle)).status_code == 404
    assert not CaseDraft.objects.exists()


def test_checking_a_complete_application_lists_each_case_and_writes_nothing(api_client, bundle):
    api_client.force_authenticate(bundle.citizen)

    response = api_client.post(
        reverse("cases-api:joint-application-check"),
        {
            "joint_service": bundle.joint.code,
            "form": json.dumps(answers(), ensure_ascii=False),
            **all_files(bundle.joint),
        },
    )

    assert response.status_code == 200
    body = response.json()
    assert [(c["service"]["code"], c["department"]["code"]) for c in body["cases"]] == [
        ("SCJ-DJ-T", "SCJ"),
        ("WJW-XK-T", "WJW"),
        ("XFJ-XK-T", "XFJ"),
    ]
    fire = {a["name"]: a["text"] for a in body["cases"][2]["answers"]}
    assert fire["premises_address"] == "示范市东城区人民路18号" and fire["occupancy"] == "40"
    assert len(body["files"]) == len(joint_layout(bundle.joint.current_version).materials)
    assert not JointApplication.objects.exists() and not Case.objects.exists()


def test_checking_an_incomplete_application_answers_the_submissions_field_errors(
    api_client, bundle
):
    api_client.force_authenticate(bundle.citizen)
    data = {
        "joint_service": bundle.joint.code,
        "form": json.dumps(answers(premises_address=""), ensure_ascii=False),
    }

    checked = api_client.post(reverse("cases-api:joint-application-check"), data)
    submitted = api_client.post(reverse("cases-api:joint-application-submit"), data)

    assert checked.status_code == submitted.status_code == 400
    assert checked.json()["fields"] == submitted.json()["fields"]
    assert "shared.premises_address" in checked.json()["fields"]
    assert not JointApplication.objects.exists()


def test_the_draft_files_complete_a_checked_then_submitted_application(api_client, bundle):
    api_client.force_authenticate(bundle.citizen)
    save(api_client, bundle, answers(), all_files(bundle.joint))
    data = {
        "joint_service": bundle.joint.code,
        "form": json.dumps(answers(), ensure_ascii=False),
        "use_draft": "true",
    }

    checked = api_client.post(reverse("cases-api:joint-application-check"), data)
    submitted = api_client.post(
        reverse("cases-api:joint-application-submit"), data, HTTP_IDEMPOTENCY_KEY="joint-use-draft"
    )

    assert checked.status_code == 200
    assert all(f["from_draft"] for f in checked.json()["files"])
    assert submitted.status_code == 201
    application = JointApplication.objects.get()
    assert application.links.count() == 3
    assert all(link.case.attachments.exists() for link in application.links.all())
    assert not CaseDraft.objects.exists()


def test_the_drafts_and_check_operations_are_in_the_openapi_schema():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    paths = schema["paths"]

    draft = paths["/api/v1/cases/joint-applications/drafts/{code}/"]
    assert set(draft) >= {"get", "put", "delete"}
    assert any(p["name"] == "Idempotency-Key" for p in draft["put"]["parameters"])
    assert any(p["name"] == "Idempotency-Key" for p in draft["delete"]["parameters"])
    listed = paths["/api/v1/cases/joint-applications/drafts/"]["get"]
    assert any(p["name"] == "page" for p in listed["parameters"])
    check = paths["/api/v1/cases/joint-applications/check/"]["post"]
    assert "examples" in check["responses"]["200"]["content"]["application/json"]
    assert "400" in check["responses"]
