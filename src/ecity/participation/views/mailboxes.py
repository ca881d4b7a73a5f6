"""Mailbox pages: the public mailbox with its form and published letters, the writer's own
letters with the rating form, and the staff inbox with the letter page and reply form."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ecity.core.errors import ApplicationError, NotFound
from ecity.core.forms import add_application_error
from ecity.core.middleware import response_private
from ecity.org.selectors import is_staff_member
from ecity.participation.models import Letter
from ecity.participation.selectors import mailboxes as selectors
from ecity.participation.services import mailboxes as services

PAGE_SIZE = 20


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        files = data if isinstance(data, list | tuple) else [data] if data else []
        return [super(MultipleFileField, self).clean(f, initial) for f in files]


class LetterForm(forms.Form):
    subject = forms.CharField(label=_("Subject"), max_length=services.SUBJECT_MAX)
    body = forms.CharField(
        label=_("Your letter"),
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=services.BODY_MAX,
    )
    attachments = MultipleFileField(
        label=_("Attachments"),
        required=False,
        help_text=_("Up to 5 files: PDF, JPEG or PNG, at most 10 MB each."),
    )
    consent_to_publish = forms.BooleanField(
        label=_("The letter and its reply may be published (without my personal data)"),
        required=False,
    )


class ReplyForm(forms.Form):
    reply = forms.CharField(
        label=_("Reply"), widget=forms.Textarea(attrs={"rows": 8}), max_length=services.REPLY_MAX
    )
    published_body = forms.CharField(
        label=_("Text to publish"),
        widget=forms.Textarea(attrs={"rows": 6}),
        required=False,
        help_text=_(
            "Only when the writer agreed to publication. Leave empty to publish the letter with "
            "phone numbers, ID numbers, e-mail addresses and the writer's name masked."
        ),
    )


class RatingForm(forms.Form):
    rating = forms.ChoiceField(
        label=_("How satisfied are you with the reply?"),
        choices=Letter.Rating.choices,
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Comment"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )


def _page(request: HttpRequest, rows: Any) -> Any:
    return Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))


@require_GET
def mailbox_index(request: HttpRequest) -> HttpResponse:
    """All open mailboxes (领导信箱) and the latest published letters."""
    return render(
        request,
        "participation/mailboxes/index.html",
        {
            "mailboxes": selectors.mailbox_list(),
            "page": _page(request, selectors.letters_published()),
        },
    )


@require_http_methods(["GET", "POST"])
def mailbox_page(request: HttpRequest, code: str) -> HttpResponse:
    """One mailbox: the letter form (signed-in citizens) and its published letters."""
    try:
        mailbox = selectors.mailbox_get(code=code)
    except NotFound:
        return render(request, "core/404.html", status=404)
    form = LetterForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        if not selectors.is_citizen(user=request.user):
            return redirect_to_login(request.get_full_path())
        if form.is_valid():
            data = form.cleaned_data
            try:
                letter = services.letter_submit(
                    writer=request.user,
                    mailbox=mailbox,
                    subject=data["subject"],
                    body=data["body"],
                    consent_to_publish=data["consent_to_publish"],
                    attachments=data["attachments"],
                )
            except ApplicationError as error:
                add_application_error(form, error)
            else:
                return HttpResponseRedirect(
                    reverse("participation:letter_detail", kwargs={"number": letter.number})
                    + "?sent=1"
                )
    return render(
        request,
        "participation/mailboxes/mailbox.html",
        {
            "mailbox": mailbox,
            "form": form,
            "can_write": selectors.is_citizen(user=request.user),
            "page": _page(request, selectors.letters_published(mailbox=mailbox)),
        },
    )


@login_required
@require_GET
def my_letters(request: HttpRequest) -> HttpResponse:
    """The signed-in writer's own letters."""
    page = _page(request, selectors.letters_of_writer(writer=request.user))
    return response_private(
        render(request, "participation/mailboxes/my_letters.html", {"page": page})
    )


@login_required
@require_http_methods(["GET", "POST"])
def letter_detail(request: HttpRequest, number: str) -> HttpResponse:
    """The writer's letter with its reply, and the rating form once replied."""
    try:
        letter = selectors.letter_of_writer(writer=request.user, number=number)
    except NotFound:
        return render(request, "core/404.html", status=404)
    form = RatingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.letter_rate(
                writer=request.user,
                letter=letter,
                rating=form.cleaned_data["rating"],
                comment=form.cleaned_data["comment"],
            )
        except ApplicationError as error:
            add_application_error(form, error)
        else:
            return redirect("participation:letter_detail", number=letter.number)
    return response_private(
        render(
            request,
            "participation/mailboxes/letter.html",
            {
                "letter": letter,
                "form": form,
                "can_rate": letter.status == Letter.Status.REPLIED and not letter.rating,
                "sent": request.GET.get("sent") == "1",
            },
        )
    )


def _staff_only(request: HttpRequest) -> None:
    if not is_staff_member(user=request.user):
        raise DjangoPermissionDenied


@login_required
@require_GET
def staff_inbox(request: HttpRequest) -> HttpResponse:
    """The letters of the mailboxes the staff member handles; ``?overdue=1`` the overdue ones."""
    _staff_only(request)
    overdue = request.GET.get("overdue") == "1"
    status = request.GET.get("status", "")
    if status not in Letter.Status.values:
        status = ""
    rows = selectors.letters_inbox(actor=request.user, status=status, overdue_only=overdue)
    return response_private(
        render(
            request,
            "participation/mailboxes/staff_inbox.html",
            {
                "page": _page(request, rows),
                "overdue": overdue,
                "status": status,
                "statuses": Letter.Status.choices,
            },
        )
    )


@login_required
@require_http_methods(["GET", "POST"])
def staff_letter(request: HttpRequest, number: str) -> HttpResponse:
    """A letter for its department's editor, with the take, reply and close actions."""
    _staff_only(request)
    try:
        letter = selectors.letter_for_staff(actor=request.user, number=number)
    except NotFound:
        return render(request, "core/404.html", status=404)
    form = ReplyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.letter_reply(
                actor=request.user,
                letter=letter,
                reply=form.cleaned_data["reply"],
                published_body=form.cleaned_data["published_body"],
            )
        except ApplicationError as error:
            add_application_error(form, error)
        else:
            return redirect("participation:staff_letter", number=letter.number)
    return response_private(
        render(
            request,
            "participation/mailboxes/staff_letter.html",
            {
                "letter": letter,
                "form": form,
                "is_overdue": selectors.letter_is_overdue(letter),
                "can_reply": letter.is_open,
            },
        )
    )


@login_required
@require_POST
def staff_letter_action(request: HttpRequest, number: str, action: str) -> HttpResponse:
    """Take a received letter in hand, close a replied one, or forward it to the hotline."""
    _staff_only(request)
    try:
        letter = selectors.letter_for_staff(actor=request.user, number=number)
    except NotFound:
        return render(request, "core/404.html", status=404)
    write = {
        "take": services.letter_take,
        "close": services.letter_close,
        "forward": services.letter_forward_to_hotline,
    }.get(action)
    if write is None:
        return render(request, "core/404.html", status=404)
    try:
        write(actor=request.user, letter=letter)
    except ApplicationError as error:
        return render(
            request,
            "participation/mailboxes/staff_letter.html",
            {
                "letter": letter,
                "form": ReplyForm(),
                "action_error": error.message,
                "is_overdue": selectors.letter_is_overdue(letter),
                "can_reply": letter.is_open,
            },
            status=error.status_code,
        )
    return redirect("participation:staff_letter", number=letter.number)
