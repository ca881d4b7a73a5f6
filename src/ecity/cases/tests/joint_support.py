"""Helpers for the joint application tests: the 开餐馆 test bundle and valid answers to it."""

from __future__ import annotations

from typing import Any

from ecity.cases.selectors.joint import slot_key
from ecity.cases.services.joint import joint_application_submit
from ecity.cases.tests.submission_support import identity_of, upload
from ecity.catalogue.joint.layout import joint_layout


def answers(**shared: Any) -> dict[str, Any]:
    """Valid answers to the combined form of ``restaurant_joint``."""
    values = {
        "operator_name": "张记小馆",
        "contact_name": "王小明",
        "mobile": "13912345678",
        "premises_address": "示范市东城区人民路18号",
    }
    values.update(shared)
    return {
        "shared": values,
        "services": {
            "SCJ-DJ-T": {"delivery": "post"},
            "WJW-XK-T": {"floor_area": 80},
            "XFJ-XK-T": {"occupancy": 40},
        },
    }


def all_files(joint: Any) -> dict[str, Any]:
    """One PDF for every material slot of the joint application's current version."""
    layout = joint_layout(joint.current_version)
    return {slot_key(slot): upload(f"{slot.name_zh}.pdf") for slot in layout.materials}


def submit_joint(joint: Any, user: Any, **kwargs: Any) -> Any:
    """Submit the joint application as ``user`` with valid answers and every file."""
    kwargs.setdefault("form_data", answers())
    kwargs.setdefault("attachments", all_files(joint))
    kwargs.setdefault("session_identity", identity_of(user))
    return joint_application_submit(actor=user, joint_version=joint.current_version, **kwargs)
