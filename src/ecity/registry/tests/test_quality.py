"""Data quality per department (completeness, freshness, import failures) and its page."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone, translation

from ecity.core.errors import PermissionDenied
from ecity.identity.tests.factories import StaffRoleFactory, StaffUserFactory, id_number_for
from ecity.registry.models import ImportJob, RecordAttribute, Registry
from ecity.registry.selectors.quality import department_quality
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


@pytest.fixture
def police_data(metadata):
    """Four persons: all with a name, two with an address, one with a birth date."""
    police = metadata["police"]
    officer = _admin_of(police)
    values = [
        {"name": "甲", "address": "示范市一路1号", "birth_on": "1990-05-17"},
        {"name": "乙", "address": "示范市二路2号"},
        {"name": "丙"},
        {"name": "丁"},
    ]
    for n, item in enumerate(values, start=701):
        person_write(
            actor=officer, department=police, source="counter", id_number=id_number_for(n),
            values=item,
        )  # fmt: skip
    return police


def test_completeness_is_the_share_of_records_with_each_authoritative_attribute(police_data):
    report = department_quality(actor=_admin_of(police_data), department=police_data)

    assert [r.registry for r in report.registries] == [Registry.PERSONS]
    persons = report.registries[0]
    shares = {a.attribute: (a.filled, a.total, a.percent) for a in persons.attributes}
    assert shares["name"] == (4, 4, 100.0)
    assert shares["address"] == (2, 4, 50.0)
    assert shares["birth_on"] == (1, 4, 25.0)
    assert "phone" not in shares  # the mobile number has no authority


def test_freshness_counts_records_the_department_wrote_within_the_update_cycle(police_data):
    # given two of the four persons last written 40 days ago (the cycle is 30 days)
    old = timezone.now() - dt.timedelta(days=40)
    stale = RecordAttribute.objects.filter(person__name__in=["丙", "丁"])
    stale.update(written_at=old)

    persons = department_quality(actor=_admin_of(police_data), department=police_data).registries[0]

    assert (persons.vouched, persons.fresh, persons.fresh_percent) == (4, 2, 50.0)
    assert persons.is_fresh  # the last write is today

    RecordAttribute.objects.update(written_at=old)
    persons = department_quality(actor=_admin_of(police_data), department=police_data).registries[0]
    assert not persons.is_fresh and persons.fresh == 0


def test_import_validation_failures_of_the_department_are_counted(police_data, metadata):
    for problems, status in ((3, "failed"), (0, "completed")):
        ImportJob.objects.create(
            registry="persons", file_name="p.csv", file_hash="c" * 64, department=police_data,
            problem_count=problems, status=status,
        )  # fmt: skip
    ImportJob.objects.create(
        registry="persons", file_name="m.csv", file_hash="d" * 64,
        department=metadata["market"], problem_count=9, status="failed",
    )  # fmt: skip

    report = department_quality(actor=_admin_of(police_data), department=police_data)

    assert (report.import_problems, report.failed_imports, len(report.imports)) == (3, 1, 2)


def test_another_departments_administrator_does_not_see_the_quality(police_data, metadata):
    with pytest.raises(PermissionDenied):
        department_quality(actor=_admin_of(metadata["market"]), department=police_data)


def test_the_quality_page_shows_completeness_to_the_data_administrator(client, police_data):
    client.force_login(_admin_of(police_data))

    page = client.get("/en/registry/quality/GAJ/")

    html = page.content.decode()
    assert page.status_code == 200
    assert "2 / 4" in html and "50.0%" in html
    assert client.get("/en/registry/quality/NOPE/").status_code == 404


def test_the_quality_page_is_forbidden_to_other_staff(client, police_data, metadata):
    client.force_login(_admin_of(metadata["market"]))

    assert client.get("/en/registry/quality/GAJ/").status_code == 403


def test_the_quality_page_is_shown_in_chinese(client, police_data):
    client.force_login(_admin_of(police_data))

    page = client.get("/registry/quality/GAJ/")

    html = page.content.decode()
    assert page.status_code == 200
    assert "完整性" in html and "共 4 条记录。" in html
