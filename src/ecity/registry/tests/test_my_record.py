"""A citizen's own registry record and their disputes (异议), on their account pages."""

from __future__ import annotations

import pytest

from ecity.identity.tests.factories import StaffRoleFactory, UserFactory, id_number_for
from ecity.registry.models import Dispute, Person
from ecity.registry.services.records import person_write

pytestmark = pytest.mark.django_db


@pytest.fixture
def citizen(metadata):
    police = metadata["police"]
    person = person_write(
        actor=StaffRoleFactory(department=police, role="department_admin").user,
        department=police,
        source="counter",
        id_number=id_number_for(801),
        values={"name": "冯十二", "address": "示范市旧路8号"},
    ).record
    account = UserFactory()
    Person.objects.filter(pk=person.pk).update(account=account)
    return account


def test_a_citizen_sees_their_record_and_disputes_their_address(client, citizen):
    client.force_login(citizen)
    page = client.get("/en/registry/my-record/")
    assert page.status_code == 200
    assert "示范市旧路8号" in page.content.decode()

    sent = client.post(
        "/en/registry/my-record/",
        {"attribute": "address", "proposed_value": "示范市新路8号", "reason": "Moved in May"},
    )

    assert sent.status_code == 302
    dispute = Dispute.objects.get()
    assert (dispute.proposed_value, dispute.raised_by) == ("示范市新路8号", citizen)
    shown = client.get("/en/registry/my-record/").content.decode()
    assert "Disputed: you proposed “示范市新路8号”" in shown


def test_a_bad_dispute_is_shown_in_the_error_summary_and_nothing_is_sent(client, citizen):
    client.force_login(citizen)

    page = client.post(
        "/en/registry/my-record/",
        {"attribute": "sex", "proposed_value": "7", "reason": "wrong"},
    )

    html = page.content.decode()
    assert page.status_code == 200
    assert "error-summary" in html and "7 is not a code of the list sex" in html
    assert not Dispute.objects.exists()


def test_an_account_without_a_record_is_told_so(client, metadata):
    client.force_login(UserFactory())

    page = client.get("/en/registry/my-record/")

    assert page.status_code == 200
    assert "not linked to a record" in page.content.decode()
    assert not Dispute.objects.exists()


def test_the_page_needs_a_login(client):
    assert client.get("/en/registry/my-record/").status_code == 302


def test_the_page_and_an_open_dispute_are_shown_in_chinese(client, citizen):
    client.force_login(citizen)
    client.post(
        "/registry/my-record/",
        {"attribute": "address", "proposed_value": "示范市新路8号", "reason": "已搬家"},
    )

    page = client.get("/registry/my-record/")

    html = page.content.decode()
    assert page.status_code == 200
    assert "我的基础库信息" in html
    assert "异议处理中：您提出的值为“示范市新路8号”" in html
