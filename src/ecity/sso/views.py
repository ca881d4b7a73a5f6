"""Pages of the OpenID Connect provider (consent, logout, discovery, JWKS) and "my linked apps".

The OAuth endpoints are django-oauth-toolkit's views; these subclasses add federation consent,
ecity's signing keys and a content security policy that lets the consent and logout forms
redirect back to the registered application.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qs, urlsplit

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from oauth2_provider import views as oauth_views
from oauth2_provider.exceptions import InvalidOIDCRedirectURIError, OAuthToolkitError
from oauth2_provider.models import (
    get_access_token_model,
    get_application_model,
    get_refresh_token_model,
)
from oauth2_provider.settings import oauth2_settings
from oauthlib.oauth2.rfc6749 import errors as oauth_errors
from oauthlib.openid.connect.core.exceptions import ConsentRequired

from ecity.core import middleware as core_middleware
from ecity.core.errors import ApplicationError
from ecity.sso import keys, selectors, services


def _origin(uri: str) -> str:
    parts = urlsplit(uri or "")
    if parts.scheme not in {"http", "https"} or not parts.netloc:
        return ""
    return f"{parts.scheme}://{parts.netloc}"


def _allow_form_redirect(response: HttpResponse, uri: str) -> HttpResponse:
    """Let this page's form redirect to ``uri``'s origin (CSP form-action covers redirects)."""
    origin = _origin(uri)
    policy = getattr(core_middleware, "CONTENT_SECURITY_POLICY", "")
    if origin and policy and "form-action 'self'" in policy:
        response.headers["Content-Security-Policy"] = policy.replace(
            "form-action 'self'", f"form-action 'self' {origin}"
        )
    return response


def _activate_ui_locales(value: str | None) -> None:
    """Honour OIDC ``ui_locales`` (e.g. "en zh-CN") when we speak one of them."""
    for tag in (value or "").split():
        try:
            language = translation.get_supported_language_variant(tag.lower())
        except LookupError:
            continue
        translation.activate(language)
        return


def _has_error(uri: str) -> bool:
    return "error" in parse_qs(urlsplit(uri or "").query)


class AuthorizeView(oauth_views.AuthorizationView):
    """/o/authorize/: sign-in with federation consent.

    First sign-in (no active federation), or a request for claim groups not consented yet, or
    ``prompt=consent``: the person sees exactly which data the application will receive and
    allows or denies. Otherwise the code is issued at once.
    """

    template_name = "sso/authorize.html"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        _activate_ui_locales(request.GET.get("ui_locales"))
        try:
            scopes, credentials = self.validate_authorization_request(request)
        except OAuthToolkitError as error:
            return self.error_response(error, application=None)
        prompt = set(credentials.get("prompt") or ())
        if "login" in prompt:
            return self.handle_prompt_login()
        application = get_application_model().objects.get(client_id=credentials["client_id"])
        if credentials.get("code_challenge_method") != "S256":
            return self._redirect_error(
                oauth_errors.InvalidRequestError(
                    description="PKCE with code_challenge_method=S256 is required.",
                    state=credentials.get("state"),
                ),
                application,
                credentials,
            )
        groups = selectors.requested_claim_groups(application=application, scopes=scopes)
        federation = selectors.federation_active(user=request.user, application=application)
        consented = set(federation.consented_claims) if federation else set()
        if federation is not None and set(groups) <= consented and "consent" not in prompt:
            if "ui_locales" in credentials and isinstance(credentials["ui_locales"], list):
                credentials["ui_locales"] = " ".join(credentials["ui_locales"])
            try:
                with transaction.atomic():
                    uri, _headers, _body, _status = self.create_authorization_response(
                        request=request,
                        scopes=" ".join(scopes),
                        credentials=credentials,
                        allow=True,
                    )
                    if not _has_error(uri):
                        services.federation_sign_in(
                            federation=federation,
                            claims=groups,
                            acting_for=selectors.acting_for_snapshot(
                                user=request.user, session=request.session
                            ),
                            request=request,
                        )
            except OAuthToolkitError as error:
                return self.error_response(error, application)
            return self.redirect(uri, application)
        if "none" in prompt:
            return self._redirect_error(
                ConsentRequired(state=credentials.get("state")), application, credentials
            )

        self.oauth2_data = {
            "scopes": scopes,
            "redirect_uri": credentials["redirect_uri"],
            "response_type": credentials["response_type"],
            "state": credentials["state"],
            "client_id": credentials["client_id"],
            "nonce": credentials.get("nonce"),
            "code_challenge": credentials.get("code_challenge"),
            "code_challenge_method": credentials.get("code_challenge_method"),
            "claims": json.dumps(credentials["claims"]) if credentials.get("claims") else None,
        }
        acting_for = selectors.acting_for_snapshot(user=request.user, session=request.session)
        context = self.get_context_data(
            form=self.get_form(self.get_form_class()),
            application=application,
            policy=selectors.client_policy(application=application),
            items=selectors.data_items(
                user=request.user,  # type: ignore[arg-type]
                groups=groups,
                acting_for=acting_for,
                already_consented=consented,
            ),
            is_extension=federation is not None,
        )
        response = self.render_to_response(context)
        return _allow_form_redirect(response, credentials["redirect_uri"])

    def _redirect_error(self, error: Any, application: Any, credentials: dict) -> HttpResponse:
        return self.error_response(
            OAuthToolkitError(error=error, redirect_uri=credentials["redirect_uri"]), application
        )

    def form_valid(self, form: Any) -> HttpResponse:
        data = form.cleaned_data
        application = get_application_model().objects.filter(client_id=data["client_id"]).first()
        # The hidden fields came back from the browser: check them before redirecting anywhere.
        if (
            application is None
            or not selectors.client_is_usable(application=application)
            or not application.redirect_uri_allowed(data["redirect_uri"])
        ):
            error = oauth_errors.InvalidRequestFatalError(
                description="Invalid client_id or redirect_uri."
            )
            return self.render_to_response({"error": error}, status=400)
        credentials = {
            "client_id": data["client_id"],
            "redirect_uri": data["redirect_uri"],
            "response_type": data.get("response_type"),
            "state": data.get("state"),
        }
        for name in ("code_challenge", "code_challenge_method", "nonce", "claims"):
            if data.get(name):
                credentials[name] = data[name]
        if data.get("allow") and credentials.get("code_challenge_method") != "S256":
            return self._redirect_error(
                oauth_errors.InvalidRequestError(
                    description="PKCE with code_challenge_method=S256 is required.",
                    state=credentials.get("state"),
                ),
                application,
                credentials,
            )
        scopes = data.get("scope") or ""
        groups = selectors.requested_claim_groups(application=application, scopes=scopes.split())
        try:
            with transaction.atomic():
                uri, _headers, _body, _status = self.create_authorization_response(
                    request=self.request,
                    scopes=scopes,
                    credentials=credentials,
                    allow=data.get("allow"),
                )
                if not _has_error(uri):
                    federation = services.federation_link(
                        user=self.request.user,
                        application=application,
                        claims=groups,
                        request=self.request,
                    )
                    services.federation_sign_in(
                        federation=federation,
                        claims=groups,
                        acting_for=selectors.acting_for_snapshot(
                            user=self.request.user, session=self.request.session
                        ),
                        request=self.request,
                    )
        except OAuthToolkitError as error:
            return self.error_response(error, application)
        except ApplicationError as error:
            return self.render_to_response(
                {"error": oauth_errors.InvalidRequestFatalError(description=error.message)},
                status=error.status_code,
            )
        return self.redirect(uri, application)


def _discovery_document(request: HttpRequest) -> dict:
    response = oauth_views.ConnectDiscoveryInfoView.as_view()(request)
    data = json.loads(response.content)
    host = _origin(data["issuer"])
    data.update(
        {
            "id_token_signing_alg_values_supported": [keys.ALGORITHM],
            "code_challenge_methods_supported": ["S256"],
            "grant_types_supported": ["authorization_code", "refresh_token"],
            "response_modes_supported": ["query"],
            "revocation_endpoint": host + reverse("oauth2_provider:revoke-token"),
            "claims_parameter_supported": False,
            "request_parameter_supported": False,
            "ui_locales_supported": ["zh-CN", "en"],
        }
    )
    return data


def discovery(request: HttpRequest) -> JsonResponse:
    """OpenID Provider metadata (at /o/.well-known/… and at the site root)."""
    response = JsonResponse(_discovery_document(request))
    response["Access-Control-Allow-Origin"] = "*"
    response["Cache-Control"] = "public, max-age=3600"
    return response


def jwks(request: HttpRequest) -> JsonResponse:
    """The public keys that verify ID tokens: current first, then previous ones."""
    response = JsonResponse({"keys": keys.published_keys()})
    age = oauth2_settings.OIDC_JWKS_MAX_AGE_SECONDS
    response["Access-Control-Allow-Origin"] = "*"
    response["Cache-Control"] = f"public, max-age={age}, stale-if-error={age}"
    return response


class LogoutView(oauth_views.RPInitiatedLogoutView):
    """/o/logout/: RP-initiated logout; ends the ecity session and the application's tokens."""

    template_name = "sso/logout_confirm.html"

    def validate_post_logout_redirect_uri(
        self, application: Any, post_logout_redirect_uri: str | None
    ) -> None:
        """As DOT, and the address must be a registered one exactly (no extra parameters)."""
        super().validate_post_logout_redirect_uri(application, post_logout_redirect_uri)
        if (
            post_logout_redirect_uri
            and post_logout_redirect_uri
            not in (application.post_logout_redirect_uris or "").split()
        ):
            raise InvalidOIDCRedirectURIError(
                "This client does not have this redirect uri registered."
            )

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = super().get(request, *args, **kwargs)
        if response.status_code == 200:
            _allow_form_redirect(response, request.GET.get("post_logout_redirect_uri") or "")
        return response

    def do_logout(
        self,
        application: Any = None,
        post_logout_redirect_uri: str | None = None,
        state: str | None = None,
        token_user: Any = None,
    ) -> HttpResponse:
        user = token_user or self.request.user
        if application is not None and getattr(user, "is_authenticated", False):
            refresh = get_refresh_token_model().objects.filter(
                user=user, application=application, revoked__isnull=True
            )
            for token in refresh:
                token.revoke()
            get_access_token_model().objects.filter(user=user, application=application).delete()
        return super().do_logout(application, post_logout_redirect_uri, state, token_user)


# --- my linked applications ------------------------------------------------------------------


@login_required
def linked_apps(request: HttpRequest) -> HttpResponse:
    """List the applications the person has linked their identity to, with what each receives."""
    federations = list(selectors.federation_list(user=request.user))
    rows = [
        {
            "federation": federation,
            "policy": getattr(federation.application, "ecity_policy", None),
            "claims": services.describe_claims(federation.consented_claims),
        }
        for federation in federations
    ]
    return render(request, "sso/linked_apps.html", {"rows": rows})


@login_required
def unlink(request: HttpRequest, public_id: Any) -> HttpResponse:
    """Confirm (GET) and unlink (POST) one linked application."""
    try:
        federation = selectors.federation_get(user=request.user, public_id=public_id)
    except ApplicationError as error:
        raise Http404(error.message) from error
    if request.method == "POST":
        try:
            services.federation_unlink(actor=request.user, federation=federation, request=request)  # type: ignore[arg-type]
        except ApplicationError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request,
                _("%(name)s is unlinked. It can no longer get your data with its earlier sign-ins.")
                % {"name": federation.application.name},
            )
        return redirect("sso:linked_apps")
    return render(
        request,
        "sso/unlink_confirm.html",
        {
            "federation": federation,
            "policy": getattr(federation.application, "ecity_policy", None),
            "claims": services.describe_claims(federation.consented_claims),
        },
    )
