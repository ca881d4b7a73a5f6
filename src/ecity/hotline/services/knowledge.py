"""Writes of the knowledge base: write, submit, review, publish, archive, propose, flag expiry.

Every service checks the actor's roles (``selectors.knowledge``), locks the article row, checks
the revision the actor saw (``expected_revision``: a stale form is refused with Conflict),
writes, and records the audit entry in the same transaction. Text is stored as plain text:
markup is stripped, so no unsanitised HTML ever reaches a page.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.translation import gettext as _

from ecity.audit.services import audit_record
from ecity.core.accounts import Account
from ecity.core.chinese import search_text
from ecity.core.errors import Conflict, PermissionDenied, ValidationFailed
from ecity.hotline.models import Category, KnowledgeArticle, KnowledgeArticleVersion, Ticket
from ecity.hotline.selectors.knowledge import (
    articles_expiring,
    can_author,
    can_propose_from,
    can_review,
    is_own_text,
)
from ecity.notify.services import notification_enqueue
from ecity.org.models import Department, Region, StaffRole
from ecity.search.services import index_schedule

Status = KnowledgeArticle.Status
EDITABLE = (Status.DRAFT, Status.PUBLISHED)


@dataclass
class ArticleData:
    """What an author enters for an article (the HTML form and any API share it)."""

    category: Category | None
    title: str
    body: str
    keywords: str = ""
    regions: Sequence[Region] = field(default_factory=list)
    valid_from: dt.date | None = None
    valid_until: dt.date | None = None
    is_public: bool = False


def plain_text(text: str) -> str:
    """``text`` without markup, with normalised line breaks and no surrounding whitespace."""
    text = strip_tags(text or "").replace("\r\n", "\n").replace("\r", "\n")
    return "\n".join(line.rstrip() for line in text.split("\n")).strip()


def _clean(data: ArticleData) -> ArticleData:
    """Normalise and validate ``data``; raise ValidationFailed with a message per field."""
    cleaned = ArticleData(
        category=data.category,
        title=" ".join(plain_text(data.title).split()),
        body=plain_text(data.body),
        keywords=" ".join(plain_text(data.keywords).split()),
        regions=list(data.regions),
        valid_from=data.valid_from,
        valid_until=data.valid_until,
        is_public=bool(data.is_public),
    )
    errors: dict[str, list[str]] = {}
    if cleaned.category is None or not cleaned.category.is_active:
        errors["category"] = [_("Choose an active category.")]
    if not cleaned.title:
        errors["title"] = [_("Enter a title.")]
    elif len(cleaned.title) > 200:
        errors["title"] = [_("The title can have at most 200 characters.")]
    if not cleaned.body:
        errors["body"] = [_("Enter the text of the article.")]
    if len(cleaned.keywords) > 300:
        errors["keywords"] = [_("The keywords can have at most 300 characters.")]
    if cleaned.valid_from and cleaned.valid_until and cleaned.valid_until < cleaned.valid_from:
        errors["valid_until"] = [_("The end of validity must not be before its start.")]
    if errors:
        raise ValidationFailed(fields=errors)
    return cleaned


def _reindex(article: KnowledgeArticle) -> None:
    # The one search offers public, published, valid articles only: every change of status or
    # text is re-read there after commit (a draft or archived article is removed).
    index_schedule(source="hotline.article", keys=[str(article.public_id)])


def _search_text(article: KnowledgeArticle) -> str:
    return search_text(f"{article.title}\n{article.keywords}\n{article.body}")


def _locked(article: KnowledgeArticle, expected_revision: int | None) -> KnowledgeArticle:
    locked = KnowledgeArticle.objects.select_for_update().get(pk=article.pk)
    if expected_revision is not None and locked.revision != expected_revision:
        raise Conflict()
    return locked


def _require_status(article: KnowledgeArticle, *allowed: str) -> None:
    if article.status not in allowed:
        raise ValidationFailed(
            _("This is not possible while the article is “%(status)s”.")
            % {"status": article.get_status_display()}
        )


def _require_author(actor: Account, department: Department) -> None:
    if not can_author(actor=actor, department=department):
        raise PermissionDenied(_("Only staff of the owning department may write its articles."))


def _require_reviewer(actor: Account, article: KnowledgeArticle) -> None:
    if not can_review(actor=actor, article=article):
        raise PermissionDenied(
            _(
                "Only the hotline centre's dispatchers and the owning department's "
                "administrators may review articles."
            )
        )


def _apply(article: KnowledgeArticle, data: ArticleData) -> None:
    article.category = data.category  # type: ignore[assignment]
    article.title = data.title
    article.body = data.body
    article.keywords = data.keywords
    article.valid_from = data.valid_from
    article.valid_until = data.valid_until
    article.is_public = data.is_public
    article.search_text = _search_text(article)


@transaction.atomic
def article_create(
    *, actor: Account, department: Department, data: ArticleData
) -> KnowledgeArticle:
    """Create a draft article owned by ``department``.

    Permissions: an author (department administrator, ticket handler, hotline agent or
    dispatcher) of ``department``. Raises PermissionDenied, ValidationFailed (per field).
    """
    _require_author(actor, department)
    data = _clean(data)
    article = KnowledgeArticle(department=department, author=actor, edited_by=actor)
    _apply(article, data)
    article.save()
    _reindex(article)
    article.regions.set(data.regions)
    audit_record(actor=actor, action="hotline.knowledge_created", obj=article)
    return article


@transaction.atomic
def article_update(
    *,
    actor: Account,
    article: KnowledgeArticle,
    data: ArticleData,
    expected_revision: int | None = None,
) -> KnowledgeArticle:
    """Change the text of a draft or published article.

    A published article goes back to draft: its published text stays in its versions and it
    leaves search until a reviewer publishes it again. Permissions: an author of the owning
    department. Raises PermissionDenied, ValidationFailed (per field, or when in review or
    archived), Conflict (stale ``expected_revision``).
    """
    _require_author(actor, article.department)
    article = _locked(article, expected_revision)
    _require_status(article, *EDITABLE)
    data = _clean(data)
    _apply(article, data)
    article.status = Status.DRAFT
    article.edited_by = actor
    article.revision += 1
    article.save()
    _reindex(article)
    article.regions.set(data.regions)
    audit_record(actor=actor, action="hotline.knowledge_edited", obj=article)
    return article


@transaction.atomic
def article_submit(
    *, actor: Account, article: KnowledgeArticle, expected_revision: int | None = None
) -> KnowledgeArticle:
    """Submit a draft for review (草稿 → 待审核).

    Permissions: an author of the owning department. Raises PermissionDenied, ValidationFailed
    (not a draft), Conflict.
    """
    _require_author(actor, article.department)
    article = _locked(article, expected_revision)
    _require_status(article, Status.DRAFT)
    article.status = Status.IN_REVIEW
    article.submitted_at = timezone.now()
    article.revision += 1
    article.save()
    _reindex(article)
    audit_record(actor=actor, action="hotline.knowledge_submitted", obj=article)
    return article


@transaction.atomic
def article_approve(
    *,
    actor: Account,
    article: KnowledgeArticle,
    note: str = "",
    expected_revision: int | None = None,
) -> KnowledgeArticle:
    """Approve an article in review and publish it, keeping its text as a new version.

    Permissions: a hotline dispatcher or an administrator of the owning department who neither
    wrote nor last edited the text (four eyes). Only articles in review can be published: there
    is no way around the review. Raises PermissionDenied, ValidationFailed, Conflict.
    """
    _require_reviewer(actor, article)
    article = _locked(article, expected_revision)
    if is_own_text(actor=actor, article=article):
        raise PermissionDenied(_("You cannot approve an article you wrote or edited yourself."))
    _require_status(article, Status.IN_REVIEW)
    now = timezone.now()
    number = article.versions.count() + 1
    KnowledgeArticleVersion.objects.create(
        article=article,
        number=number,
        title=article.title,
        body=article.body,
        keywords=article.keywords,
        edited_by=article.edited_by,
        approved_by=actor,
        published_at=now,
    )
    article.status = Status.PUBLISHED
    article.reviewed_by, article.reviewed_at = actor, now
    article.review_note = plain_text(note)
    article.published_at = now
    article.revision += 1
    article.save()
    _reindex(article)
    audit_record(
        actor=actor, action="hotline.knowledge_published", obj=article, data={"version": number}
    )
    return article


@transaction.atomic
def article_send_back(
    *, actor: Account, article: KnowledgeArticle, note: str, expected_revision: int | None = None
) -> KnowledgeArticle:
    """Send an article in review back to draft with the reviewer's reason.

    Permissions: as ``article_approve`` (but an author may not judge their own text either).
    Raises PermissionDenied, ValidationFailed (no reason; not in review), Conflict.
    """
    _require_reviewer(actor, article)
    article = _locked(article, expected_revision)
    if is_own_text(actor=actor, article=article):
        raise PermissionDenied(_("You cannot review an article you wrote or edited yourself."))
    _require_status(article, Status.IN_REVIEW)
    note = plain_text(note)
    if not note:
        raise ValidationFailed(fields={"note": [_("Say what the author should change.")]})
    article.status = Status.DRAFT
    article.reviewed_by, article.reviewed_at = actor, timezone.now()
    article.review_note = note
    article.revision += 1
    article.save()
    _reindex(article)
    audit_record(actor=actor, action="hotline.knowledge_sent_back", obj=article, reason=note)
    return article


@transaction.atomic
def article_archive(
    *, actor: Account, article: KnowledgeArticle, expected_revision: int | None = None
) -> KnowledgeArticle:
    """Archive an article: it leaves search and the public pages; its history stays.

    Permissions: a hotline dispatcher or an administrator of the owning department. Raises
    PermissionDenied, ValidationFailed (already archived), Conflict.
    """
    _require_reviewer(actor, article)
    article = _locked(article, expected_revision)
    _require_status(article, Status.DRAFT, Status.IN_REVIEW, Status.PUBLISHED)
    article.status = Status.ARCHIVED
    article.archived_at = timezone.now()
    article.revision += 1
    article.save()
    _reindex(article)
    audit_record(actor=actor, action="hotline.knowledge_archived", obj=article)
    return article


@transaction.atomic
def article_propose_from_answer(*, actor: Account, ticket: Ticket) -> KnowledgeArticle:
    """Create a draft article from a closed ticket's answer (知识反哺).

    Title from the ticket, body from its answer, category from the ticket; owned by the
    department that handled it (the hotline centre's dispatcher's own department when none
    did), internal until its authors decide otherwise. Permissions: an author of the handling
    department or a hotline dispatcher. Raises PermissionDenied, ValidationFailed (ticket not
    closed, no answer or no category).
    """
    if not can_propose_from(actor=actor, ticket=ticket):
        raise PermissionDenied(_("You may not propose articles from this ticket."))
    errors: dict[str, list[str]] = {}
    if ticket.status != Ticket.Status.CLOSED:
        errors["ticket"] = [_("Only a closed ticket's answer can become an article.")]
    elif not plain_text(ticket.answer):
        errors["ticket"] = [_("The ticket has no answer to propose.")]
    if ticket.category_id is None:
        errors["category"] = [_("The ticket has no category.")]
    if errors:
        raise ValidationFailed(fields=errors)
    department = ticket.department or _dispatcher_department(actor)
    if department is None:
        raise ValidationFailed(fields={"ticket": [_("The ticket has no handling department.")]})
    article = KnowledgeArticle(
        department=department, author=actor, edited_by=actor, source_ticket=ticket
    )
    _apply(
        article,
        _clean(
            ArticleData(
                category=ticket.category,
                title=ticket.title,
                body=ticket.answer,
                keywords=ticket.category.name_zh if ticket.category else "",
            )
        ),
    )
    article.save()
    _reindex(article)
    audit_record(
        actor=actor,
        action="hotline.knowledge_proposed",
        obj=article,
        data={"ticket": ticket.number},
    )
    return article


def _dispatcher_department(actor: Account) -> Department | None:
    role = (
        StaffRole.objects.filter(user=actor, role=StaffRole.Role.HOTLINE_DISPATCHER, is_active=True)
        .select_related("department")
        .first()
    )
    return role.department if role else None


def expiry_recipients(article: KnowledgeArticle) -> list[Account]:
    """Who hears that ``article`` expires: the owning department's administrators, else the
    author."""
    admins = [
        role.user
        for role in StaffRole.objects.filter(
            department=article.department,
            role=StaffRole.Role.DEPARTMENT_ADMIN,
            is_active=True,
            user__is_active=True,
        ).select_related("user")
    ]
    if admins:
        return admins
    return [article.author] if article.author and article.author.is_active else []


def articles_expiring_notify(*, today: dt.date | None = None) -> int:
    """Tell each owning department of its published articles that expire soon.

    "Soon" is ``ECITY_HOTLINE_KNOWLEDGE_EXPIRY_NOTICE_DAYS`` days (the end day included). One
    message per article, recipient and end date (idempotency key), so the job may run hourly
    and a new validity period is flagged again. Returns the number of articles flagged now.
    """
    today = today or timezone.localdate()
    days = settings.ECITY_HOTLINE_KNOWLEDGE_EXPIRY_NOTICE_DAYS
    flagged = 0
    for article in articles_expiring(today=today, days=days):
        with transaction.atomic():
            written = 0
            for recipient in expiry_recipients(article):
                written += len(
                    notification_enqueue(
                        recipient=recipient,
                        event="knowledge_expiring",
                        context={
                            "article_title": article.title,
                            "valid_until": article.valid_until.isoformat()
                            if article.valid_until
                            else "",
                            "department": article.department.name_zh,
                        },
                        obj=article,
                        reference=str(article.public_id),
                        idempotency_key=(
                            f"knowledge_expiring:{article.public_id}:{article.valid_until}:"
                            f"{recipient.pk}"
                        ),
                    )
                )
            flagged += 1 if written else 0
    return flagged
