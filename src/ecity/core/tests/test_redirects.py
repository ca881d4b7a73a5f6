"""Redirect targets from the request stay on this site, whatever encoding tricks they use."""

from __future__ import annotations

import pytest
from django.test import RequestFactory

from ecity.core.redirects import next_url, safe_redirect_url

UNSAFE = [
    "//evil.example/",
    "/\\evil.example/",
    "\\\\evil.example/",
    "/\t/evil.example/",
    "\t//evil.example/",
    "/\r\n/evil.example/",
    "/\x00/evil.example/",
    "/ok\x7f",
    "https://evil.example/",
    "javascript:alert(1)",
    "///evil.example/",
]


@pytest.mark.parametrize("target", UNSAFE)
def test_unsafe_targets_fall_back(target):
    request = RequestFactory().get("/", {"next": target})

    assert next_url(request, fallback="/home/") == "/home/"


@pytest.mark.parametrize("target", ["/cases/2026-SCJ-000001/", "/en/notify/?page=2", "/"])
def test_addresses_on_this_site_are_kept(target):
    request = RequestFactory().post("/", {"next": target})

    assert next_url(request, fallback="/home/") == target
    assert safe_redirect_url(request, target, fallback="/x/") == target
