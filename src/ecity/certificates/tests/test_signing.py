"""Canonical form, Ed25519 signatures and signing key management."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from ecity.certificates import signing
from ecity.certificates.models import SigningKey

PAYLOAD = {"identifier": "X", "holder": {"name": "王小明", "identifier": "1"}, "version": 1}


def test_canonical_form_sorts_keys_without_whitespace_in_utf8():
    assert signing.canonical_bytes({"b": 1, "a": {"d": "证", "c": None}}) == (
        '{"a":{"c":null,"d":"证"},"b":1}'.encode()
    )


def test_signature_verifies_and_binds_the_key_id(db):
    signature, key = signing.sign(PAYLOAD)

    assert signing.verify(PAYLOAD, signature, key.key_id)
    assert len(key.key_id) == 16
    assert key.algorithm == "Ed25519"


def test_any_change_to_the_payload_breaks_the_signature(db):
    signature, key = signing.sign(PAYLOAD)
    tampered = {**PAYLOAD, "holder": {"name": "王小朋", "identifier": "1"}}

    assert not signing.verify(tampered, signature, key.key_id)
    assert not signing.verify(PAYLOAD, signature, "0000000000000000")
    assert not signing.verify(PAYLOAD, "not base64!", key.key_id)


def test_key_generate_returns_the_active_key(db):
    first = signing.key_generate()
    again = signing.key_generate()

    assert again.pk == first.pk
    assert SigningKey.objects.count() == 1


def test_rotation_retires_the_old_key_which_still_verifies(db):
    signature, old = signing.sign(PAYLOAD)

    new = signing.key_rotate(actor=None)

    old.refresh_from_db()
    assert old.status == SigningKey.Status.RETIRED and old.retired_at is not None
    assert new.status == SigningKey.Status.ACTIVE and new.key_id != old.key_id
    assert signing.verify(PAYLOAD, signature, old.key_id)
    new_signature, signer = signing.sign(PAYLOAD)
    assert signer == new
    assert signing.verify(PAYLOAD, new_signature, new.key_id)


def test_private_key_is_stored_encrypted(db):
    key = signing.key_generate()

    assert key.private_key_encrypted.startswith("v1:")
    assert "PRIVATE KEY" not in key.private_key_encrypted


def test_a_changed_secret_key_cannot_sign_but_a_fallback_can(db, settings):
    settings.SECRET_KEY = "the-first-secret-key-for-this-test"
    _signature, key = signing.sign(PAYLOAD)

    settings.SECRET_KEY = "another-secret-key-for-this-test-only"
    with pytest.raises(signing.SigningKeyUnavailable):
        signing.sign(PAYLOAD)

    settings.SECRET_KEY_FALLBACKS = ["the-first-secret-key-for-this-test"]
    settings.SECRET_KEY = "another-secret-key-for-this-test-only"
    signature, signer = signing.sign(PAYLOAD)
    assert signer == key
    assert signing.verify(PAYLOAD, signature, key.key_id)


def test_management_command_generates_lists_and_rotates(db):
    out = StringIO()
    call_command("certificates_keys", "list", stdout=out)
    assert "No signing keys yet" in out.getvalue()

    call_command("certificates_keys", "generate", stdout=out)
    first = SigningKey.objects.get()
    with pytest.raises(CommandError):
        call_command("certificates_keys", "generate", stdout=out)

    out = StringIO()
    call_command("certificates_keys", "rotate", stdout=out)
    second = SigningKey.objects.get(status=SigningKey.Status.ACTIVE)
    assert second != first
    assert f"{first.key_id}  Ed25519  retired" in out.getvalue()
    assert f"{second.key_id}  Ed25519  active" in out.getvalue()
