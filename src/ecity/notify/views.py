"""HTML pages: the inbox of in-app messages and the notification settings."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ecity.core.errors import ApplicationError, NotFound
from ecity.core.forms import add_application_error
from ecity.core.redirects import safe_redirect_url
from ecity.notify import selectors, services
from ecity.notify.forms import PreferencesForm

PAGE_SIZE = 20


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    """The user's in-app messages, unread first, with links to what they are about."""
    rows = selectors.notification_list_for(user=request.user)  # type: ignore[arg-type]
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    unread = selectors.unread_count(user=request.user)  # type: ignore[arg-type]
    return render(request, "notify/inbox.html", {"page": page, "unread": unread})


@login_required
@require_POST
def mark_read(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """Mark one of the user's messages as read; others' messages answer 404."""
    try:
        notification = selectors.notification_get_for(
            user=request.user,  # type: ignore[arg-type]
            public_id=public_id,
        )
    except NotFound as exc:
        raise Http404(exc.message) from exc
    services.notification_mark_read(user=request.user, notification=notification)  # type: ignore[arg-type]
    return redirect(
        safe_redirect_url(request, request.POST.get("next"), fallback=reverse("notify:inbox"))
    )


@login_required
@require_POST
def mark_all_read(request: HttpRequest) -> HttpResponse:
    """Mark all of the user's messages as read."""
    count = services.notification_mark_all_read(user=request.user)  # type: ignore[arg-type]
    if count:
        messages.success(request, _("All messages are marked as read."))
    return redirect("notify:inbox")


@login_required
def preferences(request: HttpRequest) -> HttpResponse:
    """Choose which notifications arrive by e-mail and SMS (in-app cannot be switched off)."""
    channels = selectors.preferences_for(user=request.user)  # type: ignore[arg-type]
    form = PreferencesForm(request.POST or None, channels=channels)
    if request.method == "POST" and form.is_valid():
        try:
            services.preferences_update(
                user=request.user,  # type: ignore[arg-type]
                preferences=form.preferences(),
            )
        except ApplicationError as error:
            add_application_error(form, error)
        else:
            messages.success(request, _("Your notification settings have been saved."))
            return redirect("notify:preferences")
    return render(request, "notify/preferences.html", {"form": form})
