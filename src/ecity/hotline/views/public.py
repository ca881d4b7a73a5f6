"""Published tickets (工单公开): the public list and page, and the dispatcher's publication page."""

from __future__ import annotations

from typing import cast

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from ecity.core.errors import ApplicationError, NotFound, PermissionDenied
from ecity.core.middleware import response_private
from ecity.hotline.models import Category
from ecity.hotline.selectors import public as selectors
from ecity.hotline.services.publication import ticket_publish, ticket_unpublish
from ecity.identity.models import User

PAGE_SIZE = 20


class PublicSearchForm(forms.Form):
    q = forms.CharField(label=gettext_lazy("Words"), required=False, max_length=selectors.QUERY_MAX)
    category = forms.ModelChoiceField(
        label=gettext_lazy("Category"),
        required=False,
        queryset=Category.objects.none(),
        to_field_name="code",
        empty_label=gettext_lazy("All categories"),
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["category"].queryset = selectors.public_categories()  # type: ignore[attr-defined]


@require_GET
def public_list(request: HttpRequest) -> HttpResponse:
    """The published tickets, searched by words and filtered by category, a page at a time."""
    form = PublicSearchForm(request.GET or None)
    query, category = "", None
    if form.is_bound and form.is_valid():
        query, category = form.cleaned_data["q"] or "", form.cleaned_data["category"]
    tickets = selectors.public_ticket_list(query=query, category=category)
    page = Paginator(tickets, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [selectors.public_ticket_view(ticket) for ticket in page.object_list]
    params = request.GET.copy()
    params.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "rows": rows,
        "query": query,
        "params": params.urlencode(),
    }
    return render(request, "hotline/public/list.html", context)


@require_GET
def public_detail(request: HttpRequest, public_id: str) -> HttpResponse:
    """One published ticket: the request and the answer, without the caller."""
    try:
        ticket = selectors.public_ticket_get(public_id=public_id)
    except NotFound as error:
        raise Http404(error.message) from error
    return render(request, "hotline/public/detail.html", {"ticket": ticket})


@login_required
@require_http_methods(["GET", "POST"])
def publication(request: HttpRequest, number: str) -> HttpResponse:
    """The dispatcher's publication page: the public preview, publish or withdraw."""
    try:
        ticket = selectors.publication_ticket_get(actor=request.user, number=number)
    except PermissionDenied as error:
        raise DjangoPermissionDenied from error
    except NotFound as error:
        raise Http404 from error
    error_message = ""
    actor = cast(User, request.user)  # signed in (login_required)
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "publish":
                ticket_publish(actor=actor, ticket=ticket)
                messages.success(request, _("The ticket is published."))
            elif action == "unpublish":
                ticket_unpublish(actor=actor, ticket=ticket, reason=request.POST.get("reason", ""))
                messages.success(request, _("The ticket is no longer published."))
            else:
                raise Http404
        except ApplicationError as error:
            error_message = error.message
        else:
            return redirect("hotline:publication", number=ticket.number)
    context = {
        "ticket": ticket,
        "preview": selectors.public_ticket_view(ticket),
        "error_message": error_message,
    }
    return response_private(render(request, "hotline/public/publication.html", context))
