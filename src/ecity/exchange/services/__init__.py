"""Writes of the data exchange (re-exported from one module per concept)."""

from ecity.exchange.services.federation import federation_config_import
from ecity.exchange.services.parties import (
    member_disable,
    member_enable,
    member_register,
    member_update,
    subsystem_key_rotate,
    subsystem_register,
    subsystem_update,
)

__all__ = [
    "federation_config_import",
    "member_disable",
    "member_enable",
    "member_register",
    "member_update",
    "subsystem_key_rotate",
    "subsystem_register",
    "subsystem_update",
]
