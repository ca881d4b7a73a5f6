"""Reads of publish/subscribe: topics, subscriptions, dead letters, who administers what.

Who may act for a subsystem: the department administrators of its member's department (or of a
parent department) and platform administrators; a subsystem of a member without a department
(the platform's own, or a federated city's) is administered by platform administrators only.
A department system acts for its own subsystem only (``calling_subsystem``).
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from ecity.core import vault
from ecity.core.errors import NotFound, PermissionDenied
from ecity.core.models import SigningKey
from ecity.exchange.errors import ExchangeErrorCode
from ecity.exchange.models import Delivery, Subscription, Subsystem, Topic, TopicSchema
from ecity.exchange.selectors.parties import subsystem_for_client
from ecity.identity.models import User
from ecity.org import selectors as org_selectors
from ecity.org.models import Department, StaffRole
from ecity.sso.selectors import SystemClient


def calling_subsystem(*, client: SystemClient) -> Subsystem:
    """Return the active subsystem registered with ``client``'s credentials.

    The mapping is ``selectors.parties.subsystem_for_client``; this adds the refusal a caller
    without an active subsystem gets. Raises ``PermissionDenied`` (``exchange_no_subsystem``).
    """
    subsystem = subsystem_for_client(client)
    if subsystem is None:
        raise PermissionDenied(
            _("Your system is not registered as an active exchange subsystem."),
            code=ExchangeErrorCode.NO_SUBSYSTEM,
        )
    return subsystem


def can_administer_subsystem(*, actor: User, subsystem: Subsystem) -> bool:
    """Whether ``actor`` administers ``subsystem`` (see the module docstring)."""
    department = subsystem.member.department
    if department is None:
        return org_selectors.is_platform_admin(user=actor)
    return org_selectors.user_has_role(
        user=actor, role=StaffRole.Role.DEPARTMENT_ADMIN, department=department
    )


def pubsub_departments(*, actor: User) -> QuerySet[Department]:
    """The active departments whose subscriptions ``actor`` administers, by code."""
    return (
        org_selectors.departments_where(user=actor, role=StaffRole.Role.DEPARTMENT_ADMIN)
        .filter(is_active=True)
        .order_by("code")
    )


def topic_get(*, name: str) -> Topic:
    """Return the topic ``name``. Raises ``NotFound`` (``exchange_unknown_topic``)."""
    topic = Topic.objects.select_related("owner__member").filter(name=name).first()
    if topic is None:
        raise NotFound(
            _("There is no topic “%(topic)s”.") % {"topic": name[:128]},
            code=ExchangeErrorCode.UNKNOWN_TOPIC,
            fields={"topic": [_("There is no such topic.")]},
        )
    return topic


def topic_list(*, subsystem: Subsystem | None = None) -> QuerySet[Topic]:
    """List the public topics (and ``subsystem``'s own), by name, with their owner joined."""
    visible = Q(is_public=True)
    if subsystem is not None:
        visible |= Q(owner=subsystem)
    return Topic.objects.filter(visible).select_related("owner__member").order_by("name")


def topic_schema_current(*, topic: Topic, event_type: str) -> TopicSchema | None:
    """The newest schema version of ``event_type`` on ``topic`` (None: no such event type)."""
    return (
        TopicSchema.objects.filter(topic=topic, event_type=event_type).order_by("-version").first()
    )


def subscription_of_subscriber(*, subscriber: Subsystem, public_id: str) -> Subscription:
    """Return ``subscriber``'s own subscription ``public_id``; another's is ``NotFound``."""
    try:
        subscription = (
            Subscription.objects.select_related("topic", "subscriber__member")
            .filter(subscriber=subscriber, public_id=public_id)
            .first()
        )
    except (ValueError, TypeError):  # not a UUID (some backends validate late)
        subscription = None
    if subscription is None:
        raise NotFound(_("You have no such subscription."))
    return subscription


def subscription_list(*, department: Department, direction: str) -> QuerySet[Subscription]:
    """Subscriptions to ``department``'s topics (``"received"``) or of its systems (``"held"``).

    The caller checks that the actor administers ``department`` (``pubsub_departments``).
    """
    subscriptions = Subscription.objects.select_related(
        "topic__owner__member", "subscriber__member"
    ).order_by("status", "topic__name", "subscriber__identifier")
    if direction == "received":
        return subscriptions.filter(topic__owner__member__department=department)
    return subscriptions.filter(subscriber__member__department=department)


def subscription_get_for_staff(*, actor: User, public_id: str) -> Subscription:
    """A subscription that ``actor`` administers on either side. Raises ``NotFound``."""
    subscription = (
        Subscription.objects.select_related("topic__owner__member", "subscriber__member")
        .filter(public_id=public_id)
        .first()
    )
    if subscription is None or not (
        can_administer_subsystem(actor=actor, subsystem=subscription.topic.owner)
        or can_administer_subsystem(actor=actor, subsystem=subscription.subscriber)
    ):
        raise NotFound(_("There is no such subscription."))
    return subscription


def dead_letter_list(
    *, subsystem: Subsystem | None = None, department: Department | None = None
) -> QuerySet[Delivery]:
    """Dead letters visible to ``subsystem`` (or ``department``): as subscriber or topic owner.

    Oldest first, with the publication and both parties joined.
    """
    dead = Delivery.objects.filter(status=Delivery.Status.DEAD).select_related(
        "publication", "subscription__topic__owner", "subscription__subscriber"
    )
    if subsystem is not None:
        dead = dead.filter(
            Q(subscription__subscriber=subsystem) | Q(subscription__topic__owner=subsystem)
        )
    elif department is not None:
        dead = dead.filter(
            Q(subscription__subscriber__member__department=department)
            | Q(subscription__topic__owner__member__department=department)
        )
    else:
        return dead.none()
    return dead.order_by("id")


def exchange_public_keys(*, identifier: str = "") -> QuerySet[SigningKey]:
    """Public keys of subsystems that still verify (current and previous), by owner and kid."""
    keys = SigningKey.objects.defer("private_key").filter(
        purpose=vault.Purpose.EXCHANGE,
        status__in=[SigningKey.Status.CURRENT, SigningKey.Status.PREVIOUS],
    )
    keys = keys.exclude(owner="")
    if identifier:
        keys = keys.filter(owner=identifier)
    return keys.order_by("owner", "status", "-created_at")
