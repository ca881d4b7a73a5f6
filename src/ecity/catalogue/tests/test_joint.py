"""Configuring joint applications (一件事一次办): who may, what the rules refuse, versions."""

from __future__ import annotations

import copy

import pytest

from ecity.audit.models import AuditEntry
from ecity.catalogue.joint import services as joint_services
from ecity.catalogue.joint.layout import joint_layout, own_field_names
from ecity.catalogue.joint.selectors import (
    joint_service_get_published,
    joint_service_list_published,
    joint_spec,
)
from ecity.catalogue.models import JointServiceVersion
from ecity.catalogue.tests.factories import VersionFactory, department_admin, publish_version
from ecity.catalogue.tests.joint_support import (
    HYGIENE_SCHEMA,
    RESTAURANT_SPEC,
    restaurant_joint,
    restaurant_services,
)
from ecity.core.errors import Conflict, PermissionDenied, ValidationFailed

pytestmark = pytest.mark.django_db


@pytest.fixture
def services():
    return restaurant_services()


def _spec_with_field(key, targets, **extra):
    spec = copy.deepcopy(RESTAURANT_SPEC)
    spec["shared_fields"].append({"key": key, "title_zh": "测试字段", "targets": targets, **extra})
    return spec


def test_the_lead_department_publishes_a_joint_application_that_applicants_then_find(services):
    # Given a joint application created by the lead department's administrator
    joint = restaurant_joint(services, publish=False)
    draft = joint.versions.get()
    assert joint_service_list_published().count() == 0

    # When it is published
    joint_services.joint_version_publish(actor=services.lead_admin, version=draft)

    # Then it is the current version, listed for its life event, and the act is audited
    found = joint_service_get_published(code="open-restaurant-test")
    assert found.current_version.number == 1
    assert found.current_version.status == JointServiceVersion.Status.PUBLISHED
    members = [m.service_version.item.code for m in found.current_version.members.all()]
    assert members == ["SCJ-DJ-T", "WJW-XK-T", "XFJ-XK-T"]
    assert list(joint_service_list_published(life_event="open-restaurant")) == [found]
    entry = AuditEntry.objects.get(action="catalogue.joint_service_published")
    assert entry.actor == services.lead_admin
    assert entry.data["members"] == members


def test_only_administrators_of_the_lead_department_edit_it(services):
    joint = restaurant_joint(services, publish=False)
    draft = joint.versions.get()
    # a member service's department does not own the joint application
    market_admin = department_admin(services.market)

    with pytest.raises(PermissionDenied):
        joint_services.joint_draft_update(actor=market_admin, version=draft, name_zh="改名")
    with pytest.raises(PermissionDenied):
        joint_services.joint_version_publish(actor=market_admin, version=draft)
    with pytest.raises(PermissionDenied):
        joint_services.joint_service_create(
            actor=market_admin,
            code="other",
            life_event=services.life_event,
            department=services.centre,
            name_zh="别人的一件事",
        )
    draft.refresh_from_db()
    assert (draft.name_zh, draft.status) == ("开餐馆一件事（测试）", "draft")


def test_a_shared_field_mapped_onto_a_field_the_form_does_not_have_is_refused(services):
    spec = _spec_with_field("seats", {"SCJ-DJ-T": "seats", "XFJ-XK-T": "occupancy"})

    with pytest.raises(ValidationFailed) as error:
        restaurant_joint(services, publish=False, **spec)

    assert error.value.fields["shared_fields.seats"] == ["SCJ-DJ-T 的申请表没有字段“seats”。"]


def test_a_shared_field_over_fields_of_different_types_is_refused(services):
    # floor area is a whole number, the registration's delivery a choice of text values
    spec = _spec_with_field("area", {"WJW-XK-T": "floor_area", "SCJ-DJ-T": "delivery"})

    with pytest.raises(ValidationFailed) as error:
        restaurant_joint(services, publish=False, **spec)

    messages = error.value.fields["shared_fields.area"]
    assert any("类型不同" in m and "WJW-XK-T.floor_area: integer" in m for m in messages), messages


def test_a_field_cannot_be_asked_twice_nor_both_shared_and_waived(services):
    spec = _spec_with_field("again", {"SCJ-DJ-T": "mobile", "WJW-XK-T": "uscc"})

    with pytest.raises(ValidationFailed) as error:
        restaurant_joint(services, publish=False, **spec)

    assert error.value.fields["shared_fields.again"] == [
        "SCJ-DJ-T.mobile 已对应共同字段“手机号码”。",
        "WJW-XK-T.uscc 已免填，不能作为共同字段。",
    ]


def test_a_published_version_cannot_be_changed(services):
    joint = restaurant_joint(services)

    with pytest.raises(Conflict):
        joint_services.joint_draft_update(
            actor=services.lead_admin, version=joint.current_version, name_zh="改名"
        )


def test_a_member_service_publishing_a_new_version_blocks_publishing_until_members_are_updated(
    services,
):
    # Given a published joint application and a new draft of it
    joint = restaurant_joint(services)
    draft = joint_services.joint_draft_create(actor=services.lead_admin, service=joint)
    # When the hygiene permit publishes version 2 (same form and materials)
    newer = VersionFactory(
        item=services.hygiene.item,
        number=2,
        name_zh="公共场所卫生许可（测试）",
        form_schema=HYGIENE_SCHEMA,
    )
    for material in services.hygiene.materials.all():
        material.pk = None
        material.public_id = None
        material._state.adding = True
        material.version = newer
        material.public_id = type(material)._meta.get_field("public_id").get_default()
        material.save()
    publish_version(newer)

    # Then the copied draft still points at version 1 and cannot be published
    with pytest.raises(ValidationFailed) as error:
        joint_services.joint_version_publish(actor=services.lead_admin, version=draft)
    assert error.value.fields["members"][0].startswith("WJW-XK-T：第 1 版已不是现行发布版本")

    # And applying its configuration again moves it to version 2, mappings and materials kept
    spec = joint_spec(draft)
    joint_services.joint_draft_update(
        actor=services.lead_admin,
        version=draft,
        **{k: spec[k] for k in ("members", "shared_fields", "shared_materials")},
    )
    joint_services.joint_version_publish(actor=services.lead_admin, version=draft)
    joint.refresh_from_db()
    assert joint.current_version == draft
    hygiene = draft.members.get(service_version__item__code="WJW-XK-T")
    assert hygiene.service_version == newer
    assert [m.version_id for m in hygiene.waived_materials.all()] == [newer.pk]
    assert joint.versions.get(number=1).status == JointServiceVersion.Status.SUPERSEDED


def test_the_combined_form_asks_shared_fields_once_and_the_rest_by_service(services):
    joint = restaurant_joint(services)

    layout = joint_layout(joint.current_version)

    assert [s.key for s in layout.shared] == [
        "operator_name",
        "contact_name",
        "mobile",
        "premises_address",
    ]
    address = next(s for s in layout.shared if s.key == "premises_address")
    # required by every target; the narrowest length of the three (the hygiene permit's 100)
    assert (address.required, address.prop["maxLength"], address.prop["title"]) == (
        True,
        100,
        "经营场所地址",
    )
    operator = next(s for s in layout.shared if s.key == "operator_name")
    assert (operator.required, operator.prop["maxLength"]) == (True, 60)
    own = {s.item_code: own_field_names(s) for s in layout.sections}
    assert own == {"SCJ-DJ-T": ["delivery"], "WJW-XK-T": ["floor_area"], "XFJ-XK-T": ["occupancy"]}
    hygiene = layout.section("WJW-XK-T")
    assert "uscc" not in hygiene.schema["properties"]
    assert "uscc" not in hygiene.schema["required"]
    assert [(m.name_zh, m.is_shared, m.item_codes) for m in layout.materials] == [
        ("经营者身份证件", True, ["SCJ-DJ-T", "WJW-XK-T", "XFJ-XK-T"]),
        ("经营场所使用证明", False, ["SCJ-DJ-T"]),
        ("卫生管理制度", False, ["WJW-XK-T"]),
        ("灭火和应急疏散预案", False, ["XFJ-XK-T"]),
    ]


def test_publishing_needs_at_least_two_member_services(services):
    joint = restaurant_joint(
        services,
        publish=False,
        members=[{"service": "SCJ-DJ-T"}],
        shared_fields=[],
        shared_materials=[],
    )

    with pytest.raises(ValidationFailed) as error:
        joint_services.joint_version_publish(
            actor=services.lead_admin, version=joint.versions.get()
        )

    assert error.value.fields["members"] == ["一件事至少需要两个成员事项。"]
