"""Encrypted model fields and the data migration helpers, on real models of the platform."""

from __future__ import annotations

import json

import pytest
from django.core.exceptions import FieldError
from django.db import connection

from ecity.cases.models import CaseDraft
from ecity.catalogue.tests.factories import VersionFactory
from ecity.core import crypto
from ecity.core.migration_ops import decrypt_rows, encrypt_rows
from ecity.identity.models import User
from ecity.identity.selectors import user_find_by_id_number, users_with_phone
from ecity.identity.tests.factories import UserFactory, id_number_for

FORM = {"id_number": "11010119900307123X", "address": "示范市东城区人民路1号", "area": 35.5}


def raw(table: str, column: str, pk: int) -> str | None:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE id = %s", [pk])  # noqa: S608
        return cursor.fetchone()[0]


def write_raw(table: str, column: str, pk: int, value: str | None) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET {column} = %s WHERE id = %s", [value, pk])  # noqa: S608


@pytest.fixture
def draft(db):
    return CaseDraft.objects.create(
        owner=UserFactory(), service_version=VersionFactory(), form_data=dict(FORM)
    )


def test_json_value_is_stored_as_ciphertext_and_read_back_equal(draft):
    stored = raw("cases_casedraft", "form_data", draft.pk)

    assert crypto.is_ciphertext(stored)
    assert "1101" not in stored and "人民路" not in stored
    assert CaseDraft.objects.get(pk=draft.pk).form_data == FORM


def test_json_ciphertext_is_bound_to_its_column(draft):
    stored = raw("cases_casedraft", "form_data", draft.pk)

    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt(stored, context="cases.case.form_data")
    assert json.loads(crypto.decrypt(stored, context="cases.casedraft.form_data")) == FORM


def test_a_string_that_looks_like_ciphertext_is_still_just_a_json_string(draft):
    draft.form_data = {"note": "v1$k1$not-a-ciphertext"}
    draft.save()

    assert CaseDraft.objects.get(pk=draft.pk).form_data == {"note": "v1$k1$not-a-ciphertext"}


def test_json_written_before_encryption_is_still_read(draft):
    write_raw("cases_casedraft", "form_data", draft.pk, json.dumps({"legacy": "数据"}))

    assert CaseDraft.objects.get(pk=draft.pk).form_data == {"legacy": "数据"}


def test_lookups_into_encrypted_json_are_refused(draft):
    with pytest.raises(FieldError, match="encrypted"):
        list(CaseDraft.objects.filter(form_data__id_number="11010119900307123X"))


def test_isnull_still_works_on_encrypted_columns(draft):
    assert CaseDraft.objects.filter(form_data__isnull=False).count() == 1


def test_bulk_update_encrypts_too(draft):
    draft.form_data = {"changed": True}
    CaseDraft.objects.bulk_update([draft], ["form_data"])

    assert crypto.is_ciphertext(raw("cases_casedraft", "form_data", draft.pk))
    assert CaseDraft.objects.get(pk=draft.pk).form_data == {"changed": True}


# --- data migration helpers -------------------------------------------------------------------


@pytest.mark.django_db
def test_encrypt_rows_encrypts_plaintext_rows_and_fills_the_indexes():
    user = UserFactory(id_number=id_number_for(61), phone="13900000061", address="示范市某路")
    write_raw("identity_user", "id_number", user.pk, id_number_for(61))
    write_raw("identity_user", "phone", user.pk, "13900000061")
    write_raw("identity_user", "id_number_index", user.pk, "")
    write_raw("identity_user", "phone_index", user.pk, "")
    untouched = UserFactory(id_number=id_number_for(62))
    before = raw("identity_user", "id_number", untouched.pk)

    encrypt_rows(User, batch=1)

    assert crypto.is_ciphertext(raw("identity_user", "id_number", user.pk))
    assert crypto.is_ciphertext(raw("identity_user", "phone", user.pk))
    assert raw("identity_user", "id_number", untouched.pk) == before  # already encrypted
    assert user_find_by_id_number(id_number=id_number_for(61)) == user
    assert list(users_with_phone("13900000061")) == [user]


def test_decrypt_rows_writes_plaintext_back_for_a_reverse_migration(draft):
    user = draft.owner

    decrypt_rows(User)
    decrypt_rows(CaseDraft)

    assert raw("identity_user", "id_number", user.pk) == user.id_number
    assert json.loads(raw("cases_casedraft", "form_data", draft.pk)) == FORM
    encrypt_rows(CaseDraft)
    assert crypto.is_ciphertext(raw("cases_casedraft", "form_data", draft.pk))
    assert CaseDraft.objects.get(pk=draft.pk).form_data == FORM


@pytest.mark.django_db
def test_notification_address_snapshot_is_encrypted():
    from ecity.notify.models import Notification

    sms = Notification.objects.create(
        channel="sms", event="case_submitted", body="您的申请已提交。", to_address="13900000077"
    )

    assert crypto.is_ciphertext(raw("notify_notification", "to_address", sms.pk))
    assert Notification.objects.get(pk=sms.pk).to_address == "13900000077"
