"""The places registry through the shared mechanisms: bulk import, the sharing API, pages."""

from __future__ import annotations

import base64
import datetime as dt
from urllib.parse import quote

import pytest
from django.test import Client
from django.utils import timezone, translation

from ecity.audit.models import AuditEntry
from ecity.identity.tests.factories import DepartmentFactory, StaffRoleFactory
from ecity.registry.models import (
    Address,
    DataElement,
    ImportJob,
    Resource,
    ResourceItem,
    ShareType,
)
from ecity.registry.services.imports import registry_import
from ecity.registry.services.records import address_write
from ecity.registry.services.sharing import sharing_request_approve, sharing_request_submit
from ecity.registry.tests.factories import ResourceFactory
from ecity.sso.services import system_client_register

pytestmark = pytest.mark.django_db

HEADER = "地址编码,标准地址,行政区划代码,户室号,经度,纬度\n"
READ = "/api/v1/registry/data/addresses/1.0/read"
EXISTS = "/api/v1/registry/data/addresses/1.0/exists"
LIST = "/api/v1/registry/data/addresses/1.0/list"


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def _file(tmp_path, rows: str):
    path = tmp_path / "addresses.csv"
    path.write_text(HEADER + rows, encoding="utf-8")
    return path


def test_a_dry_run_of_addresses_reports_field_level_problems_and_writes_nothing(places, tmp_path):
    path = _file(
        tmp_path,
        "99010200010001,示范市东城区人民大道150号,990102,,120.1,30.3\n"
        "99010200010002,,990199,,120.1,\n"
        "99010200010001,示范市东城区人民大道150号,990102,,,\n",
    )
    job = registry_import(
        actor=None, department=places["civil"], registry="addresses", path=path, dry_run=True
    )
    assert job.status == ImportJob.Status.FAILED
    assert {(p["row"], p["column"]) for p in job.problems} == {
        (3, "标准地址"),
        (3, "行政区划代码"),
        (4, "地址编码"),
    }
    assert Address.objects.count() == 0


def test_a_load_with_a_bad_row_writes_nothing_of_its_batch(places, tmp_path):
    path = _file(
        tmp_path,
        "99010200010001,示范市东城区人民大道150号,990102,,120.1,30.3\n"
        "99010200010002,示范市东城区民安路3号,990102,,120.1,\n",
    )
    job = registry_import(actor=None, department=places["natural"], registry="addresses", path=path)
    assert job.status == ImportJob.Status.FAILED
    assert job.problems == [
        {"row": 3, "column": "纬度", "message": "Give the longitude and the latitude together."}
    ]
    assert Address.objects.count() == 0


def test_a_load_of_addresses_writes_them_by_the_records_rules(places, tmp_path):
    path = _file(
        tmp_path,
        "99010200010001,示范市东城区人民大道150号,990102,,120.1,30.3\n"
        "99010200020001,示范市东城区和平里小区3幢2单元502室,990102,502室,120.12,30.31\n",
    )
    job = registry_import(actor=None, department=places["natural"], registry="addresses", path=path)
    assert job.status == ImportJob.Status.COMPLETED and job.created_count == 2
    address = Address.objects.get(code="99010200020001")
    assert address.room == "502室" and str(address.latitude) == "30.310000"
    provenance = {row.attribute: row.is_authoritative for row in address_provenance(address)}
    # natural resources is the authority of the code and coordinates, not of the room
    assert provenance["longitude"] and provenance["code"] and not provenance["room"]


def address_provenance(address):
    from ecity.registry.models import RecordAttribute

    return RecordAttribute.objects.filter(address=address)


@pytest.fixture
def address_sharing(places):
    """Natural resources' address resource (room conditional), a labour bureau's system."""
    from ecity.core.calendar import calendar_seed

    calendar_seed()
    labour = DepartmentFactory(code="RSJ", name_zh="示范市人力资源和社会保障局")
    labour_admin = StaffRoleFactory(department=labour, role="department_admin").user
    resource = ResourceFactory(
        code="GTJ-DZ-0001",
        name="地名地址信息",
        provider=places["natural"],
        share_type=ShareType.UNCONDITIONAL,
        share_condition="户室号须经审核。",
        status=Resource.Status.PUBLISHED,
    )
    items = {}
    for order, identifier in enumerate(["DE0020", "DE0021", "DE0015", "DE0026"]):
        items[identifier] = ResourceItem.objects.create(
            resource=resource,
            data_element=DataElement.objects.get(identifier=identifier),
            share_type=ShareType.CONDITIONAL if identifier == "DE0026" else None,
            order=order,
        )
    application, secret = system_client_register(
        actor=places["platform_admin"], name="社保业务系统", department=labour
    )
    for code, text, room in (
        ("99010200020001", "示范市东城区和平里小区3幢2单元502室", "502室"),
        ("99010500010001", "示范市滨江区江滨大道210号", ""),
    ):
        address_write(
            actor=places["civil_admin"],
            department=places["civil"],
            source="import",
            code=code,
            values={"full_address": text, "region_code": code[:6], "room": room},
        )
    basic = base64.b64encode(f"{application.client_id}:{secret}".encode()).decode()
    token = (
        Client()
        .post(
            "/o/token/", {"grant_type": "client_credentials"}, HTTP_AUTHORIZATION=f"Basic {basic}"
        )
        .json()["access_token"]
    )

    def get(path, **params):
        return Client().get(
            path,
            params,
            HTTP_AUTHORIZATION=f"Bearer {token}",
            HTTP_X_PURPOSE=quote("核验参保人员居住地址"),
            HTTP_ACCEPT_LANGUAGE="en",
        )

    return {
        "get": get,
        "labour": labour,
        "labour_admin": labour_admin,
        "application": application,
        "resource": resource,
        "items": items,
        "natural_admin": places["natural_admin"],
    }


def test_a_system_reads_the_unconditional_address_fields_only(address_sharing):
    response = address_sharing["get"](READ, code="99010200020001")
    assert response.status_code == 200, response.content
    assert response.json()["record"] == {
        "code": "99010200020001",
        "full_address": "示范市东城区和平里小区3幢2单元502室",
        "region_code": "990102",
    }
    refused = address_sharing["get"](READ, code="99010200020001", fields="room")
    assert refused.status_code == 403
    assert refused.json()["fields"]["fields"] == [
        "“room” is shared on condition: request it first."
    ]
    not_shared = address_sharing["get"](READ, code="99010200020001", fields="longitude")
    assert not_shared.status_code == 403
    entry = AuditEntry.objects.filter(action="registry.address_shared_read").first()
    assert entry is not None and entry.reason == "核验参保人员居住地址"


def test_a_grant_opens_the_room_and_list_filters_by_region_and_text(address_sharing):
    today = timezone.localdate()
    request = sharing_request_submit(
        actor=address_sharing["labour_admin"],
        requester=address_sharing["labour"],
        application=address_sharing["application"],
        resource=address_sharing["resource"],
        items=[address_sharing["items"]["DE0026"]],
        purpose="核验参保人员居住地址",
        legal_basis="《社会保险法》",
        starts_on=today,
        ends_on=today + dt.timedelta(days=30),
    )
    sharing_request_approve(actor=address_sharing["natural_admin"], sharing_request=request)
    get = address_sharing["get"]
    read = get(READ, code="99010200020001", fields="code,room")
    assert read.json()["record"] == {"code": "99010200020001", "room": "502室"}
    listed = get(LIST, region_code="9901", text="和平里 502室")
    assert listed.status_code == 200, listed.content
    assert [r["code"] for r in listed.json()["results"]] == ["99010200020001"]
    assert get(LIST, region_code="990105").json()["count"] == 1
    unknown = get(LIST, colour="red")
    assert unknown.status_code == 400 and "colour" in unknown.json()["fields"]
    assert get(EXISTS, code="99010500010001").json() == {"exists": True}
    assert get(EXISTS, code="99010500019999").json() == {"exists": False}


def test_without_a_catalogue_entry_every_address_field_is_denied(places):
    from ecity.identity.tests.factories import DepartmentFactory as Departments

    labour = Departments(code="RSJ")
    application, secret = system_client_register(
        actor=places["platform_admin"], name="系统", department=labour
    )
    basic = base64.b64encode(f"{application.client_id}:{secret}".encode()).decode()
    token = (
        Client()
        .post(
            "/o/token/", {"grant_type": "client_credentials"}, HTTP_AUTHORIZATION=f"Basic {basic}"
        )
        .json()["access_token"]
    )
    response = Client().get(
        READ,
        {"code": "99010200020001", "purpose": "test"},
        HTTP_AUTHORIZATION=f"Bearer {token}",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 403


def test_staff_pages_public_region_pages_and_geojson(places, client):
    address_write(
        actor=places["civil_admin"],
        department=places["civil"],
        source="import",
        code="99010200010001",
        values={"full_address": "示范市东城区人民大道150号", "region_code": "990102"},
    )
    # the boundaries are open data
    geojson = client.get("/en/registry/open-data/region-boundaries.geojson")
    assert geojson.status_code == 200
    assert geojson["Content-Type"].startswith("application/geo+json")
    features = geojson.json()["features"]
    assert [f["properties"]["region_code"] for f in features] == ["990102", "990105"]
    one = client.get("/en/registry/open-data/region-boundaries/990105.geojson")
    assert one.json()["features"][0]["geometry"]["type"] == "Polygon"
    assert client.get("/en/registry/open-data/region-boundaries/990199.geojson").status_code == 404
    # the public region page and the point lookup
    page = client.get("/en/registry/regions/", {"longitude": "120.3", "latitude": "30.3"})
    assert page.status_code == 200 and "990105" in page.content.decode()
    bad = client.get("/en/registry/regions/", {"longitude": "abc", "latitude": "95"})
    assert "Between -90 and 90 degrees." in bad.content.decode()
    assert client.get("/en/registry/regions/990102/").status_code == 200
    # the address lookup is for staff only
    assert client.get("/en/registry/addresses/", {"q": "人民"}).status_code == 302
    client.force_login(places["natural_admin"])
    found = client.get("/en/registry/addresses/", {"q": "人民"})
    assert found.status_code == 200 and "99010200010001" in found.content.decode()
    detail = client.get("/en/registry/addresses/99010200010001/")
    assert detail.status_code == 200
    body = detail.content.decode()
    assert "示范市东城区人民大道150号" in body and "The address has no coordinates." in body
    # the authority of the coordinates sees the location findings on its quality page
    quality = client.get("/en/registry/quality/GTJ/")
    assert quality.status_code == 200
    assert "Coordinates outside their region" in quality.content.decode()
