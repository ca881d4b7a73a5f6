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
    # --- service registry and gateway (H3) ---
    UNKNOWN_SERVICE = ("exchange_unknown_service", _("No such service is registered."))
    SERVICE_DISABLED = ("exchange_service_disabled", _("The service is disabled."))
    UNKNOWN_INSTANCE = (
        "exchange_unknown_instance",
        _("The service's instance (city) is not a known federated instance."),
    )
    CLIENT_MISMATCH = (
        "exchange_client_mismatch",
        _("The X-Road-Client header does not name the subsystem bound to the credentials."),
    )
    CLIENT_DISABLED = ("exchange_client_disabled", _("The client subsystem is disabled."))
    ACCESS_DENIED = (
        "exchange_access_denied",
        _("The client has no access right to this service or endpoint."),
    )
    RATE_LIMITED = (
        "exchange_rate_limited",
        _("The client called this service too often: wait and try again."),
    )
    PROVIDER_UNREACHABLE = (
        "exchange_provider_unreachable",
        _("The provider's system could not be reached."),
    )
    PROVIDER_TIMEOUT = ("exchange_provider_timeout", _("The provider did not answer in time."))
    ADAPTER_NOT_INSTALLED = (
        "exchange_adapter_not_installed",
        _("The adapter for this kind of service is not installed."),
    )
    BAD_SERVICE_DESCRIPTION = (
        "exchange_bad_service_description",
        _("The OpenAPI document or WSDL is not valid."),
    )


class EnvelopeRefused(ApplicationError):
    """A receiver refused an envelope (bad signature, unknown sender, replay, stale …)."""

    status_code = 401
    default_code: str = ExchangeErrorCode.MALFORMED_ENVELOPE
    default_message = _("The message envelope is malformed.")


class GatewayFault(ApplicationError):
    """The gateway refused or could not complete a call (answered as a JSON fault)."""

    status_code = 400
    default_code: str = ExchangeErrorCode.UNKNOWN_SERVICE
    default_message = _("No such service is registered.")

    def __init__(self, message: str | None = None, *, code: str, status: int) -> None:
        if message is None:
            message = str(ExchangeErrorCode(code).label)
        super().__init__(message, code=code)
        self.status_code = status
        self.retry_after: int | None = None  # seconds, for a 429
