"""The audit actions of participation (found by ``ecity.audit.registry``)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from ecity.audit.registry import register_actions

register_actions(
    {
        "consultation.created": _("Consultation created"),
        "consultation.updated": _("Consultation draft changed"),
        "consultation.opened": _("Consultation opened for comments"),
        "consultation.closed": _("Consultation closed"),
        "consultation.summarised": _("Summary of a consultation published"),
        "consultation_comment.published": _("Consultation comment published"),
        "consultation_comment.rejected": _("Consultation comment rejected"),
        "consultation_comment.adoption_set": _("Adoption of a consultation comment decided"),
        "letter.taken": _("Mailbox letter taken in hand"),
        "letter.replied": _("Mailbox letter replied"),
        "letter.closed": _("Mailbox letter closed"),
        "letter.forwarded_to_hotline": _("Mailbox letter forwarded to the 12345 hotline"),
        "survey.created": _("Survey created"),
        "survey.updated": _("Survey changed"),
        "survey.question_added": _("Survey question added"),
        "survey.question_removed": _("Survey question removed"),
        "survey.question_changed": _("Survey question changed"),
        "survey.question_moved": _("Survey question moved"),
        "survey.opened": _("Survey opened"),
        "survey.closed": _("Survey closed"),
    }
)
register_actions(
    {
        "letter.read": _("Mailbox letter read (staff)"),
        "survey.responses_exported": _("Survey responses exported"),
    },
    is_data_access=True,
)
