"""HTML pages: my e-licences (我的证照), public verification, PDF downloads, staff revocation."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from ecity.certificates import selectors, services
from ecity.certificates.access import certificate_read_record
from ecity.certificates.forms import RevokeForm, VerifyForm
from ecity.certificates.models import Certificate
from ecity.certificates.pdf import certificate_pdf
from ecity.certificates.verification import qr_payload
from ecity.core.errors import ApplicationError, NotFound, PermissionDenied
from ecity.core.files import field_file_response
from ecity.core.forms import add_application_error
from ecity.identity.selectors import CASE_DATA, acting_identity, identity_level_check
from ecity.identity.verification_views import handles_level_required

WALLET_PAGE_SIZE = 20


@login_required
@require_GET
@handles_level_required
def wallet(request: HttpRequest) -> HttpResponse:
    """My e-licences: the certificates the identity the user acts as holds, with their status."""
    # A registered-only account is told how to get verified (it may hold someone's ID number).
    identity_level_check(user=request.user, purpose=CASE_DATA)
    identity = acting_identity(user=request.user, session=request.session)
    certificates = selectors.certificate_wallet(user=request.user, identity=identity)
    page = Paginator(certificates, WALLET_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "certificates/wallet.html", {"page": page, "identity": identity})


@require_GET
def verify(request: HttpRequest) -> HttpResponse:
    """Public verification: a certificate number, a pasted QR text, or the QR URL itself."""
    result = None
    form = VerifyForm()
    if "id" in request.GET:  # the QR code's URL lands here directly
        result = services.certificate_verify(
            identifier=request.GET.get("id", ""), signature=request.GET.get("sig") or None
        )
        form = VerifyForm(initial={"q": request.GET.get("id", "")})
    elif "q" in request.GET:
        form = VerifyForm(request.GET)
        if form.is_valid():
            result = services.certificate_verify(payload=form.cleaned_data["q"])
    certificate = result.certificate if result else None
    context = {
        "form": form,
        "result": result,
        "public": result.public if result else None,
        "can_download": certificate is not None
        and selectors.can_download_certificate(user=request.user, certificate=certificate),
        "can_revoke": certificate is not None
        and not certificate.is_revoked
        and selectors.can_revoke(user=request.user, certificate=certificate),
    }
    status = 400 if form.is_bound and form.errors else 200
    return render(request, "certificates/verify.html", context, status=status)


def _certificate_or_error(request: HttpRequest, identifier: str) -> Certificate:
    try:
        return selectors.certificate_for_download(user=request.user, identifier=identifier)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    except PermissionDenied as exc:
        raise DjangoPermissionDenied(exc.message) from exc


@login_required
@require_GET
def certificate_download(request: HttpRequest, identifier: str) -> HttpResponseBase:
    """The certificate's PDF, for its holder and the issuing department's staff."""
    certificate = _certificate_or_error(request, identifier)
    certificate_read_record(request=request, certificate=certificate)
    fallback = None if certificate.pdf else certificate_pdf(certificate, qr_payload(certificate))
    return field_file_response(certificate.pdf, fallback, f"{certificate.serial}.pdf")


@login_required
@require_http_methods(["GET", "POST"])
def certificate_revoke(request: HttpRequest, identifier: str) -> HttpResponse:
    """Staff form to revoke a certificate with a reason."""
    try:
        certificate = selectors.certificate_get(identifier=identifier)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    if not selectors.can_revoke(user=request.user, certificate=certificate):
        raise DjangoPermissionDenied(_("Only approvers of the issuing department may revoke it."))
    form = RevokeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.certificate_revoke(
                actor=request.user,  # type: ignore[arg-type]
                certificate=certificate,
                reason=form.cleaned_data["reason"],
                request=request,
            )
        except ApplicationError as error:
            add_application_error(form, error)
        else:
            messages.success(request, _("The certificate has been revoked."))
            query = urlencode({"id": certificate.identifier})
            return redirect(f"{reverse('certificates:verify')}?{query}")
    status = 400 if form.is_bound and form.errors else 200
    return render(
        request,
        "certificates/revoke.html",
        {"form": form, "certificate": certificate},
        status=status,
    )
