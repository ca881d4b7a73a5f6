"""Anti-tampering (网页防篡改): what a page shows, rendered the way the site serves it, hashed.

The covered part is the page's content block (``ContentPage.content_template``; for list pages
their title and introduction), rendered from the database exactly as the page view renders it
inside its layout. The header, login box and CSRF tokens around it vary per visitor and are not
covered.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.html import strip_tags
from wagtail.models import Page

LIST_TEMPLATE = "cms/content/index.html"


def rendered_content(page: Page) -> str:
    """The content block of ``page`` as served (in the site's default language)."""
    page = page.specific
    template = getattr(page, "content_template", None) or LIST_TEMPLATE
    if page.content_type.model == "topicpage":
        template = LIST_TEMPLATE
    with translation.override("zh-hans"):
        return render_to_string(template, {"page": page})


def content_hash(html: str) -> str:
    """SHA-256 (hex) of the rendered content."""
    return hashlib.sha256(html.encode("utf-8")).hexdigest()


def snapshot_plain(content: dict[str, Any]) -> dict[str, Any]:
    """A revision's content as plain JSON values (dates as ISO strings), as stored."""
    return json.loads(json.dumps(content, cls=DjangoJSONEncoder))


def snapshot_hash(snapshot: dict[str, Any]) -> str:
    """SHA-256 of a revision's content, canonically serialised."""
    canonical = json.dumps(snapshot, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def signed_message(*, page_id: int, revision_id: int | None, content: str, snapshot: str) -> bytes:
    """The bytes signed for a page's record."""
    return f"ecity.cms.integrity/1|{page_id}|{revision_id or ''}|{content}|{snapshot}".encode()


def plain_text(html: str) -> str:
    """Text of rendered HTML, for search."""
    return " ".join(strip_tags(html).split())
