"""The connection test an operator runs against a provider: reachability, latency, TLS."""

from __future__ import annotations

import contextlib
import datetime as dt
import socket
import ssl
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

import httpx

from ecity.exchange.models import Service


@dataclass(frozen=True)
class ConnectionReport:
    """What the test found: the URL tried, its status and latency, and the TLS certificate."""

    url: str
    is_reachable: bool
    status_code: int | None
    latency_ms: int | None
    error: str = ""
    tls_version: str = ""
    certificate_subject: str = ""
    certificate_expires_at: dt.datetime | None = None


def _tls_details(host: str, port: int, timeout: float) -> tuple[str, str, dt.datetime | None]:
    context = ssl.create_default_context()
    with (
        socket.create_connection((host, port), timeout=timeout) as raw,
        context.wrap_socket(raw, server_hostname=host) as tls,
    ):
        certificate = tls.getpeercert() or {}
        version = tls.version() or ""
    subject = ", ".join("=".join(pair) for rdn in certificate.get("subject", ()) for pair in rdn)
    expires = certificate.get("notAfter")
    expires_at = (
        dt.datetime.fromtimestamp(ssl.cert_time_to_seconds(str(expires)), tz=dt.UTC)
        if expires
        else None
    )
    return version, subject, expires_at


def service_connection_test(*, service: Service, timeout: float = 5.0) -> ConnectionReport:
    """Call the provider's health path (or its base URL) once and report what happened.

    Reads only: nothing is written. Any HTTP answer counts as reachable (the status is shown);
    a connection error, TLS failure or timeout is reported in ``error``.
    """
    url = service.base_url + (service.health_path or "")
    parts = urlsplit(url)
    tls_version, subject, expires_at = "", "", None
    started = time.perf_counter()
    try:
        response = httpx.get(url, timeout=timeout, follow_redirects=False, trust_env=False)
    except httpx.HTTPError as error:
        return ConnectionReport(
            url=url,
            is_reachable=False,
            status_code=None,
            latency_ms=None,
            error=f"{type(error).__name__}: {error}",
        )
    latency = int((time.perf_counter() - started) * 1000)
    if parts.scheme == "https" and parts.hostname:
        # The HTTPS call succeeded; the details are a bonus (a second connection may fail).
        with contextlib.suppress(OSError, ssl.SSLError):
            tls_version, subject, expires_at = _tls_details(
                parts.hostname, parts.port or 443, timeout
            )
    return ConnectionReport(
        url=url,
        is_reachable=True,
        status_code=response.status_code,
        latency_ms=latency,
        tls_version=tls_version,
        certificate_subject=subject,
        certificate_expires_at=expires_at,
    )
