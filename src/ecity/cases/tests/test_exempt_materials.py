"""A material the guide marks exempt (免提交) is obtained by the department, not the applicant."""

from __future__ import annotations

import pytest
from django.urls import reverse

from ecity.cases.models import Case
from ecity.cases.selectors.materials import material_key
from ecity.cases.tests.submission_support import submit
from ecity.cases.tests.test_applicant_views import apply_url, check_url, post_data
from ecity.catalogue.models import RequiredMaterial
from ecity.demo.data import ITEMS

pytestmark = pytest.mark.django_db


@pytest.fixture
def exempt(joint):
    # the floor plan stays mandatory in law, but the department obtains it through sharing
    RequiredMaterial.objects.filter(pk=joint.mandatory_material.pk).update(
        is_exempt=True, notes="已实现电子证照共享的，免于提交。"
    )
    joint.mandatory_material.refresh_from_db()
    return joint.mandatory_material


def test_an_application_without_the_exempt_material_is_complete(joint, exempt):
    case = submit(joint, files={})

    assert case.status == Case.Status.SUBMITTED and case.attachments.count() == 0


def test_the_form_and_the_guide_say_the_material_is_exempt(client, joint, exempt):
    client.force_login(joint.citizen)
    data = post_data(joint)
    data.pop(material_key(exempt))

    form = client.get(apply_url(joint)).content.decode()
    guide = client.get(reverse("catalogue:item_detail", args=[joint.item.code])).content.decode()
    continued = client.post(apply_url(joint), data)
    check = client.get(check_url(joint)).content.decode()

    assert "免提交，由部门获取，无需上传" in form
    assert "免提交：由部门获取" in guide
    assert continued.status_code == 302 and continued["Location"] == check_url(joint)
    assert "免提交：由部门获取" in check


def test_demo_materials_the_guides_call_exempt_are_marked_exempt():
    said_exempt = [
        (item.code, material.name_zh, material.is_exempt)
        for item in ITEMS
        for guide in item.versions
        for material in guide.materials
        if "免于提交" in material.notes
    ]
    assert said_exempt and all(is_exempt for _code, _name, is_exempt in said_exempt), said_exempt


def test_staff_see_which_exempt_material_to_obtain(client, joint, exempt):
    case = submit(joint, files={})
    client.force_login(joint.clerk)

    page = client.get(reverse("cases:workbench_case", kwargs={"number": case.number}))

    assert page.status_code == 200
    assert '营业场所平面图: <span class="hint">免提交：由部门获取</span>' in page.content.decode()
