"""The public catalogue pages, their exports and the open-data page."""

from __future__ import annotations

import csv
import io
import json

import openpyxl
import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def _names(response) -> list[str]:
    return [r.name for r in response.context["page"].object_list]


def test_catalogue_lists_published_resources_only_with_facet_counts(client, published_catalogue):
    # When anyone opens the catalogue
    response = client.get(reverse("registry:resource_list"))
    # Then the published resources are listed, the draft is not
    assert response.status_code == 200
    assert _names(response) == ["人口基础信息", "性别代码", "企业登记信息"]
    assert "草稿资源" not in response.content.decode()
    facets = {f.name: {v.value: v.count for v in f.values} for f in response.context["facets"]}
    assert facets["department"] == {"GAJ": 2, "SCJ": 1}
    assert facets["share_type"] == {"unconditional": 2, "conditional": 1}
    assert facets["open_type"] == {"open": 2, "not_open": 1}
    assert facets["subject"] == {"人口": 2, "企业": 1}


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"department": "SCJ"}, ["企业登记信息"]),
        ({"subject": "人口"}, ["人口基础信息", "性别代码"]),
        ({"share_type": "conditional"}, ["人口基础信息"]),
        ({"open_type": "open", "department": "GAJ"}, ["性别代码"]),
        ({"resource_format": "spreadsheet"}, ["企业登记信息"]),
        ({"update_cycle": "daily"}, ["人口基础信息"]),
        ({"q": "企业"}, ["企业登记信息"]),
        ({"q": "population"}, ["人口基础信息"]),
    ],
)
def test_catalogue_is_narrowed_by_facets_and_search(client, published_catalogue, params, expected):
    response = client.get(reverse("registry:resource_list"), params)
    assert response.status_code == 200
    assert _names(response) == expected


def test_an_unknown_facet_value_is_a_clear_error(client, published_catalogue):
    response = client.get(reverse("registry:resource_list"), {"share_type": "sometimes"})
    assert response.status_code == 400
    assert "未知的取值 sometimes。" in response.content.decode()
    assert response.context["page"].paginator.count == 0


def test_catalogue_page_is_in_english_under_en(client, published_catalogue):
    response = client.get("/en" + reverse("registry:resource_list"), {"department": "GAJ"})
    text = response.content.decode()
    assert response.status_code == 200
    assert "Information resource catalogue" in text and "Shared conditionally" in text


def test_detail_shows_items_bound_to_data_elements(client, published_catalogue):
    response = client.get(reverse("registry:resource_detail", args=["GA-0001"]))
    text = response.content.decode()
    assert response.status_code == 200
    assert "用于政务服务办理，按最小必要原则共享。" in text
    assert [i.data_element.identifier for i in response.context["resource"].items.all()] == [
        "DE0001",
        "DE0002",
        "DE0003",
        "DE0005",
    ]
    assert reverse("registry:data_element_detail", args=["DE0001"]) in text


def test_a_draft_has_no_public_page(client, published_catalogue):
    assert client.get(reverse("registry:resource_detail", args=["GA-0099"])).status_code == 404


def test_catalogue_csv_has_one_row_per_published_resource(client, published_catalogue):
    response = client.get(reverse("registry:resource_export", args=["csv"]))
    assert response.status_code == 200
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows[0][:3] == ["资源代码", "资源名称", "英文名称"]
    by_code = {row[0]: row for row in rows[1:]}
    assert set(by_code) == {"GA-0001", "GA-0002", "SCJ-0001"}
    assert (
        by_code["GA-0001"][9]
        == "公民身份号码(DE0001)；姓名(DE0002)；性别代码(DE0003)；出生日期(DE0005)"
    )
    assert by_code["GA-0001"][10] == "有条件共享"


def test_catalogue_excel_has_resources_and_items_sheets(client, published_catalogue):
    response = client.get("/en" + reverse("registry:resource_export", args=["xlsx"]))
    assert response.status_code == 200
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    resources, items = workbook.worksheets
    assert resources.title == "Resources" and items.title == "Information items"
    assert [c.value for c in resources[1]][:2] == ["Resource code", "Resource name"]
    assert resources.max_row == 4
    item_codes = [row[0] for row in items.iter_rows(min_row=2, values_only=True)]
    assert item_codes.count("GA-0001") == 4 and item_codes.count("SCJ-0001") == 4


def test_open_data_page_lists_open_resources_with_downloads(client, published_catalogue):
    response = client.get(reverse("registry:open_data_list"))
    text = response.content.decode()
    assert response.status_code == 200
    assert [r.code for r in response.context["resources"]] == ["GA-0002", "SCJ-0001"]
    assert reverse("registry:open_data_values", args=["GA-0002"]) in text
    assert reverse("registry:open_data_values", args=["SCJ-0001"]) not in text


def test_open_resource_metadata_downloads(client, published_catalogue):
    as_json = client.get(reverse("registry:open_data_metadata", args=["SCJ-0001", "json"]))
    assert as_json.status_code == 200
    data = json.loads(as_json.content)
    assert data["provider"] == {"code": "SCJ", "name": "示范市市场监督管理局"}
    assert [i["data_element"] for i in data["items"]] == ["DE0008", "DE0009", "DE0011", "DE0014"]
    as_csv = client.get(reverse("registry:open_data_metadata", args=["SCJ-0001", "csv"]))
    rows = list(csv.reader(io.StringIO(as_csv.content.decode().lstrip("\ufeff"))))
    assert [r[3] for r in rows[1:]] == ["DE0008", "DE0009", "DE0011", "DE0014"]


def test_code_list_resource_offers_its_values(client, published_catalogue):
    response = client.get(reverse("registry:open_data_values", args=["GA-0002"]))
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode().lstrip("\ufeff"))))
    assert [row[:2] for row in rows[1:3]] == [["0", "未知的性别"], ["1", "男性"]]


def test_a_resource_not_open_offers_no_download(client, published_catalogue):
    url = reverse("registry:open_data_metadata", args=["GA-0001", "json"])
    assert client.get(url).status_code == 404
