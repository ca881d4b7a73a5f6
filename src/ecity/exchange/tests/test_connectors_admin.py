"""Back office: a department administrator runs a connector and reads its run history."""

from __future__ import annotations

import csv

import pytest
from django.utils import translation

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
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    hukou = Connector.objects.get(name="hukou")

    # when the police administrator runs it from the list
    listing = client.get("/admin/exchange/connector/")
    page = client.post(
        "/admin/exchange/connector/",
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
    client.post("/admin/exchange/connector/", {"action": "run_now", "_selected_action": [hukou.pk]})
    rejected = ConnectorRun.objects.get(connector=hukou, status="rejected")
    detail = client.get(f"/admin/exchange/connectorrun/{rejected.pk}/change/")

    assert detail.status_code == 200
    assert "hukou.csv row 3 · sfzh: " in detail.content.decode()
    assert Person.objects.count() == 1
