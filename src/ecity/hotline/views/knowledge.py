"""Knowledge-base pages: the agent's search partial, the public knowledge base, and the staff
pages to write, submit, review and archive articles (thin views over services/selectors)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ecity.core.errors import ApplicationError, NotFound, PermissionDenied
from ecity.core.forms import add_application_error
from ecity.hotline.models import Category, KnowledgeArticle, Ticket
from ecity.hotline.selectors import knowledge as selectors
from ecity.hotline.services import knowledge as services
from ecity.hotline.views.handling import staff_required
from ecity.hotline.views.knowledge_forms import ArticleForm, ReviewForm

AGENT_HITS = 8
PUBLIC_HITS = 20


def _query(request: HttpRequest) -> str:
    return (request.GET.get("q") or "").strip()[:200]


# --- the agent's search --------------------------------------------------------------------------


@require_GET
@staff_required
def knowledge_search(request: HttpRequest) -> HttpResponse:
    """Search every published article (internal ones too): an htmx fragment or a full page."""
    query = _query(request)
    hits = selectors.article_search(query=query, public_only=False, limit=AGENT_HITS)
    context = {"query": query, "hits": hits, "staff": True}
    if request.headers.get("HX-Request"):
        return render(request, "hotline/knowledge/_search_results.html", context)
    return render(request, "hotline/knowledge/search.html", context)


# --- the public knowledge base ---------------------------------------------------------------


@require_GET
def public_index(request: HttpRequest) -> HttpResponse:
    """The public knowledge base: a search box, the results, and the categories."""
    query = _query(request)
    hits = (
        selectors.article_search(query=query, public_only=True, limit=PUBLIC_HITS) if query else []
    )
    return render(
        request,
        "hotline/knowledge/public_index.html",
        {"query": query, "hits": hits, "categories": selectors.public_categories()},
    )


@require_GET
def public_category(request: HttpRequest, code: str) -> HttpResponse:
    """The public articles of one category."""
    category = get_object_or_404(Category, code=code, is_active=True)
    articles = selectors.public_articles_in_category(category=category)
    return render(
        request,
        "hotline/knowledge/public_category.html",
        {"category": category, "articles": articles},
    )


@require_GET
def public_detail(request: HttpRequest, public_id: str) -> HttpResponse:
    """One public article."""
    try:
        article = selectors.article_get_public(public_id=public_id)
    except NotFound as error:
        raise Http404(error.message) from error
    return render(request, "hotline/knowledge/public_detail.html", {"article": article})


# --- staff pages -------------------------------------------------------------------------------


@require_GET
@staff_required
def staff_list(request: HttpRequest) -> HttpResponse:
    """Articles to review, and the articles of the actor's departments (filter by status)."""
    status = request.GET.get("status", "")
    if status not in KnowledgeArticle.Status.values:
        status = ""
    return render(
        request,
        "hotline/knowledge/staff_list.html",
        {
            "review_queue": selectors.review_queue(actor=request.user),
            "articles": selectors.staff_articles(actor=request.user, status=status)[:200],
            "status": status,
            "statuses": KnowledgeArticle.Status.choices,
            "can_write": selectors.author_departments(actor=request.user).exists(),
        },
    )


@require_http_methods(["GET", "POST"])
@staff_required
def staff_create(request: HttpRequest) -> HttpResponse:
    """Write a new article (a draft of one of the actor's departments)."""
    departments = selectors.author_departments(actor=request.user)
    if not departments.exists():
        raise DjangoPermissionDenied(_("You do not write articles for any department."))
    form = ArticleForm(request.POST or None, departments=departments)
    if request.method == "POST" and form.is_valid():
        try:
            article = services.article_create(
                actor=request.user,
                department=form.cleaned_data["department"],
                data=form.article_data(),
            )
        except (PermissionDenied, NotFound):
            raise
        except ApplicationError as error:
            add_application_error(form, error)
        else:
            messages.success(request, _("The draft has been saved."))
            return redirect("hotline:knowledge_staff_detail", public_id=article.public_id)
    return render(request, "hotline/knowledge/staff_form.html", {"form": form, "article": None})


@require_http_methods(["GET", "POST"])
@staff_required
def staff_edit(request: HttpRequest, public_id: str) -> HttpResponse:
    """Edit a draft or a published article (a published one returns to draft)."""
    article = selectors.article_get_for_staff(actor=request.user, public_id=public_id)
    if not selectors.can_author(actor=request.user, department=article.department):
        raise DjangoPermissionDenied(_("Only staff of the owning department may edit it."))
    initial = {
        "category": article.category,
        "title": article.title,
        "body": article.body,
        "keywords": article.keywords,
        "regions": list(article.regions.all()),
        "valid_from": article.valid_from,
        "valid_until": article.valid_until,
        "is_public": article.is_public,
        "revision": article.revision,
    }
    form = ArticleForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.article_update(
                actor=request.user,
                article=article,
                data=form.article_data(),
                expected_revision=form.cleaned_data.get("revision"),
            )
        except (PermissionDenied, NotFound):
            raise
        except ApplicationError as error:
            add_application_error(form, error)
        else:
            messages.success(request, _("The article has been saved as a draft."))
            return redirect("hotline:knowledge_staff_detail", public_id=article.public_id)
    return render(request, "hotline/knowledge/staff_form.html", {"form": form, "article": article})


@require_GET
@staff_required
def staff_detail(request: HttpRequest, public_id: str) -> HttpResponse:
    """One article for staff: its text, status, review note, actions and published versions."""
    article = selectors.article_get_for_staff(actor=request.user, public_id=public_id)
    return render(
        request,
        "hotline/knowledge/staff_detail.html",
        _detail_context(request, article, ReviewForm(initial={"revision": article.revision})),
    )


def _detail_context(
    request: HttpRequest, article: KnowledgeArticle, review_form: ReviewForm
) -> dict[str, Any]:
    may_author = selectors.can_author(actor=request.user, department=article.department)
    may_review = selectors.can_review(actor=request.user, article=article)
    own = selectors.is_own_text(actor=request.user, article=article)
    status = article.status
    return {
        "article": article,
        "versions": article.versions.all(),
        "review_form": review_form,
        "can_edit": may_author and status in services.EDITABLE,
        "can_submit": may_author and status == KnowledgeArticle.Status.DRAFT,
        "can_review": may_review and not own and status == KnowledgeArticle.Status.IN_REVIEW,
        "can_archive": may_review and status != KnowledgeArticle.Status.ARCHIVED,
    }


def _revision(request: HttpRequest) -> int | None:
    value = request.POST.get("revision", "")
    return int(value) if value.isdigit() else None


@require_POST
@staff_required
def staff_action(request: HttpRequest, public_id: str, action: str) -> HttpResponse:
    """Submit, approve, send back or archive an article (POST), then show it again."""
    article = selectors.article_get_for_staff(actor=request.user, public_id=public_id)
    review_form = ReviewForm(request.POST)
    review_form.is_valid()
    note = review_form.cleaned_data.get("note", "") or ""
    done = {
        "submit": _("The article has been submitted for review."),
        "approve": _("The article has been published."),
        "send_back": _("The article has been sent back to its authors."),
        "archive": _("The article has been archived."),
    }
    try:
        if action == "submit":
            services.article_submit(
                actor=request.user, article=article, expected_revision=_revision(request)
            )
        elif action == "approve":
            services.article_approve(
                actor=request.user,
                article=article,
                note=note,
                expected_revision=_revision(request),
            )
        elif action == "send_back":
            services.article_send_back(
                actor=request.user,
                article=article,
                note=note,
                expected_revision=_revision(request),
            )
        elif action == "archive":
            services.article_archive(
                actor=request.user, article=article, expected_revision=_revision(request)
            )
        else:
            raise Http404
    except (PermissionDenied, NotFound):
        raise
    except ApplicationError as error:
        add_application_error(review_form, error)
        article.refresh_from_db()
        return render(
            request,
            "hotline/knowledge/staff_detail.html",
            _detail_context(request, article, review_form),
            status=400,
        )
    messages.success(request, done[action])
    return redirect("hotline:knowledge_staff_detail", public_id=article.public_id)


@require_POST
@staff_required
def propose(request: HttpRequest, number: str) -> HttpResponse:
    """Turn a closed ticket's answer into a draft article (知识反哺) and open it for editing."""
    ticket = Ticket.objects.select_related("category", "department").filter(number=number).first()
    if ticket is None:
        raise Http404
    try:
        article = services.article_propose_from_answer(actor=request.user, ticket=ticket)
    except (PermissionDenied, NotFound):
        raise
    except ApplicationError as error:
        details = [m for field_messages in error.fields.values() for m in field_messages]
        messages.error(request, " ".join([error.message, *details]))
        return redirect("hotline:knowledge_staff_list")
    messages.success(request, _("A draft article has been made from the ticket's answer."))
    return redirect("hotline:knowledge_staff_edit", public_id=article.public_id)
