"""The demo city's joint application 开办餐馆: configured through the services, and it works."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from ecity.cases.models import Case
from ecity.cases.selectors.joint import slot_key
from ecity.cases.services.joint import joint_application_submit
from ecity.cases.tests.factories import PDF_BYTES
from ecity.catalogue.joint.checks import joint_version_errors
from ecity.catalogue.joint.layout import joint_layout, own_field_names
from ecity.catalogue.joint.selectors import joint_service_get_published
from ecity.catalogue.models import JointService
from ecity.identity.models import User
from ecity.identity.selectors import acting_identity

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo():
    out = io.StringIO()
    call_command("load_demo", "--no-content", "--hotline-tickets", "0", "--no-cases", stdout=out)
    return out.getvalue()


def test_open_restaurant_is_published_with_four_services_of_three_departments(demo):
    joint = joint_service_get_published(code="open-restaurant")
    version = joint.current_version

    assert "joint applications 1" in demo
    assert (joint.department.code, joint.life_event.code, version.name_zh) == (
        "ZWB",
        "open-restaurant",
        "开办餐馆“一件事”",
    )
    members = [
        (m.service_version.item.code, m.service_version.item.department.code)
        for m in version.members.all()
    ]
    assert members == [
        ("SCJ-DJ-002", "SCJ"),
        ("SCJ-XK-001", "SCJ"),
        ("WJW-XK-001", "WJW"),
        ("XFJ-XK-001", "XFJ"),
    ]
    assert joint_version_errors(version) == {}
    layout = joint_layout(version)
    assert [s.title_zh for s in layout.shared][:4] == [
        "经营者名称（字号）",
        "经营者姓名",
        "手机号码",
        "经营场所地址",
    ]
    assert {s.item_code: own_field_names(s) for s in layout.sections} == {
        "SCJ-DJ-002": ["id_number", "business_scope"],
        "SCJ-XK-001": ["business_type", "business_items"],
        "WJW-XK-001": ["venue_type"],
        "XFJ-XK-001": ["floors", "occupancy"],
    }
    assert not any(m.name_zh == "营业执照" for m in layout.materials)


def test_loading_again_adds_no_second_joint_application(demo):
    out = io.StringIO()
    call_command("load_demo", "--no-content", "--hotline-tickets", "0", "--no-cases", stdout=out)

    assert JointService.objects.count() == 1
    assert "joint applications 0" in out.getvalue()


def test_zhangwei_opens_a_restaurant_with_one_submission(demo):
    zhangwei = User.objects.get(username="zhangwei")
    version = joint_service_get_published(code="open-restaurant").current_version
    layout = joint_layout(version)
    files = {
        slot_key(slot): SimpleUploadedFile(f"{slot.name_zh}.pdf", PDF_BYTES)
        for slot in layout.materials
        if slot.is_mandatory
    }

    application = joint_application_submit(
        actor=zhangwei,
        session_identity=acting_identity(user=zhangwei, session={}),
        joint_version=version,
        form_data={
            "shared": {
                "operator_name": "示范市东城区张记小馆",
                "contact_name": "张伟",
                "mobile": "13800990001",
                "premises_address": "示范市东城区东华社区人民路18号一层",
                "floor_area": 96,
                "commitment": "yes",
                "delivery": "post",
            },
            "services": {
                "SCJ-DJ-002": {"id_number": zhangwei.id_number, "business_scope": "餐饮服务"},
                "SCJ-XK-001": {"business_type": "catering", "business_items": "热食类食品制售"},
                "WJW-XK-001": {"venue_type": "hotel"},
                "XFJ-XK-001": {"floors": "一层", "occupancy": 60},
            },
        },
        attachments=files,
    )

    cases = [link.case for link in application.links.all()]
    assert [c.department.code for c in cases] == ["SCJ", "SCJ", "WJW", "XFJ"]
    assert all(c.status == Case.Status.SUBMITTED for c in cases)
    food = cases[1]
    assert food.form_data["business_address"] == "示范市东城区东华社区人民路18号一层"
    assert food.form_data["floor_area"] == 96 and "uscc" not in food.form_data
