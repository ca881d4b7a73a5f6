"""The joint application pages: apply once, the confirmation, one progress page, one result ZIP."""

from __future__ import annotations

import io
import re
import zipfile

import pytest
from django.urls import reverse
from django.utils import timezone

from ecity.cases.models import Case, JointApplication
from ecity.cases.selectors.joint import slot_key
from ecity.cases.services.decisions import decision_document_issue
from ecity.cases.tests.factories import CaseTaskFactory
from ecity.cases.tests.joint_support import submit_joint
from ecity.cases.tests.submission_support import upload
from ecity.catalogue.joint.layout import joint_layout
from ecity.catalogue.tests.joint_support import restaurant_joint, restaurant_services
from ecity.core.calendar import calendar_seed
from ecity.identity.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

TOKEN = "b" * 32


@pytest.fixture
def bundle():
    calendar_seed()
    services = restaurant_services()
    services.joint = restaurant_joint(services)
    services.citizen = UserFactory(
        real_name="王小明", phone="13912345678", is_real_name_verified=True
    )
    return services


def progress_tables(html):
    """Each progress table of a page: its caption and its (department, step) rows."""
    tables = re.findall(r'<table class="table progress-steps">(.*?)</table>', html, re.S)
    found = []
    for table in tables:
        caption = re.search(r"<caption>(.*?)</caption>", table, re.S).group(1).strip()
        rows = re.findall(r'<tr class="step-\w+"><td>(.*?)</td><td>(.*?)</td>', table)
        found.append((caption, rows))
    return found


def apply_url(bundle):
    return reverse("cases:joint_apply", args=[bundle.joint.code])


def post_data(bundle, **overrides):
    data = {
        "submit_token": TOKEN,
        "shared.operator_name": "张记小馆",
        "shared.contact_name": "王小明",
        "shared.mobile": "13912345678",
        "shared.premises_address": "示范市东城区人民路18号",
        "services.SCJ-DJ-T.delivery": "post",
        "services.WJW-XK-T.floor_area": "80",
        "services.XFJ-XK-T.occupancy": "40",
    }
    for slot in joint_layout(bundle.joint.current_version).materials:
        data[slot_key(slot)] = upload(f"{slot.name_zh}.pdf")
    data.update(overrides)
    return data


def test_the_apply_page_asks_shared_fields_once_and_each_service_its_own(client, bundle):
    client.force_login(bundle.citizen)

    response = client.get(apply_url(bundle))

    body = response.content.decode()
    assert response.status_code == 200
    # asked once, prefilled from the profile
    assert body.count('name="shared.mobile"') == 1
    assert 'name="shared.mobile" value="13912345678"' in body
    assert 'name="services.SCJ-DJ-T.business_address"' not in body  # asked as shared
    assert 'name="services.WJW-XK-T.floor_area"' in body
    assert 'name="services.WJW-XK-T.uscc"' not in body  # waived
    assert "营业执照由个体工商户登记核发后共享。" in body
    # the operator's identity document once, with the strictest limits of its three uses
    identity = next(s for s in joint_layout(bundle.joint.current_version).materials if s.is_shared)
    assert body.count(f'name="{slot_key(identity)}"') == 1
    assert "PDF，不超过 1 MB。" in body


def test_submitting_once_creates_every_case_and_shows_their_numbers(client, bundle):
    client.force_login(bundle.citizen)

    response = client.post(apply_url(bundle), post_data(bundle))

    application = JointApplication.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("cases:joint_submitted", args=[application.number])
    page = client.get(response["Location"]).content.decode()
    assert application.number in page and application.query_code in page
    for link in application.links.all():
        assert link.case.number in page and link.case.department.name in page


def test_a_double_submitted_form_gives_one_joint_application(client, bundle):
    client.force_login(bundle.citizen)

    first = client.post(apply_url(bundle), post_data(bundle))
    second = client.post(apply_url(bundle), post_data(bundle))

    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    assert JointApplication.objects.count() == 1 and Case.objects.count() == 3


def test_errors_are_shown_beside_the_fields_they_concern(client, bundle):
    client.force_login(bundle.citizen)

    response = client.post(
        apply_url(bundle),
        post_data(bundle, **{"shared.premises_address": "", "services.XFJ-XK-T.occupancy": "0"}),
    )

    body = response.content.decode()
    assert response.status_code == 400
    assert 'href="#id_shared.premises_address"' in body
    assert 'href="#id_services.XFJ-XK-T.occupancy"' in body
    assert not Case.objects.exists()


def test_the_progress_page_lists_every_case_and_is_only_for_the_applicant(client, bundle):
    application = submit_joint(bundle.joint, bundle.citizen)
    url = reverse("cases:joint_detail", args=[application.number])

    client.force_login(UserFactory())
    assert client.get(url).status_code == 404

    client.force_login(bundle.citizen)
    response = client.get(url)
    body = response.content.decode()
    assert response.status_code == 200
    for link in application.links.all():
        assert link.case.number in body
    # each case awaits acceptance: its lead department checks it
    assert [rows for _caption, rows in progress_tables(body)] == [
        [("市市场监督管理局", "审查中")],
        [("市卫生健康委员会", "审查中")],
        [("市消防救援支队", "审查中")],
    ]
    assert reverse("cases:joint_results", args=[application.number]) not in body


def test_the_progress_page_shows_each_case_with_the_steps_of_its_own_progress_page(client, bundle):
    # Given a joint application whose hygiene permit is in review: the health commission is
    # done, the fire brigade still reviews
    application = submit_joint(bundle.joint, bundle.citizen)
    cases = [link.case for link in application.links.all()]
    hygiene = cases[1]
    hygiene.status = Case.Status.IN_PROGRESS
    hygiene.save()
    CaseTaskFactory(
        case=hygiene, department=bundle.health, status="completed", completed_at=timezone.now()
    )
    CaseTaskFactory(case=hygiene, department=bundle.fire, status="open")
    client.force_login(bundle.citizen)

    # When the applicant opens the joint progress page and each case's own page
    joint_page = client.get(reverse("cases:joint_detail", args=[application.number]))
    own_pages = [client.get(reverse("cases:detail", args=[case.number])) for case in cases]

    # Then the joint page shows, for each case, exactly the steps of the case's own page
    assert joint_page.status_code == 200
    assert all(page.status_code == 200 for page in own_pages)
    joint_tables = progress_tables(joint_page.content.decode())
    own_tables = [progress_tables(page.content.decode())[0][1] for page in own_pages]
    assert [rows for _caption, rows in joint_tables] == own_tables
    assert [
        case.number in caption for (caption, _rows), case in zip(joint_tables, cases, strict=False)
    ] == [True] * 3
    assert own_tables[1] == [("市卫生健康委员会", "已完成"), ("市消防救援支队", "审查中")]


def test_the_results_of_every_service_download_together(client, bundle):
    application = submit_joint(bundle.joint, bundle.citizen)
    cases = [link.case for link in application.links.all()]
    approver = UserFactory()
    for case in cases[:2]:
        case.status = Case.Status.APPROVED
        case.decided_at = timezone.now()
        case.decision_text = "准予许可。"
        case.save()
        decision_document_issue(case=case, actor=approver)
    client.force_login(bundle.citizen)

    page = client.get(reverse("cases:joint_detail", args=[application.number])).content.decode()
    response = client.get(reverse("cases:joint_results", args=[application.number]))

    assert "行政许可决定书" in page
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    names = zipfile.ZipFile(io.BytesIO(response.content)).namelist()
    assert sorted(names) == sorted(f"{case.number}-decision.pdf" for case in cases[:2])
    content = zipfile.ZipFile(io.BytesIO(response.content)).read(names[0])
    assert content.startswith(b"%PDF-")


def test_the_life_event_page_offers_applying_once(client, bundle):
    response = client.get(reverse("catalogue:life_event_detail", args=["open-restaurant"]))

    body = response.content.decode()
    assert response.status_code == 200
    assert "开餐馆一件事（测试）" in body
    assert reverse("cases:joint_apply", args=[bundle.joint.code]) in body
    assert "消防安全检查（测试）" in body


def test_the_department_sees_that_its_case_is_part_of_a_joint_application(client, bundle):
    from ecity.identity.tests.factories import StaffRoleFactory
    from ecity.org.models import StaffRole

    application = submit_joint(bundle.joint, bundle.citizen)
    hygiene = application.links.get(case__department=bundle.health).case
    clerk = StaffRoleFactory(department=bundle.health, role=StaffRole.Role.COUNTER_CLERK).user
    client.force_login(clerk)

    response = client.get(reverse("cases:workbench_case", args=[hygiene.number]))

    body = response.content.decode()
    assert response.status_code == 200
    assert application.number in body and "开餐馆一件事（测试）" in body
    # why the USCC and the business licence are missing from this application
    assert "营业执照由个体工商户登记核发后共享。" in body


def test_anyone_with_the_number_and_query_code_can_follow_it_without_logging_in(client, bundle):
    application = submit_joint(bundle.joint, bundle.citizen)
    url = reverse("cases:joint_lookup")

    wrong = client.post(url, {"number": application.number, "query_code": "ZZZZZZZZ"})
    right = client.post(
        url, {"number": application.number.lower(), "query_code": application.query_code}
    )

    assert wrong.status_code == 200
    assert application.links.first().case.number not in wrong.content.decode()
    body = right.content.decode()
    assert right.status_code == 200
    for link in application.links.all():
        assert link.case.number in body
    assert ("市消防救援支队", "审查中") in [
        row for _c, rows in progress_tables(body) for row in rows
    ]
    # nothing about the applicant or the answers
    assert "王小明" not in body and "张记小馆" not in body
