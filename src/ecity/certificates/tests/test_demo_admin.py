"""Demo certificate types and the admin pages."""

from __future__ import annotations

import pytest

from ecity.certificates import services, signing
from ecity.certificates.demo import demo_certificate_types
from ecity.certificates.models import CertificateType
from ecity.core.models import SigningKey
from ecity.core.validators import validate_uscc
from ecity.portal.services import demo_city_load


def test_demo_types_are_linked_to_the_demo_licences(db):
    demo_city_load()

    created = demo_certificate_types()
    again = demo_certificate_types()

    assert (created, again) == (2, 0)
    food = CertificateType.objects.get(name_zh="食品经营许可证")
    hygiene = CertificateType.objects.get(name_zh="公共场所卫生许可证")
    assert list(food.service_items.values_list("code", flat=True)) == ["SCJ-XK-001"]
    assert list(hygiene.service_items.values_list("code", flat=True)) == ["WJW-XK-001"]
    assert (food.validity_years, hygiene.validity_years) == (5, 4)
    validate_uscc(food.department.uscc)
    assert food.code == f"{food.department.uscc}001"
    food.full_clean()


def test_demo_food_licence_data_uses_choice_labels(db):
    demo_city_load()
    demo_certificate_types()
    food = CertificateType.objects.get(name_zh="食品经营许可证")
    version = food.service_items.get().current_version

    label = services._enum_label(version.form_schema, "business_type", "catering")

    assert label == "餐饮服务经营者"


@pytest.fixture
def admin_client(client, django_user_model):
    user = django_user_model.objects.create_superuser("root", "root@example.cn", "x-very-long-1")
    client.force_login(user)
    return client


def test_admin_pages_render(admin_client, joint, cert_type, approved_case):
    certificate = services.certificate_issue(case=approved_case, actor=joint.approver)
    services.decision_document_issue(case=approved_case, actor=joint.approver)

    for url in [
        "/admin/certificates/certificatetype/",
        f"/admin/certificates/certificatetype/{cert_type.pk}/change/",
        "/admin/core/signingkey/",
        f"/admin/core/signingkey/{certificate.key.pk}/change/",
        "/admin/certificates/certificate/",
        f"/admin/certificates/certificate/{certificate.pk}/change/",
        "/admin/certificates/decisiondocument/",
    ]:
        assert admin_client.get(url).status_code == 200, url


def test_admin_rotate_action(admin_client, db):
    old = signing.key_generate()

    admin_client.post("/admin/core/signingkey/", {"action": "rotate", "_selected_action": [old.pk]})

    old.refresh_from_db()
    assert old.status == SigningKey.Status.PREVIOUS
    assert SigningKey.objects.filter(status=SigningKey.Status.CURRENT).exclude(pk=old.pk).exists()


def test_admin_revoke_action_opens_the_form(admin_client, joint, cert_type, approved_case):
    certificate = services.certificate_issue(case=approved_case, actor=joint.approver)

    response = admin_client.post(
        "/admin/certificates/certificate/",
        {"action": "revoke", "_selected_action": [certificate.pk]},
    )

    assert response.status_code == 302
    assert response["Location"].endswith(f"/certificates/{certificate.identifier}/revoke/")
