"""Indicator pages (list, figures with chart and table, downloads, staff upload) and the API."""

from __future__ import annotations

import csv
import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from ecity.audit.models import AuditEntry
from ecity.registry.models import Observation
from ecity.registry.services.indicator_loads import indicator_observations_load

pytestmark = pytest.mark.django_db

FIGURES = (
    "indicator,region,period,value,status\n"
    "GDP,990100,2022,5000.10,final\n"
    "GDP,990100,2023,5320.15,final\n"
    "GDP,990100,2024,5601.00,preliminary\n"
    "GDP,990102,2022,2000.00,final\n"
    "GDP,990102,2023,2101.40,final\n"
    "CPI_Q,990100,2024Q1,100.3,final\n"
)


@pytest.fixture
def figures(indicators):
    report = indicator_observations_load(
        actor=None,
        department=indicators["statistics"],
        file_name="f.csv",
        content=FIGURES.encode(),
    )
    assert not report.problems
    return indicators


REVISED = FIGURES.replace("5601.00", "5610.00")


def _points(html: str) -> int:
    return len(re.findall(r'<circle class="point"', html))


def test_list_groups_indicators_by_subject_and_searches(client, figures):
    response = client.get("/en/registry/indicators/")
    html = response.content.decode()

    assert response.status_code == 200
    assert "National accounts" in html and "Employment" in html
    assert "Gross regional product" in html

    found = client.get("/en/registry/indicators/", {"q": "unemployment"}).content.decode()
    assert "Registered urban unemployment rate" in found
    assert "Gross regional product" not in found
    by_subject = client.get("/en/registry/indicators/", {"subject": "prices"}).content.decode()
    assert "Consumer price index" in by_subject and "Gross regional product" not in by_subject


def test_indicator_page_has_chart_with_a_point_per_figure_and_a_data_table(client, figures):
    response = client.get("/en/registry/indicators/GDP/")
    html = response.content.decode()

    assert response.status_code == 200
    assert _points(html) == 5
    assert '<title id="chart-title">Gross regional product (亿元)</title>' in html
    assert '<desc id="chart-desc">' in html
    assert 'role="img"' in html
    assert "<script" not in html.split("<svg", 1)[1].split("</svg>", 1)[0]
    table = html.split('<table id="figures">', 1)[1].split("</table>", 1)[0]
    assert "5320.15" in table and "2101.40" in table
    assert 'title="Preliminary"' in table  # 2024 is preliminary


def test_filters_by_region_and_period_range(client, figures):
    response = client.get(
        "/en/registry/indicators/GDP/", {"region": "990100", "from": "2023", "to": "2024"}
    )
    html = response.content.decode()

    assert response.status_code == 200
    assert _points(html) == 2
    assert "2101.40" not in html


def test_bad_period_filter_is_a_400_with_a_field_message(client, figures):
    response = client.get("/en/registry/indicators/GDP/", {"from": "yesterday"})

    assert response.status_code == 400
    assert "Write a period as 2025, 2025Q3 or 2025-09." in response.content.decode()


def test_draft_indicator_is_not_public(client, figures):
    from ecity.registry.services.indicators import indicator_save

    indicator_save(
        actor=None,
        code="DRAFT",
        name="草稿",
        unit="%",
        frequency="annual",
        aggregation="rate",
        authority=figures["statistics"],
    )
    assert client.get("/en/registry/indicators/DRAFT/").status_code == 404
    assert "草稿" not in client.get("/en/registry/indicators/").content.decode()


def test_downloads_csv_and_json_follow_the_filters(client, figures):
    response = client.get("/en/registry/indicators/GDP/observations.csv", {"region": "990102"})
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert [(r["region"], r["period"], r["value"], r["unit"]) for r in rows] == [
        ("990102", "2022", "2000.00", "亿元"),
        ("990102", "2023", "2101.40", "亿元"),
    ]

    data = client.get("/en/registry/indicators/CPI_Q/observations.json").json()
    assert data["indicator"]["unit"] == "上年同期=100"
    assert [(o["period"], o["value"]) for o in data["observations"]] == [("2024Q1", "100.3")]


def test_api_lists_indicators_and_paginated_filtered_figures(client, figures):
    listing = client.get("/api/v1/registry/indicators/", {"subject": "national_accounts"}).json()
    assert [i["code"] for i in listing["results"]] == ["GDP"]
    assert listing["results"][0]["authority"]["code"] == "TJJ"

    detail = client.get("/api/v1/registry/indicators/GDP/").json()
    assert detail["frequency"] == "annual"

    page = client.get(
        "/api/v1/registry/indicators/GDP/observations/", {"region": "990100", "page_size": 2}
    ).json()
    assert page["count"] == 3
    assert [(o["period"], o["value"]) for o in page["results"]] == [
        ("2022", "5000.10"),
        ("2023", "5320.15"),
    ]
    assert page["next"]


def test_api_errors_name_the_field(client, figures):
    response = client.get("/api/v1/registry/indicators/GDP/observations/", {"to": "2025Q9"})
    assert response.status_code == 400
    assert "period_to" in response.json()["fields"]
    assert client.get("/api/v1/registry/indicators/", {"subject": "x"}).status_code == 400
    assert client.get("/api/v1/registry/indicators/NOPE/observations/").status_code == 404


def test_api_is_in_the_openapi_schema(client, db):
    schema = client.get("/api/schema/", {"format": "json"}).content.decode()
    assert "/api/v1/registry/indicators/{code}/observations/" in schema


def test_open_data_page_links_the_indicators(client, figures):
    response = client.get("/en/registry/open-data/")
    assert response.status_code == 200
    assert 'href="/en/registry/indicators/"' in response.content.decode()


def test_staff_upload_checks_then_loads_and_audits(client, figures):
    client.force_login(figures["statistician"])
    url = "/en/registry/indicators/upload/"
    assert client.get(url).status_code == 200

    def post(dry_run, text=REVISED):
        upload = SimpleUploadedFile("f.csv", text.encode(), content_type="text/csv")
        data = {"department": figures["statistics"].pk, "file": upload}
        if dry_run:
            data["dry_run"] = "on"
        return client.post(url, data)

    checked = post(True)
    assert checked.status_code == 200
    assert "0 figures would be created, 1 revised, 5 unchanged" in checked.content.decode()
    assert Observation.objects.get(region_code="990100", period="2024").version == 1

    loaded = post(False)
    assert "Loaded: 0 figures created, 1 revised, 5 unchanged." in loaded.content.decode()
    assert Observation.objects.get(region_code="990100", period="2024").version == 2
    assert AuditEntry.objects.filter(
        action="registry.indicators_loaded", actor=figures["statistician"]
    ).exists()

    bad = post(False, text="indicator,region,period,value\nGDP,990100,2024Q1,1\n")
    assert bad.status_code == 400
    assert "This indicator is annual" in bad.content.decode()


def test_upload_page_is_refused_to_staff_without_indicators(client, figures):
    client.force_login(figures["market_admin"])
    assert client.get("/en/registry/indicators/upload/").status_code == 403
