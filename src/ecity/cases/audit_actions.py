"""The audit actions of cases (found by ``ecity.audit.registry``).

Reads of a case and downloads of its files are accesses to the applicant's personal data (the
applicant sees them on "who accessed my data"). Every administrative decision on a case is
recorded too, in the transaction of the act: ``DECISION_ACTIONS`` maps the timeline entry that
``services.timeline.event_record`` writes to the audit action it also records.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from ecity.audit.registry import register_actions
from ecity.cases.models import CaseEvent

DECISION_ACTIONS: dict[str, str] = {
    CaseEvent.Action.ACCEPTED: "case.accepted",
    CaseEvent.Action.REFUSED: "case.refused",
    CaseEvent.Action.CORRECTION_REQUESTED: "case.correction_requested",
    CaseEvent.Action.APPROVED: "case.approved",
    CaseEvent.Action.REJECTED: "case.rejected",
    CaseEvent.Action.DECIDED: "case.decided",
    CaseEvent.Action.EXTENDED: "case.extended",
    CaseEvent.Action.WITHDRAWN: "case.withdrawn",
    CaseEvent.Action.URGED: "case.urged",
}

register_actions(
    {
        "case.accepted": _("Case accepted"),
        "case.refused": _("Case not accepted"),
        "case.correction_requested": _("Correction of a case requested"),
        "case.approved": _("Case approved in review"),
        "case.rejected": _("Case rejected in review"),
        "case.decided": _("Decision on a case made"),
        "case.extended": _("Time limit of a case extended"),
        "case.withdrawn": _("Case withdrawn by the applicant"),
        "case.urged": _("Case urged"),
        "rating.counter_invitation_issued": _("Rating device opened at the counter"),
        "rating.answered": _("Low rating answered by the department"),
        "rating.rectification_reopened": _("Rectification sent back by a supervisor"),
        "rating.rectification_closed": _("Rectification closed by a supervisor"),
        "rating.appeal_filed": _("Rating appealed as malicious"),
        "rating.appeal_upheld": _("Rating appeal upheld"),
        "rating.appeal_rejected": _("Rating appeal rejected"),
        "process.uploaded": _("Process uploaded"),
        "process.built": _("Process built"),
        "process.updated": _("Process settings changed"),
        "case.backdated": _("Case moved back in time (demo or training city)"),
    }
)
register_actions(
    {
        "case.read": _("Case read"),
        "case_file.download": _("Case file downloaded"),
        "case_material_reference.read": _("E-certificate or registry record of a case read"),
        "case_applicant_record.read": _("Registry record of a case's applicant read"),
    },
    is_data_access=True,
)
