"""The demo city's metadata: data elements with their authorities, region codes, thesaurus."""

from __future__ import annotations

import pytest

from ecity.registry.models import CodeValue, DataElement
from ecity.registry.selectors.metadata import data_element_authority, data_element_validate
from ecity.registry.selectors.thesaurus import subject_terms_expand

pytestmark = pytest.mark.django_db


def test_demo_data_elements_are_in_force_with_the_demo_departments_as_authorities(demo_city):
    assert demo_city.data_elements == DataElement.objects.filter(status="in_force").count() >= 16
    assert data_element_authority(identifier="DE0001").code == "GAJ"
    assert data_element_authority(identifier="DE0008").code == "SCJ"
    assert data_element_authority(identifier="DE0015").code == "GTJ"


def test_demo_city_regions_are_codes_of_the_region_list(demo_city):
    regions = dict(
        CodeValue.objects.filter(code_list__identifier="region").values_list("code", "name")
    )
    assert regions["990100"] == "示范市"
    assert regions["990105"] == "滨江区"
    assert regions["420000"] == "湖北省"
    assert "990102001" not in regions  # sub-districts are not GB/T 2260 codes
    assert CodeValue.objects.get(code_list__identifier="region", code="990102").parent.code == (
        "990100"
    )
    assert data_element_validate(identifier="DE0015", value="990102") == []


def test_demo_thesaurus_expands_what_people_type(demo_city):
    assert subject_terms_expand(query="开店")[:2] == ["开办企业", "开店"]
    assert "企业设立登记" in subject_terms_expand(query="开店")
    assert subject_terms_expand(query="社保")[:3] == ["社会保险", "社保", "五险"]
    assert "医疗保险" in subject_terms_expand(query="社保")


def test_demo_catalogue_publishes_the_base_registries_and_department_resources(demo_city):
    from ecity.audit.models import AuditEntry
    from ecity.registry.models import Resource

    published = dict(
        Resource.objects.filter(status="published").values_list("name", "provider__code")
    )
    assert demo_city.resources == len(published) == 9
    assert published["人口基础信息"] == "GAJ"
    assert published["法人基础信息"] == "SCJ"
    assert published["地名地址信息"] == "GTJ"
    assert published["社保缴纳信息"] == "RSJ"
    assert published["不动产登记信息"] == "GTJ"
    assert published["宏观经济指标数据"] == "TJJ"
    real_estate = Resource.objects.get(name="不动产登记信息")
    assert list(real_estate.services.values_list("code", flat=True)) == ["GTJ-QR-001"]
    assert real_estate.items.get(data_element__identifier="DE0001").name == "权利人证件号码"
    # reviewed and published by the platform administrator, on the record
    entry = AuditEntry.objects.filter(action="registry.resource_published").first()
    assert entry is not None and entry.actor_username == "admin"


def test_demo_indicators_cover_the_city_and_districts_with_history(demo_city, client):
    from decimal import Decimal

    from ecity.registry.models import Indicator, Observation

    assert demo_city.indicators == Indicator.objects.filter(status="in_force").count() == 10
    gdp = Observation.objects.filter(indicator__code="GDP")
    assert set(gdp.values_list("region_code", flat=True)) == {
        "990100",
        "990102",
        "990105",
        "990171",
    }
    assert sorted(set(gdp.values_list("period", flat=True))) == [str(y) for y in range(2019, 2026)]
    city_2024 = gdp.get(region_code="990100", period="2024")
    districts = sum(o.value for o in gdp.filter(period="2024").exclude(region_code="990100"))
    assert city_2024.value == districts
    assert (city_2024.status, city_2024.version) == ("final", 2)
    assert city_2024.revisions.get().status == "preliminary"
    quarters = Observation.objects.filter(indicator__code="CPI_Q", region_code="990100")
    assert list(quarters.values_list("period", flat=True))[:2] == ["2024Q1", "2024Q2"]
    assert quarters.count() == 8
    assert Decimal("3") <= Observation.objects.get(indicator__code="UNEMP", period="2025").value
    page = client.get("/registry/indicators/GDP/")
    assert page.status_code == 200
    assert page.content.decode().count('<circle class="point"') == 28
