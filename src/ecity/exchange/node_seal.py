"""The node seal: a federated city's node key signs an envelope its gateway passes on.

An envelope proves which subsystem sent a message; the seal proves that the node of that
subsystem's city passed it on (the other city trusts that node key under the owner = the city's
instance code, since it imported the signed federation configuration). The seal is
``<kid>.<signature>`` over the envelope's canonical JSON, signature included.
"""

from __future__ import annotations

import base64
import binascii

from ecity.core import vault
from ecity.exchange.canonical import Envelope, canonical_json
from ecity.exchange.identifiers import local_instance
from ecity.exchange.models import RemoteInstance


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def node_seal(envelope: Envelope) -> str:
    """This node's seal over ``envelope``: ``<kid>.<signature>`` of the node exchange key."""
    key = vault.key_current(purpose=vault.Purpose.EXCHANGE, owner="")
    return f"{key.kid}.{_b64(vault.key_sign(key=key, message=canonical_json(envelope.to_dict())))}"


def node_seal_valid(envelope: Envelope, seal: str, *, instance: str) -> bool:
    """Whether ``seal`` is the seal of the federated ``instance``'s node over ``envelope``."""
    kid, _dot, signature = (seal or "").partition(".")
    if not kid or not signature or instance == local_instance():
        return False
    if not RemoteInstance.objects.filter(code=instance).exists():
        return False
    try:
        raw = _unb64(signature)
    except (binascii.Error, ValueError):
        return False
    return vault.key_verify(
        purpose=vault.Purpose.EXCHANGE,
        owner=instance,
        kid=kid,
        message=canonical_json(envelope.to_dict()),
        signature=raw,
    )
