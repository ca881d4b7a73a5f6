"""Writes of the demo app: loading the demo city 示范市, only through the owning apps' services.

``demo_city_load`` builds the city (regions, departments, topics, accounts, service guides);
``demo_approval_ensure`` adds the joint-approval processes, certificate types and demo cases.
``manage.py load_demo`` (``ecity demo``, ``ecity run``) calls both.
"""

from __future__ import annotations

from ecity.demo.services.approval import (
    DemoApprovalResult,
    demo_approval_ensure,
    demo_certificate_types_ensure,
)
from ecity.demo.services.city import DemoLoadResult, demo_city_load

__all__ = [
    "DemoApprovalResult",
    "DemoLoadResult",
    "demo_approval_ensure",
    "demo_certificate_types_ensure",
    "demo_city_load",
]
