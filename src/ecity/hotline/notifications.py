"""The notifications the hotline sends (found by ``ecity.notify.registry`` at start-up)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from ecity.core.accounts import Account
from ecity.notify.registry import EventGroup, NotificationEvent, register_events, register_link

# --- knowledge base (services/knowledge.py) ---
register_events(
    NotificationEvent(
        name="knowledge_expiring",
        label=_("Knowledge article about to expire (staff)"),
        group=EventGroup.STAFF,
        templates="hotline/knowledge/notifications/knowledge_expiring",
        link_label=_("View the article"),
    ),
)


def knowledge_article_link(
    *, object_id: str, reference: str, event: NotificationEvent, recipient: Account | None
) -> str:
    """The staff page of the article a message is about."""
    return reverse("hotline:knowledge_staff_detail", kwargs={"public_id": object_id})


register_link("hotline.knowledgearticle", knowledge_article_link)
