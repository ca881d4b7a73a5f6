"""The citizen's online rating of a closed ticket (网上评价): signed in as the ticket's citizen,
or with the ticket number and the query code from the SMS; and the callback questionnaire whose
signed link the platform sent by SMS when the ticket closed (短信回访, no sign-in)."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from ecity.core.errors import ApplicationError, NotFound, PermissionDenied
from ecity.core.forms import add_application_error
from ecity.hotline.models import Ticket
from ecity.hotline.services.callbacks import callback_rate_online
from ecity.hotline.services.questionnaires import (
    QuestionnaireUnavailable,
    questionnaire_answer,
    questionnaire_by_token,
    questionnaire_check,
)
from ecity.hotline.views.handling_forms import QueryCodeForm, RatingForm


class OnlineRatingForm(RatingForm, QueryCodeForm):
    """The rating, with the query code unless the citizen is signed in."""

    field_order = ["query_code", "is_solved", "satisfaction", "comment"]

    def __init__(self, *args, needs_code: bool, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if not needs_code:
            del self.fields["query_code"]


@require_http_methods(["GET", "POST"])
def rate(request: HttpRequest, number: str) -> HttpResponse:
    """Rate the handling of a closed ticket; 不满意 or "not solved" reopens it."""
    ticket = Ticket.objects.filter(number=number).first()
    if ticket is None:
        raise Http404(_("No ticket has this number."))
    user = request.user if request.user.is_authenticated else None
    needs_code = user is None or ticket.citizen_id != user.pk
    form = OnlineRatingForm(request.POST or None, needs_code=needs_code)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            callback_rate_online(
                ticket=ticket,
                user=user,
                query_code=data.get("query_code", ""),
                is_solved=data["is_solved"] == "yes",
                satisfaction=data["satisfaction"],
                comment=data["comment"],
            )
        except PermissionDenied:
            form.add_error(
                "query_code" if "query_code" in form.fields else None,
                _("The ticket number and query code do not match."),
            )
        except ApplicationError as error:
            add_application_error(form, error)
        else:
            messages.success(request, _("Thank you: your rating was recorded."))
            return redirect("hotline:rate", number=number)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "hotline/work/rate.html",
        {
            "ticket": ticket,
            "form": form,
            "is_closed": ticket.status == Ticket.Status.CLOSED,
            "already_rated": ticket.callbacks.filter(cycle=ticket.reopen_count).exists(),
        },
        status=status,
    )


def _unavailable(request: HttpRequest, error: ApplicationError) -> HttpResponse:
    status = 404 if isinstance(error, NotFound) else 410
    return render(
        request,
        "hotline/work/questionnaire_unavailable.html",
        {"message": error.message},
        status=status,
    )


@require_http_methods(["GET", "POST"])
def questionnaire(request: HttpRequest, token: str) -> HttpResponse:
    """The callback questionnaire of the SMS link: solved?, satisfaction, comment.

    A forged, expired, used or no-longer-applicable link gets a page that says why.
    """
    try:
        found = questionnaire_by_token(token=token)
        questionnaire_check(found)
    except (NotFound, QuestionnaireUnavailable) as error:
        return _unavailable(request, error)
    form = RatingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            callback = questionnaire_answer(
                token=token,
                is_solved=data["is_solved"] == "yes",
                satisfaction=data["satisfaction"],
                comment=data["comment"],
            )
        except (NotFound, QuestionnaireUnavailable) as error:
            return _unavailable(request, error)
        except ApplicationError as error:
            add_application_error(form, error)
        else:
            return render(
                request,
                "hotline/work/questionnaire_done.html",
                {"ticket": found.ticket, "reopened": callback.led_to_reopen},
            )
    return render(
        request,
        "hotline/work/questionnaire.html",
        {"ticket": found.ticket, "questionnaire": found, "form": form},
        status=400 if request.method == "POST" else 200,
    )
