"""Back office: import jobs with their progress, disputes and conflicts settled by actions."""

from __future__ import annotations

import pytest
from django.utils import translation

from ecity.identity.tests.factories import StaffRoleFactory, StaffUserFactory, id_number_for
from ecity.registry.models import Dispute, ImportJob, Person, RecordConflict, Registry
from ecity.registry.services.disputes import dispute_raise
from ecity.registry.services.records import person_write

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def _admin_of(department):
    user = StaffUserFactory(is_staff=True)
    StaffRoleFactory(user=user, department=department, role="department_admin")
    return user


def test_the_import_list_shows_each_jobs_progress_to_its_department_only(client, metadata):
    police, market = metadata["police"], metadata["market"]
    ImportJob.objects.create(
        registry=Registry.PERSONS,
        file_name="persons-2026.csv",
        file_hash="a" * 64,
        department=police,
        total_rows=200,
        rows_done=50,
    )
    ImportJob.objects.create(
        registry=Registry.LEGAL_ENTITIES, file_name="market.csv", file_hash="b" * 64,
        department=market,
    )  # fmt: skip
    client.force_login(_admin_of(police))

    page = client.get("/admin/registry/importjob/")

    html = page.content.decode()
    assert page.status_code == 200
    assert '<progress max="100" value="25">' in html
    assert "50/200 (25%)" in html
    assert "persons-2026.csv" in html and "market.csv" not in html


@pytest.fixture
def disputed(metadata):
    police = metadata["police"]
    officer = StaffRoleFactory(department=police, role="department_admin").user
    person = person_write(
        actor=officer,
        department=police,
        source="counter",
        id_number=id_number_for(601),
        values={"name": "周九", "address": "示范市旧路6号"},
    ).record
    market = metadata["market"]
    return dispute_raise(
        actor=StaffRoleFactory(department=market, role="department_admin").user,
        department=market,
        record=person,
        attribute="address",
        proposed_value="示范市新路6号",
        reason="营业执照住所",
    )


def test_the_authority_rejects_a_dispute_in_the_back_office_with_a_reason(
    client, metadata, disputed
):
    client.force_login(_admin_of(metadata["police"]))
    url = "/admin/registry/dispute/"
    selection = {"action": "reject", "_selected_action": [disputed.pk]}

    asked = client.post(url, selection)
    done = client.post(url, {**selection, "apply": "1", "reason": "户籍地址未变"})

    disputed.refresh_from_db()
    assert asked.status_code == 200 and "不予采纳的理由" in asked.content.decode()
    assert done.status_code == 302
    assert (disputed.status, disputed.settlement_reason) == ("rejected", "户籍地址未变")


def test_the_raising_department_cannot_accept_its_own_dispute_in_the_back_office(
    client, metadata, disputed
):
    client.force_login(_admin_of(metadata["market"]))

    client.post("/admin/registry/dispute/", {"action": "accept", "_selected_action": [disputed.pk]})

    assert Dispute.objects.get().status == "open"
    assert Person.objects.get().address == "示范市旧路6号"


def test_the_authority_takes_a_conflicting_value_in_the_back_office(client, metadata):
    police, market = metadata["police"], metadata["market"]
    officer = StaffRoleFactory(department=police, role="department_admin").user
    person_write(
        actor=officer, department=police, source="counter", id_number=id_number_for(602),
        values={"name": "吴十"},
    )  # fmt: skip
    person_write(
        actor=StaffRoleFactory(department=market, role="department_admin").user,
        department=market, source="exchange", id_number=id_number_for(602),
        values={"name": "吴拾"},
    )  # fmt: skip
    conflict = RecordConflict.objects.get()
    client.force_login(_admin_of(police))

    response = client.post(
        "/admin/registry/recordconflict/", {"action": "take", "_selected_action": [conflict.pk]}
    )

    conflict.refresh_from_db()
    assert response.status_code == 302
    assert (conflict.status, conflict.resolution) == ("resolved", "taken")
    assert Person.objects.get().name == "吴拾"
