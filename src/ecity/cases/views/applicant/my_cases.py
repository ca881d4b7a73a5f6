"""The applicant's own cases: the list, one case's page, and withdrawing an application."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from ecity.cases.deadlines import provisional_deadline_years
from ecity.cases.models import Case
from ecity.cases.selectors import applicant as selectors
from ecity.cases.selectors import decisions as decision_selectors
from ecity.cases.selectors import progress as progress_selectors
from ecity.cases.selectors.materials import material_key, materials_of
from ecity.cases.selectors.ratings import RATEABLE_STATUSES
from ecity.cases.services import submission as services
from ecity.cases.views.applicant_forms import RatingForm, WithdrawForm
from ecity.catalogue.form_answers import form_answers, form_field_label
from ecity.certificates.verification import signature_prefix
from ecity.core.errors import ApplicationError, NotFound
from ecity.core.forms import add_application_error
from ecity.identity.selectors import acting_identity
from ecity.identity.verification_views import handles_level_required

PAGE_SIZE = 20


def identity_of(request: HttpRequest) -> Any:
    """Whom the signed-in user acts as (themselves or an enterprise chosen in the session)."""
    return acting_identity(user=request.user, session=request.session)


def own_case(request: HttpRequest, number: str) -> Case:
    """The case ``number`` of the identity the user acts as; 404 for any other."""
    try:
        return selectors.case_get_for_applicant(
            user=request.user, identity=identity_of(request), number=number
        )
    except NotFound as exc:
        raise Http404(exc.message) from exc


@login_required
@require_GET
@handles_level_required
def my_cases(request: HttpRequest) -> HttpResponse:
    """The cases of the current identity (oneself or the enterprise acted for)."""
    status = request.GET.get("status") or None
    if status not in Case.Status.values:
        status = None
    cases = selectors.case_list_for_applicant(
        user=request.user, identity=identity_of(request), status=status
    )
    page = Paginator(cases, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "cases/applicant/list.html",
        {
            "page": page,
            "status": status or "",
            "statuses": Case.Status.choices,
            "identity": identity_of(request),
        },
    )


def correction_items(case: Case, correction: Any) -> list[tuple[str, str]]:
    """What to correct, with form labels and material names instead of internal names."""
    if correction is None:
        return []
    properties = (case.service_version.form_schema or {}).get("properties") or {}
    materials = {str(m.public_id): m.name for m in materials_of(case.service_version)}
    materials.update({material_key(m): m.name for m in materials_of(case.service_version)})
    rows = []
    for item in correction.items or []:
        if not isinstance(item, dict):
            continue
        name = str(item.get("field") or item.get("material") or "")
        label = form_field_label(name, properties[name]) if name in properties else None
        rows.append((str(label or materials.get(name) or name), str(item.get("message") or "")))
    return rows


def _detail(request: HttpRequest, case: Case, **forms: Any) -> HttpResponse:
    rating = getattr(case, "rating", None) if hasattr(case, "rating") else None
    can_rate = case.status in RATEABLE_STATUSES and rating is None
    context = {
        "case": case,
        "timeline": selectors.case_timeline(case=case, audience="applicant"),
        "attachments": selectors.case_attachments(case=case),
        "correction": selectors.correction_open_get(case=case),
        "correction_items": correction_items(case, selectors.correction_open_get(case=case)),
        "rating": rating,
        "rating_form": forms.get("rating_form") or (RatingForm() if can_rate else None),
        "withdraw_form": forms.get("withdraw_form")
        or (WithdrawForm() if case.status in services.WITHDRAWABLE else None),
        "form_rows": _form_rows(case),
        "provisional_years": provisional_deadline_years(case),
        "progress": progress_selectors.case_progress(case=case),
        **_results(case),
    }
    status = 400 if any(f is not None and f.errors for f in forms.values()) else 200
    return render(request, "cases/applicant/detail.html", context, status=status)


def _results(case: Case) -> dict[str, Any]:
    """The decision document and e-certificate of a decided case, with the verification link."""
    if not case.decided_at:
        return {}
    certificate = decision_selectors.certificate_for_case(case=case)
    verify_url = ""
    if certificate is not None:
        query = urlencode(
            {"id": certificate.identifier, "sig": signature_prefix(certificate.signature)}
        )
        verify_url = f"{reverse('certificates:verify')}?{query}"
    return {
        "decision_document": decision_selectors.decision_document_for_case(case=case),
        "certificate": certificate,
        "certificate_verify_url": verify_url,
    }


def _form_rows(case: Case) -> list[tuple[str, str]]:
    answers = form_answers(case.service_version.form_schema, case.form_data)
    return [(answer.label, answer.text) for answer in answers]


@login_required
@require_GET
@handles_level_required
def case_detail(request: HttpRequest, number: str) -> HttpResponse:
    """One of my cases: status, deadlines, timeline, answers, files, correction, rating."""
    return _detail(request, own_case(request, number))


@login_required
@require_POST
@handles_level_required
def withdraw(request: HttpRequest, number: str) -> HttpResponse:
    """Withdraw an application that is not decided yet."""
    case = own_case(request, number)
    form = WithdrawForm(request.POST)
    if form.is_valid():
        try:
            services.case_withdraw(
                actor=request.user, case=case, reason=form.cleaned_data["reason"]
            )
        except ApplicationError as error:
            add_application_error(form, error, skip_reported=True)
        else:
            messages.success(request, _("Your application has been withdrawn."))
            return redirect("cases:detail", number=case.number)
    return _detail(request, case, withdraw_form=form)
