"""API authentication of department systems with OAuth 2.0 client credentials (RFC 6749 §4.4).

A department system obtains an access token at ``/o/token/`` with ``grant_type=client_credentials``
and its client ID and secret, then calls the API with ``Authorization: Bearer <token>``. The
request's ``auth`` is then a ``SystemClient`` (its application and department); ``user`` stays
anonymous: no person is behind the call. Views accept such calls with ``IsDepartmentSystem``.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.permissions import BasePermission
from rest_framework.request import Request

from ecity.core.throttling import WindowRateThrottle
from ecity.sso.selectors import SystemClient, system_client_for_token


class ClientCredentialsAuthentication(BaseAuthentication):
    """Authenticate a department system by the bearer token it got with client credentials."""

    keyword = "Bearer"

    def authenticate(self, request: Request) -> tuple[AnonymousUser, SystemClient] | None:
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() != self.keyword.lower().encode():
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed(_("Send the access token after “Bearer ”."))
        try:
            token = parts[1].decode()
        except UnicodeError as error:
            raise exceptions.AuthenticationFailed(_("The access token is not valid.")) from error
        client = system_client_for_token(token=token)
        if client is None:
            raise exceptions.AuthenticationFailed(
                _("The access token is not valid, has expired or its system is not registered.")
            )
        return AnonymousUser(), client

    def authenticate_header(self, request: Request) -> str:
        return f'{self.keyword} realm="api"'


class IsDepartmentSystem(BasePermission):
    """Only registered department systems (``ClientCredentialsAuthentication``)."""

    message = gettext_lazy("Only a registered department system may call this API.")

    def has_permission(self, request: Request, view: Any) -> bool:
        return isinstance(request.auth, SystemClient)


class SystemClientRateThrottle(WindowRateThrottle):
    """Count a department system's calls by its client ID, at the rate of signed-in users.

    A system is not a person behind an address: counting it as anonymous (by IP address) would
    throttle a department's server like a single visitor. Counted in fixed windows
    (``core.throttling.WindowRateThrottle``): the cost of a call does not grow with the rate.
    """

    scope = "user"

    def get_cache_key(self, request: Request, view: Any) -> str | None:
        if not isinstance(request.auth, SystemClient):
            return None
        return self.cache_format % {"scope": "system", "ident": request.auth.client_id}


class ClientCredentialsScheme(OpenApiAuthenticationExtension):
    """The OpenAPI security scheme of department systems: OAuth 2.0 client credentials."""

    target_class = "ecity.sso.authentication.ClientCredentialsAuthentication"
    name = "departmentSystem"

    def get_security_definition(self, auto_schema: Any) -> dict[str, Any]:
        return {
            "type": "oauth2",
            "description": "A department system registered with client credentials.",
            "flows": {"clientCredentials": {"tokenUrl": "/o/token/", "scopes": {}}},
        }
