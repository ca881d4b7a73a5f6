"""Fixtures of the registry's browser journeys: the people and data of the sharing journey.

Built with the factories and the real services (not the demo city): the police bureau (公安局)
with two data administrators, the platform's data administrator who reviews the catalogue, the
labour bureau (人社局) with its data administrator and a registered department system, a citizen
with a person record, an e-licence in the wallet and a service whose licence material is bound
to that licence's certificate type, and the market regulator's counter clerk who receives it.
"""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from django.utils import timezone

#: The identity factories' password.
PASSWORD = "correct-horse-battery"

APPLICATION_SCHEMA = {
    "type": "object",
    "title": "食品经营许可证延续申请表",
    "properties": {
        "shop_name": {
            "type": "string",
            "title": "店铺名称",
            "title_en": "Shop name",
            "maxLength": 50,
        },
    },
    "required": ["shop_name"],
}


@pytest.fixture
def sharing_journey(metadata):
    """Everyone and everything the sharing journey needs (``metadata``: GAJ, SCJ, elements)."""
    from ecity.catalogue.tests.factories import MaterialFactory, VersionFactory, publish_version
    from ecity.certificates.models import Certificate
    from ecity.certificates.services import Holder, certificate_import
    from ecity.certificates.tests.factories import CertificateTypeFactory
    from ecity.core.calendar import calendar_seed
    from ecity.identity.tests.factories import (
        DepartmentFactory,
        StaffRoleFactory,
        UserFactory,
        id_number_for,
        uscc_for,
    )
    from ecity.org.models import StaffRole
    from ecity.registry.services.links import person_account_link
    from ecity.registry.services.records import person_write
    from ecity.sso.services import system_client_register

    calendar_seed()
    police, market = metadata["police"], metadata["market"]
    labour = DepartmentFactory(code="RSJ", name_zh="示范市人力资源和社会保障局", name_en="Labour")

    def staff(department, role, username):
        # Administrators open the admin site, as ``staff_role_grant`` would allow them.
        is_admin = role in (StaffRole.Role.DEPARTMENT_ADMIN, StaffRole.Role.PLATFORM_ADMIN)
        return StaffRoleFactory(
            department=department, role=role, user__username=username, user__is_staff=is_admin
        ).user

    platform_admin = staff(None, StaffRole.Role.PLATFORM_ADMIN, "data_platform")
    police_admin = staff(police, StaffRole.Role.DEPARTMENT_ADMIN, "data_gaj")
    labour_admin = staff(labour, StaffRole.Role.DEPARTMENT_ADMIN, "data_rsj")
    market_admin = staff(market, StaffRole.Role.DEPARTMENT_ADMIN, "admin_scj")
    clerk = staff(market, StaffRole.Role.COUNTER_CLERK, "clerk_scj")
    application, secret = system_client_register(
        actor=platform_admin, name="社保业务系统", department=labour
    )

    citizen = UserFactory(
        username="wangxiaoming",
        real_name="王小明",
        id_number=id_number_for(501),
        is_real_name_verified=True,
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
        },
    ).record
    person = person_account_link(actor=platform_admin, person=person, account=citizen)

    licence_type = CertificateTypeFactory(name_zh="食品经营许可证", name_en="Food business licence")
    licence = certificate_import(
        actor=market_admin,
        department=market,
        certificate_type=licence_type,
        holder=Holder(
            kind=Certificate.HolderKind.CITIZEN, name=citizen.real_name, identifier=person.id_number
        ),
        issuer_name="南京市市场监督管理局",
        issuer_uscc=uscc_for(8801, region="320100"),
        number="JY13201000001",
        issued_on=dt.date(2024, 1, 1),
        valid_until=timezone.localdate() + dt.timedelta(days=365),
        verification=Certificate.Verification.ISSUER_REGISTRY,
    )
    version = VersionFactory(
        item__code="SCJ-XK-002",
        item__department=market,
        name_zh="食品经营许可证延续",
        name_en="Food business licence renewal",
        kind="licensing",
        statutory_days=20,
        committed_days=10,
        acceptance_days=5,
        for_g2c=True,
        form_schema=APPLICATION_SCHEMA,
    )
    material = MaterialFactory(
        version=version,
        name_zh="食品经营许可证",
        name_en="Food business licence",
        is_mandatory=True,
        max_size_mb=1,
        accepted_types=["application/pdf"],
        certificate_type=licence_type,
        sort_order=1,
    )
    publish_version(version)
    return SimpleNamespace(
        police=police,
        labour=labour,
        market=market,
        platform_admin=platform_admin,
        police_admin=police_admin,
        labour_admin=labour_admin,
        clerk=clerk,
        application=application,
        secret=secret,
        citizen=citizen,
        person=person,
        licence=licence,
        service=version.item,
        material=material,
    )
