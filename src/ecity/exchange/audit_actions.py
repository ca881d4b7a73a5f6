"""The audit actions of the data exchange (see ``ecity.audit.registry``)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from ecity.audit.registry import register_actions

register_actions(
    {
        # Parties and trust (H1)
        "exchange.member_registered": _("Exchange member registered"),
        "exchange.member_changed": _("Exchange member changed"),
        "exchange.member_enabled": _("Exchange member enabled"),
        "exchange.member_disabled": _("Exchange member disabled"),
        "exchange.subsystem_registered": _("Exchange subsystem registered"),
        "exchange.subsystem_changed": _("Exchange subsystem changed"),
        "exchange.subsystem_key_rotated": _("Exchange subsystem signing key rotated"),
        "exchange.log_truncated": _("Old message log records deleted (retention)"),
        "exchange.log_exported": _("Message log exported for an audit"),
        "exchange.federation_imported": _("Federation configuration of another city imported"),
    }
)
# --- H4: data connectors ---
register_actions(
    {
        "exchange.connector_saved": _("Data connector saved"),
        "exchange.connector_loaded": _("Data connector loaded a batch into a base registry"),
    }
)
# --- end H4 ---
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
# --- service registry and gateway (H3) ---
register_actions(
    {
        "exchange.service_registered": _("Exchange service registered or changed"),
        "exchange.service_enabled_set": _("Exchange service enabled or disabled"),
        "exchange.access_right_granted": _("Exchange access right granted"),
        "exchange.access_right_revoked": _("Exchange access right revoked"),
    }
)
