"""Who maintains metadata: platform data administrators and authority departments' admins."""

from __future__ import annotations

from django.utils.translation import gettext as _

from ecity.core.errors import PermissionDenied
from ecity.identity.models import User
from ecity.org.models import Department
from ecity.registry.selectors.metadata import can_maintain_metadata


def require_metadata_maintainer(actor: User | None, department: Department | None = None) -> None:
    """Raise ``PermissionDenied`` unless ``actor`` may maintain metadata of ``department``.

    ``actor=None`` is the command line (an operator on the server), which is trusted.
    """
    if actor is None:
        return
    if not can_maintain_metadata(actor=actor, department=department):
        raise PermissionDenied(_("Only a data administrator may maintain this metadata."))
