"""Where to send a browser next, when the address comes from the request (``?next=``, a form).

Every redirect target taken from the request goes through ``safe_redirect_url`` (or
``next_url``): it must be an address on this site, as Django's own
``url_has_allowed_host_and_scheme`` decides (scheme-relative ``//host``, ``/\\host``, other
schemes, other hosts are refused), and it may contain no control character and no backslash at
all: browsers drop tabs and newlines and read ``\\`` as ``/``, so ``/\\t/evil.example`` or
``/\\evil.example`` would leave the site although a naive "starts with one slash" check passes.
"""

from __future__ import annotations

import unicodedata

from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme


def is_safe_redirect_url(request: HttpRequest, target: str) -> bool:
    """Whether ``target`` is an address on this site that a browser cannot read otherwise."""
    if not target or "\\" in target:
        return False
    if any(unicodedata.category(ch)[0] == "C" for ch in target):
        return False
    return url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )


def safe_redirect_url(request: HttpRequest, target: str | None, *, fallback: str) -> str:
    """``target`` when it is safe (see ``is_safe_redirect_url``), else ``fallback``."""
    target = str(target or "")
    return target if is_safe_redirect_url(request, target) else fallback


def next_url(request: HttpRequest, *, fallback: str, param: str = "next") -> str:
    """The safe ``next`` address of a request (form field first, then query), else ``fallback``."""
    target = request.POST.get(param) or request.GET.get(param) or ""
    return safe_redirect_url(request, target, fallback=fallback)
