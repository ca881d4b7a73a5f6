"""Calling a plain REST provider with httpx, with the same mapping and errors as SOAP.

``rest_call`` sends the (mapped) arguments as JSON (``GET`` and ``DELETE``: as query
parameters) and answers the provider's JSON (mapped). Failures:

- an HTTP status of 400 or more → ``ProviderFault`` (``exchange_provider_fault``) with the
  status and the provider's message (its JSON ``message``/``detail``/``error`` or the text);
- no answer within ``timeout`` → ``ProviderTimeout``;
- refused connection, unknown host, broken connection, or an answer that is not JSON →
  ``ProviderUnreachable``.
"""

from __future__ import annotations

from typing import Any

import httpx
from django.utils.translation import gettext as _

from ecity.core.errors import ValidationFailed
from ecity.exchange.adapters.mapping import IDENTITY, FieldMapping, mapping_apply
from ecity.exchange.errors import ProviderFault, ProviderTimeout, ProviderUnreachable

METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")
#: The most of a provider's error text kept in a fault.
MAX_FAULT_TEXT = 500


def _fault_text(response: httpx.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return response.text[:MAX_FAULT_TEXT]
    if isinstance(body, dict):
        for key in ("message", "detail", "error", "fault"):
            if isinstance(body.get(key), str):
                return str(body[key])[:MAX_FAULT_TEXT]
    return response.text[:MAX_FAULT_TEXT]


def rest_call(
    *,
    url: str,
    method: str,
    arguments: dict,
    timeout: float,
    request_mapping: FieldMapping = IDENTITY,
    response_mapping: FieldMapping = IDENTITY,
    headers: dict[str, str] | None = None,
) -> Any:
    """Call the REST provider at ``url``; its JSON answer after ``response_mapping``.

    Errors: ``ValidationFailed`` (``method``), ``ProviderFault``, ``ProviderTimeout``,
    ``ProviderUnreachable`` (module docstring).
    """
    method = method.upper()
    if method not in METHODS:
        raise ValidationFailed(fields={"method": [_("Use GET, POST, PUT, PATCH or DELETE.")]})
    payload = mapping_apply(request_mapping, arguments)
    as_query = method in ("GET", "DELETE")
    try:
        response = httpx.request(
            method,
            url,
            params=payload if as_query else None,
            json=None if as_query else payload,
            headers={"Accept": "application/json", **(headers or {})},
            timeout=timeout,
        )
    except httpx.TimeoutException as exc:
        raise ProviderTimeout(
            _("The provider did not answer in time (%(where)s).") % {"where": url}
        ) from exc
    except (httpx.TransportError, OSError) as exc:
        raise ProviderUnreachable(
            _("The provider cannot be reached (%(where)s).") % {"where": url}
        ) from exc
    if response.status_code >= 400:
        text = _fault_text(response)
        raise ProviderFault(
            _("The provider answered HTTP %(status)d: %(text)s")
            % {"status": response.status_code, "text": text},
            fields={"fault": [text], "status": [str(response.status_code)]},
        )
    if not response.content:
        return mapping_apply(response_mapping, {})
    try:
        body = response.json()
    except ValueError as exc:
        raise ProviderUnreachable(
            _("The provider's answer is not JSON (%(where)s).") % {"where": url}
        ) from exc
    return mapping_apply(response_mapping, body)
