"""Knowledge articles: writing, review by someone else, publication with versions, archiving,
and proposing an article from a closed ticket's answer (知识反哺)."""

from __future__ import annotations

import pytest

from ecity.audit.models import AuditEntry
from ecity.core.errors import Conflict, PermissionDenied, ValidationFailed
from ecity.hotline.models import KnowledgeArticle
from ecity.hotline.selectors.knowledge import article_search
from ecity.hotline.services.knowledge import (
    article_approve,
    article_archive,
    article_create,
    article_propose_from_answer,
    article_send_back,
    article_submit,
    article_update,
)
from ecity.hotline.tests import knowledge_support
from ecity.hotline.tests.knowledge_support import data, days, make_ticket, published

pytestmark = pytest.mark.django_db
kb = knowledge_support.kb
Status = KnowledgeArticle.Status


def test_author_creates_a_draft_with_its_search_text(kb):
    # given a ticket handler of the bureau
    # when they write an article
    article = article_create(actor=kb.author, department=kb.bureau, data=data(kb))
    # then it is a draft of the bureau, searchable by its words once published
    assert article.status == Status.DRAFT
    assert article.department == kb.bureau
    assert article.author == kb.author
    assert "噪音" in article.search_text.split()
    assert "工地" in article.search_text.split()
    assert AuditEntry.objects.filter(action="hotline.knowledge_created").count() == 1


def test_markup_is_stripped_from_the_stored_text(kb):
    # given a body with a script and markup
    body = '<p onclick="x()">请拨打<b>12345</b></p><script>alert(1)</script>'
    # when the article is saved
    article = article_create(actor=kb.author, department=kb.bureau, data=data(kb, body=body))
    # then only the plain text is stored
    assert "<" not in article.body
    assert "请拨打12345" in article.body


def test_fields_are_validated_with_a_message_each(kb):
    # given an empty title and body and a validity ending before it starts
    bad = data(kb, title=" ", body="", valid_from=days(10), valid_until=days(1))
    # when the author saves it
    with pytest.raises(ValidationFailed) as error:
        article_create(actor=kb.author, department=kb.bureau, data=bad)
    # then each field says what is wrong, and nothing is written
    assert set(error.value.fields) == {"title", "body", "valid_until"}
    assert not KnowledgeArticle.objects.exists()


def test_staff_of_another_department_cannot_write_for_the_bureau(kb):
    with pytest.raises(PermissionDenied):
        article_create(actor=kb.outsider, department=kb.bureau, data=data(kb))
    assert not KnowledgeArticle.objects.exists()


def test_editing_another_departments_article_is_refused(kb):
    # given a bureau draft
    article = article_create(actor=kb.author, department=kb.bureau, data=data(kb))
    # when the market regulator's handler edits it
    with pytest.raises(PermissionDenied):
        article_update(actor=kb.outsider, article=article, data=data(kb, title="改掉"))
    # then the text is unchanged
    article.refresh_from_db()
    assert article.title == "施工噪音扰民怎么办"


def test_reviewer_publishes_a_submitted_article_as_version_one(kb):
    # given a submitted article
    article = article_create(actor=kb.author, department=kb.bureau, data=data(kb))
    article_submit(actor=kb.author, article=article)
    # when the hotline dispatcher approves it
    article = article_approve(actor=kb.dispatcher, article=article)
    # then it is published with one version holding its text
    assert article.status == Status.PUBLISHED
    assert article.reviewed_by == kb.dispatcher
    assert [(v.number, v.title) for v in article.versions.all()] == [(1, "施工噪音扰民怎么办")]


def test_the_owning_departments_administrator_may_approve(kb):
    article = article_create(actor=kb.author, department=kb.bureau, data=data(kb))
    article_submit(actor=kb.author, article=article)
    assert article_approve(actor=kb.bureau_admin, article=article).status == Status.PUBLISHED


def test_author_cannot_approve_their_own_article(kb):
    # given an article the bureau administrator wrote and submitted
    article = article_create(actor=kb.bureau_admin, department=kb.bureau, data=data(kb))
    article_submit(actor=kb.bureau_admin, article=article)
    # when they approve it themselves
    with pytest.raises(PermissionDenied):
        article_approve(actor=kb.bureau_admin, article=article)
    # then it stays in review
    article.refresh_from_db()
    assert article.status == Status.IN_REVIEW


def test_an_article_cannot_be_published_without_review(kb):
    # given a draft that was never submitted
    article = article_create(actor=kb.author, department=kb.bureau, data=data(kb))
    # when a reviewer approves it directly
    with pytest.raises(ValidationFailed):
        article_approve(actor=kb.dispatcher, article=article)
    # then it is still a draft and nobody finds it
    article.refresh_from_db()
    assert article.status == Status.DRAFT
    assert article_search(query="噪音", public_only=False) == []


def test_other_staff_cannot_review(kb):
    article = article_create(actor=kb.author, department=kb.bureau, data=data(kb))
    article_submit(actor=kb.author, article=article)
    for actor in (kb.outsider, kb.agent):
        with pytest.raises(PermissionDenied):
            article_approve(actor=actor, article=article)


def test_send_back_needs_a_reason_and_returns_the_draft(kb):
    article = article_create(actor=kb.author, department=kb.bureau, data=data(kb))
    article_submit(actor=kb.author, article=article)
    with pytest.raises(ValidationFailed) as error:
        article_send_back(actor=kb.dispatcher, article=article, note=" ")
    assert "note" in error.value.fields
    article = article_send_back(actor=kb.dispatcher, article=article, note="请补充许可办理地点")
    assert article.status == Status.DRAFT
    assert article.review_note == "请补充许可办理地点"


def test_editing_a_published_article_keeps_the_published_text(kb):
    # given a published article
    article = published(kb)
    # when the author edits it, submits, and the dispatcher approves again
    article = article_update(
        actor=kb.author,
        article=article,
        data=data(kb, title="夜间施工噪音扰民怎么办"),
        expected_revision=article.revision,
    )
    assert article.status == Status.DRAFT
    article_submit(actor=kb.author, article=article)
    article = article_approve(actor=kb.dispatcher, article=article)
    # then both published texts are in the history, newest first
    assert [(v.number, v.title) for v in article.versions.all()] == [
        (2, "夜间施工噪音扰民怎么办"),
        (1, "施工噪音扰民怎么办"),
    ]


def test_the_editor_of_a_published_article_cannot_approve_the_change(kb):
    # given an article published by the dispatcher and then edited by the bureau administrator
    article = published(kb)
    article = article_update(actor=kb.bureau_admin, article=article, data=data(kb, title="新"))
    article_submit(actor=kb.bureau_admin, article=article)
    # when the administrator approves their own change
    with pytest.raises(PermissionDenied):
        article_approve(actor=kb.bureau_admin, article=article)


def test_a_stale_form_is_refused(kb):
    article = article_create(actor=kb.author, department=kb.bureau, data=data(kb))
    old = article.revision
    article_update(actor=kb.author, article=article, data=data(kb, title="第二稿"))
    with pytest.raises(Conflict):
        article_update(
            actor=kb.author, article=article, data=data(kb, title="旧稿"), expected_revision=old
        )


def test_an_article_in_review_cannot_be_edited(kb):
    article = article_create(actor=kb.author, department=kb.bureau, data=data(kb))
    article_submit(actor=kb.author, article=article)
    with pytest.raises(ValidationFailed):
        article_update(actor=kb.author, article=article, data=data(kb, title="改"))


def test_archived_articles_leave_search(kb):
    # given a published article that is found
    article = published(kb)
    assert article_search(query="噪音", public_only=True)
    # when the bureau administrator archives it
    article_archive(actor=kb.bureau_admin, article=article)
    # then it is no longer found, and an author may not archive
    assert article_search(query="噪音", public_only=True) == []
    other = published(kb, title="工地扬尘")
    with pytest.raises(PermissionDenied):
        article_archive(actor=kb.author, article=other)


def test_a_closed_tickets_answer_becomes_a_draft_of_the_handling_department(kb):
    # given a ticket the bureau answered and the centre closed
    ticket = make_ticket(closed=True, category=kb.category, title="小区旁工地夜间施工")
    ticket.answer = "经核查，该工地已停止夜间施工，并处以罚款。"
    ticket.save()
    # when the bureau's handler proposes it as an article
    article = article_propose_from_answer(actor=kb.author, ticket=ticket)
    # then a draft of the bureau holds the ticket's title, answer and category
    assert article.status == Status.DRAFT
    assert article.department == kb.bureau
    assert (article.title, article.body) == ("小区旁工地夜间施工", ticket.answer)
    assert article.category == kb.category
    assert article.source_ticket == ticket
    assert article.is_public is False


def test_an_open_ticket_cannot_be_proposed(kb):
    ticket = make_ticket(handling=True, category=kb.category)
    with pytest.raises(ValidationFailed) as error:
        article_propose_from_answer(actor=kb.author, ticket=ticket)
    assert "ticket" in error.value.fields
    assert not KnowledgeArticle.objects.exists()


def test_another_department_cannot_propose_from_the_bureaus_ticket(kb):
    ticket = make_ticket(closed=True, category=kb.category)
    with pytest.raises(PermissionDenied):
        article_propose_from_answer(actor=kb.outsider, ticket=ticket)
