"""A counter clerk submits a joint application (一件事一次办) for a walk-in applicant."""

from __future__ import annotations

import pytest
from django.db import connection
from django.urls import reverse

from ecity.cases.models import Case, CaseEvent, JointApplication
from ecity.cases.tests.joint_support import answers, submit_joint
from ecity.cases.tests.test_joint_views import post_data
from ecity.catalogue.tests.joint_support import restaurant_joint, restaurant_services
from ecity.core.calendar import calendar_seed
from ecity.core.errors import PermissionDenied, ValidationFailed
from ecity.identity.tests.factories import (
    DepartmentFactory,
    StaffRoleFactory,
    StaffUserFactory,
    UserFactory,
    id_number_for,
)
from ecity.notify.selectors import notifications_about
from ecity.org.models import StaffRole

pytestmark = pytest.mark.django_db

TOKEN = "c" * 32
WALK_IN_ID = id_number_for(61)
WALK_IN = {"name": "李大爷", "id_number": WALK_IN_ID, "phone": "13700001111"}


def _clerk(*departments):
    user = StaffUserFactory()
    for department in departments:
        StaffRoleFactory(user=user, department=department, role=StaffRole.Role.COUNTER_CLERK)
    return user


@pytest.fixture
def bundle():
    calendar_seed()
    services = restaurant_services()
    services.joint = restaurant_joint(services)
    # A service hall clerk accepting for the three departments holds the role in each.
    services.clerk = _clerk(services.market, services.health, services.fire)
    services.market_clerk = _clerk(services.market)
    services.outsider_clerk = _clerk(DepartmentFactory(code="JTW", name_zh="市交通委"))
    services.citizen = UserFactory(
        real_name="王小明", phone="13912345678", is_real_name_verified=True
    )
    return services


def counter_submit(bundle, actor, **kwargs):
    kwargs.setdefault("on_behalf_of", WALK_IN)
    kwargs.setdefault("session_identity", None)
    return submit_joint(bundle.joint, actor, **kwargs)


def counter_url(bundle):
    return reverse("cases:joint_counter_apply", args=[bundle.joint.code])


def walk_in_post(bundle, **overrides):
    data = post_data(
        bundle,
        submit_token=TOKEN,
        walkin_name="李大爷",
        walkin_id_number=WALK_IN_ID,
        walkin_phone="13700001111",
    )
    data.update(overrides)
    return data


def test_given_a_clerk_of_every_department_when_submitting_for_a_walk_in_then_counter_cases(
    bundle,
):
    application = counter_submit(bundle, bundle.clerk)

    assert application.applicant is None and application.submitted_by == bundle.clerk
    assert application.channel == Case.Channel.COUNTER
    assert (
        application.applicant_name,
        application.applicant_identifier,
        application.contact_phone,
    ) == ("李大爷", WALK_IN_ID, "13700001111")
    cases = [link.case for link in application.links.all()]
    assert sorted(c.department.code for c in cases) == ["SCJ", "WJW", "XFJ"]
    for case in cases:
        assert case.channel == Case.Channel.COUNTER and case.applicant is None
        assert (case.applicant_name, case.applicant_identifier) == ("李大爷", WALK_IN_ID)
        assert case.submitted_by == bundle.clerk
        submitted = case.events.get(action=CaseEvent.Action.SUBMITTED)
        assert submitted.actor == bundle.clerk and submitted.data["channel"] == "counter"
        assert not notifications_about(obj=case).exists()  # no case_submitted per case


def test_given_a_walk_in_submission_then_one_sms_carries_the_number_and_query_code(bundle):
    application = counter_submit(bundle, bundle.clerk)

    sent = list(notifications_about(obj=application))

    assert [(n.event, n.channel, n.to_address) for n in sent] == [
        ("joint_submitted", "sms", "13700001111")
    ]
    assert application.number in sent[0].body and application.query_code in sent[0].body
    assert sent[0].link_path == reverse("cases:joint_lookup")


def test_given_a_walk_in_submission_then_the_id_number_and_phone_are_encrypted_at_rest(bundle):
    application = counter_submit(bundle, bundle.clerk)

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT applicant_identifier, contact_phone FROM cases_jointapplication WHERE id = %s",
            [application.pk],
        )
        row = cursor.fetchone()

    assert all(str(value).startswith("v1$") for value in row)
    assert WALK_IN_ID not in str(row) and "13700001111" not in str(row)


@pytest.mark.parametrize("who", ["citizen", "outsider_clerk", "market_clerk"])
def test_given_no_counter_role_in_every_department_then_submitting_for_a_walk_in_is_denied(
    bundle, who
):
    with pytest.raises(PermissionDenied):
        counter_submit(bundle, getattr(bundle, who))

    assert not JointApplication.objects.exists() and not Case.objects.exists()


def test_given_bad_walk_in_details_then_field_errors_and_nothing_is_written(bundle):
    with pytest.raises(ValidationFailed) as caught:
        counter_submit(
            bundle,
            bundle.clerk,
            on_behalf_of={"name": "", "id_number": "110105199005171234", "phone": "13700001111"},
            form_data=answers(premises_address=""),
        )

    fields = caught.value.fields
    assert fields["on_behalf_of.name"]  # 请输入申请人姓名。
    assert list(fields["on_behalf_of.id_number"]) and "on_behalf_of.phone" not in fields
    assert "shared.premises_address" in fields  # the form's errors come together with them
    assert not JointApplication.objects.exists() and not Case.objects.exists()


def test_the_counter_page_submits_and_prints_a_receipt_with_the_number_and_query_code(
    client, bundle
):
    client.force_login(bundle.clerk)

    page = client.get(counter_url(bundle))
    response = client.post(counter_url(bundle), walk_in_post(bundle))

    assert page.status_code == 200
    assert 'name="walkin_name"' in page.content.decode()
    assert 'value="save"' not in page.content.decode()  # no draft at the counter
    application = JointApplication.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("cases:joint_receipt", args=[application.number])
    receipt = client.get(response["Location"])
    body = receipt.content.decode()
    assert receipt.status_code == 200
    assert application.number in body and application.query_code in body and "李大爷" in body
    for link in application.links.all():
        assert link.case.number in body


def test_a_double_posted_counter_form_gives_one_joint_application(client, bundle):
    client.force_login(bundle.clerk)

    first = client.post(counter_url(bundle), walk_in_post(bundle))
    second = client.post(counter_url(bundle), walk_in_post(bundle))

    assert first["Location"] == second["Location"]
    assert JointApplication.objects.count() == 1 and Case.objects.count() == 3


def test_the_walk_in_applicant_follows_it_with_the_number_and_query_code(client, bundle):
    application = counter_submit(bundle, bundle.clerk)

    wrong = client.post(
        reverse("cases:joint_lookup"), {"number": application.number, "query_code": "ZZZZ9999"}
    )
    found = client.post(
        reverse("cases:joint_lookup"),
        {"number": application.number, "query_code": application.query_code},
    )

    assert wrong.status_code == 200 and "食品" not in wrong.content.decode()
    body = found.content.decode()
    assert found.status_code == 200
    for link in application.links.all():
        assert link.case.number in body and link.case.service_version.name in body
    assert WALK_IN_ID not in body and "李大爷" not in body  # no personal data in the lookup


@pytest.mark.parametrize("who", ["citizen", "outsider_clerk", "market_clerk"])
def test_the_counter_page_is_forbidden_without_the_role_in_every_department(client, bundle, who):
    client.force_login(getattr(bundle, who))

    response = client.post(counter_url(bundle), walk_in_post(bundle))

    assert response.status_code == 403
    assert client.get(counter_url(bundle)).status_code == 403
    assert not JointApplication.objects.exists()


def test_bad_walk_in_details_on_the_page_are_shown_beside_their_fields(client, bundle):
    client.force_login(bundle.clerk)

    response = client.post(
        counter_url(bundle), walk_in_post(bundle, walkin_name="", walkin_id_number="12345")
    )

    body = response.content.decode()
    assert response.status_code == 400
    assert 'href="#id_walkin_name"' in body and 'href="#id_walkin_id_number"' in body
    assert not JointApplication.objects.exists() and not Case.objects.exists()


def test_the_receipt_is_only_for_the_clerk_who_submitted_it(client, bundle):
    application = counter_submit(bundle, bundle.clerk)
    url = reverse("cases:joint_receipt", args=[application.number])

    client.force_login(_clerk(bundle.market, bundle.health, bundle.fire))

    assert client.get(url).status_code == 404
