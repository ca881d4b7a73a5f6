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
    # --- H4: application adapters (SOAP/REST) and data connectors ---
    PROVIDER_FAULT = (
        "exchange_provider_fault",
        _("The provider answered with a fault."),
    )
    PROVIDER_UNREACHABLE = (
        "exchange_provider_unreachable",
        _("The provider cannot be reached."),
    )
    PROVIDER_TIMEOUT = (
        "exchange_provider_timeout",
        _("The provider did not answer in time."),
    )
    CONNECTOR_SOURCE_FAILED = (
        "exchange_connector_source_failed",
        _("The connector's source cannot be read."),
    )
    CONNECTOR_BUSY = (
        "exchange_connector_busy",
        _("Another process is running this connector."),
    )
    # --- end H4 ---
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
    BAD_PATH = (
        "exchange_bad_path",
        _("The path of the call holds a control character (such as an encoded NUL)."),
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
    BAD_SERVICE_DESCRIPTION = (
        "exchange_bad_service_description",
        _("The OpenAPI document or WSDL is not valid."),
    )
    # --- two cities: gateway-to-gateway trust and cross-city subscriptions (H7) ---
    NODE_SEAL_INVALID = (
        "exchange_node_seal_invalid",
        _("The message is not sealed by the node of a federated city."),
    )
    REMOTE_UNVERIFIED = (
        "exchange_remote_unverified",
        _("The federated city's answer is not signed by the provider."),
    )
    REMOTE_REFUSED = (
        "exchange_remote_refused",
        _("The federated city refused the request."),
    )
    # --- end two cities (H7) ---


class EnvelopeRefused(ApplicationError):
    """A receiver refused an envelope (bad signature, unknown sender, replay, stale …)."""

    status_code = 401
    default_code: str = ExchangeErrorCode.MALFORMED_ENVELOPE
    default_message = _("The message envelope is malformed.")


class FederationRefused(ApplicationError):
    """A federation configuration was refused (malformed, wrong key, bad signature, outdated)."""

    default_code: str = ExchangeErrorCode.FEDERATION_MALFORMED
    default_message = _("The federation configuration is malformed.")


# --- H4: application adapters and data connectors ---
class ProviderFault(ApplicationError):
    """A legacy provider answered with a fault (SOAP fault, HTTP error status)."""

    status_code = 502
    default_code: str = ExchangeErrorCode.PROVIDER_FAULT
    default_message = _("The provider answered with a fault.")


class ProviderUnreachable(ApplicationError):
    """The provider (or its WSDL) cannot be reached: refused, DNS, TLS, broken connection."""

    status_code = 502
    default_code: str = ExchangeErrorCode.PROVIDER_UNREACHABLE
    default_message = _("The provider cannot be reached.")


class ProviderTimeout(ApplicationError):
    """The provider did not answer within the call's timeout."""

    status_code = 504
    default_code: str = ExchangeErrorCode.PROVIDER_TIMEOUT
    default_message = _("The provider did not answer in time.")


class ConnectorSourceFailed(ApplicationError):
    """A connector's source (database, file, feed) cannot be read."""

    status_code = 502
    default_code: str = ExchangeErrorCode.CONNECTOR_SOURCE_FAILED
    default_message = _("The connector's source cannot be read.")


# --- end H4 ---


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
