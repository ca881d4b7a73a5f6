"""Submitting a joint application: linked cases, shared answers mapped, all or nothing, once."""

from __future__ import annotations

import re

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import timezone

from ecity.cases.models import Attachment, Case, JointApplication
from ecity.cases.selectors.joint import (
    joint_application_get_for_applicant,
    joint_progress,
    slot_key,
)
from ecity.cases.selectors.progress import case_progress
from ecity.cases.services import joint as joint_services
from ecity.cases.services.eligibility import ServiceUnavailable
from ecity.cases.services.handling import case_accept
from ecity.cases.tests.factories import CaseTaskFactory
from ecity.cases.tests.joint_support import all_files, answers, submit_joint
from ecity.cases.tests.submission_support import PNG_BYTES, identity_of, stored_files, upload
from ecity.catalogue.joint.layout import joint_layout
from ecity.catalogue.tests.factories import VersionFactory, publish_version
from ecity.catalogue.tests.joint_support import restaurant_joint, restaurant_services
from ecity.core.calendar import calendar_seed
from ecity.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from ecity.identity.tests.factories import StaffRoleFactory, UserFactory
from ecity.notify.models import Notification
from ecity.org.models import StaffRole

pytestmark = pytest.mark.django_db


@pytest.fixture
def bundle():
    calendar_seed()
    services = restaurant_services()
    services.joint = restaurant_joint(services)
    services.citizen = UserFactory(real_name="王小明", is_real_name_verified=True)
    return services


def _slot(joint, name):
    return next(s for s in joint_layout(joint.current_version).materials if s.name_zh == name)


def test_one_submission_creates_a_linked_case_per_service_with_the_shared_answers_mapped(bundle):
    # When the citizen submits the combined form once
    application = submit_joint(bundle.joint, bundle.citizen)

    # Then there is one case per member service, each with its own department, number and code
    cases = [link.case for link in application.links.order_by("sort_order")]
    assert [(c.service_version.item.code, c.department.code) for c in cases] == [
        ("SCJ-DJ-T", "SCJ"),
        ("WJW-XK-T", "WJW"),
        ("XFJ-XK-T", "XFJ"),
    ]
    assert all(c.status == Case.Status.SUBMITTED and c.applicant == bundle.citizen for c in cases)
    assert len({c.number for c in cases}) == 3
    assert re.fullmatch(r"YJS-\d{4}-000001", application.number)
    assert len(application.query_code) == 8
    # and the address asked once is in each form under that form's own field name
    registration, hygiene, fire = (c.form_data for c in cases)
    assert registration["business_address"] == "示范市东城区人民路18号"
    assert hygiene["venue_address"] == "示范市东城区人民路18号"
    assert fire["premises_address"] == "示范市东城区人民路18号"
    assert (registration["trade_name"], hygiene["enterprise_name"]) == ("张记小馆", "张记小馆")
    assert (registration["applicant_name"], fire["contact_name"]) == ("王小明", "王小明")
    assert (registration["delivery"], hygiene["floor_area"], fire["occupancy"]) == ("post", 80, 40)
    # the USCC the registration will issue is not asked
    assert "uscc" not in hygiene and "uscc" not in fire


def test_a_shared_material_is_uploaded_once_and_filed_with_every_case_that_needs_it(bundle):
    application = submit_joint(bundle.joint, bundle.citizen)

    identity = Attachment.objects.filter(
        case__joint_link__joint_application=application,
        material__joint_shared_in__name_zh="经营者身份证件",
    )
    assert sorted(identity.values_list("case__service_version__item__code", flat=True)) == [
        "SCJ-DJ-T",
        "WJW-XK-T",
        "XFJ-XK-T",
    ]
    assert {a.original_name for a in identity} == {"经营者身份证件.pdf"}
    # each case keeps its own stored copy (a department may delete or replace its own)
    assert len({a.file.name for a in identity}) == 3
    assert all(default_storage.exists(a.file.name) for a in identity)
    # the waived business licence is asked of no one
    assert not Attachment.objects.filter(material__name_zh="营业执照").exists()


def test_every_error_of_every_service_is_reported_at_once_under_the_combined_names(bundle):
    form = answers(premises_address="")
    form["services"]["WJW-XK-T"]["floor_area"] = 0
    files = all_files(bundle.joint)
    files.pop(slot_key(_slot(bundle.joint, "经营者身份证件")))

    with pytest.raises(ValidationFailed) as error:
        submit_joint(bundle.joint, bundle.citizen, form_data=form, attachments=files)

    fields = error.value.fields
    # asked once, reported once (not three times)
    assert fields["shared.premises_address"] == ["该字段是必填项。"]
    assert list(fields["services.WJW-XK-T.floor_area"]) == ["确保该值大于或等于1。"]
    assert fields[slot_key(_slot(bundle.joint, "经营者身份证件"))] == ["请上传此材料。"]
    assert not Case.objects.exists() and not JointApplication.objects.exists()


def test_answers_that_are_not_part_of_the_form_are_refused(bundle):
    form = answers()
    form["shared"]["uscc"] = "91990100MA2CJ8X770"
    form["services"]["WJW-XK-T"]["uscc"] = "91990100MA2CJ8X770"
    form["services"]["GAJ-XX"] = {}

    with pytest.raises(ValidationFailed) as error:
        submit_joint(bundle.joint, bundle.citizen, form_data=form)

    assert set(error.value.fields) == {
        "shared.uscc",
        "services.WJW-XK-T.uscc",
        "services.GAJ-XX",
    }


def test_a_shared_file_must_suit_every_service_it_is_filed_with(bundle):
    # the hygiene permit takes the operator's identity document as PDF only
    files = all_files(bundle.joint)
    key = slot_key(_slot(bundle.joint, "经营者身份证件"))
    files[key] = upload("id.png", PNG_BYTES, "image/png")

    with pytest.raises(ValidationFailed) as error:
        submit_joint(bundle.joint, bundle.citizen, attachments=files)

    assert error.value.fields == {key: ["此文件是 PNG 文件；可接受的类型：PDF。"]}


def test_either_every_case_is_created_or_none(bundle, monkeypatch):
    # Given the third case cannot be written (say the database fails on it)
    written = []
    original = joint_services._case_write

    def failing_third(**kwargs):
        if len(written) == 2:
            raise RuntimeError("database went away")
        written.append(kwargs["version"].item.code)
        return original(**kwargs)

    monkeypatch.setattr(joint_services, "_case_write", failing_third)
    files_before = set(stored_files())

    # When the citizen submits
    with pytest.raises(RuntimeError):
        submit_joint(bundle.joint, bundle.citizen)

    # Then nothing is left: no case, no joint application, no stored file
    assert written == ["SCJ-DJ-T", "WJW-XK-T"]
    assert not Case.objects.exists()
    assert not JointApplication.objects.exists()
    assert set(stored_files()) == files_before


def test_a_double_submit_with_the_same_key_creates_exactly_one_joint_application(bundle):
    first = submit_joint(bundle.joint, bundle.citizen, idempotency_key="joint-key-0001")

    again = submit_joint(bundle.joint, bundle.citizen, idempotency_key="joint-key-0001")

    assert (again.pk, again.is_replay, first.is_replay) == (first.pk, True, False)
    assert JointApplication.objects.count() == 1
    assert Case.objects.count() == 3
    with pytest.raises(Conflict):
        submit_joint(
            bundle.joint,
            bundle.citizen,
            idempotency_key="joint-key-0001",
            form_data=answers(operator_name="另一家店"),
        )
    assert Case.objects.count() == 3


def test_only_a_signed_in_applicant_can_submit(bundle):
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(PermissionDenied):
        joint_services.joint_application_submit(
            actor=AnonymousUser(),
            session_identity=None,
            joint_version=bundle.joint.current_version,
            form_data=answers(),
            attachments=all_files(bundle.joint),
        )
    assert not Case.objects.exists()


def test_applying_is_refused_while_a_member_service_has_a_newer_version(bundle):
    publish_version(VersionFactory(item=bundle.fire_check.item, number=2))

    with pytest.raises(ServiceUnavailable) as error:
        submit_joint(bundle.joint, bundle.citizen)

    assert "消防安全检查（测试）" in error.value.message
    assert not Case.objects.exists()


def test_someone_else_cannot_read_the_joint_application(bundle):
    application = submit_joint(bundle.joint, bundle.citizen)
    other = UserFactory()

    with pytest.raises(NotFound):
        joint_application_get_for_applicant(
            user=other, identity=identity_of(other), number=application.number
        )
    own = joint_application_get_for_applicant(
        user=bundle.citizen, identity=identity_of(bundle.citizen), number=application.number
    )
    assert own == application


def test_each_member_case_progresses_with_the_single_case_steps_and_no_opinions(bundle):
    # Given the hygiene permit is accepted: the health commission has reviewed (with an internal
    # opinion), the fire brigade still reviews; the fire check is approved
    application = submit_joint(bundle.joint, bundle.citizen)
    registration, hygiene, fire = (link.case for link in application.links.all())
    hygiene.status = Case.Status.IN_PROGRESS
    hygiene.save()
    CaseTaskFactory(
        case=hygiene,
        department=bundle.health,
        status="completed",
        opinion="内部意见：面积勉强达标",
        completed_at=timezone.now(),
    )
    CaseTaskFactory(case=hygiene, department=bundle.fire, status="open")
    fire.status = Case.Status.APPROVED
    fire.save()
    CaseTaskFactory(case=fire, status="completed", completed_at=timezone.now())

    # When the applicant reads the joint application's progress
    progress = joint_progress(application=application)

    # Then each member's steps are its own case's progress
    steps = {
        m.case.number: [(s.department.code, s.state) for s in m.steps] for m in progress.members
    }
    assert steps == {
        registration.number: [("SCJ", "in_review")],
        hygiene.number: [("WJW", "done"), ("XFJ", "in_review")],
        fire.number: [("XFJ", "done")],
    }
    for member in progress.members:
        assert member.steps == case_progress(case=member.case)
    assert (progress.closed_count, progress.is_closed) == (1, False)


def test_an_account_that_is_not_real_name_verified_cannot_apply(bundle):
    from ecity.identity.errors import IdentityLevelRequired

    registered_only = UserFactory(real_name="李四")

    with pytest.raises(IdentityLevelRequired):
        submit_joint(bundle.joint, registered_only)
    assert not Case.objects.exists() and not JointApplication.objects.exists()


def test_the_applicant_gets_one_message_for_the_joint_application_listing_every_case(bundle):
    # When the citizen submits the joint application of three services
    application = submit_joint(bundle.joint, bundle.citizen)

    # Then one message tells of the joint application (not one per case)
    messages = Notification.objects.filter(recipient=bundle.citizen, channel="in_app")
    assert list(messages.values_list("event", "reference")) == [
        ("joint_submitted", application.number)
    ]
    message = messages.get()
    assert message.subject == f"一件事申请 {application.number} 已收到"
    # listing every member case, with the one link to the joint application's page
    for link in application.links.all():
        line = f"- {link.case.service_version.name_zh}（{link.case.department.name_zh}）："
        assert f"{line}{link.case.number}" in message.body
    assert f"查询码（无需登录即可查询一件事办理进度）：{application.query_code}" in message.body
    assert message.link_path == reverse("cases:joint_detail", args=[application.number])


def test_a_member_case_still_tells_the_applicant_of_its_own_later_steps(bundle):
    application = submit_joint(bundle.joint, bundle.citizen)
    hygiene = application.links.get(case__department=bundle.health).case
    clerk = StaffRoleFactory(department=bundle.health, role=StaffRole.Role.COUNTER_CLERK).user

    # When the health commission accepts its case
    case_accept(actor=clerk, case=hygiene)

    # Then the applicant hears of it about that case
    accepted = Notification.objects.get(
        recipient=bundle.citizen, channel="in_app", event="case_accepted"
    )
    assert accepted.reference == hygiene.number
    assert accepted.link_path == reverse("cases:detail", args=[hygiene.number])
