"""Key rotation without downtime: rotate, keep reading, re-encrypt, retire the old key."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command

from ecity.audit.models import AuditEntry
from ecity.cases.models import CaseDraft
from ecity.catalogue.tests.factories import VersionFactory
from ecity.core import crypto, keys
from ecity.identity.models import LegalEntity, User
from ecity.identity.selectors import user_find_by_id_number, users_with_phone
from ecity.identity.tests.factories import LegalEntityFactory, UserFactory, id_number_for

PASSWORD = "correct-horse-battery"


@pytest.fixture
def file_keyring(settings, tmp_path):
    """A keyring file in a temporary data directory, as in the embedded platform."""
    settings.ECITY_FIELD_KEYS = ""
    settings.ECITY_FIELD_KEYS_FILE = str(tmp_path / "field_keys.json")
    crypto.reset_keyring_cache()
    yield tmp_path / "field_keys.json"
    crypto.reset_keyring_cache()


@pytest.fixture
def people(db, file_keyring):
    """Personal data written under the first key (k1)."""
    user = UserFactory(
        username="rotated",
        id_number=id_number_for(501),
        phone="13900000501",
        address="示范市东城区人民路1号",
    )
    entity = LegalEntityFactory(legal_representative_id_number=id_number_for(502))
    draft = CaseDraft.objects.create(
        owner=user, service_version=VersionFactory(), form_data={"id_number": id_number_for(501)}
    )
    return user, entity, draft


def keys_in_use() -> set[str]:
    return {kid for counter in keys.key_usage().values() for kid in counter}


def test_rotation_keeps_old_values_readable_and_new_writes_use_the_new_key(people):
    user, _entity, draft = people

    new_key = keys.key_rotate()
    newcomer = UserFactory(username="after-rotation", id_number=id_number_for(503))

    assert new_key == "k2" and crypto.keyring().active == "k2"
    assert User.objects.get(pk=user.pk).id_number == id_number_for(501)
    assert CaseDraft.objects.get(pk=draft.pk).form_data == {"id_number": id_number_for(501)}
    usage = keys.key_usage()
    assert usage["identity.user.id_number"] == {"k1": 1, "k2": 1}
    assert User.objects.get(pk=newcomer.pk).id_number == id_number_for(503)


def test_reencrypt_moves_every_column_to_the_active_key_and_lookups_keep_working(people):
    user, entity, draft = people
    keys.key_rotate()
    under_k1 = sum(counter["k1"] for counter in keys.key_usage().values())

    changed = keys.reencrypt(batch=2)

    assert under_k1 >= 5  # user: ID number, phone, address; representative's ID; form data
    assert changed == under_k1
    assert keys_in_use() == {"k2"}
    assert user_find_by_id_number(id_number=id_number_for(501)) == user
    assert list(users_with_phone("13900000501")) == [user]
    assert authenticate(None, username="13900000501", password=PASSWORD) == user
    assert LegalEntity.objects.get(pk=entity.pk).legal_representative_id_number == id_number_for(
        502
    )
    assert CaseDraft.objects.get(pk=draft.pk).form_data == {"id_number": id_number_for(501)}
    assert keys.reencrypt() == 0  # nothing left to do


def test_retire_refuses_while_the_key_is_in_use_and_succeeds_after_reencrypt(people, file_keyring):
    user, _entity, _draft = people
    keys.key_rotate()

    with pytest.raises(ValueError, match="still encrypts values"):
        keys.key_retire("k1")
    with pytest.raises(ValueError, match="active key"):
        keys.key_retire("k2")

    keys.reencrypt()
    keys.key_retire("k1")

    assert set(json.loads(file_keyring.read_text())["keys"]) == {"k2"}
    crypto.reset_keyring_cache()
    assert User.objects.get(pk=user.pk).address == "示范市东城区人民路1号"


def test_reencrypt_never_overwrites_a_value_changed_meanwhile(people, monkeypatch):
    user, _entity, _draft = people
    keys.key_rotate()
    original = crypto.decrypt
    raced = []

    def decrypt_while_someone_edits(value: str, *, context: str) -> str:
        if context == "identity.user.phone" and not raced:
            raced.append(True)
            User.objects.filter(pk=user.pk).update(phone="13700000999")
        return original(value, context=context)

    monkeypatch.setattr(crypto, "decrypt", decrypt_while_someone_edits)
    keys.reencrypt()

    assert raced and User.objects.get(pk=user.pk).phone == "13700000999"


def test_field_keys_command_reports_status_and_audits_key_operations(people):
    out = StringIO()

    call_command("field_keys", "rotate", stdout=out)
    call_command("field_keys", "reencrypt", stdout=out)
    call_command("field_keys", "retire", "k1", stdout=out)
    call_command("field_keys", "status", stdout=out)

    text = out.getvalue()
    assert "new active key k2" in text and "retired k1" in text
    assert "active key: k2; keys: k2" in text
    assert "identity.user.id_number: k2=1" in text
    steps = [
        e.data["step"] for e in AuditEntry.objects.filter(action="keys.rotated").order_by("id")
    ]
    assert steps == ["rotate", "reencrypt", "retire"]


def test_field_keys_retire_in_use_is_a_command_error(people):
    call_command("field_keys", "rotate", stdout=StringIO())

    with pytest.raises(CommandError, match="still encrypts values"):
        call_command("field_keys", "retire", "k1", stdout=StringIO())
