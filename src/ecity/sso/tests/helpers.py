"""Helpers for driving the OpenID Connect flow with Django's test client."""

from __future__ import annotations

import base64
import hashlib
import secrets
from html.parser import HTMLParser
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

REDIRECT_URI = "https://rp.example.test/callback"
POST_LOGOUT_URI = "https://rp.example.test/logged-out"


def pkce_pair() -> tuple[str, str]:
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=")
    return verifier, challenge.decode()


def authorize_url(application: Any, *, scope: str, challenge: str | None, **extra: str) -> str:
    params = {
        "response_type": "code",
        "client_id": application.client_id,
        "redirect_uri": REDIRECT_URI,
        "scope": scope,
        "state": "st-1",
        "nonce": "n-1",
    }
    if challenge is not None:
        params.update({"code_challenge": challenge, "code_challenge_method": "S256"})
    params.update(extra)
    return "/o/authorize/?" + urlencode(params)


def query(location: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(location).query).items()}


class _Forms(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict[str, Any]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "form":
            self.forms.append({"action": values.get("action") or "", "fields": {}})
        elif tag == "input" and self.forms and values.get("type") == "hidden":
            self.forms[-1]["fields"][values.get("name") or ""] = values.get("value") or ""


def form_fields(html: str, action: str) -> dict[str, str]:
    """The hidden fields of the form posting to ``action`` on the page."""
    parser = _Forms()
    parser.feed(html)
    for form in parser.forms:
        if form["action"] == action:
            return dict(form["fields"])
    raise AssertionError(f"no form posting to {action}")


def basic_auth(application: Any) -> str:
    raw = f"{application.client_id}:{application.plain_secret}".encode()
    return "Basic " + base64.b64encode(raw).decode()


def sign_in(
    client: Any, application: Any, *, scope: str = "openid profile phone"
) -> tuple[str, str]:
    """Authorize (consenting if asked) and return (code, verifier)."""
    verifier, challenge = pkce_pair()
    response = client.get(authorize_url(application, scope=scope, challenge=challenge))
    if response.status_code == 200:
        fields = form_fields(response.content.decode(), "/o/authorize/")
        response = client.post("/o/authorize/", {**fields, "allow": "on"})
    assert response.status_code == 302, response.content[:500]
    return query(response["Location"])["code"], verifier


def exchange(client: Any, application: Any, code: str, verifier: str) -> Any:
    return client.post(
        "/o/token/",
        {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": REDIRECT_URI,
            "code_verifier": verifier,
        },
        HTTP_AUTHORIZATION=basic_auth(application),
    )
