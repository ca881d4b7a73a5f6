"""Error codes of the data exchange (``ecity.core.errors``): what a receiver or gateway refused."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from ecity.core.errors import ApplicationError, error_codes_register


@error_codes_register
class ExchangeErrorCode(models.TextChoices):
    BAD_IDENTIFIER = (
        "exchange_bad_identifier",
        _("The identifier is not of the form instance/class/member/subsystem."),
    )
    MALFORMED_ENVELOPE = ("exchange_malformed_envelope", _("The message envelope is malformed."))
    BAD_SIGNATURE = ("exchange_bad_signature", _("The message signature is not valid."))
    PAYLOAD_HASH_MISMATCH = (
        "exchange_payload_hash_mismatch",
        _("The payload does not match the hash in the signed envelope."),
    )
    UNKNOWN_SENDER = ("exchange_unknown_sender", _("The sender is not a known subsystem."))
    SENDER_DISABLED = ("exchange_sender_disabled", _("The sender is disabled."))
    REPLAYED = ("exchange_replayed", _("This message ID was already received from this sender."))
    STALE = (
        "exchange_stale",
        _("The message timestamp is too far from the receiver's clock."),
    )
    # --- publish/subscribe (H2) ---
    UNKNOWN_TOPIC = ("exchange_unknown_topic", _("There is no such topic."))
    NOT_TOPIC_PUBLISHER = (
        "exchange_not_topic_publisher",
        _("Only the topic's owner subsystem may publish on it."),
    )
    UNKNOWN_EVENT_TYPE = (
        "exchange_unknown_event_type",
        _("The topic has no schema for this event type."),
    )
    BAD_SCHEMA = ("exchange_bad_schema", _("The JSON Schema itself is not valid."))
    SCHEMA_VIOLATION = (
        "exchange_schema_violation",
        _("The payload does not match the event type's JSON Schema (see the JSON paths)."),
    )
    NO_SUBSYSTEM = (
        "exchange_no_subsystem",
        _("The calling system is not registered as an exchange subsystem."),
    )
    SUBSCRIPTION_STATE = (
        "exchange_subscription_state",
        _("The subscription is not in a state that allows this."),
    )
    # --- end publish/subscribe (H2) ---


class EnvelopeRefused(ApplicationError):
    """A receiver refused an envelope (bad signature, unknown sender, replay, stale …)."""

    status_code = 401
    default_code: str = ExchangeErrorCode.MALFORMED_ENVELOPE
    default_message = _("The message envelope is malformed.")
