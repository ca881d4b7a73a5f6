"""Demo certificate types: defined through the certificates service, linked to the licences."""

from __future__ import annotations

import pytest

from ecity.certificates import services
from ecity.certificates.models import CertificateType
from ecity.core.validators import validate_uscc
from ecity.demo.services import demo_certificate_types_ensure
from ecity.identity.models import User

pytestmark = pytest.mark.django_db


def test_demo_types_are_linked_to_the_demo_licences(demo_city):
    admin = User.objects.get(username="admin")

    created = demo_certificate_types_ensure(actor=admin)
    again = demo_certificate_types_ensure(actor=admin)

    assert (created, again) == (2, 0)
    food = CertificateType.objects.get(name_zh="食品经营许可证")
    hygiene = CertificateType.objects.get(name_zh="公共场所卫生许可证")
    assert list(food.service_items.values_list("code", flat=True)) == ["SCJ-XK-001"]
    assert list(hygiene.service_items.values_list("code", flat=True)) == ["WJW-XK-001"]
    assert (food.validity_years, hygiene.validity_years) == (5, 4)
    validate_uscc(food.department.uscc)
    assert food.code == f"{food.department.uscc}001"
    food.full_clean()


def test_demo_food_licence_data_uses_choice_labels(demo_city):
    demo_certificate_types_ensure(actor=User.objects.get(username="admin"))
    food = CertificateType.objects.get(name_zh="食品经营许可证")
    version = food.service_items.get().current_version

    data = services.certificate_data_build(
        certificate_type=food,
        form_data={"business_type": "catering"},
        form_schema=version.form_schema,
        case_values={},
    )

    assert data["business_type"] == "餐饮服务经营者"
