"""Calling a legacy SOAP service with zeep and answering plain JSON.

``soap_call`` is what the gateway calls for a registered service of kind SOAP: it loads the
WSDL once per process (one cached zeep client per WSDL and timeout), calls the operation with
keyword arguments, and turns the answer into JSON (``zeep.helpers.serialize_object``; dates
and times as ISO strings, ``Decimal`` as text). Failures become precise errors:

- a SOAP fault → ``ProviderFault`` (``exchange_provider_fault``) with the fault string;
- no answer within ``timeout`` seconds → ``ProviderTimeout`` (``exchange_provider_timeout``);
- refused connection, unknown host, broken connection, an unreadable WSDL or an HTTP error
  without a SOAP fault → ``ProviderUnreachable`` (``exchange_provider_unreachable``);
- an operation the WSDL does not declare, or arguments it does not accept →
  ``ValidationFailed`` on ``operation`` / ``arguments``.

``soap_call_mapped`` applies a field mapping (``adapters.mapping``) to the arguments and to the
answer.
"""

from __future__ import annotations

import threading
from typing import Any, Literal

import requests
import zeep
import zeep.exceptions
from django.utils.translation import gettext as _
from zeep.helpers import serialize_object
from zeep.transports import Transport

from ecity.core.errors import ValidationFailed
from ecity.exchange.adapters.json_values import json_plain
from ecity.exchange.adapters.mapping import FieldMapping, mapping_apply
from ecity.exchange.errors import ProviderFault, ProviderTimeout, ProviderUnreachable

#: Most clients kept (distinct WSDL and timeout pairs); the oldest is dropped past it.
MAX_CLIENTS = 256

_clients: dict[tuple[str, float], zeep.Client] = {}
_clients_lock = threading.Lock()


def soap_client(*, wsdl: str, timeout: float) -> zeep.Client:
    """The cached zeep client of ``wsdl`` (loaded on first use, ``timeout`` for every request).

    One client per (WSDL, timeout): a client is never reconfigured after creation, so threads
    share it safely. Errors: as ``soap_call`` for an unreachable WSDL.
    """
    key = (wsdl, float(timeout))
    cached = _clients.get(key)
    if cached is not None:
        return cached
    with _clients_lock:
        cached = _clients.get(key)
        if cached is not None:
            return cached
        transport = Transport(timeout=timeout, operation_timeout=timeout)
        settings = zeep.Settings(forbid_dtd=True, forbid_entities=True, forbid_external=True)
        with _provider_errors(wsdl):
            client = zeep.Client(wsdl, transport=transport, settings=settings)
        if len(_clients) >= MAX_CLIENTS:
            _clients.pop(next(iter(_clients)))
        _clients[key] = client
        return client


def soap_clients_clear() -> None:
    """Forget every cached client (a WSDL changed; tests)."""
    with _clients_lock:
        _clients.clear()


class _provider_errors:
    """Translate transport failures into the exchange's provider errors."""

    def __init__(self, where: str) -> None:
        self.where = where

    def __enter__(self) -> None:
        return None

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: Any
    ) -> Literal[False]:
        if exc is None:
            return False
        if isinstance(exc, zeep.exceptions.Fault):
            raise ProviderFault(
                _("The provider answered with a fault: %(fault)s") % {"fault": exc.message},
                fields={"fault": [str(exc.message)], "fault_code": [str(exc.code or "")]},
            ) from exc
        if isinstance(exc, requests.Timeout):
            raise ProviderTimeout(
                _("The provider did not answer in time (%(where)s).") % {"where": self.where}
            ) from exc
        if isinstance(exc, requests.RequestException | OSError):
            raise ProviderUnreachable(
                _("The provider cannot be reached (%(where)s).") % {"where": self.where}
            ) from exc
        if isinstance(exc, zeep.exceptions.TransportError):
            raise ProviderUnreachable(
                _("The provider answered HTTP %(status)s without a SOAP answer.")
                % {"status": exc.status_code}
            ) from exc
        if isinstance(exc, zeep.exceptions.XMLSyntaxError | zeep.exceptions.XMLParseError):
            raise ProviderUnreachable(
                _("The provider's answer is not readable XML (%(where)s).") % {"where": self.where}
            ) from exc
        return False


def soap_call(*, wsdl: str, operation: str, arguments: dict, timeout: float) -> dict:
    """Call ``operation`` of the SOAP service described by ``wsdl``; its answer as plain JSON.

    ``arguments`` are the operation's parts by name (nested dicts for complex types). The
    answer is a dict: a complex answer as its elements, a simple one as ``{"result": value}``.
    Errors: ``ProviderFault``, ``ProviderTimeout``, ``ProviderUnreachable`` (module docstring);
    ``ValidationFailed`` for an unknown operation or arguments the WSDL does not accept.
    """
    client = soap_client(wsdl=wsdl, timeout=timeout)
    try:
        method = client.service[operation]
    except AttributeError:
        raise ValidationFailed(
            fields={
                "operation": [_("The service has no operation %(name)s.") % {"name": operation}]
            }
        ) from None
    try:
        with _provider_errors(wsdl):
            answer = method(**arguments)
    except (TypeError, zeep.exceptions.ValidationError) as exc:
        raise ValidationFailed(
            fields={"arguments": [_("The arguments do not fit the operation: %(e)s") % {"e": exc}]}
        ) from exc
    plain = json_plain(serialize_object(answer, target_cls=dict))
    return plain if isinstance(plain, dict) else {"result": plain}


def soap_call_mapped(
    *,
    wsdl: str,
    operation: str,
    arguments: dict,
    timeout: float,
    request_mapping: FieldMapping,
    response_mapping: FieldMapping,
) -> dict:
    """``soap_call`` with ``request_mapping`` applied to the arguments and
    ``response_mapping`` to the answer (``adapters.mapping``)."""
    answer = soap_call(
        wsdl=wsdl,
        operation=operation,
        arguments=mapping_apply(request_mapping, arguments),
        timeout=timeout,
    )
    mapped = mapping_apply(response_mapping, answer)
    return mapped if isinstance(mapped, dict) else {"result": mapped}
