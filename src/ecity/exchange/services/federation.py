"""Import another city's signed federation configuration (the trust half of "two cities").

See ``ecity.exchange.federation`` for the document. The import trusts nothing before the
signature verified with the node key the operator pinned; then it creates or updates the
remote members and subsystems (instance = the remote code), trusts their public keys in the
vault (public only: they verify, never sign), disables the remote parties that vanished from
the document, and records the ``RemoteInstance``. After it, ``envelope_open`` accepts envelopes
of the remote subsystems.
"""

from __future__ import annotations

import binascii
import contextlib
import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ecity.audit.services import audit_record
from ecity.core import vault
from ecity.core.errors import PermissionDenied
from ecity.exchange.errors import ExchangeErrorCode, FederationRefused
from ecity.exchange.federation import (
    FORMAT,
    b64_decode,
    document_hash,
    federation_config_sections,
    signed_bytes,
)
from ecity.exchange.identifiers import local_instance
from ecity.exchange.models import Member, MemberClass, RemoteInstance, Subsystem
from ecity.exchange.models.parties import IDENTIFIER_PART
from ecity.identity.models import User
from ecity.org import selectors as org_selectors

PURPOSE = vault.Purpose.EXCHANGE
_KEY_STATUSES = {vault.Status.CURRENT, vault.Status.PREVIOUS, vault.Status.RETIRED}


def _is_part(value: Any) -> bool:
    if not isinstance(value, str):
        return False
    try:
        IDENTIFIER_PART(value)
    except DjangoValidationError:
        return False
    return True


def _is_text(value: Any, limit: int = 200) -> bool:
    return isinstance(value, str) and len(value) <= limit


def _public_key_ok(alg: Any, public_key: Any, kid: Any) -> bool:
    try:
        return vault.algorithm_get(alg).kid_of(public_key) == kid
    except (KeyError, ValueError, TypeError, binascii.Error):  # unknown algorithm, bad key
        return False


def _check_outline(document: Any) -> tuple[str, dict[str, str], dt.datetime]:
    """Check the envelope of the document (before the signature is trusted)."""
    if not isinstance(document, dict):
        raise FederationRefused(fields={"document": [_("Expected a JSON object.")]})
    errors: dict[str, list[str]] = {}
    if document.get("format") != FORMAT:
        errors["format"] = [_("Expected %(format)s.") % {"format": FORMAT}]
    instance = document.get("instance")
    if not _is_part(instance):
        errors["instance"] = [_("Expected an instance code.")]
    elif instance == local_instance():
        errors["instance"] = [_("This is this node's own instance code.")]
    node_key = document.get("node_key")
    if not isinstance(node_key, dict) or not all(
        isinstance(node_key.get(k), str) for k in ("kid", "alg", "public_key")
    ):
        errors["node_key"] = [_("Expected kid, alg and public_key.")]
        node_key = {}
    if not isinstance(document.get("signature"), str):
        errors["signature"] = [_("This field is required.")]
    generated_at = None
    with contextlib.suppress(ValueError):
        generated_at = dt.datetime.fromisoformat(str(document.get("generated_at")))
    if generated_at is None or generated_at.tzinfo is None:
        errors["generated_at"] = [_("Expected an ISO 8601 time with its offset.")]
    if not _is_text(document.get("gateway_url", ""), 500):
        errors["gateway_url"] = [_("Expected a URL of at most 500 characters.")]
    for name in ("members", "subsystems"):
        if not isinstance(document.get(name), list):
            errors[name] = [_("Expected a list.")]
    if not isinstance(document.get("sections", {}), dict):
        errors["sections"] = [_("Expected an object.")]
    if errors:
        raise FederationRefused(fields=errors)
    assert generated_at is not None
    return str(instance), node_key, generated_at


def _check_parties(document: dict[str, Any], instance: str) -> None:
    """Check the members and subsystems of a verified document (field paths in errors)."""
    errors: dict[str, list[str]] = {}
    member_ids: set[tuple[str, str]] = set()
    for n, m in enumerate(document["members"]):
        where = f"members[{n}]"
        if not isinstance(m, dict) or m.get("member_class") not in MemberClass.values:
            errors[where] = [_("Expected a member with a known class.")]
            continue
        if not _is_part(m.get("code")) or not _is_text(m.get("name")) or not m.get("name"):
            errors[where] = [_("Expected a code and a name of at most 200 characters.")]
            continue
        member_ids.add((m["member_class"], m["code"]))
    for n, s in enumerate(document["subsystems"]):
        where = f"subsystems[{n}]"
        if not isinstance(s, dict) or not _is_part(s.get("code")):
            errors[where] = [_("Expected a subsystem with a code.")]
            continue
        member = (s.get("member_class"), s.get("member_code"))
        identifier = f"{instance}/{member[0]}/{member[1]}/{s['code']}"
        if member not in member_ids:
            errors[where] = [_("Its member is not in the document.")]
        elif s.get("identifier") != identifier:
            errors[where] = [
                _("Expected the identifier %(identifier)s.") % {"identifier": identifier}
            ]
        elif not _is_text(s.get("name")) or not s.get("name"):
            errors[where] = [_("Expected a name of at most 200 characters.")]
        elif not isinstance(s.get("keys"), list) or not all(
            isinstance(k, dict)
            and k.get("status") in _KEY_STATUSES
            and _public_key_ok(k.get("alg"), k.get("public_key"), k.get("kid"))
            for k in s["keys"]
        ):
            errors[where] = [_("Expected public keys whose key IDs match them.")]
    if errors:
        raise FederationRefused(fields=errors)


@transaction.atomic
def federation_config_import(
    document: Any, *, actor: User | None, expected_node_kid: str
) -> RemoteInstance:
    """Trust another city's parties and keys from its signed configuration.

    Rules: platform administrators only (``actor=None`` is the operator's command line); the
    document's node key must be the key ``expected_node_kid`` the operator pinned (and its ID
    must match the key), its signature must verify, it must not be older than the last one
    imported from that city, and it may speak only for its own instance. Nothing is written
    unless everything holds. Side effects: members and subsystems of the remote instance are
    created, updated or disabled (vanished); their keys and the node key are trusted in the
    vault (``vault.key_trust``); registered sections' import handlers run; audited as
    ``exchange.federation_imported``. Raises ``PermissionDenied`` or ``FederationRefused``
    (codes ``exchange_federation_malformed``, ``…_untrusted_key``, ``…_bad_signature``,
    ``…_outdated``).
    """
    if actor is not None and not org_selectors.is_platform_admin(user=actor):
        raise PermissionDenied(_("Only platform administrators can federate with another city."))
    instance, node_key, generated_at = _check_outline(document)
    if not expected_node_kid or node_key["kid"] != expected_node_kid.strip():
        raise FederationRefused(
            _("The configuration is signed with node key %(kid)s, not the pinned key.")
            % {"kid": node_key["kid"]},
            code=ExchangeErrorCode.FEDERATION_UNTRUSTED_KEY,
        )
    if not _public_key_ok(node_key["alg"], node_key["public_key"], node_key["kid"]):
        raise FederationRefused(
            _("The node key's ID does not match the node key."),
            code=ExchangeErrorCode.FEDERATION_UNTRUSTED_KEY,
        )
    valid = vault.algorithm_get(node_key["alg"]).verify(
        node_key["public_key"], signed_bytes(document), b64_decode(document["signature"])
    )
    if not valid:
        raise FederationRefused(
            _("The configuration's signature does not verify with the pinned node key."),
            code=ExchangeErrorCode.FEDERATION_BAD_SIGNATURE,
        )
    _check_parties(document, instance)
    remote = RemoteInstance.objects.select_for_update().filter(code=instance).first()
    if remote is not None and generated_at < remote.config_generated_at:
        raise FederationRefused(
            _("This configuration is older than the one imported on %(date)s.")
            % {"date": remote.imported_at.isoformat()},
            code=ExchangeErrorCode.FEDERATION_OUTDATED,
        )
    now = timezone.now()
    vault.key_trust(
        purpose=PURPOSE,
        owner=instance,
        algorithm=node_key["alg"],
        public_key=node_key["public_key"],
        status=vault.Status.CURRENT,
        actor=actor,
    )
    members: dict[tuple[str, str], Member] = {}
    for m in document["members"]:
        member, _created = Member.objects.update_or_create(
            instance=instance,
            member_class=m["member_class"],
            code=m["code"],
            defaults={"name": m["name"], "is_enabled": bool(m.get("is_enabled", True))},
        )
        members[(m["member_class"], m["code"])] = member
    Member.objects.filter(instance=instance).exclude(
        pk__in=[m.pk for m in members.values()]
    ).update(is_enabled=False, updated_at=now)
    kept: list[int] = []
    for s in document["subsystems"]:
        member = members[(s["member_class"], s["member_code"])]
        subsystem, _created = Subsystem.objects.update_or_create(
            identifier=s["identifier"],
            defaults={
                "member": member,
                "code": s["code"],
                "name": s["name"],
                "is_enabled": bool(s.get("is_enabled", True)),
            },
        )
        kept.append(subsystem.pk)
        # Previous keys first, so that the current one is trusted last and stays current.
        for key in sorted(s["keys"], key=lambda k: k["status"] == vault.Status.CURRENT):
            vault.key_trust(
                purpose=PURPOSE,
                owner=s["identifier"],
                algorithm=key["alg"],
                public_key=key["public_key"],
                status=key["status"],
                actor=actor,
            )
        # A key the city no longer lists (rotated away, compromised) stops verifying here.
        vault.trusted_keys_retire(
            purpose=PURPOSE,
            owner=s["identifier"],
            keep={vault.algorithm_get(k["alg"]).kid_of(k["public_key"]) for k in s["keys"]},
            actor=actor,
        )
    vanished = Subsystem.objects.filter(member__instance=instance, is_enabled=True).exclude(
        pk__in=kept
    )
    vanished_ids = list(vanished.values_list("identifier", flat=True))
    vanished.update(is_enabled=False, updated_at=now)
    for identifier in vanished_ids:
        vault.trusted_keys_retire(purpose=PURPOSE, owner=identifier, keep=set(), actor=actor)
    for name, section in sorted(federation_config_sections.items()):
        if section.import_handler is not None and name in document.get("sections", {}):
            section.import_handler(instance=instance, data=document["sections"][name])
    config_hash = document_hash(document)
    remote, _created = RemoteInstance.objects.update_or_create(
        code=instance,
        defaults={
            "gateway_url": document.get("gateway_url", ""),
            "node_kid": node_key["kid"],
            "node_algorithm": node_key["alg"],
            "node_public_key": node_key["public_key"],
            "last_config_hash": config_hash,
            "config_generated_at": generated_at,
            "imported_at": now,
        },
    )
    audit_record(
        actor=actor,
        action="exchange.federation_imported",
        obj=remote,
        data={
            "instance": instance,
            "node_kid": node_key["kid"],
            "config_hash": config_hash,
            "members": len(members),
            "subsystems": len(kept),
            "disabled": vanished_ids[:50],
        },
    )
    return remote
