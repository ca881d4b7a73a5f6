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
    from ecity.registry.services.records import person_account_link, person_write
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
