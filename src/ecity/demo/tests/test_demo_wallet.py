"""The demo's e-licence wallet: 云帆科技 holds its 营业执照 and applies without uploading it."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from ecity.cases.models import Case
from ecity.cases.selectors.materials import material_key, materials_of
from ecity.cases.services import case_submit
from ecity.cases.tests.factories import PDF_BYTES
from ecity.catalogue.models import ServiceItem
from ecity.certificates.models import Certificate
from ecity.demo.data.cases import DEMO_CASES
from ecity.demo.services import demo_city_load
from ecity.identity.models import LegalEntity, User
from ecity.identity.selectors import acting_identity

pytestmark = pytest.mark.django_db

ACTING = "ecity_acting_as"


def _licence() -> Certificate:
    return Certificate.objects.get(type_name="营业执照")


def test_the_demo_enterprise_holds_a_valid_business_licence_bound_to_the_guides(demo_city):
    # given the demo city
    enterprise = LegalEntity.objects.get(name="示范市云帆科技有限公司")
    licence = _licence()

    # then the enterprise holds a valid 营业执照 issued by ecity
    assert licence.holder_legal_entity == enterprise
    assert licence.origin == Certificate.Origin.ISSUED and licence.state == "valid"
    assert licence.issuer.code == "SCJ" and licence.data["uscc"] == enterprise.uscc
    assert list(licence.type.service_items.values_list("code", flat=True)) == ["SCJ-DJ-003"]
    # and the 营业执照 material of the food business licence guide is bound to its type
    version = ServiceItem.objects.get(code="SCJ-XK-001").current_version
    bound = [m for m in materials_of(version) if m.name_zh == "营业执照"]
    assert [m.certificate_type for m in bound] == [licence.type]
    assert demo_city.wallet_certificates == 1


def test_loading_again_issues_no_second_licence(demo_city):
    again = demo_city_load()

    assert again.wallet_certificates == 0 and again.certificate_types == 0
    assert Certificate.objects.filter(type_name="营业执照").count() == 1


def test_the_agent_applies_for_the_enterprise_and_the_licence_comes_from_the_wallet(
    demo_city, client
):
    # given wangfang, acting for 云帆科技
    agent = User.objects.get(username="wangfang")
    enterprise = LegalEntity.objects.get(name="示范市云帆科技有限公司")
    licence = _licence()
    client.force_login(agent)
    session = client.session
    session[ACTING] = str(enterprise.public_id)
    session.save()

    # when they open the food business licence's application
    page = client.get(reverse("cases:apply", args=["SCJ-XK-001"]))

    # then the 营业执照 is obtained from the wallet
    assert page.status_code == 200
    assert (
        f"已从电子证照库获取（证照编号 {licence.identifier}），无需上传。" in page.content.decode()
    )

    # and when they submit, the case references the certificate, which the clerk sees
    version = ServiceItem.objects.get(code="SCJ-XK-001").current_version
    form = {
        **DEMO_CASES[0][1],
        "enterprise_name": enterprise.name,
        "uscc": enterprise.uscc,
        "contact_name": "王芳",
    }
    files = {
        material_key(m): SimpleUploadedFile(f"m{m.pk}.pdf", PDF_BYTES, "application/pdf")
        for m in materials_of(version)
        if m.is_required_upload
    }
    case = case_submit(
        actor=agent,
        session_identity=acting_identity(user=agent, session={ACTING: str(enterprise.public_id)}),
        service_version=version,
        form_data=form,
        attachments=files,
    )
    assert case.status == Case.Status.SUBMITTED
    assert case.material_references.get().certificate == licence
    assert case.applicant_legal_entity is not None
    assert case.applicant_legal_entity.uscc == enterprise.uscc
    client.force_login(User.objects.get(username="clerk_zwb"))
    review = client.get(reverse("cases:workbench_case", args=[case.number]))
    assert review.status_code == 200
    body = review.content.decode()
    assert licence.identifier in body and "基础库记录" in body
    assert licence.valid_until is None or licence.valid_until > timezone.localdate()
