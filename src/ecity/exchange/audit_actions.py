"""The audit actions of the data exchange (see ``ecity.audit.registry``)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from ecity.audit.registry import register_actions

# --- publish/subscribe (H2) ---
register_actions(
    {
        "exchange.topic_saved": _("Exchange topic saved"),
        "exchange.topic_schema_added": _("Event type schema version added to a topic"),
        "exchange.subscription_requested": _("Subscription to a topic requested"),
        "exchange.subscription_approved": _("Subscription to a topic approved"),
        "exchange.subscription_refused": _("Subscription to a topic refused"),
        "exchange.subscription_suspended": _("Subscription to a topic suspended"),
        "exchange.subscription_replayed": _("Messages of a topic replayed to a subscription"),
        "exchange.dead_letters_requeued": _("Dead-letter messages requeued"),
    }
)
# --- end publish/subscribe (H2) ---
