"""Models of the hotline app (one module per concept, re-exported here)."""

from ecity.hotline.models.categories import Category  # noqa: F401
from ecity.hotline.models.handling import (  # noqa: F401
    Callback,
    CallbackQuestionnaire,
    ExtensionRequest,
    TicketAssist,
)
from ecity.hotline.models.knowledge import KnowledgeArticle, KnowledgeArticleVersion  # noqa: F401
from ecity.hotline.models.open311 import (  # noqa: F401
    Open311Attribute,
    Open311Client,
    Open311Request,
)
from ecity.hotline.models.tickets import (  # noqa: F401
    Channel,
    Ticket,
    TicketAttachment,
    TicketEvent,
    TicketKind,
    TicketLimit,
    Urgency,
)
