"""The signed federation configuration: what one city (node) tells another to trust.

``federation_config_export`` writes a JSON document signed by this node's exchange key
(``vault.key_current(purpose=EXCHANGE, owner="")``): the instance code, the gateway URL
(``ECITY_EXCHANGE_GATEWAY_URL``), the node's public key, the local members and subsystems with
their current and previous public keys, and whatever the registered sections add (services and
topics come from the modules that own them: ``federation_section_register``). The other city
imports it with ``services.federation.federation_config_import`` after pinning the node key's ID,
obtained out of band (telephone, letter), so that a forged document is refused.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.utils import timezone

from ecity.core import vault
from ecity.core.models import SigningKey
from ecity.exchange.canonical import canonical_json
from ecity.exchange.identifiers import local_instance
from ecity.exchange.models import Member, Subsystem

FORMAT = "ecity-federation/1"
PURPOSE = vault.Purpose.EXCHANGE
_PUBLISHED_STATUSES = (SigningKey.Status.CURRENT, SigningKey.Status.PREVIOUS)


@dataclass(frozen=True)
class FederationSection:
    """A part of the configuration owned by another module (e.g. services, topics).

    ``export`` returns this node's JSON-able data; ``import_handler``, if any, receives the
    data of an imported (already verified) document with the remote instance's code, inside
    the import's transaction, and must only touch that instance's rows.
    """

    name: str
    export: Callable[[], Any]
    import_handler: Callable[..., None] | None = None


federation_config_sections: dict[str, FederationSection] = {}


def federation_section_register(
    name: str,
    *,
    export: Callable[[], Any],
    import_handler: Callable[..., None] | None = None,
) -> None:
    """Add (or replace) the section ``name`` of the federation configuration.

    ``import_handler`` is called as ``import_handler(instance=code, data=...)``.
    """
    federation_config_sections[name] = FederationSection(name, export, import_handler)


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64_decode(text: str) -> bytes:
    """Decode unpadded base64url; b"" when it is not base64url."""
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError, TypeError):
        return b""


def signed_bytes(document: dict[str, Any]) -> bytes:
    """What the node key signs: the canonical JSON of the document without its signature."""
    return canonical_json({k: v for k, v in document.items() if k != "signature"})


def document_hash(document: dict[str, Any]) -> str:
    """SHA-256 (hex) of the whole document's canonical JSON (signature included)."""
    return hashlib.sha256(canonical_json(document)).hexdigest()


def _key_rows(owner: str) -> list[dict[str, str]]:
    keys = (
        SigningKey.objects.defer("private_key")
        .filter(purpose=PURPOSE, owner=owner, status__in=_PUBLISHED_STATUSES)
        .order_by("status", "-created_at")
    )
    return [
        {"kid": k.kid, "alg": k.algorithm, "public_key": k.public_key, "status": k.status}
        for k in keys
    ]


def federation_config_export() -> dict[str, Any]:
    """Return this node's federation configuration, signed by the node's exchange key.

    Only the local instance's members and subsystems are listed (trust is never passed on:
    a federated city's parties are not re-exported). Disabled parties are listed as disabled
    so that the other city disables them too. The node key is created on first use.
    """
    instance = local_instance()
    node_key = vault.key_current(purpose=PURPOSE, owner="")
    members = Member.objects.filter(instance=instance).order_by("member_class", "code")
    subsystems = (
        Subsystem.objects.filter(member__instance=instance)
        .select_related("member")
        .order_by("identifier")
    )
    document: dict[str, Any] = {
        "format": FORMAT,
        "instance": instance,
        "gateway_url": str(settings.ECITY_EXCHANGE_GATEWAY_URL),
        "generated_at": timezone.now().isoformat(),
        "node_key": {
            "kid": node_key.kid,
            "alg": node_key.algorithm,
            "public_key": node_key.public_key,
        },
        "members": [
            {
                "member_class": m.member_class,
                "code": m.code,
                "name": m.name,
                "is_enabled": m.is_enabled,
            }
            for m in members
        ],
        "subsystems": [
            {
                "identifier": s.identifier,
                "member_class": s.member.member_class,
                "member_code": s.member.code,
                "code": s.code,
                "name": s.name,
                "is_enabled": s.is_enabled,
                "keys": _key_rows(s.identifier),
            }
            for s in subsystems
        ],
        "sections": {
            name: section.export() for name, section in sorted(federation_config_sections.items())
        },
    }
    document["signature"] = _b64(vault.key_sign(key=node_key, message=signed_bytes(document)))
    return document
