"""Survey staff pages: the department's surveys, the survey editor, its questions, open and close.

For the department's ``participation_editor`` and ``department_admin`` (the services check the
roles again); a survey of another department is not found. Thin views: the forms of
``survey_forms`` read the input, ``services.surveys`` and ``services.survey_questions`` write,
and their errors come back beside the fields. Every action is a plain POST form (no JavaScript).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ecity.core.errors import ApplicationError, NotFound
from ecity.core.forms import add_application_error
from ecity.core.middleware import response_private
from ecity.org import selectors as org_selectors
from ecity.org.models import Department
from ecity.participation.models import Survey, SurveyQuestion
from ecity.participation.selectors import surveys as selectors
from ecity.participation.services import survey_questions as question_services
from ecity.participation.services import surveys as services
from ecity.participation.views.survey_forms import QuestionForm, SurveyForm

TEMPLATES = "participation/surveys/staff/"


def _managed_departments(request: HttpRequest) -> list[Department]:
    found: dict[int, Department] = {}
    for role in selectors.MANAGING_ROLES:
        for department in org_selectors.departments_where(user=request.user, role=role):
            found[department.pk] = department
    return sorted(found.values(), key=lambda d: (d.sort_order, d.code))


def _survey_to_manage(request: HttpRequest, public_id: str) -> Survey:
    """The survey, if the signed-in user manages its department; else 404 (not 403: a survey
    of another department is not shown to exist)."""
    try:
        survey = selectors.survey_get(public_id=public_id)
    except NotFound as error:
        raise Http404(error.message) from error
    if not selectors.can_manage_survey(actor=request.user, department=survey.department):
        raise Http404
    return survey


def _question_of(survey: Survey, question_id: str) -> SurveyQuestion:
    for question in survey.questions.all():
        if str(question.public_id) == str(question_id):
            return question
    raise Http404


@login_required
@require_GET
def staff_survey_list(request: HttpRequest) -> HttpResponse:
    """The surveys of the departments where the user manages or reads surveys."""
    surveys = selectors.survey_list_for_staff(actor=request.user)
    departments = _managed_departments(request)
    if not departments and not surveys.exists():
        raise Http404
    rows = [
        {
            "survey": survey,
            "can_manage": selectors.can_manage_survey(
                actor=request.user, department=survey.department
            ),
        }
        for survey in surveys
    ]
    return response_private(
        render(
            request,
            TEMPLATES + "list.html",
            {"rows": rows, "can_create": bool(departments)},
        )
    )


@login_required
@require_http_methods(["GET", "POST"])
def staff_survey_create(request: HttpRequest) -> HttpResponse:
    """A new draft survey of one of the user's departments."""
    departments = _managed_departments(request)
    if not departments:
        raise Http404
    form = SurveyForm(request.POST or None, departments=departments)
    if request.method == "POST" and form.is_valid():
        try:
            survey = services.survey_create(
                actor=request.user, department=form.department_chosen(), **form.settings()
            )
        except ApplicationError as error:
            add_application_error(form, error)
        else:
            messages.success(request, _("The survey was created. Now add its questions."))
            return redirect("participation:staff_survey", public_id=survey.public_id)
    status = 400 if form.errors else 200
    return response_private(
        render(request, TEMPLATES + "create.html", {"form": form}, status=status)
    )


def _editor(
    request: HttpRequest, survey: Survey, form: SurveyForm, *, status: int = 200, **extra: Any
) -> HttpResponse:
    context = {
        "survey": survey,
        "form": form,
        "questions": selectors.questions_of(survey),
        "is_draft": survey.status == Survey.Status.DRAFT,
        "responses": survey.responses.count(),
        **extra,
    }
    return response_private(render(request, TEMPLATES + "survey.html", context, status=status))


@login_required
@require_http_methods(["GET", "POST"])
def staff_survey(request: HttpRequest, public_id: str) -> HttpResponse:
    """The survey editor: its settings form, its questions with their actions, open and close."""
    survey = _survey_to_manage(request, public_id)
    form = SurveyForm(request.POST or None, survey=survey)
    if request.method == "POST":
        if form.is_valid():
            try:
                services.survey_update(actor=request.user, survey=survey, **form.settings())
            except ApplicationError as error:
                add_application_error(form, error)
            else:
                messages.success(request, _("The survey's settings were saved."))
                return redirect("participation:staff_survey", public_id=survey.public_id)
        return _editor(request, survey, form, status=400)
    return _editor(request, survey, form)


@login_required
@require_POST
def staff_survey_action(request: HttpRequest, public_id: str, action: str) -> HttpResponse:
    """Open a draft survey, or close an open one (POST buttons on the editor)."""
    survey = _survey_to_manage(request, public_id)
    write = {"open": services.survey_open, "close": services.survey_close}.get(action)
    if write is None:
        raise Http404
    try:
        write(actor=request.user, survey=survey)
    except ApplicationError as error:
        return _editor(
            request,
            survey,
            SurveyForm(survey=survey),
            status=error.status_code,
            action_error=error.message,
        )
    done = {
        "open": _("The survey is open for answers."),
        "close": _("The survey is closed: it takes no more answers."),
    }
    messages.success(request, done[action])
    return redirect("participation:staff_survey", public_id=survey.public_id)


def _question_page(
    request: HttpRequest,
    survey: Survey,
    form: QuestionForm,
    question: SurveyQuestion | None,
    status: int,
) -> HttpResponse:
    context = {"survey": survey, "form": form, "question": question}
    return response_private(render(request, TEMPLATES + "question.html", context, status=status))


@login_required
@require_http_methods(["GET", "POST"])
def staff_question_add(request: HttpRequest, public_id: str) -> HttpResponse:
    """Add a question at the end of a draft survey."""
    survey = _survey_to_manage(request, public_id)
    form = QuestionForm(request.POST or None, survey=survey)
    if request.method == "POST" and form.is_valid():
        try:
            question_services.question_add(actor=request.user, survey=survey, data=form.question())
        except ApplicationError as error:
            add_application_error(form, error)
        else:
            messages.success(request, _("The question was added."))
            return redirect("participation:staff_survey", public_id=survey.public_id)
    return _question_page(request, survey, form, None, 400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def staff_question_edit(request: HttpRequest, public_id: str, question_id: str) -> HttpResponse:
    """Change a question of a draft survey."""
    survey = _survey_to_manage(request, public_id)
    question = _question_of(survey, question_id)
    form = QuestionForm(request.POST or None, survey=survey, question=question)
    if request.method == "POST" and form.is_valid():
        try:
            question_services.question_update(
                actor=request.user, question=question, data=form.question()
            )
        except ApplicationError as error:
            add_application_error(form, error)
        else:
            messages.success(request, _("The question was saved."))
            return redirect("participation:staff_survey", public_id=survey.public_id)
    return _question_page(request, survey, form, question, 400 if form.errors else 200)


@login_required
@require_POST
def staff_question_action(
    request: HttpRequest, public_id: str, question_id: str, action: str
) -> HttpResponse:
    """Move a question of a draft survey up or down, or remove it (POST buttons)."""
    survey = _survey_to_manage(request, public_id)
    question = _question_of(survey, question_id)
    try:
        if action == "up" or action == "down":
            question_services.question_move(
                actor=request.user, question=question, up=action == "up"
            )
        elif action == "remove":
            question_services.question_remove(actor=request.user, question=question)
            messages.success(request, _("The question was removed."))
        else:
            raise Http404
    except ApplicationError as error:
        text = "; ".join(m for ms in error.fields.values() for m in ms) or error.message
        return _editor(
            request, survey, SurveyForm(survey=survey), status=error.status_code, action_error=text
        )
    return redirect("participation:staff_survey", public_id=survey.public_id)
