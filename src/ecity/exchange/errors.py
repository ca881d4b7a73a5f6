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


class EnvelopeRefused(ApplicationError):
    """A receiver refused an envelope (bad signature, unknown sender, replay, stale …)."""

    status_code = 401
    default_code: str = ExchangeErrorCode.MALFORMED_ENVELOPE
    default_message = _("The message envelope is malformed.")
