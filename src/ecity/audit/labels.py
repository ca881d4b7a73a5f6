"""Words for what an entry records: action names, object types and field names, translated."""

from __future__ import annotations

import contextlib
from collections.abc import Iterable

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.utils.translation import gettext_lazy as _

ACTION_LABELS = {
    "auth.login": _("Logged in"),
    "auth.login_failed": _("Failed login"),
    "auth.logout": _("Logged out"),
    "auth.locked": _("Account locked"),
    "auth.mfa_failed": _("Wrong second-factor code"),
    "account.registered": _("Account registered"),
    "account.created": _("Staff account created"),
    "account.real_name_verified": _("Real name verified"),
    "legal_entity.verified": _("Enterprise verified"),
    "role.granted": _("Staff role granted"),
    "role.revoked": _("Staff role revoked"),
    "agent.granted": _("Enterprise agent authorised"),
    "agent.revoked": _("Enterprise agent authorisation revoked"),
    "personal_data.read": _("Personal data read"),
    "personal_data.write": _("Personal data changed"),
    "case.read": _("Case read"),
    "case_file.download": _("Case file downloaded"),
    "certificate.issued": _("Certificate issued"),
    "process.uploaded": _("Process uploaded"),
    "process.built": _("Process built"),
    "certificate.read": _("Certificate downloaded"),
    "certificate.revoked": _("Certificate revoked"),
    "certificate_type.defined": _("Certificate type defined"),
    "sso.client_created": _("Application registered for single sign-on"),
    "sso.federation_linked": _("Application linked"),
    "sso.federation_unlinked": _("Application unlinked"),
    "keys.rotated": _("Encryption keys rotated"),
    "audit.searched": _("Audit trail searched"),
    "audit.exported": _("Audit trail exported"),
    "audit.verified": _("Audit chain verified"),
}


def action_label(action: str) -> str:
    """The action in words, or the dotted name itself when it has no label yet."""
    label = ACTION_LABELS.get(action)
    return str(label) if label is not None else action


def _model(object_type: str):  # type: ignore[no-untyped-def]
    """The model of "app_label.model"; for a model that moved app, the one owning its table.

    Entries are immutable, so an entry written before a model moved (identity.staffrole, now
    org.staffrole with the same table) keeps its old type: it is found by the table name.
    """
    if "." not in object_type:
        return None
    try:
        return apps.get_model(object_type)
    except (LookupError, ValueError):
        table = object_type.replace(".", "_")
        return next((m for m in apps.get_models() if m._meta.db_table == table), None)


def object_type_label(object_type: str) -> str:
    """The model's verbose name for "app_label.model", or the raw text for unknown types."""
    model = _model(object_type)
    return str(model._meta.verbose_name) if model is not None else object_type


def field_labels(object_type: str, names: Iterable[str]) -> list[str]:
    """Verbose names of the model's fields (unknown names are shown as they are)."""
    model = _model(object_type)
    labels = []
    for name in names:
        label = name
        if model is not None:
            with contextlib.suppress(FieldDoesNotExist, AttributeError):
                label = str(model._meta.get_field(name).verbose_name)
        labels.append(label)
    return labels
