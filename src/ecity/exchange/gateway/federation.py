"""Gateway-to-gateway trust between two federated cities (nodes).

When gateway A forwards a call of its client to gateway B, B cannot ask for an SSO token of B:
the client is A's. Instead A sends, beside the unchanged HTTP request:

- ``X-Road-Envelope``: the request envelope sealed with the client subsystem's key (A holds it;
  B trusts its public half since it imported A's federation configuration), whose payload is
  ``{method, path, query, body_hash[, body]}`` recomputed by B from what it received;
- ``X-Road-Node-Seal``: ``<kid>.<signature>`` of the node key of A over the envelope's canonical
  JSON (B trusts A's node key under the owner = A's instance code).

B opens the envelope with ``envelope_open`` (unknown or disabled sender, forged signature, changed
body, stale timestamp and replayed message ID are refused and logged), checks the node seal and
that the client belongs to the sealing city, then treats the remote subsystem like a local
client: B's access rights decide (a right can name the remote subsystem, a ``Subsystem`` row
after the import). B answers with the provider's response envelope in the same two headers; A
opens it before it passes the answer on, so a forged or changed answer never reaches the client.
"""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from ecity.exchange.canonical import Envelope, canonical_json
from ecity.exchange.envelope import envelope_open
from ecity.exchange.errors import EnvelopeRefused, ExchangeErrorCode, GatewayFault
from ecity.exchange.gateway.forwarding import ProviderAnswer
from ecity.exchange.identifiers import subsystem_id_parse
from ecity.exchange.message_log import log_refusal
from ecity.exchange.models import Subsystem
from ecity.exchange.node_seal import node_seal, node_seal_valid

ENVELOPE_HEADER = "X-Road-Envelope"
SEAL_HEADER = "X-Road-Node-Seal"
_META_ENVELOPE = "HTTP_X_ROAD_ENVELOPE"
_META_SEAL = "HTTP_X_ROAD_NODE_SEAL"


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def sealed_headers(envelope: Envelope) -> dict[str, str]:
    """The two headers that carry ``envelope`` and this node's seal to the other city."""
    return {
        ENVELOPE_HEADER: _b64(canonical_json(envelope.to_dict())),
        SEAL_HEADER: node_seal(envelope),
    }


def _decode(text: str) -> Any:
    try:
        return json.loads(_unb64(text))
    except (binascii.Error, ValueError):
        return None


def is_federated_call(request: HttpRequest) -> bool:
    """Whether the call comes from another city's gateway (it carries an envelope)."""
    return _META_ENVELOPE in request.META


def federated_client(
    request: HttpRequest, *, payload: dict[str, Any], service_identifier: str
) -> tuple[Subsystem, Envelope]:
    """Authenticate a call forwarded by a federated gateway; return the remote client and envelope.

    ``payload`` is the request payload recomputed from what arrived. Raises ``EnvelopeRefused``
    (401: malformed, unknown or disabled sender, bad signature, changed body, stale, replayed)
    or ``GatewayFault`` (401 bad node seal, 403 client of this city or header mismatch).
    """
    data = _decode(request.META.get(_META_ENVELOPE, ""))
    envelope, client = envelope_open(data, payload)
    instance = subsystem_id_parse(envelope.sender, field="sender").instance
    if not node_seal_valid(envelope, request.META.get(_META_SEAL, ""), instance=instance):
        reason = _("The message is not sealed by the node of %(instance)s.") % {
            "instance": instance
        }
        log_refusal(
            envelope=envelope, raw=data, code=ExchangeErrorCode.NODE_SEAL_INVALID, reason=reason
        )
        raise GatewayFault(reason, code=ExchangeErrorCode.NODE_SEAL_INVALID, status=401)
    claimed = request.META.get("HTTP_X_ROAD_CLIENT", "")
    if envelope.service != service_identifier or (claimed and claimed != envelope.sender):
        raise GatewayFault(
            _("The signed envelope names another client or service than the request."),
            code=ExchangeErrorCode.CLIENT_MISMATCH,
            status=403,
        )
    return client, envelope


def answer_sealed(response: HttpResponse, envelope: Envelope) -> None:
    """Attach the provider's response envelope and this node's seal to ``response``."""
    for name, value in sealed_headers(envelope).items():
        response[name] = value


def answer_open(
    answer: ProviderAnswer, *, payload: dict[str, Any], call_id: str, service: str
) -> Envelope:
    """Verify the federated gateway's answer before it is passed on; return its envelope.

    A fault of the remote gateway itself (no envelope, an ``X-Road-Error`` header) is passed on
    as a fault with the remote code, never as data. Raises ``GatewayFault`` (502) when the answer
    is not signed by the provider, sealed by its node, or answers another call.
    """
    headers = {name.lower(): value for name, value in answer.headers}
    encoded = headers.get(ENVELOPE_HEADER.lower())
    if encoded is None:
        remote_code = headers.get("x-road-error", "")
        if remote_code:
            try:
                message = str(json.loads(answer.body).get("message", ""))
            except (ValueError, AttributeError):
                message = ""
            fault = GatewayFault(
                _("The federated city refused the call (%(code)s): %(message)s")
                % {"code": remote_code, "message": message[:300]},
                code=ExchangeErrorCode.REMOTE_REFUSED,
                status=answer.status if 400 <= answer.status < 600 else 502,
            )
            raise fault
        raise GatewayFault(code=ExchangeErrorCode.REMOTE_UNVERIFIED, status=502)
    data = _decode(encoded)
    try:
        envelope, _sender = envelope_open(data, payload)
    except EnvelopeRefused as refused:
        raise GatewayFault(
            _("The federated city's answer was refused: %(reason)s") % {"reason": refused.message},
            code=ExchangeErrorCode.REMOTE_UNVERIFIED,
            status=502,
        ) from refused
    instance = subsystem_id_parse(envelope.sender, field="sender").instance
    if (
        envelope.correlation_id != call_id
        or envelope.service != service
        or not service.startswith(envelope.sender + "/")
        or not node_seal_valid(envelope, headers.get(SEAL_HEADER.lower(), ""), instance=instance)
    ):
        log_refusal(
            envelope=envelope,
            raw=data,
            code=ExchangeErrorCode.REMOTE_UNVERIFIED,
            reason="answer of another call or provider, or not sealed by the provider's node",
        )
        raise GatewayFault(code=ExchangeErrorCode.REMOTE_UNVERIFIED, status=502)
    return envelope
