"""Catalogue API: browsing, form validation, staff drafts and publishing."""

from __future__ import annotations

import pytest

from ecity.catalogue.models import ServiceItemVersion
from ecity.catalogue.tests.factories import (
    MaterialFactory,
    ThemeFactory,
    VersionFactory,
    department_admin,
    published_item,
)
from ecity.identity.tests.factories import DepartmentFactory, UserFactory, id_number_for

pytestmark = pytest.mark.django_db

BASE = "/api/v1/catalogue"


def test_items_are_filtered_by_theme_audience_and_kind(api_client):
    theme = ThemeFactory(code="kaiban")
    published_item(
        themes=[theme], for_g2c=False, for_g2b=True, kind="licensing", name_zh="设立登记"
    )
    published_item(name_zh="居民服务")

    by_theme = api_client.get(f"{BASE}/items/", {"theme": "kaiban"}).json()
    by_audience = api_client.get(f"{BASE}/items/", {"audience": "g2c"}).json()
    by_kind = api_client.get(f"{BASE}/items/", {"kind": "licensing"}).json()

    assert [r["name_zh"] for r in by_theme["results"]] == ["设立登记"]
    assert by_theme["results"][0]["audiences"] == ["g2b"]
    assert [r["name_zh"] for r in by_audience["results"]] == ["居民服务"]
    assert by_kind["count"] == 1


def test_items_search_and_ordering(api_client):
    published_item(item__code="B-1", name_zh="乙服务")
    published_item(item__code="A-1", name_zh="甲服务", summary_zh="关于养老保险")

    found = api_client.get(f"{BASE}/items/", {"q": "养老"}).json()
    ordered = api_client.get(f"{BASE}/items/", {"ordering": "-code"}).json()

    assert [r["code"] for r in found["results"]] == ["A-1"]
    assert [r["code"] for r in ordered["results"]] == ["B-1", "A-1"]


def test_invalid_audience_filter_is_a_400_envelope(api_client):
    response = api_client.get(f"{BASE}/items/", {"audience": "martians"})

    assert response.status_code == 400
    assert response.json()["code"] == "validation_failed"
    assert "audience" in response.json()["fields"]


def test_themes_have_item_counts(api_client):
    theme = ThemeFactory(code="shebao")
    published_item(themes=[theme])
    VersionFactory().themes.add(theme)  # a draft does not count

    data = api_client.get(f"{BASE}/themes/").json()

    assert [(t["code"], t["item_count"]) for t in data["results"]] == [("shebao", 1)]


def test_item_detail_has_guide_materials_and_form_schema(api_client):
    item = published_item(name_zh="生育登记")
    MaterialFactory(version=item.current_version, name_zh="出生医学证明")

    data = api_client.get(f"{BASE}/items/{item.code}/").json()

    version = data["current_version"]
    assert version["name_zh"] == "生育登记"
    assert [m["name_zh"] for m in version["materials"]] == ["出生医学证明"]
    assert version["form_schema"]["properties"]["id_number"]["format"] == "id_number"
    assert version["status"] == "published"


def test_unknown_code_is_404_envelope(api_client):
    response = api_client.get(f"{BASE}/items/NOPE/")

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_versions_list_excludes_drafts(api_client):
    item = published_item()
    VersionFactory(item=item, number=2)

    data = api_client.get(f"{BASE}/items/{item.code}/versions/").json()

    assert [v["number"] for v in data["results"]] == [1]
    assert api_client.get(f"{BASE}/items/{item.code}/versions/2/").status_code == 404
    assert api_client.get(f"{BASE}/items/{item.code}/versions/1/").status_code == 200


def test_form_validate_returns_cleaned_data(api_client):
    item = published_item()
    payload = {"applicant_name": "王小明", "id_number": id_number_for(3), "delivery": "post"}

    response = api_client.post(f"{BASE}/items/{item.code}/form/validate/", payload, format="json")

    assert response.status_code == 200
    assert response.json() == {
        "valid": True,
        "data": {
            "applicant_name": "王小明",
            "id_number": id_number_for(3),
            "phone": "",
            "children": None,
            "delivery": "post",
            "postcode": "",
        },
    }


def test_form_validate_bad_data_gives_field_errors(api_client):
    item = published_item()
    payload = {"applicant_name": "王", "children": 99, "delivery": "drone", "extra": 1}

    response = api_client.post(f"{BASE}/items/{item.code}/form/validate/", payload, format="json")

    body = response.json()
    assert response.status_code == 400
    assert body["code"] == "validation_failed"
    assert set(body["fields"]) == {"applicant_name", "children", "delivery", "id_number", "extra"}


def test_anonymous_and_citizen_cannot_create_drafts(api_client):
    item = published_item()

    anonymous = api_client.post(f"{BASE}/items/{item.code}/drafts/")
    api_client.force_authenticate(UserFactory())
    citizen = api_client.post(f"{BASE}/items/{item.code}/drafts/")

    assert anonymous.status_code == 403
    assert citizen.status_code == 403
    assert citizen.json()["code"] == "permission_denied"
    assert item.versions.count() == 1


def test_department_admin_drafts_edits_and_publishes(api_client):
    department = DepartmentFactory()
    item = published_item(item__department=department)
    api_client.force_authenticate(department_admin(department))

    created = api_client.post(f"{BASE}/items/{item.code}/drafts/")
    public_id = created.json()["public_id"]
    patched = api_client.patch(
        f"{BASE}/versions/{public_id}/", {"committed_days": 2, "name_zh": "新名"}, format="json"
    )
    published = api_client.post(f"{BASE}/versions/{public_id}/publish/")

    assert created.status_code == 201 and created.json()["number"] == 2
    assert patched.status_code == 200 and patched.json()["committed_days"] == 2
    assert published.status_code == 200 and published.json()["status"] == "published"
    assert (
        api_client.get(f"{BASE}/items/{item.code}/").json()["current_version"]["name_zh"] == "新名"
    )


def test_patching_published_version_is_409(api_client):
    department = DepartmentFactory()
    item = published_item(item__department=department)
    api_client.force_authenticate(department_admin(department))

    response = api_client.patch(
        f"{BASE}/versions/{item.current_version.public_id}/", {"name_zh": "x"}, format="json"
    )

    assert response.status_code == 409
    assert response.json()["code"] == "version_immutable"


def test_patching_draft_with_bad_values_is_400(api_client):
    department = DepartmentFactory()
    draft = VersionFactory(item__department=department)
    api_client.force_authenticate(department_admin(department))

    response = api_client.patch(
        f"{BASE}/versions/{draft.public_id}/", {"committed_days": 99}, format="json"
    )

    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["committed_days"]
    draft.refresh_from_db()
    assert draft.committed_days == 5


def test_other_department_admin_cannot_publish(api_client):
    draft = VersionFactory()
    api_client.force_authenticate(department_admin(DepartmentFactory()))

    response = api_client.post(f"{BASE}/versions/{draft.public_id}/publish/")

    assert response.status_code == 403
    draft.refresh_from_db()
    assert draft.status == ServiceItemVersion.Status.DRAFT


def test_openapi_schema_lists_catalogue_endpoints(api_client):
    response = api_client.get("/api/schema/", {"format": "json"})

    paths = response.json()["paths"]
    assert "/api/v1/catalogue/items/{code}/form/validate/" in paths
    assert "/api/v1/catalogue/versions/{public_id}/publish/" in paths
