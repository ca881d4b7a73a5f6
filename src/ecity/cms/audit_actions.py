"""The audit actions of the department sub-sites (found by ``ecity.audit.registry``).

Wagtail's own log of page actions is mirrored into the audit trail in the same transaction
(``receivers.py``); the permission sync and the anti-tampering monitor record their own.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from ecity.audit.registry import register_actions

register_actions(
    {
        "cms.page_published": _("Page published"),
        "cms.page_publish_scheduled": _("Page scheduled for publication"),
        "cms.page_unpublished": _("Page unpublished"),
        "cms.page_reverted": _("Page reverted to an earlier revision"),
        "cms.page_deleted": _("Page deleted"),
        "cms.page_moved": _("Page moved"),
        "cms.review_submitted": _("Page submitted for review"),
        "cms.review_approved": _("Page approved by the reviewer"),
        "cms.review_rejected": _("Page sent back by the reviewer"),
        "cms.permissions_synced": _("Sub-site permissions synchronised with staff roles"),
        "cms.tampering_restored": _("Tampered page restored to its published version"),
    }
)
