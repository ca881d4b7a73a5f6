"""Back office: a department administrator runs a connector and reads its run history."""

from __future__ import annotations

import csv

import pytest
from django.utils import translation

from ecity.audit.models import AuditEntry
from ecity.exchange.models import Connector, ConnectorRun
from ecity.exchange.services.connectors import ConnectorValues, connector_save
from ecity.identity.tests.factories import (
    DepartmentFactory,
    StaffRoleFactory,
    StaffUserFactory,
    id_number_for,
)
from ecity.registry.models import Person
from ecity.registry.services.metadata import data_elements_load_shipped

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def _admin_of(department):
    user = StaffUserFactory(is_staff=True)
    StaffRoleFactory(user=user, department=department, role="department_admin")
    return user


def test_run_now_loads_the_rows_and_the_history_shows_the_bad_row_of_a_later_run(client, tmp_path):
    # given the police's connector over a CSV file, and the market's connector
    police = DepartmentFactory(code="GAJ", name_zh="示范市公安局", name_en="Public Security")
    market = DepartmentFactory(code="SCJ", name_zh="示范市市场监督管理局", name_en="Market")
    data_elements_load_shipped(actor=None)
    path = tmp_path / "hukou.csv"
    rows = [["id", "sfzh", "xm"], ["1", id_number_for(1), "赵一"]]
    path.write_text("".join(",".join(r) + "\n" for r in rows), encoding="utf-8")
    for name, department in (("hukou", police), ("shichang", market)):
        connector_save(
            actor=None,
            connector=None,
            values=ConnectorValues(
                name=name,
                department=department,
                source_kind="csv",
                registry="persons",
                connection=str(path),
                field_mapping={"sfzh": "公民身份号码", "xm": "姓名"},
                incremental_column="id",
            ),
        )
    client.force_login(_admin_of(police))
    hukou = Connector.objects.get(name="hukou")

    # when the police administrator runs it from the list
    listing = client.get("/en/admin/exchange/connector/")
    page = client.post(
        "/en/admin/exchange/connector/",
        {"action": "run_now", "_selected_action": [hukou.pk]},
        follow=True,
    )

    # then the list shows only the police's connector and the run loaded the row
    assert listing.status_code == 200
    assert "hukou" in listing.content.decode() and "shichang" not in listing.content.decode()
    assert page.status_code == 200
    shown = [str(m) for m in page.context["messages"]]
    assert shown == ["hukou: Succeeded — 1 read, 1 loaded, 0 rejected."]
    assert Person.objects.get(name="赵一").id_number == id_number_for(1)

    # when a bad row arrives and it runs again, the run history names the row
    with path.open("a", encoding="utf-8", newline="") as stream:
        csv.writer(stream).writerow(["2", "12345", "钱二"])
    client.post(
        "/en/admin/exchange/connector/", {"action": "run_now", "_selected_action": [hukou.pk]}
    )
    rejected = ConnectorRun.objects.get(connector=hukou, status="rejected")
    detail = client.get(f"/en/admin/exchange/connectorrun/{rejected.pk}/change/")

    assert detail.status_code == 200
    assert "hukou.csv row 3 · sfzh: " in detail.content.decode()
    assert Person.objects.count() == 1


def test_a_connector_is_added_in_the_admin_with_field_errors_first_and_its_dsn_hidden(client):
    # given a police administrator
    police = DepartmentFactory(code="GAJ", name_zh="示范市公安局", name_en="Public Security")
    data_elements_load_shipped(actor=None)
    client.force_login(_admin_of(police))
    form = {
        "name": "hukou-db",
        "title": "户籍库",
        "department": police.pk,
        "source_kind": "mariadb",
        "registry": "persons",
        "field_mapping": '{"sfzh": "公民身份号码", "bad": "no such element"}',
        "connection": "postgresql://wrong",
        "query": "",
        "table": "hukou",
        "record_path": "",
        "key_column": "id",
        "incremental_column": "id",
        "every_minutes": "30",
        "batch_size": "5000",
        "is_enabled": "on",
    }

    # when the form has a wrong DSN scheme and an unknown element
    refused = client.post("/en/admin/exchange/connector/add/", form)

    # then it is shown again with both errors and nothing is saved
    html = refused.content.decode()
    assert refused.status_code == 200
    assert "Give a DSN starting with mysql://." in html
    assert "bad: No attribute of this registry is named no such element." in html
    assert not Connector.objects.exists()

    # when corrected
    form |= {
        "field_mapping": '{"sfzh": "公民身份号码", "xm": "姓名"}',
        "connection": "mysql://reader:s3cret@127.0.0.1:3306/huji",
    }
    saved = client.post("/en/admin/exchange/connector/add/", form)

    # then it is saved through the service, and its page never shows the password
    connector = Connector.objects.get(name="hukou-db")
    assert saved.status_code == 302
    assert connector.connection == "mysql://reader:s3cret@127.0.0.1:3306/huji"
    assert connector.every_minutes == 30
    page = client.get(f"/en/admin/exchange/connector/{connector.pk}/change/")
    assert page.status_code == 200
    assert "s3cret" not in page.content.decode()
    entry = AuditEntry.objects.get(action="exchange.connector_saved")
    assert "s3cret" not in str(entry.data)
