"""No export of personal data without a grant: the authority and grantees get values in full,
everyone else masked; every export is audited."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.utils import timezone, translation

from ecity.audit.models import AuditEntry
from ecity.core.errors import PermissionDenied
from ecity.identity.tests.factories import StaffRoleFactory, StaffUserFactory, id_number_for
from ecity.registry.models import Person
from ecity.registry.services.record_exports import records_export_csv
from ecity.registry.services.sharing import (
    sharing_grant_revoke,
    sharing_request_approve,
    sharing_request_submit,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def _rows(content: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(content.lstrip("\ufeff"))))


def _export(sharing, actor, department):
    return _rows(
        records_export_csv(
            actor=actor, department=department, records=Person.objects.all(), kind="person"
        )
    )


def _grant(sharing):
    today = timezone.localdate()
    request = sharing_request_submit(
        actor=sharing["labour_admin"],
        requester=sharing["labour"],
        application=sharing["application"],
        resource=sharing["resource"],
        items=[sharing["items"]["DE0005"], sharing["items"]["DE0006"]],
        purpose="核验社保参保人员的出生日期和住址",
        legal_basis="《社会保险法》第五十八条",
        starts_on=today,
        ends_on=today + dt.timedelta(days=365),
    )
    return sharing_request_approve(actor=sharing["police_admin"], sharing_request=request)


def test_without_a_grant_another_department_gets_every_personal_value_masked(sharing):
    [row] = _export(sharing, sharing["labour_admin"], sharing["labour"])

    assert row["resident ID number"] != id_number_for(501)
    assert "*" in row["resident ID number"] and row["name"] == "王**"
    assert row["address"] != "示范市中山路1号" and row["date of birth"] == "1990-**-**"
    assert row["sex"] == "1"  # a code, not personal
    export = AuditEntry.objects.get(action="registry.records_exported")
    assert export.fields == [] and "address" in export.data["masked"]
    assert export.subject is None  # nobody's personal values went out


def test_a_grant_lets_its_department_export_the_granted_items_in_full(sharing):
    _grant(sharing)

    [row] = _export(sharing, sharing["labour_admin"], sharing["labour"])

    assert (row["date of birth"], row["address"]) == ("1990-05-17", "示范市中山路1号")
    assert row["name"] == "王**"  # not in the grant
    # the citizen sees the export on "who looked at my data"
    entry = AuditEntry.objects.get(action="registry.records_exported", subject=sharing["citizen"])
    assert entry.fields == ["birth_on", "address"]


def test_a_revoked_grant_masks_the_values_again(sharing):
    grant = _grant(sharing)
    sharing_grant_revoke(actor=sharing["police_admin"], grant=grant, reason="用途已结束")

    [row] = _export(sharing, sharing["labour_admin"], sharing["labour"])

    assert row["address"] != "示范市中山路1号"


def test_the_authority_exports_its_values_in_full_but_not_a_value_it_is_no_authority_of(sharing):
    [row] = _export(sharing, sharing["police_admin"], sharing["police"])

    assert (row["resident ID number"], row["name"]) == (id_number_for(501), "王小明")
    assert row["address"] == "示范市中山路1号"
    assert row["mobile phone"] != "13900000001"  # the phone has no authority department


def test_an_export_for_a_department_one_does_not_administer_is_refused(sharing):
    with pytest.raises(PermissionDenied):
        _export(sharing, sharing["labour_admin"], sharing["police"])

    assert not AuditEntry.objects.filter(action="registry.records_exported").exists()


def test_the_admin_export_action_masks_for_a_department_without_a_grant(client, sharing):
    user = StaffUserFactory(is_staff=True)
    StaffRoleFactory(user=user, department=sharing["labour"], role="department_admin")
    client.force_login(user)

    answer = client.post(
        "/admin/registry/person/",
        {"action": "export_csv", "_selected_action": [sharing["person"].pk]},
    )

    assert answer.status_code == 200
    assert answer["Content-Type"].startswith("text/csv")
    content = answer.content.decode()
    assert "示范市中山路1号" not in content and id_number_for(501) not in content
    assert "王**" in content


def test_the_admin_export_action_gives_the_authority_its_values(client, sharing):
    user = StaffUserFactory(is_staff=True)
    StaffRoleFactory(user=user, department=sharing["police"], role="department_admin")
    client.force_login(user)

    answer = client.post(
        "/admin/registry/person/",
        {"action": "export_csv", "_selected_action": [sharing["person"].pk]},
    )

    assert answer.status_code == 200
    assert "示范市中山路1号" in answer.content.decode()
