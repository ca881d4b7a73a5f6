"""The multipart input of an application: the form answers as a JSON string, one file part per
material."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from rest_framework.request import Request

from ecity.cases.selectors.materials import MATERIAL_PREFIX
from ecity.core.errors import ValidationFailed
from ecity.core.parsers import JSONRejected, json_loads_limited


def form_json(raw: Any) -> dict[str, Any]:
    """The form answers posted as a JSON object string (or already an object); 400 otherwise."""
    if isinstance(raw, dict):
        return raw
    if raw in (None, ""):
        return {}
    try:
        value = json_loads_limited(raw)
    except JSONRejected as exc:
        raise ValidationFailed(fields={"form": [exc.message]}) from exc
    if not isinstance(value, dict):
        raise ValidationFailed(fields={"form": [_("The form must be a JSON object.")]})
    return value


def material_uploads(request: Request) -> dict[str, Any]:
    """The posted file parts named ``material:<id>`` (or a bare material id)."""
    return {
        key: upload
        for key, upload in request.FILES.items()
        if key.startswith(MATERIAL_PREFIX) or len(key) == 36
    }
