"""The signing-key vault: one store of key pairs per purpose, one way to rotate and retire them.

Purposes: ``oidc`` (RS256 ID tokens), ``certificates`` (Ed25519 e-certificates and QR codes),
``audit`` (Ed25519 checkpoints of the audit chain head), ``exchange`` (Ed25519 message
envelopes). A key may have an **owner** within its purpose (an exchange subsystem's identifier;
empty for the node's own key). Per purpose and owner exactly one key is **current** (signs);
**previous** keys no longer sign but still verify
(OIDC publishes them in its JWKS); **retired** keys are kept as a record: OIDC stops publishing
them, while certificate and audit keys verify forever (a certificate issued ten years ago must
still verify), see ``PURPOSES``.

Storage (``core.SigningKey``): the public key in clear; the private key as PKCS#8 PEM in an
encrypted column, i.e. wrapped by the field-encryption keyring (``ecity.core.crypto``, AES-GCM,
bound to the column) like any personal data: ``field_keys rotate`` / ``reencrypt`` re-wrap the
signing keys together with everything else, and a database dump alone reveals no private key.

Algorithms are pluggable (``algorithm_register``): each knows how to generate a key pair, derive
the key ID, sign and verify. Ed25519 and RS256 are built in; SM2 can be added the same way.
Rotation and retirement are audited (``keys.rotated``, ``keys.retired``) through the kernel's
audit hook.

Modules: ``algorithms`` (the registry and the built-in algorithms), ``purposes`` (how each
purpose uses the vault, rotation guards), ``keys`` (reads, verification, the signing-key cache)
and ``rotation`` (the audited writes). Callers import from ``ecity.core.vault``.
"""

from ecity.core.models import SigningKey
from ecity.core.vault.algorithms import (
    Algorithm,
    Ed25519Algorithm,
    Rs256Algorithm,
    SigningKeyUnavailable,
    algorithm_get,
    algorithm_register,
)
from ecity.core.vault.keys import (
    key_current_get,
    key_get,
    key_list,
    key_sign,
    key_verify,
    key_verifying,
    private_pem_of,
    signing_keys_forget,
)
from ecity.core.vault.purposes import PURPOSES, PurposeRules, rotation_guard_register
from ecity.core.vault.rotation import (
    key_current,
    key_current_for_signing,
    key_import,
    key_retire,
    key_rotate,
    key_trust,
    trusted_keys_retire,
)

Purpose = SigningKey.Purpose
Status = SigningKey.Status

__all__ = [
    "PURPOSES",
    "Algorithm",
    "Ed25519Algorithm",
    "Purpose",
    "PurposeRules",
    "Rs256Algorithm",
    "SigningKeyUnavailable",
    "Status",
    "algorithm_get",
    "algorithm_register",
    "key_current",
    "key_current_for_signing",
    "key_current_get",
    "key_get",
    "key_import",
    "key_list",
    "key_retire",
    "key_rotate",
    "key_sign",
    "key_trust",
    "key_verify",
    "key_verifying",
    "private_pem_of",
    "rotation_guard_register",
    "signing_keys_forget",
    "trusted_keys_retire",
]
