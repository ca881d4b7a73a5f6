"""The audit actions of information disclosure (found by ``ecity.audit.registry``)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from ecity.audit.registry import register_actions

register_actions(
    {
        "disclosure_request.extended": _("Disclosure request limit extended"),
        "disclosure_request.correction_asked": _("Correction of a disclosure request asked"),
        "disclosure_request.replied": _("Disclosure request replied"),
        "disclosure_guide.updated": _("Disclosure guide changed"),
        "disclosure_report.generated": _("Annual disclosure report generated"),
        "disclosure_report.updated": _("Annual disclosure report edited"),
        "disclosure_report.published": _("Annual disclosure report published"),
    }
)
register_actions(
    {"disclosure_request.read": _("Disclosure request read (staff)")},
    is_data_access=True,
)
