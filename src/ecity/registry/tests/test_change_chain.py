"""The change log is hash-chained per record; a stored change edited afterwards is detected."""

from __future__ import annotations

import csv
from importlib import import_module
from io import StringIO

import pytest
from django.apps import apps as live_apps
from django.core.management import CommandError, call_command
from django.utils import translation

from ecity.identity.tests.factories import StaffRoleFactory, id_number_for
from ecity.registry.change_chain import GENESIS_HASH, changes_verify
from ecity.registry.models import Person, RecordChange
from ecity.registry.services.imports import registry_import
from ecity.registry.services.records import person_write

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def history(metadata):
    """A person written twice by the police, and a second person (whose chain is separate)."""
    police = metadata["police"]
    officer = StaffRoleFactory(department=police, role="department_admin").user

    def write(number, **values):
        return person_write(
            actor=officer,
            department=police,
            source="counter",
            id_number=id_number_for(number),
            values=values,
        ).record

    person = write(601, name="孙八", address="示范市旧路1号")
    write(601, address="示范市新路2号")
    other = write(602, name="周九")
    return {"person": person, "other": other, "police": police, "officer": officer}


def _chain(person):
    changes = list(RecordChange.objects.filter(person=person))
    return sorted(changes, key=lambda c: (c.version, c.attribute))


def test_each_change_links_to_the_previous_change_of_the_same_record(history):
    first, *rest = _chain(history["person"])

    assert first.version == 1 and first.prev_hash == GENESIS_HASH
    for before, after in zip([first, *rest], rest, strict=False):
        assert after.prev_hash == before.change_hash
    assert len({c.change_hash for c in [first, *rest]}) == len(rest) + 1
    assert rest[-1].version == 2 and rest[-1].attribute == "address"
    # the other person's chain starts on its own
    assert _chain(history["other"])[0].prev_hash == GENESIS_HASH
    result = changes_verify()
    assert result.ok and (result.records, result.checked) == (2, len(rest) + 1 + 2)


def test_an_edited_change_is_named_as_the_first_broken_link(history):
    # given someone rewrites the stored old address of version 2 directly in the database
    edited = _chain(history["person"])[-1]
    RecordChange.objects.filter(pk=edited.pk).update(new_value="示范市别处3号")

    result = changes_verify()

    assert not result.ok
    assert (result.broken.change_id, result.broken.problem) == (edited.pk, "modified")
    with pytest.raises(CommandError) as failed:
        call_command("registry_changes_verify", stdout=StringIO())
    assert f"record change #{edited.pk}" in str(failed.value)
    assert str(history["person"].public_id) in str(failed.value)


def test_a_deleted_change_breaks_the_chain_and_deleting_the_newest_is_seen_too(history):
    chain = _chain(history["person"])
    RecordChange.objects.filter(pk=chain[1].pk).delete()

    result = changes_verify()
    assert (result.broken.change_id, result.broken.problem) == (chain[2].pk, "chain")

    # and when instead only the newest version's change is removed
    RecordChange.objects.all().delete()
    person = Person.objects.get(pk=history["person"].pk)
    assert person.version == 2
    result = changes_verify()
    assert result.broken.problem == "missing"


def test_the_command_reports_an_intact_log(history):
    out = StringIO()

    call_command("registry_changes_verify", stdout=out)

    assert "intact" in out.getvalue() and "2 records" in out.getvalue()


def test_an_import_extends_each_records_chain(history, tmp_path):
    # given a file changing the first person's name and creating a new person
    path = tmp_path / "persons.csv"
    with path.open("w", encoding="utf-8", newline="") as stream:
        csv.writer(stream).writerows(
            [["身份证号", "姓名"], [id_number_for(601), "孙捌"], [id_number_for(603), "吴十"]]
        )

    registry_import(
        actor=history["officer"],
        department=history["police"],
        registry="persons",
        path=path,
        batch_size=10,
    )

    chain = _chain(history["person"])
    assert (chain[-1].version, chain[-1].attribute) == (3, "name")
    assert chain[-1].prev_hash == chain[-2].change_hash
    assert changes_verify().ok


def test_the_migration_chains_existing_changes(history):
    # given changes written before the chain existed
    RecordChange.objects.update(prev_hash="", change_hash="")
    assert not changes_verify().ok

    # when the data migration runs
    import_module("ecity.registry.migrations.0011_change_chain").chain_existing(live_apps, None)

    # then every chain verifies
    assert changes_verify().ok
