"""The audit actions of the hotline (found by ``ecity.audit.registry``)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from ecity.audit.registry import register_actions

# --- knowledge base (services/knowledge.py) ---
register_actions(
    {
        "hotline.knowledge_created": _("Knowledge article created"),
        "hotline.knowledge_edited": _("Knowledge article edited"),
        "hotline.knowledge_submitted": _("Knowledge article submitted for review"),
        "hotline.knowledge_published": _("Knowledge article approved and published"),
        "hotline.knowledge_sent_back": _("Knowledge article sent back to its author"),
        "hotline.knowledge_archived": _("Knowledge article archived"),
        "hotline.knowledge_proposed": _("Knowledge article proposed from a ticket's answer"),
    }
)
