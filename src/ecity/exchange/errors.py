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
    # --- Parties, message log operations and federation configuration (H1 trust) ---
    MEMBER_EXISTS = ("exchange_member_exists", _("A member with this identifier exists already."))
    SUBSYSTEM_EXISTS = (
        "exchange_subsystem_exists",
        _("This member has a subsystem with this code already."),
    )
    APPLICATION_MISMATCH = (
        "exchange_application_mismatch",
        _("The client-credentials application does not belong to the member's department."),
    )
    REMOTE_PARTY = (
        "exchange_remote_party",
        _("This party belongs to a federated city and changes only through its configuration."),
    )
    FEDERATION_MALFORMED = (
        "exchange_federation_malformed",
        _("The federation configuration is malformed."),
    )
    FEDERATION_UNTRUSTED_KEY = (
        "exchange_federation_untrusted_key",
        _("The federation configuration is not signed with the pinned node key."),
    )
    FEDERATION_BAD_SIGNATURE = (
        "exchange_federation_bad_signature",
        _("The federation configuration's signature is not valid."),
    )
    FEDERATION_OUTDATED = (
        "exchange_federation_outdated",
        _("The federation configuration is older than the one imported before."),
    )


class EnvelopeRefused(ApplicationError):
    """A receiver refused an envelope (bad signature, unknown sender, replay, stale …)."""

    status_code = 401
    default_code: str = ExchangeErrorCode.MALFORMED_ENVELOPE
    default_message = _("The message envelope is malformed.")


class FederationRefused(ApplicationError):
    """A federation configuration was refused (malformed, wrong key, bad signature, outdated)."""

    default_code: str = ExchangeErrorCode.FEDERATION_MALFORMED
    default_message = _("The federation configuration is malformed.")
