"""The audit actions of participation (found by ``ecity.audit.registry``)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from ecity.audit.registry import register_actions

register_actions(
    {
        "survey.created": _("Survey created"),
        "survey.updated": _("Survey changed"),
        "survey.question_added": _("Survey question added"),
        "survey.question_removed": _("Survey question removed"),
        "survey.opened": _("Survey opened"),
        "survey.closed": _("Survey closed"),
    }
)
register_actions(
    {"survey.responses_exported": _("Survey responses exported")},
    is_data_access=True,
)
