"""Identity API: public organisation data, my account, acting identity, registration."""

from __future__ import annotations

import pytest

from ecity.identity.models import User
from ecity.identity.tests.conftest import PASSWORD
from ecity.identity.tests.factories import (
    DepartmentFactory,
    RegionFactory,
    UserFactory,
    id_number_for,
)
from ecity.org.models import Region

pytestmark = pytest.mark.django_db

BASE = "/api/v1/identity"


def test_regions_list_filters_by_parent_and_level(api_client):
    city = RegionFactory(code="110000", name_zh="示范市", level=Region.Level.CITY)
    RegionFactory(code="110105", name_zh="朝阳区", level=Region.Level.DISTRICT, parent=city)
    RegionFactory(code="110106", name_zh="丰台区", level=Region.Level.DISTRICT, parent=city)

    everything = api_client.get(f"{BASE}/regions/").json()
    districts = api_client.get(f"{BASE}/regions/", {"parent": "110000", "level": "district"}).json()
    found = api_client.get(f"{BASE}/regions/", {"q": "朝阳"}).json()

    assert everything["count"] == 3
    assert [r["code"] for r in districts["results"]] == ["110105", "110106"]
    assert districts["results"][0]["parent"] == "110000"
    assert [r["code"] for r in found["results"]] == ["110105"]


def test_regions_list_rejects_unknown_level_with_field_error(api_client):
    response = api_client.get(f"{BASE}/regions/", {"level": "planet"})

    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "validation_failed"
    assert list(body["fields"]) == ["level"]


def test_region_detail_by_code_and_404_envelope(api_client):
    RegionFactory(code="110105", name_zh="朝阳区")

    found = api_client.get(f"{BASE}/regions/110105/")
    missing = api_client.get(f"{BASE}/regions/999999/")

    assert found.json()["name_zh"] == "朝阳区"
    assert missing.status_code == 404
    assert missing.json()["code"] == "not_found"


def test_departments_list_hides_inactive_and_paginates(api_client):
    bureau = DepartmentFactory(code="MSR", name_zh="市场监管局")
    DepartmentFactory(code="MSR-01", parent=bureau, region=bureau.region)
    DepartmentFactory(code="OLD", is_active=False)

    page = api_client.get(f"{BASE}/departments/", {"page_size": 1}).json()
    children = api_client.get(f"{BASE}/departments/", {"parent": "MSR"}).json()
    detail = api_client.get(f"{BASE}/departments/MSR/").json()

    assert page["count"] == 2
    assert len(page["results"]) == 1
    assert page["next"] is not None
    assert [d["code"] for d in children["results"]] == ["MSR-01"]
    assert detail["name_zh"] == "市场监管局"
    assert api_client.get(f"{BASE}/departments/OLD/").status_code == 404


@pytest.mark.parametrize("path", ["me/", "me/identities/", "me/acting-identity/"])
def test_me_endpoints_refuse_anonymous(api_client, path):
    response = api_client.get(f"{BASE}/{path}")

    assert response.status_code in (401, 403)
    assert response.json()["code"] == "not_authenticated"


def test_me_returns_masked_identifiers(api_client, citizen):
    api_client.force_authenticate(citizen)

    response = api_client.get(f"{BASE}/me/")

    assert response.status_code == 200
    body = response.json()
    assert body["id"] == str(citizen.public_id)
    assert body["id_number"] == citizen.id_number[:4] + "*" * 10 + citizen.id_number[-4:]
    assert body["phone"] == citizen.phone[:3] + "****" + citizen.phone[-4:]
    assert body["email"] == "c***@example.cn"
    assert body["staff_roles"] == []


def test_me_patch_changes_the_address_at_once_and_a_new_phone_only_once_confirmed(
    api_client, citizen
):
    api_client.force_authenticate(citizen)
    old_phone = citizen.phone

    response = api_client.patch(
        f"{BASE}/me/",
        {"phone": "13900000888", "address": "新地址", "current_password": PASSWORD},
        format="json",
    )

    citizen.refresh_from_db()
    assert response.status_code == 200
    assert response.json()["phone"] == old_phone[:3] + "****" + old_phone[-4:]
    assert response.json()["pending_phone"] == "139****0888"
    assert (citizen.phone, citizen.address) == (old_phone, "新地址")


def test_me_patch_invalid_values_answer_field_errors(api_client, citizen):
    api_client.force_authenticate(citizen)
    old_phone = citizen.phone

    response = api_client.patch(
        f"{BASE}/me/",
        {"phone": "12", "email": "nonsense", "current_password": PASSWORD},
        format="json",
    )

    citizen.refresh_from_db()
    assert response.status_code == 400
    assert set(response.json()["fields"]) == {"phone", "email"}
    assert citizen.phone == old_phone


def test_me_patch_with_the_body_of_get_keeps_the_stored_contact_details(api_client, citizen):
    # Given a citizen whose GET /me/ shows the phone and e-mail masked
    api_client.force_authenticate(citizen)
    citizen.address = "示范市东城区长安街1号"
    citizen.save(update_fields=["address"])
    stored = (citizen.phone, citizen.email, citizen.address)
    body = api_client.get(f"{BASE}/me/").json()
    assert "*" in body["phone"] and "*" in body["email"]

    # When a client sends the same body back with PATCH
    editable = {k: body[k] for k in ("phone", "email", "address", "preferred_language")}
    response = api_client.patch(f"{BASE}/me/", editable, format="json")

    # Then the masked values are not written over the real ones
    citizen.refresh_from_db()
    assert response.status_code == 200
    assert (citizen.phone, citizen.email, citizen.address) == stored
    assert response.json()["email"] == body["email"]


@pytest.mark.parametrize(
    ("field", "value"),
    [("email", "x***@elsewhere.cn"), ("phone", "139****0002"), ("address", "示范市西城区****")],
)
def test_me_patch_refuses_a_masked_looking_new_value(api_client, citizen, field, value):
    # Given a citizen with stored contact details
    api_client.force_authenticate(citizen)
    before = getattr(citizen, field)

    # When a value in masked form that is not the mask of the stored one is sent
    response = api_client.patch(f"{BASE}/me/?lang=en", {field: value}, format="json")

    # Then it is refused with a field error and nothing is stored
    citizen.refresh_from_db()
    assert response.status_code == 400
    assert list(response.json()["fields"]) == [field]
    assert "masked" in " ".join(response.json()["fields"][field])
    assert getattr(citizen, field) == before


def test_identities_and_switch(api_client, citizen, enterprise_a, enterprise_b):
    api_client.force_authenticate(citizen)

    identities = api_client.get(f"{BASE}/me/identities/").json()
    switched = api_client.post(
        f"{BASE}/me/acting-identity/", {"legal_entity": str(enterprise_a.public_id)}, format="json"
    )
    current = api_client.get(f"{BASE}/me/acting-identity/").json()
    forbidden = api_client.post(
        f"{BASE}/me/acting-identity/", {"legal_entity": str(enterprise_b.public_id)}, format="json"
    )
    malformed = api_client.post(
        f"{BASE}/me/acting-identity/", {"legal_entity": "not-a-uuid"}, format="json"
    )
    back = api_client.post(f"{BASE}/me/acting-identity/", {"legal_entity": None}, format="json")

    assert [(i["kind"], i["is_current"]) for i in identities] == [
        ("citizen", True),
        ("enterprise", False),
    ]
    assert switched.status_code == 200
    assert switched.json()["uscc"] == enterprise_a.uscc
    assert current["legal_entity"] == str(enterprise_a.public_id)
    assert forbidden.status_code == 403
    assert forbidden.json()["code"] == "permission_denied"
    assert malformed.status_code == 400
    assert list(malformed.json()["fields"]) == ["legal_entity"]
    assert back.json()["kind"] == "citizen"


def test_registration_creates_account(api_client):
    response = api_client.post(
        f"{BASE}/registrations/",
        {
            "username": "zhaoliu",
            "password": "a-Long-pass-phrase",
            "real_name": "赵六",
            "id_number": id_number_for(701),
            "phone": "13900000701",
            "email": "zhaoliu@example.cn",
        },
        format="json",
    )

    assert response.status_code == 201
    assert response.json()["username"] == "zhaoliu"
    assert "password" not in response.json()
    assert User.objects.get(username="zhaoliu").check_password("a-Long-pass-phrase")


def test_registration_bad_input_answers_field_level_envelope(api_client, citizen):
    response = api_client.post(
        f"{BASE}/registrations/",
        {
            "username": "zhaoliu",
            "password": "short",
            "real_name": "赵六",
            "id_number": citizen.id_number,
            "phone": "13900000701",
            "email": "zhaoliu@example.cn",
        },
        format="json",
        HTTP_ACCEPT_LANGUAGE="en",
    )

    body = response.json()
    assert response.status_code == 400
    assert body["code"] == "validation_failed"
    assert set(body["fields"]) == {"password", "id_number"}
    assert body["fields"]["id_number"] == ["An account with this ID number is already registered."]


def test_registration_missing_fields(api_client):
    response = api_client.post(f"{BASE}/registrations/", {}, format="json")

    assert response.status_code == 400
    assert {"username", "password", "real_name", "id_number", "phone", "email"} <= set(
        response.json()["fields"]
    )


def test_schema_documents_identity_endpoints(api_client):
    response = api_client.get("/api/schema/", {"format": "json"})

    paths = response.json()["paths"]
    assert "/api/v1/identity/registrations/" in paths
    assert "/api/v1/identity/me/acting-identity/" in paths


def test_field_errors_are_translated_for_chinese_readers(api_client, citizen):
    api_client.force_authenticate(citizen)
    other = api_client.patch(
        f"{BASE}/me/",
        {"email": "NOT-AN-ADDRESS", "current_password": PASSWORD},
        format="json",
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    taken = UserFactory()
    duplicate = api_client.patch(
        f"{BASE}/me/",
        {"phone": taken.phone, "current_password": PASSWORD},
        format="json",
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )

    assert other.status_code == 400
    assert duplicate.json()["fields"]["phone"] == ["该手机号码已注册账号。"]
