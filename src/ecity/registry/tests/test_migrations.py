"""Upgrading a database made before the base registries: verified accounts get their records."""

from __future__ import annotations

import datetime as dt

import pytest

from ecity.identity.models import LegalEntity, User
from ecity.identity.tests.factories import id_number_for, uscc_for
from ecity.registry.models import LegalEntityRecord, Person, RecordAttribute, RecordChange
from ecity.testing.migrations import migrate_empty_to, migrate_to_latest

# Upgrades from older schemas: run on PostgreSQL (scripts/test.sh; see its note on SQLite).
pytestmark = pytest.mark.migrations

BEFORE = [("registry", "0002_records")]
DATA_MIGRATION = "ecity.registry.migrations.0004_records_from_accounts"


@pytest.fixture
def back_to_latest():
    yield
    migrate_to_latest()


def _old_state():
    # an empty database of the old schema (faster than migrating back; no row is made later)
    return migrate_empty_to(BEFORE).apps


@pytest.mark.django_db(transaction=True)
def test_upgrade_creates_and_links_records_of_verified_accounts_and_enterprises(back_to_latest):
    # given a database before the registries: a verified and an unverified citizen, a verified
    # and an unverified enterprise
    state = _old_state()
    old_user = state.get_model("identity", "User")
    old_entity = state.get_model("identity", "LegalEntity")
    old_user.objects.create(
        username="verified",
        password="!",
        real_name="孙八",
        id_number=id_number_for(331, born=dt.date(1985, 2, 3)),
        phone="13900000331",
        address="示范市东城区和平路8号",
        identity_level=2,
    )
    old_user.objects.create(
        username="registered", password="!", real_name="周九", id_number=id_number_for(332)
    )
    old_entity.objects.create(
        uscc=uscc_for(831),
        name="孙八商贸有限公司",
        legal_representative_name="孙八",
        legal_representative_id_number=id_number_for(331, born=dt.date(1985, 2, 3)),
        is_verified=True,
    )
    old_entity.objects.create(
        uscc=uscc_for(832), name="未核验公司", legal_representative_name="周九"
    )

    # when the database is upgraded
    migrate_to_latest()

    # then only the verified ones have records, linked, with every value they had
    person = Person.objects.get()
    assert person.account == User.objects.get(username="verified")
    assert (person.name, person.phone, person.address) == (
        "孙八",
        "13900000331",
        "示范市东城区和平路8号",
    )
    assert (person.sex, person.birth_on, person.region_code, person.version) == (
        "1",  # the 17th digit (1 of sequence 331) is odd: male, GB/T 2261.1 code 1
        dt.date(1985, 2, 3),
        "110105",
        1,
    )
    record = LegalEntityRecord.objects.get()
    assert record.enterprise == LegalEntity.objects.get(uscc=uscc_for(831))
    assert (record.name, record.legal_representative_name, record.status) == (
        "孙八商贸有限公司",
        "孙八",
        "active",
    )
    name = RecordAttribute.objects.get(person=person, attribute="name")
    assert (name.source, name.is_authoritative, name.source_reference) == (
        "import",
        False,
        f"identity.user:{person.account.public_id}",
    )
    assert RecordChange.objects.filter(person=person, version=1).count() == 7


@pytest.mark.django_db(transaction=True)
def test_running_the_upgrade_again_changes_nothing_and_links_existing_records(back_to_latest):
    # given an upgraded database where a person's record already existed without an account
    from importlib import import_module

    migration = import_module(DATA_MIGRATION)
    state = _old_state()
    state.get_model("registry", "Person").objects.create(
        id_number=id_number_for(341), name="吴十", version=1
    )
    state.get_model("identity", "User").objects.create(
        username="wu",
        password="!",
        real_name="吴十",
        id_number=id_number_for(341),
        identity_level=3,
    )
    migrate_to_latest()
    counts = (Person.objects.count(), RecordChange.objects.count())

    # when the data migration runs once more
    from django.apps import apps as live_apps

    migration.persons_from_accounts(live_apps, None)
    migration.legal_entities_from_enterprises(live_apps, None)

    # then the existing record was linked (not duplicated or changed) and nothing was added
    person = Person.objects.get()
    assert (person.account.username, person.name, person.version) == ("wu", "吴十", 1)
    assert (Person.objects.count(), RecordChange.objects.count()) == counts == (1, 0)
