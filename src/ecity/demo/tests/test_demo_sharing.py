"""The demo's controlled sharing: 人社局's system reads 公安局's person registry with its grant."""

from __future__ import annotations

import base64

import pytest
from django.test import Client

from ecity.demo.data import accounts
from ecity.demo.services.city import demo_city_load
from ecity.registry.models import SharingGrant, SharingRequest

pytestmark = pytest.mark.django_db


def test_the_demo_system_reads_the_granted_fields_with_the_secret_shown_once(demo_city):
    grant = SharingGrant.objects.get()
    pending = SharingRequest.objects.get(status=SharingRequest.Status.PENDING)
    assert (grant.provider.code, grant.grantee.code) == ("GAJ", "RSJ")
    assert sorted(i.data_element.identifier for i in grant.items.all()) == [
        "DE0001",
        "DE0002",
        "DE0005",
    ]
    assert [i.data_element.identifier for i in pending.items.all()] == ["DE0006"]
    assert demo_city.system_client_secret

    basic = f"{demo_city.system_client_id}:{demo_city.system_client_secret}"
    token = Client().post(
        "/o/token/",
        {"grant_type": "client_credentials"},
        HTTP_AUTHORIZATION="Basic " + base64.b64encode(basic.encode()).decode(),
    )
    zhangwei = next(a for a in accounts.CITIZENS if a.username == "zhangwei")
    response = Client().get(
        "/api/v1/registry/data/persons/1.0/read",
        {"id_number": zhangwei.id_number, "purpose": "参保登记核验"},
        HTTP_AUTHORIZATION=f"Bearer {token.json()['access_token']}",
    )

    assert response.status_code == 200
    number = zhangwei.id_number
    # The date of birth is the one in the ID number (the registry was loaded from it).
    assert response.json()["record"] == {
        "id_number": number,
        "name": zhangwei.real_name,
        "birth_on": f"{number[6:10]}-{number[10:12]}-{number[12:14]}",
    }

    again = demo_city_load()
    assert again.system_client_secret == ""
    assert again.sharing_requests == 0
    assert SharingRequest.objects.count() == 2
