"""Reads of the data exchange (re-exported from one module per concept)."""

from ecity.exchange.selectors.parties import (
    can_manage_subsystems,
    member_list,
    subsystem_for_client,
    subsystem_get,
    subsystem_list,
)

__all__ = [
    "can_manage_subsystems",
    "member_list",
    "subsystem_for_client",
    "subsystem_get",
    "subsystem_list",
]
