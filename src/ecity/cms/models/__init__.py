"""Department sub-sites: the page tree (Wagtail), attachments and anti-tampering records."""

from ecity.cms.models.attachments import Attachment
from ecity.cms.models.content import (
    ContentPage,
    InterpretationPage,
    NewsPage,
    NoticePage,
    PlainPage,
    PolicyPage,
    TopicPage,
)
from ecity.cms.models.integrity import IntegrityRecord
from ecity.cms.models.sites import ColumnPage, DepartmentSitePage, HomePage

__all__ = [
    "Attachment",
    "ColumnPage",
    "ContentPage",
    "DepartmentSitePage",
    "HomePage",
    "IntegrityRecord",
    "InterpretationPage",
    "NewsPage",
    "NoticePage",
    "PlainPage",
    "PolicyPage",
    "TopicPage",
]
