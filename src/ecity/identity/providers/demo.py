"""The demo identity provider: a stand-in for a national e-ID app, for the demo city and tests.

It verifies whoever types a name and an ID number on its page and confirms: it proves nothing
and must never be enabled in production (``ECITY_IDENTITY_PROVIDERS`` is empty by default;
``scripts/demo.sh``, the development settings and the test settings name it). It shows the
redirect flow of ``ecity.identity.providers``: ``start`` sends the browser to the provider's
page (served by ecity here, at ``/accounts/verify/demo-provider/``), which returns to the
callback with a signed assertion, as a real provider signs its answer.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core import signing
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from ecity.identity.models import IdentityLevel, User
from ecity.identity.providers import (
    IdentityProvider,
    VerificationResult,
    VerificationStart,
    provider_get,
)

SALT = "ecity.identity.providers.demo"
MAX_AGE_SECONDS = 10 * 60


def assertion_sign(
    *, state: str, outcome: str, real_name: str = "", id_number: str = "", reference: str = ""
) -> str:
    """The provider's signed answer about ``state`` ("verified" or "declined")."""
    return signing.dumps(
        {
            "state": state,
            "outcome": outcome,
            "real_name": real_name,
            "id_number": id_number,
            "reference": reference or uuid.uuid4().hex,
        },
        salt=SALT,
    )


class DemoProvider(IdentityProvider):
    name = "demo"
    label = gettext_lazy("Demo e-ID (simulated)")
    description = gettext_lazy(
        "A simulated national e-ID app: type the name and ID number on your ID card and confirm."
    )
    level = IdentityLevel.REAL_NAME

    def start(
        self, *, user: User, state: str, callback_url: str, params: Mapping[str, str]
    ) -> VerificationStart:
        query = urlencode({"state": state, "return_to": callback_url})
        return VerificationStart(redirect_url=f"{reverse('identity:demo_provider')}?{query}")

    def complete(self, *, user: User, state: str, params: Mapping[str, str]) -> VerificationResult:
        try:
            answer = signing.loads(
                str(params.get("assertion") or ""), salt=SALT, max_age=MAX_AGE_SECONDS
            )
        except signing.BadSignature:
            return VerificationResult(
                is_verified=False, message=_("The identity provider's answer is not valid.")
            )
        if not isinstance(answer, dict) or answer.get("state") != state:
            return VerificationResult(
                is_verified=False, message=_("The identity provider's answer is not valid.")
            )
        if answer.get("outcome") != "verified":
            return VerificationResult(
                is_verified=False,
                reference=str(answer.get("reference") or ""),
                message=_("You did not confirm your identity at the identity provider."),
            )
        return VerificationResult(
            is_verified=True,
            real_name=str(answer.get("real_name") or ""),
            id_number=str(answer.get("id_number") or ""),
            reference=str(answer.get("reference") or ""),
        )


@login_required
@require_http_methods(["GET", "POST"])
def demo_provider_page(request: HttpRequest) -> HttpResponse:
    """The simulated provider's page: type name and ID number, confirm or decline, go back."""
    if provider_get(DemoProvider.name) is None:
        raise Http404(_("The demo identity provider is not enabled."))
    data = request.POST if request.method == "POST" else request.GET
    state = str(data.get("state") or "")
    return_to = str(data.get("return_to") or "")
    if not state or not url_has_allowed_host_and_scheme(
        return_to, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        raise Http404(_("This verification link is not valid."))
    if request.method == "POST":
        confirmed = request.POST.get("decision") == "confirm"
        assertion = assertion_sign(
            state=state,
            outcome="verified" if confirmed else "declined",
            real_name=str(request.POST.get("real_name") or "").strip()[:100],
            id_number=str(request.POST.get("id_number") or "").strip()[:18],
        )
        separator = "&" if "?" in return_to else "?"
        return HttpResponseRedirect(
            f"{return_to}{separator}{urlencode({'state': state, 'assertion': assertion})}"
        )
    return render(
        request,
        "identity/demo_provider.html",
        {"state": state, "return_to": return_to},
    )
