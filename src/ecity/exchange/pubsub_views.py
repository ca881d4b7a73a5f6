"""Staff pages of publish/subscribe, mounted at /exchange/: a department's subscriptions.

A department administrator sees the subscriptions to their department's topics (and answers
them: approve, refuse, suspend), their own systems' subscriptions, and the dead letters of
both, which they requeue. Thin views over ``selectors.pubsub`` and the services.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from ecity.core.errors import ApplicationError, NotFound
from ecity.core.forms import add_application_error
from ecity.exchange.models import Subscription
from ecity.exchange.pubsub_forms import RequeueForm, SubscriptionDecisionForm
from ecity.exchange.selectors import pubsub as selectors
from ecity.exchange.services import delivery, subscriptions
from ecity.identity.models import User
from ecity.org.models import Department


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def _department(request: HttpRequest) -> tuple[Department, list[Department]]:
    departments = list(selectors.pubsub_departments(actor=_user(request)))
    if not departments:
        raise DjangoPermissionDenied(_("Only a department administrator manages subscriptions."))
    code = request.GET.get("department", "")
    chosen = next((d for d in departments if d.code == code), departments[0])
    return chosen, departments


@login_required
@require_GET
def pubsub_home(request: HttpRequest) -> HttpResponse:
    """Subscriptions to the department's topics and of its systems, and their dead letters."""
    department, departments = _department(request)
    dead = list(selectors.dead_letter_list(department=department)[:200])
    context = {
        "department": department,
        "departments": departments,
        "received": selectors.subscription_list(department=department, direction="received"),
        "held": selectors.subscription_list(department=department, direction="held"),
        "dead_letters": dead,
    }
    return render(request, "exchange/pubsub_home.html", context)


def _subscription_or_404(request: HttpRequest, public_id: str) -> Subscription:
    try:
        return selectors.subscription_get_for_staff(actor=_user(request), public_id=public_id)
    except (NotFound, ValueError) as error:
        raise Http404(str(error)) from error


def _home_url(subscription: Subscription, request: HttpRequest) -> str:
    code = request.GET.get("department", "")
    url = reverse("exchange:pubsub_home")
    return f"{url}?department={code}" if code else url


@login_required
@require_http_methods(["GET", "POST"])
def subscription_detail(request: HttpRequest, public_id: str) -> HttpResponse:
    """A subscription with its dead letters; the owner answers, either side suspends, requeues."""
    subscription = _subscription_or_404(request, public_id)
    actor = _user(request)
    form = SubscriptionDecisionForm(request.POST if "decision" in request.POST else None)
    dead = list(
        selectors.dead_letter_list(subsystem=subscription.subscriber).filter(
            subscription=subscription
        )
    )
    requeue = RequeueForm(
        request.POST if "message_ids" in request.POST else None,
        message_ids=[d.publication.message_id for d in dead],
    )
    if request.method == "POST" and form.is_bound and form.is_valid():
        decision, reason = form.cleaned_data["decision"], form.cleaned_data["reason"]
        try:
            if decision == "approve":
                subscriptions.subscription_approve(
                    actor=actor, subscription=subscription, reason=reason
                )
            elif decision == "refuse":
                subscriptions.subscription_refuse(
                    actor=actor, subscription=subscription, reason=reason
                )
            else:
                subscriptions.subscription_suspend(
                    actor=actor, subscription=subscription, reason=reason
                )
        except ApplicationError as error:
            add_application_error(form, error)
        else:
            messages.success(request, _("Your decision has been recorded."))
            return redirect("exchange:subscription_detail", public_id=public_id)
    if request.method == "POST" and requeue.is_bound and requeue.is_valid():
        try:
            count = delivery.dead_letters_requeue(
                actor=actor,
                subscription=subscription,
                message_ids=requeue.cleaned_data["message_ids"],
            )
        except ApplicationError as error:
            add_application_error(requeue, error)
        else:
            messages.success(request, _("%(count)d messages are queued again.") % {"count": count})
            return redirect("exchange:subscription_detail", public_id=public_id)
    bound_errors = (form.is_bound and form.errors) or (requeue.is_bound and requeue.errors)
    context = {
        "subscription": subscription,
        "form": form,
        "requeue": requeue,
        "dead_letters": dead,
        "is_owner": selectors.can_administer_subsystem(
            actor=actor, subsystem=subscription.topic.owner
        ),
    }
    return render(
        request, "exchange/subscription_detail.html", context, status=400 if bound_errors else 200
    )
