"""Fixtures of the registry tests: metadata loaded through the real services."""

from __future__ import annotations

import pytest

from ecity.identity.tests.factories import DepartmentFactory
from ecity.registry.services.metadata import data_elements_load_shipped


@pytest.fixture
def metadata(db):
    """The shipped code lists and data elements, with the police and market departments."""
    police = DepartmentFactory(code="GAJ", name_zh="示范市公安局", name_en="Public Security")
    market = DepartmentFactory(code="SCJ", name_zh="示范市市场监督管理局", name_en="Market")
    data_elements_load_shipped(actor=None)
    return {"police": police, "market": market}


@pytest.fixture
def sharing(metadata):
    """The police's person registry in the catalogue, a labour bureau with a registered system.

    Items of the resource ``GAJ-RK-0001`` (published, conditional): ID number and name
    unconditional, sex, date of birth and address conditional, mobile phone not shared.
    """
    from ecity.core.calendar import calendar_seed
    from ecity.identity.tests.factories import StaffRoleFactory, UserFactory, id_number_for
    from ecity.registry.models import DataElement, Resource, ResourceItem, ShareType
    from ecity.registry.services.links import person_account_link
    from ecity.registry.services.records import person_write
    from ecity.registry.tests.factories import ResourceFactory
    from ecity.sso.services import system_client_register

    calendar_seed()
    police = metadata["police"]
    labour = DepartmentFactory(code="RSJ", name_zh="示范市人力资源和社会保障局", name_en="Labour")
    platform_admin = StaffRoleFactory(role="platform_admin", department=None).user
    police_admin = StaffRoleFactory(department=police, role="department_admin").user
    labour_admin = StaffRoleFactory(department=labour, role="department_admin").user
    resource = ResourceFactory(
        code="GAJ-RK-0001",
        name="人口基础信息",
        provider=police,
        share_type=ShareType.CONDITIONAL,
        share_condition="用于法定职责范围内的身份核验与业务办理。",
        status=Resource.Status.PUBLISHED,
    )
    share_types = {
        "DE0001": ShareType.UNCONDITIONAL,
        "DE0002": ShareType.UNCONDITIONAL,
        "DE0003": None,  # the resource's: conditional
        "DE0005": ShareType.CONDITIONAL,
        "DE0006": ShareType.CONDITIONAL,
        "DE0007": ShareType.NOT_SHARED,
    }
    items = {
        identifier: ResourceItem.objects.create(
            resource=resource,
            data_element=DataElement.objects.get(identifier=identifier),
            share_type=share_type,
            order=order,
        )
        for order, (identifier, share_type) in enumerate(share_types.items())
    }
    application, secret = system_client_register(
        actor=platform_admin, name="社保业务系统", department=labour
    )
    citizen = UserFactory(
        real_name="王小明", id_number=id_number_for(501), is_real_name_verified=True
    )
    person = person_write(
        actor=police_admin,
        department=police,
        source="import",
        id_number=citizen.id_number,
        values={
            "name": "王小明",
            "sex": "1",
            "birth_on": "1990-05-17",
            "address": "示范市中山路1号",
            "phone": "13900000001",
            "region_code": "110105",
        },
    ).record
    person = person_account_link(actor=platform_admin, person=person, account=citizen)
    return {
        "police": police,
        "labour": labour,
        "platform_admin": platform_admin,
        "police_admin": police_admin,
        "labour_admin": labour_admin,
        "resource": resource,
        "items": items,
        "application": application,
        "secret": secret,
        "citizen": citizen,
        "person": person,
    }


@pytest.fixture
def people(metadata):
    """The police's data administrator, the market regulator's, and two platform reviewers."""
    from ecity.identity.tests.factories import StaffRoleFactory
    from ecity.org.models import StaffRole

    def admin_of(department):
        return StaffRoleFactory(department=department, role=StaffRole.Role.DEPARTMENT_ADMIN).user

    def platform_admin():
        return StaffRoleFactory(department=None, role=StaffRole.Role.PLATFORM_ADMIN).user

    return {
        "police_admin": admin_of(metadata["police"]),
        "market_admin": admin_of(metadata["market"]),
        "reviewer": platform_admin(),
        "other_reviewer": platform_admin(),
    }


@pytest.fixture
def published_catalogue(metadata):
    """Three published resources: the police's population (conditional, not open), the market
    regulator's enterprises (unconditional, open) and the sex code list (open, a code list);
    plus a draft that must not show."""
    from ecity.registry.models import CodeList, DataElement, SubjectTerm
    from ecity.registry.services.resources import (
        ResourceItemInput,
        resource_publish,
        resource_save_draft,
        resource_submit,
    )

    population = SubjectTerm.objects.create(term="人口", term_en="Population")
    enterprise = SubjectTerm.objects.create(term="企业", term_en="Enterprises")

    def items(*identifiers):
        elements = {e.identifier: e for e in DataElement.objects.filter(identifier__in=identifiers)}
        return [ResourceItemInput(data_element=elements[i]) for i in identifiers]

    def publish(**values):
        resource_save_draft(actor=None, **values)
        resource_submit(actor=None, code=values["code"])
        return resource_publish(actor=None, code=values["code"])

    resources = {
        "population": publish(
            code="GA-0001",
            name="人口基础信息",
            name_en="Population base information",
            provider=metadata["police"],
            summary="本市户籍人口的身份、姓名、性别和出生日期。",
            summary_en="Identity, name, sex and date of birth of registered residents.",
            category="base",
            share_type="conditional",
            share_condition="用于政务服务办理，按最小必要原则共享。",
            share_method="platform_api",
            update_cycle="daily",
            subjects=[population],
            items=items("DE0001", "DE0002", "DE0003", "DE0005"),
        ),
        "enterprises": publish(
            code="SCJ-0001",
            name="企业登记信息",
            name_en="Enterprise registration information",
            provider=metadata["market"],
            summary="企业的统一社会信用代码、名称、类型、住所和成立日期。",
            category="base",
            format="spreadsheet",
            format_detail="xlsx",
            share_type="unconditional",
            share_method="platform_file",
            open_type="open",
            update_cycle="weekly",
            subjects=[enterprise],
            items=items("DE0008", "DE0009", "DE0011", "DE0014"),
        ),
        "sex_codes": publish(
            code="GA-0002",
            name="性别代码",
            name_en="Sex codes",
            provider=metadata["police"],
            summary="GB/T 2261.1 人的性别代码。",
            format="self_describing",
            share_type="unconditional",
            share_method="platform_file",
            open_type="open",
            update_cycle="irregular",
            subjects=[population],
            code_list=CodeList.objects.get(identifier="sex"),
            items=items("DE0003"),
        ),
    }
    resource_save_draft(
        actor=None,
        code="GA-0099",
        name="草稿资源",
        provider=metadata["police"],
        summary="尚未发布。",
        share_type="unconditional",
        share_method="platform_api",
        items=items("DE0002"),
    )
    return resources


@pytest.fixture
def indicators(db):
    """The statistics bureau (TJJ) with its data administrator, another department's, a city
    with two districts, and three indicators in force: GDP (annual flow, 亿元, 2 decimals),
    the unemployment rate (annual rate, %, 1 decimal) and CPI (quarterly index, 1 decimal)."""
    from ecity.identity.tests.factories import RegionFactory, StaffRoleFactory
    from ecity.org.models import StaffRole
    from ecity.registry.services.indicators import indicator_save, indicator_status_set

    city = RegionFactory(code="990100", name_zh="示范市", name_en="Shifan City", level="city")
    east = RegionFactory(code="990102", name_zh="东城区", name_en="Dongcheng", parent=city)
    west = RegionFactory(code="990105", name_zh="滨江区", name_en="Binjiang", parent=city)
    statistics = DepartmentFactory(
        code="TJJ", name_zh="示范市统计局", name_en="Shifan Statistics Bureau", region=city
    )
    market = DepartmentFactory(code="SCJ", name_zh="示范市市场监督管理局", name_en="Market")
    statistician = StaffRoleFactory(
        department=statistics, role=StaffRole.Role.DEPARTMENT_ADMIN
    ).user
    market_admin = StaffRoleFactory(department=market, role=StaffRole.Role.DEPARTMENT_ADMIN).user

    def make(code, **values):
        indicator = indicator_save(actor=None, code=code, authority=statistics, **values)
        return indicator_status_set(actor=None, indicator=indicator, status="in_force")

    return {
        "city": city,
        "east": east,
        "west": west,
        "statistics": statistics,
        "market": market,
        "statistician": statistician,
        "market_admin": market_admin,
        "gdp": make(
            "GDP",
            name="地区生产总值",
            name_en="Gross regional product",
            subject="national_accounts",
            unit="亿元",
            frequency="annual",
            aggregation="flow",
            decimal_places=2,
            source="示范市统计年鉴",
        ),
        "unemployment": make(
            "UNEMP",
            name="城镇登记失业率",
            name_en="Registered urban unemployment rate",
            subject="employment",
            unit="%",
            frequency="annual",
            aggregation="rate",
            decimal_places=1,
        ),
        "cpi": make(
            "CPI_Q",
            name="居民消费价格指数（季度）",
            name_en="Consumer price index (quarterly)",
            subject="prices",
            unit="上年同期=100",
            frequency="quarterly",
            aggregation="index",
            decimal_places=1,
        ),
    }


@pytest.fixture
def places(db):
    """The places registry's authorities (natural resources GTJ, civil affairs MZJ), two
    districts of 990100 with square boundaries, and the shipped data elements."""
    from ecity.identity.tests.factories import RegionFactory, StaffRoleFactory
    from ecity.org.models import Region, StaffRole
    from ecity.registry.services.places import region_boundary_save

    city = RegionFactory(code="990100", name_zh="示范市", level=Region.Level.CITY)
    east = RegionFactory(code="990102", name_zh="东城区", parent=city)
    river = RegionFactory(code="990105", name_zh="滨江区", parent=city)
    natural = DepartmentFactory(code="GTJ", name_zh="示范市规划和自然资源局", region=city)
    civil = DepartmentFactory(code="MZJ", name_zh="示范市民政局", region=city)
    DepartmentFactory(code="GAJ", name_zh="示范市公安局", region=city)
    DepartmentFactory(code="SCJ", name_zh="示范市市场监督管理局", region=city)
    data_elements_load_shipped(actor=None)

    def square(west, south, size):
        ring = [
            [west, south],
            [west + size, south],
            [west + size, south + size],
            [west, south + size],
            [west, south],
        ]
        return {"type": "Polygon", "coordinates": [ring]}

    for region, west in ((east, 120.0), (river, 120.2)):
        region_boundary_save(
            actor=None,
            region_code=region.code,
            name=region.name_zh,
            geometry=square(west, 30.2, 0.2),
            source="测试界线",
            valid_from="2024-01-01",
        )
    return {
        "natural": natural,
        "civil": civil,
        "natural_admin": StaffRoleFactory(
            department=natural, role=StaffRole.Role.DEPARTMENT_ADMIN
        ).user,
        "civil_admin": StaffRoleFactory(
            department=civil, role=StaffRole.Role.DEPARTMENT_ADMIN
        ).user,
        "platform_admin": StaffRoleFactory(
            department=None, role=StaffRole.Role.PLATFORM_ADMIN
        ).user,
    }
