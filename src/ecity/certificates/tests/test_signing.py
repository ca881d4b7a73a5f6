"""Canonical form, Ed25519 signatures and signing key management."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, models

from ecity.certificates import signing
from ecity.core import crypto, vault
from ecity.core.models import SigningKey

PAYLOAD = {"identifier": "X", "holder": {"name": "王小明", "identifier": "1"}, "version": 1}


def test_canonical_form_sorts_keys_without_whitespace_in_utf8():
    assert signing.canonical_bytes({"b": 1, "a": {"d": "证", "c": None}}) == (
        '{"a":{"c":null,"d":"证"},"b":1}'.encode()
    )


def test_signature_verifies_and_binds_the_key_id(db):
    signature, key = signing.sign(PAYLOAD)

    assert signing.verify(PAYLOAD, signature, key.kid)
    assert len(key.kid) == 16
    assert key.algorithm == "Ed25519"


def test_any_change_to_the_payload_breaks_the_signature(db):
    signature, key = signing.sign(PAYLOAD)
    tampered = {**PAYLOAD, "holder": {"name": "王小朋", "identifier": "1"}}

    assert not signing.verify(tampered, signature, key.kid)
    assert not signing.verify(PAYLOAD, signature, "0000000000000000")
    assert not signing.verify(PAYLOAD, "not base64!", key.kid)


def test_key_generate_returns_the_current_key(db):
    first = signing.key_generate()
    again = signing.key_generate()

    assert again.pk == first.pk
    assert SigningKey.objects.count() == 1


def test_rotation_makes_the_old_key_previous_and_it_still_verifies(db):
    signature, old = signing.sign(PAYLOAD)

    new = signing.key_rotate(actor=None)

    old.refresh_from_db()
    assert old.status == SigningKey.Status.PREVIOUS
    assert new.status == SigningKey.Status.CURRENT and new.kid != old.kid
    assert signing.verify(PAYLOAD, signature, old.kid)
    new_signature, signer = signing.sign(PAYLOAD)
    assert signer == new
    assert signing.verify(PAYLOAD, new_signature, new.kid)


def test_a_retired_certificate_key_still_verifies_what_it_signed(db):
    signature, old = signing.sign(PAYLOAD)
    signing.key_rotate(actor=None)

    vault.key_retire(purpose=SigningKey.Purpose.CERTIFICATES, kid=old.kid)

    assert signing.verify(PAYLOAD, signature, old.kid)


def raw_private_key(key: SigningKey) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT private_key FROM core_signingkey WHERE id = %s", [key.pk])
        return cursor.fetchone()[0]


def test_private_key_is_wrapped_by_the_field_keyring(db):
    key = signing.key_generate()

    stored = raw_private_key(key)

    assert crypto.is_ciphertext(stored) and "PRIVATE KEY" not in stored
    assert "BEGIN PRIVATE KEY" in vault.private_pem_of(SigningKey.objects.get(pk=key.pk))


def test_a_key_that_cannot_be_unwrapped_cannot_sign_but_still_verifies(db):
    signature, key = signing.sign(PAYLOAD)
    # as if the keyring key that wrapped it was lost
    SigningKey.objects.filter(pk=key.pk).update(
        private_key=models.Value("v1$k99$AAAA", output_field=models.TextField())
    )

    with pytest.raises(signing.SigningKeyUnavailable):
        signing.sign(PAYLOAD)
    assert signing.verify(PAYLOAD, signature, key.kid)


def test_keys_command_lists_and_rotates_per_purpose(db):
    out = StringIO()
    call_command("keys", "list", "--purpose", "certificates", stdout=out)
    assert "No signing keys yet" in out.getvalue()

    first = signing.key_generate()
    out = StringIO()
    call_command("keys", "rotate", "--purpose", "certificates", stdout=out)

    second = SigningKey.objects.get(purpose="certificates", status=SigningKey.Status.CURRENT)
    assert second != first
    assert out.getvalue().splitlines()[0] == f"new current key {second.kid}"
    assert f"  certificates {first.kid}  Ed25519 previous" in out.getvalue()
    assert f"* certificates {second.kid}  Ed25519 current" in out.getvalue()
    with pytest.raises(CommandError):
        call_command("keys", "rotate", stdout=StringIO())  # no purpose
