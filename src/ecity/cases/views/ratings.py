"""Rating pages (好差评): the rater's rating page, the counter's rating device, the staff's
rectification queue and rating page, and the public monthly rankings.

Thin views: forms parse input, ``ecity.cases.services`` (ratings, rectification, appeals) do the
work, ``ecity.cases.selectors.ratings`` decide who sees what.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ecity.cases.models import Case, RatingFollowUp, Rectification
from ecity.cases.selectors import applicant as applicant_selectors
from ecity.cases.selectors import rankings as ranking_selectors
from ecity.cases.selectors import ratings as selectors
from ecity.cases.selectors.workbench import case_get_for_staff, queue_counts
from ecity.cases.services import rating_appeals, ratings, rectification
from ecity.cases.views.applicant_forms import RatingForm
from ecity.cases.views.rating_forms import (
    AnswerForm,
    AppealDecisionForm,
    AppealForm,
    ConfirmForm,
    SuperviseForm,
)
from ecity.cases.views.workbench import QUEUE_LABELS, staff_required
from ecity.core.errors import ApplicationError, Conflict, NotFound, PermissionDenied
from ecity.core.forms import add_application_error
from ecity.identity.security.totp import qr_svg
from ecity.identity.selectors import acting_identity
from ecity.identity.verification_views import handles_level_required

PAGE_SIZE = 20
NO_STORE = "private, no-store"


# --- the rater ---------------------------------------------------------------------------------


def _own_case(request: HttpRequest, number: str) -> Case:
    try:
        return applicant_selectors.case_get_for_applicant(
            user=request.user,
            identity=acting_identity(user=request.user, session=request.session),
            number=number,
        )
    except NotFound as error:
        raise Http404(error.message) from error


def _rate_page(
    request: HttpRequest,
    case: Case,
    *,
    rating_form: forms.Form | None = None,
    confirm_form: forms.Form | None = None,
) -> HttpResponse:
    rating = selectors.rating_for_case(case=case)
    rectification_ = getattr(rating, "rectification", None) if rating else None
    awaiting = (
        rectification_ is not None
        and rectification_.stage == Rectification.Stage.AWAITING_CONFIRMATION
    )
    if rating is None and rating_form is None and case.status in selectors.RATEABLE_STATUSES:
        rating_form = RatingForm()
    if awaiting and confirm_form is None:
        confirm_form = ConfirmForm()
    context = {
        "case": case,
        "rating": rating,
        "rectification": rectification_,
        "follow_ups": (
            selectors.rating_follow_ups(rating=rating, audience="rater") if rating else []
        ),
        "rating_form": rating_form,
        "confirm_form": confirm_form if awaiting else None,
    }
    has_errors = any(f is not None and f.errors for f in (rating_form, confirm_form))
    response = render(
        request, "cases/ratings/rate.html", context, status=400 if has_errors else 200
    )
    response["Cache-Control"] = NO_STORE
    return response


@login_required
@require_http_methods(["GET", "POST"])
@handles_level_required
def rate(request: HttpRequest, number: str) -> HttpResponse:
    """Rate one of my decided cases (好差评), and follow what the department does about it."""
    case = _own_case(request, number)
    if request.method == "GET":
        return _rate_page(request, case)
    form = RatingForm(request.POST)
    if form.is_valid():
        try:
            ratings.rating_submit(
                actor=request.user,
                case=case,
                level=form.cleaned_data["level"],
                comment=form.cleaned_data["comment"],
            )
        except ApplicationError as error:
            add_application_error(form, error, skip_reported=True)
        else:
            messages.success(request, _("Thank you for your rating."))
            return redirect("cases:rate", number=case.number)
    return _rate_page(request, case, rating_form=form)


@login_required
@require_POST
@handles_level_required
def rating_confirm(request: HttpRequest, number: str) -> HttpResponse:
    """Say whether the department's answer resolved the problem (POST)."""
    case = _own_case(request, number)
    rating = selectors.rating_for_case(case=case)
    if rating is None:
        raise Http404(_("This case has no rating."))
    form = ConfirmForm(request.POST)
    if form.is_valid():
        try:
            rectification.rectification_confirm(
                actor=request.user,
                rating=rating,
                is_resolved=form.cleaned_data["resolved"],
                comment=form.cleaned_data["comment"],
            )
        except ApplicationError as error:
            add_application_error(form, error, skip_reported=True)
        else:
            messages.success(request, _("Thank you: the department and its supervisors are told."))
            return redirect("cases:rate", number=case.number)
    return _rate_page(request, case, confirm_form=form)


# --- the counter's rating device (评价器) and one-time links ------------------------------------


@require_POST
@staff_required
def counter_start(request: HttpRequest, number: str) -> HttpResponse:
    """Open the rating device for a decided case: a one-time page for the applicant (POST)."""
    try:
        view = case_get_for_staff(actor=request.user, number=number)
        _invitation, token = ratings.rating_invitation_issue(actor=request.user, case=view.case)
    except NotFound as error:
        raise Http404(error.message) from error
    except PermissionDenied as error:
        raise DjangoPermissionDenied(error.message) from error
    except ApplicationError as error:
        messages.error(request, error.message)
        return redirect("cases:workbench_case", number=number)
    return redirect("cases:rate_with_token", token=token)


def _token_response(
    request: HttpRequest, template: str, context: dict, status: int
) -> HttpResponse:
    response = render(request, template, context, status=status)
    # The address holds a one-time token: keep it out of caches and other sites' logs.
    response["Cache-Control"] = NO_STORE
    response["Referrer-Policy"] = "no-referrer"
    return response


@require_http_methods(["GET", "POST"])
def rate_with_token(request: HttpRequest, token: str) -> HttpResponse:
    """Rate a case with a one-time link, without logging in (rating device, message link)."""
    try:
        invitation = selectors.rating_invitation_get(token=token)
    except NotFound as error:
        raise Http404(error.message) from error
    except Conflict as error:
        return _token_response(
            request, "cases/ratings/token_gone.html", {"message": error.message}, 410
        )
    form = RatingForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            ratings.rating_submit_with_token(
                token=token,
                level=form.cleaned_data["level"],
                comment=form.cleaned_data["comment"],
            )
        except Conflict as error:
            return _token_response(
                request, "cases/ratings/token_gone.html", {"message": error.message}, 410
            )
        except ApplicationError as error:
            add_application_error(form, error, skip_reported=True)
        else:
            return redirect("cases:rating_thanks")
    address = request.build_absolute_uri(reverse("cases:rate_with_token", args=[token]))
    context = {
        "case": invitation.case,
        "form": form,
        "is_counter": invitation.channel == invitation.Channel.COUNTER,
        "qr_code": qr_svg(address, label=_("QR code of this rating page")),
        "expires_at": invitation.expires_at,
    }
    status = 400 if form.errors else 200
    return _token_response(request, "cases/ratings/token.html", context, status)


@require_GET
def rating_thanks(request: HttpRequest) -> HttpResponse:
    """Thanks after a rating with a one-time link."""
    return render(request, "cases/ratings/thanks.html")


# --- staff: the rectification queue and a rating's page ----------------------------------------


def _workbench_tabs(request: HttpRequest) -> list[dict[str, Any]]:
    counts = queue_counts(actor=request.user)
    base = reverse("cases:workbench")
    return [
        {"url": f"{base}?queue={name}", "label": label, "count": counts[name]}
        for name, label in QUEUE_LABELS.items()
    ]


@require_GET
@staff_required
def rectification_queue(request: HttpRequest) -> HttpResponse:
    """The low ratings the actor's departments must rectify (a workbench tab), and those
    answered and waiting for the rater or a supervisor."""
    to_answer = selectors.rectification_queue(
        actor=request.user, stage=Rectification.Stage.RECTIFYING
    )
    page = Paginator(to_answer, PAGE_SIZE).get_page(request.GET.get("page"))
    waiting = [
        *selectors.rectification_queue(
            actor=request.user, stage=Rectification.Stage.AWAITING_CONFIRMATION
        )[:50],
        *selectors.rectification_queue(actor=request.user, stage=Rectification.Stage.UNRESOLVED)[
            :50
        ],
    ]
    return render(
        request,
        "cases/ratings/queue.html",
        {
            "tabs": _workbench_tabs(request),
            "count": page.paginator.count,
            "page": page,
            "waiting": waiting,
            "today": timezone.localdate(),
        },
    )


STAFF_FORMS: dict[str, type[forms.Form]] = {
    "answer": AnswerForm,
    "appeal": AppealForm,
    "appeal-decision": AppealDecisionForm,
    "supervise": SuperviseForm,
}
STAFF_RIGHTS = {
    "answer": "can_answer",
    "appeal": "can_appeal",
    "appeal-decision": "can_decide_appeal",
    "supervise": "can_supervise",
}


def _staff_rating(request: HttpRequest, public_id: Any) -> selectors.StaffRating:
    try:
        return selectors.rating_get_for_staff(actor=request.user, public_id=public_id)
    except NotFound as error:
        raise Http404(error.message) from error


def _staff_page(
    request: HttpRequest,
    view: selectors.StaffRating,
    *,
    failed: tuple[str, forms.Form] | None = None,
    status: int = 200,
) -> HttpResponse:
    page_forms: dict[str, forms.Form] = {}
    for action, right in STAFF_RIGHTS.items():
        if getattr(view, right):
            initial = {}
            if action == "answer" and view.rectification is not None:
                initial = {"expected_version": view.rectification.lock_version}
            page_forms[action.replace("-", "_")] = STAFF_FORMS[action](
                prefix=action, initial=initial
            )
    if failed is not None:
        page_forms[failed[0].replace("-", "_")] = failed[1]
    context = {
        "view": view,
        "rating": view.rating,
        "case": view.rating.case,
        "rectification": view.rectification,
        "appeal": view.appeal,
        "follow_ups": selectors.rating_follow_ups(rating=view.rating, audience="staff"),
        "forms": page_forms,
        "kinds": RatingFollowUp.Kind,
    }
    response = render(request, "cases/ratings/staff.html", context, status=status)
    response["Cache-Control"] = NO_STORE
    return response


@require_GET
@staff_required
def rating_staff(request: HttpRequest, public_id: Any) -> HttpResponse:
    """One rating with its rectification, appeal and follow-up, and what the actor may do."""
    return _staff_page(request, _staff_rating(request, public_id))


def _perform(request: HttpRequest, action: str, view: selectors.StaffRating, data: dict) -> str:
    actor, rating = request.user, view.rating
    if action == "answer":
        rectification.rectification_answer(
            actor=actor,
            rating=rating,
            answer=data["answer"],
            expected_version=data.get("expected_version"),
        )
        return _("Your answer has been sent to the rater.")
    if action == "appeal":
        rating_appeals.rating_appeal_file(actor=actor, rating=rating, reason=data["reason"])
        return _("The appeal has been sent to the supervisors.")
    if action == "appeal-decision":
        if view.appeal is None:
            raise Conflict()
        rating_appeals.rating_appeal_decide(
            actor=actor, appeal=view.appeal, uphold=data["decision"] == "uphold", note=data["note"]
        )
        return _("The appeal has been decided.")
    rectification.rectification_supervise(
        actor=actor, rating=rating, decision=data["decision"], note=data["note"]
    )
    return _("Your decision has been recorded.")


@require_POST
@staff_required
def rating_staff_action(request: HttpRequest, public_id: Any, action: str) -> HttpResponse:
    """Answer, appeal, decide an appeal or supervise a rectification (POST)."""
    if action not in STAFF_FORMS:
        raise Http404
    view = _staff_rating(request, public_id)
    form = STAFF_FORMS[action](request.POST, prefix=action)
    if not form.is_valid():
        return _staff_page(request, view, failed=(action, form), status=400)
    try:
        done = _perform(request, action, view, form.cleaned_data)
    except PermissionDenied as error:
        raise DjangoPermissionDenied(error.message) from error
    except Conflict as error:
        messages.error(request, error.message)
        return _staff_page(request, _staff_rating(request, public_id), status=409)
    except ApplicationError as error:
        add_application_error(form, error)
        return _staff_page(request, view, failed=(action, form), status=400)
    messages.success(request, done)
    return redirect("cases:rating_staff", public_id=view.rating.public_id)


# --- public: monthly rankings ------------------------------------------------------------------


def _month(value: str, default: dt.date) -> dt.date:
    try:
        month = dt.datetime.strptime(value, "%Y-%m").date()  # noqa: DTZ007 - a calendar month
    except ValueError:
        return default
    return min(month, default)


@require_GET
def rankings(request: HttpRequest) -> HttpResponse:
    """Monthly rankings of the departments by rating and on-time rate (published, 公开)."""
    current = ranking_selectors.month_start(timezone.localdate())
    month = _month(request.GET.get("month", ""), current)
    ranking = ranking_selectors.ranking_for_month(month=month)
    return render(
        request,
        "cases/ratings/rankings.html",
        {
            "ranking": ranking,
            "months": ranking_selectors.ranking_months(),
            "is_current": month == current,
        },
    )
