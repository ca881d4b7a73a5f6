"""Field encryption: AES-GCM round trips, context binding, tamper detection, blind indexes."""

from __future__ import annotations

import json
import stat

import pytest
from django.core.exceptions import ImproperlyConfigured
from hypothesis import given
from hypothesis import strategies as st

from ecity.core import crypto


@pytest.fixture
def file_keyring(settings, tmp_path):
    """Use a keyring file in a temporary data directory instead of the test keyring."""
    settings.ECITY_FIELD_KEYS = ""
    settings.ECITY_FIELD_KEYS_FILE = str(tmp_path / "field_keys.json")
    crypto.reset_keyring_cache()
    yield tmp_path / "field_keys.json"
    crypto.reset_keyring_cache()


@given(st.text(max_size=200))
def test_encrypt_then_decrypt_returns_the_plaintext(text):
    sealed = crypto.encrypt(text, context="identity.user.id_number")
    assert crypto.decrypt(sealed, context="identity.user.id_number") == text


def test_ciphertext_reveals_nothing_and_differs_each_time():
    first = crypto.encrypt("11010519491231002X", context="identity.user.id_number")
    second = crypto.encrypt("11010519491231002X", context="identity.user.id_number")
    assert first != second
    assert "1101" not in first and first.startswith("v1$k1$")


def test_value_copied_to_another_column_does_not_decrypt():
    sealed = crypto.encrypt("13800000000", context="identity.user.phone")
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt(sealed, context="identity.user.id_number")


def test_tampered_ciphertext_is_refused():
    sealed = crypto.encrypt("上海市人民大道200号", context="identity.user.address")
    body = sealed.rsplit("$", 1)[1]
    flipped = body[:-3] + ("A" if body[-3] != "A" else "B") + body[-2:]
    with pytest.raises(crypto.DecryptionError, match="tampered"):
        crypto.decrypt(sealed.rsplit("$", 1)[0] + "$" + flipped, context="identity.user.address")


def test_unknown_key_id_is_a_clear_error():
    sealed = crypto.encrypt("x", context="c").replace("v1$k1$", "v1$k9$")
    with pytest.raises(crypto.DecryptionError, match="no key 'k9'"):
        crypto.decrypt(sealed, context="c")


def test_blind_index_is_stable_keyed_and_purpose_bound():
    a = crypto.blind_index("11010519491231002X", purpose="id_number")
    assert a == crypto.blind_index("11010519491231002X", purpose="id_number")
    assert a != crypto.blind_index("11010519491231002X", purpose="phone")
    assert a != crypto.blind_index("110105194912310010", purpose="id_number")
    assert len(a) == 64 and "1101" not in a
    assert crypto.blind_index("", purpose="id_number") == ""


def test_embedded_mode_creates_a_private_keyring_file(file_keyring):
    sealed = crypto.encrypt("secret", context="c")

    assert file_keyring.exists()
    assert stat.S_IMODE(file_keyring.stat().st_mode) == 0o600
    data = json.loads(file_keyring.read_text())
    assert data["active"] == "k1" and set(data["keys"]) == {"k1"}
    crypto.reset_keyring_cache()
    assert crypto.decrypt(sealed, context="c") == "secret"


def test_malformed_keyring_fails_fast(settings):
    settings.ECITY_FIELD_KEYS = '{"active": "k2", "keys": {"k1": "AAAA"}, "index_key": "AAAA"}'
    crypto.reset_keyring_cache()
    try:
        with pytest.raises(ImproperlyConfigured, match="active key 'k2' missing"):
            crypto.keyring()
    finally:
        crypto.reset_keyring_cache()
