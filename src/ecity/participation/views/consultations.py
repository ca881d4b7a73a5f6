"""Consultation pages (征集意见): the public list and consultation page with the comment form
and, after summarising, each opinion's adoption; the staff pages to create, edit, open and
close a consultation, moderate its comments, decide adoptions and publish the summary.

Thin views: the forms in ``consultation_forms`` read the input, ``services.consultations``
checks permissions and writes, ``selectors.consultations`` decide what is shown.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ecity.core.errors import ApplicationError, NotFound
from ecity.core.forms import add_application_error
from ecity.core.middleware import response_private
from ecity.org.selectors import departments_where, is_staff_member
from ecity.participation.models import Consultation, ConsultationComment
from ecity.participation.selectors import consultations as selectors
from ecity.participation.selectors.mailboxes import is_citizen
from ecity.participation.services import consultations as services
from ecity.participation.views.consultation_forms import (
    AdoptionForm,
    CommentForm,
    ConsultationForm,
    ModerationForm,
    SummaryForm,
)

# ---------------------------------------------------------------- public pages


@require_GET
def consultation_list(request: HttpRequest) -> HttpResponse:
    """The consultations open for comments, the closed ones and those with a summary."""
    rows = list(selectors.consultations_public())
    groups = [
        (_("Open for comments"), [c for c in rows if c.status == Consultation.Status.OPEN]),
        (_("Closed, summary in preparation"), [c for c in rows if c.status == "closed"]),
        (_("Summary published"), [c for c in rows if c.status == "summarised"]),
    ]
    return render(request, "participation/consultations/list.html", {"groups": groups})


@require_http_methods(["GET", "POST"])
def consultation_detail(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """A consultation: its draft, the comment form, the published comments and the summary."""
    try:
        consultation = selectors.consultation_get_public(public_id=public_id)
    except NotFound:
        return render(request, "core/404.html", status=404)
    form = CommentForm(request.POST or None)
    sent = request.GET.get("sent") == "1"
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if form.is_valid():
            try:
                services.comment_submit(
                    author=request.user,
                    consultation=consultation,
                    body=form.cleaned_data["body"],
                    section=form.cleaned_data["section"],
                )
            except ApplicationError as error:
                add_application_error(form, error)
            else:
                url = reverse("participation:consultation_detail", args=[consultation.public_id])
                return redirect(url + "?sent=1#comment-form")
    return render(
        request,
        "participation/consultations/detail.html",
        {
            "consultation": consultation,
            "form": form,
            "sent": sent,
            "is_accepting": selectors.consultation_is_accepting(consultation),
            "is_citizen": is_citizen(user=request.user),
            "comments": selectors.comments_public(consultation=consultation),
        },
    )


@require_GET
def consultation_pdf(request: HttpRequest, public_id: UUID) -> FileResponse:
    """Download the draft's PDF of a consultation the public may see."""
    try:
        consultation = selectors.consultation_get_public(public_id=public_id)
        if not consultation.attachment:
            raise Http404
        handle = default_storage.open(consultation.attachment.name, "rb")
    except (NotFound, OSError) as exc:
        raise Http404 from exc
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=consultation.attachment_name or "draft.pdf",
        content_type="application/pdf",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


# ---------------------------------------------------------------- staff pages


def _staff_only(request: HttpRequest) -> None:
    if not is_staff_member(user=request.user):
        raise DjangoPermissionDenied


def _staff_consultation(request: HttpRequest, public_id: UUID) -> Consultation:
    _staff_only(request)
    try:
        return selectors.consultation_for_staff(actor=request.user, public_id=public_id)
    except NotFound as exc:
        raise Http404 from exc


def _editor_departments(request: HttpRequest) -> Any:
    return departments_where(user=request.user, role=selectors.EDITOR_ROLE).order_by("code")


@login_required
@require_GET
def staff_consultations(request: HttpRequest) -> HttpResponse:
    """The consultations of the editor's departments, with the comments awaiting moderation."""
    _staff_only(request)
    rows = selectors.consultations_for_staff(actor=request.user)
    return response_private(
        render(
            request,
            "participation/consultations/staff_list.html",
            {"consultations": rows, "can_create": _editor_departments(request).exists()},
        )
    )


@login_required
@require_http_methods(["GET", "POST"])
def staff_consultation_create(request: HttpRequest) -> HttpResponse:
    """Create a draft consultation for one of the editor's departments."""
    _staff_only(request)
    departments = list(_editor_departments(request))
    if not departments:
        raise DjangoPermissionDenied
    form = ConsultationForm(request.POST or None, request.FILES or None)
    chosen = request.POST.get("department", departments[0].code)
    department = next((d for d in departments if d.code == chosen), None)
    if request.method == "POST" and department is None:
        form.add_error(None, _("Choose one of your departments."))
    elif request.method == "POST" and form.is_valid() and department is not None:
        try:
            consultation = services.consultation_create(
                actor=request.user,
                department=department,
                data=form.to_input(),
                pdf=form.cleaned_data["attachment"],
            )
        except ApplicationError as error:
            add_application_error(form, error)
        else:
            return redirect("participation:staff_consultation", public_id=consultation.public_id)
    return response_private(
        render(
            request,
            "participation/consultations/staff_form.html",
            {"form": form, "departments": departments, "chosen": chosen},
        )
    )


@login_required
@require_http_methods(["GET", "POST"])
def staff_consultation_edit(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """Edit a draft consultation (its texts, period and PDF)."""
    consultation = _staff_consultation(request, public_id)
    initial = {
        "title": consultation.title,
        "introduction": consultation.introduction,
        "draft_text": consultation.draft_text,
        "opens_at": consultation.opens_at,
        "closes_at": consultation.closes_at,
    }
    form = ConsultationForm(
        request.POST or None,
        request.FILES or None,
        initial=initial,
        has_pdf=bool(consultation.attachment),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.consultation_update(
                actor=request.user,
                consultation=consultation,
                data=form.to_input(),
                pdf=form.cleaned_data["attachment"],
                remove_pdf=form.cleaned_data.get("remove_attachment", False),
            )
        except ApplicationError as error:
            add_application_error(form, error)
        else:
            return redirect("participation:staff_consultation", public_id=consultation.public_id)
    return response_private(
        render(
            request,
            "participation/consultations/staff_form.html",
            {"form": form, "consultation": consultation},
        )
    )


def _staff_page(
    request: HttpRequest,
    consultation: Consultation,
    *,
    bound: tuple[str, int, Any] | None = None,
    summary_form: SummaryForm | None = None,
    action_error: str = "",
    status: int = 200,
) -> HttpResponse:
    """The staff page of a consultation; ``bound`` is (form kind, comment id, bound form)."""

    def form_for(kind: str, comment: ConsultationComment, blank: Any) -> Any:
        if bound is not None and bound[0] == kind and bound[1] == comment.pk:
            return bound[2]
        return blank

    actor = request.user
    pending = [
        (c, form_for("moderate", c, ModerationForm(prefix=f"m{c.pk}")))
        for c in selectors.comments_to_moderate(actor=actor, consultation=consultation)
    ]
    published = [
        (
            c,
            form_for(
                "adoption",
                c,
                AdoptionForm(
                    prefix=f"a{c.pk}",
                    initial={"adoption": c.adoption, "reason": c.adoption_reason},
                ),
            ),
        )
        for c in selectors.comments_published_to_answer(actor=actor, consultation=consultation)
    ]
    return response_private(
        render(
            request,
            "participation/consultations/staff_detail.html",
            {
                "consultation": consultation,
                "pending": pending,
                "published": published,
                "summary_form": summary_form
                or SummaryForm(initial={"summary": consultation.summary}),
                "action_error": action_error,
            },
            status=status,
        )
    )


@login_required
@require_GET
def staff_consultation(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """A consultation for its editors: open/close, moderation queue, adoptions, summary."""
    return _staff_page(request, _staff_consultation(request, public_id))


@login_required
@require_POST
def staff_consultation_action(request: HttpRequest, public_id: UUID, action: str) -> HttpResponse:
    """Open a draft or close an open consultation (POST buttons)."""
    consultation = _staff_consultation(request, public_id)
    write = {"open": services.consultation_open, "close": services.consultation_close}.get(action)
    if write is None:
        raise Http404
    try:
        write(actor=request.user, consultation=consultation)
    except ApplicationError as error:
        return _staff_page(
            request, consultation, action_error=error.message, status=error.status_code
        )
    return redirect("participation:staff_consultation", public_id=consultation.public_id)


def _comment(consultation: Consultation, comment_id: UUID) -> ConsultationComment:
    comment = consultation.comments.filter(public_id=comment_id).first()
    if comment is None:
        raise Http404
    return comment


@login_required
@require_POST
def staff_comment_moderate(request: HttpRequest, public_id: UUID, comment_id: UUID) -> HttpResponse:
    """Publish a pending comment, or reject it with a reason."""
    consultation = _staff_consultation(request, public_id)
    comment = _comment(consultation, comment_id)
    form = ModerationForm(request.POST, prefix=f"m{comment.pk}")
    if form.is_valid():
        try:
            services.comment_moderate(
                actor=request.user,
                comment=comment,
                publish=form.cleaned_data["decision"] == "publish",
                reason=form.cleaned_data["reason"],
            )
        except ApplicationError as error:
            add_application_error(form, error)
        else:
            return redirect("participation:staff_consultation", public_id=consultation.public_id)
    return _staff_page(request, consultation, bound=("moderate", comment.pk, form))


@login_required
@require_POST
def staff_comment_adoption(request: HttpRequest, public_id: UUID, comment_id: UUID) -> HttpResponse:
    """Decide whether a published comment is adopted, with the reason."""
    consultation = _staff_consultation(request, public_id)
    comment = _comment(consultation, comment_id)
    form = AdoptionForm(request.POST, prefix=f"a{comment.pk}")
    if form.is_valid():
        try:
            services.comment_adoption_set(
                actor=request.user,
                comment=comment,
                adoption=form.cleaned_data["adoption"],
                reason=form.cleaned_data["reason"],
            )
        except ApplicationError as error:
            add_application_error(form, error)
        else:
            url = reverse("participation:staff_consultation", args=[consultation.public_id])
            return redirect(f"{url}#comment-{comment.public_id}")
    return _staff_page(request, consultation, bound=("adoption", comment.pk, form))


@login_required
@require_POST
def staff_consultation_summarise(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """Publish the summary of a closed consultation."""
    consultation = _staff_consultation(request, public_id)
    form = SummaryForm(request.POST)
    if form.is_valid():
        try:
            services.consultation_summarise(
                actor=request.user, consultation=consultation, summary=form.cleaned_data["summary"]
            )
        except ApplicationError as error:
            add_application_error(form, error)
        else:
            return redirect("participation:staff_consultation", public_id=consultation.public_id)
    return _staff_page(request, consultation, summary_form=form)
