"""Subscription pages: follow a topic, confirm, unsubscribe in one click, my subscriptions."""

from __future__ import annotations

import uuid

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ecity.core.errors import ApplicationError, NotFound
from ecity.core.forms import add_application_error
from ecity.core.ratelimit import ratelimit
from ecity.notify import selectors, subscriptions
from ecity.notify.models import Channel, Subscription
from ecity.notify.topics import topic_resolve


class SubscribeForm(forms.Form):
    email = forms.EmailField(
        label=gettext_lazy("E-mail address"),
        required=False,
        max_length=254,
        error_messages={"invalid": gettext_lazy("Enter a valid e-mail address.")},
    )
    channel = forms.ChoiceField(
        label=gettext_lazy("How to tell you"), choices=Channel.choices, initial=Channel.EMAIL
    )
    frequency = forms.ChoiceField(
        label=gettext_lazy("How often"),
        choices=Subscription.Frequency.choices,
        initial=Subscription.Frequency.IMMEDIATE,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args: object, signed_in: bool, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        if signed_in:
            del self.fields["email"]
        else:
            del self.fields["channel"]
            self.fields["email"].required = True


@ratelimit(key="ip", limit=20, window=3600, scope="subscribe", methods=("POST",))
def subscribe(request: HttpRequest) -> HttpResponse:
    """Follow the topic named by ``?topic=`` (e-mail without an account; any channel with one)."""
    topic = request.GET.get("topic") or request.POST.get("topic") or ""
    resolved = topic_resolve(topic)
    if resolved is None:
        raise Http404(_("There is nothing to follow here: the page may have been removed."))
    signed_in = request.user.is_authenticated
    form = SubscribeForm(request.POST or None, signed_in=signed_in)
    if request.method == "POST" and form.is_valid():
        try:
            if signed_in:
                subscriptions.subscription_create_for(
                    user=request.user,  # type: ignore[arg-type]
                    topic=topic,
                    channel=form.cleaned_data["channel"],
                    frequency=form.cleaned_data["frequency"],
                )
            else:
                subscriptions.subscription_request(
                    topic=topic,
                    email=form.cleaned_data["email"],
                    frequency=form.cleaned_data["frequency"],
                    language=get_language() or "zh-hans",
                )
        except ApplicationError as error:
            add_application_error(form, error)
        else:
            if signed_in:
                messages.success(
                    request, _("You now follow %(title)s.") % {"title": resolved.title}
                )
                return redirect("notify:subscriptions")
            return render(request, "notify/subscription_sent.html", {"topic": resolved})
    return render(request, "notify/subscribe.html", {"form": form, "topic": resolved})


def subscription_confirm(request: HttpRequest, token: str) -> HttpResponse:
    """The link from the confirmation e-mail (confirming is idempotent and harmless on GET)."""
    try:
        subscription = subscriptions.subscription_confirm(token=token)
    except NotFound as error:
        raise Http404(error.message) from error
    except ApplicationError as error:
        return render(
            request, "notify/subscription_done.html", {"error": error.message}, status=400
        )
    return render(
        request, "notify/subscription_done.html", {"subscription": subscription, "confirmed": True}
    )


def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """One click from any message: GET shows a button (mail scanners follow links); POST ends it."""
    if request.method == "POST":
        try:
            subscription = subscriptions.subscription_cancel(token=token)
        except NotFound as error:
            raise Http404(error.message) from error
        return render(
            request,
            "notify/subscription_done.html",
            {"subscription": subscription, "cancelled": True},
        )
    return render(request, "notify/unsubscribe.html", {"token": token})


@login_required
def subscription_list(request: HttpRequest) -> HttpResponse:
    """The signed-in person's subscriptions, with a button to end each."""
    rows = selectors.subscription_list_for(user=request.user)  # type: ignore[arg-type]
    return render(request, "notify/subscriptions.html", {"subscriptions": rows})


@login_required
@require_POST
def subscription_cancel(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    try:
        subscriptions.subscription_cancel_for(user=request.user, public_id=public_id)  # type: ignore[arg-type]
    except NotFound as error:
        raise Http404(error.message) from error
    messages.success(request, _("The subscription has been cancelled."))
    return redirect("notify:subscriptions")
