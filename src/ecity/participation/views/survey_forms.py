"""Forms of the survey editor: a survey's settings and one question of any type.

The field names are the services' keyword names, so that a service's ``ValidationFailed`` lands
beside the right field (``core.forms.add_application_error``). The forms check only the shape of
the input (numbers are numbers); the rules (two options at least, min below max, conditions on
earlier choice questions) are the services'.
"""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from ecity.org.models import Department
from ecity.participation.models import (
    CHOICE_KINDS,
    QuestionKind,
    Survey,
    SurveyOption,
    SurveyQuestion,
)
from ecity.participation.services.survey_questions import QuestionData

DATETIME_WIDGET = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d"]


class SurveyForm(forms.Form):
    """A survey's settings (the department only when creating it)."""

    department = forms.ChoiceField(label=_("Department"))
    title = forms.CharField(label=_("Title"), max_length=200)
    introduction = forms.CharField(
        label=_("Introduction"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Why the department asks, and what it will do with the answers."),
    )
    opens_at = forms.DateTimeField(
        label=_("Opens at"),
        required=False,
        widget=DATETIME_WIDGET,
        input_formats=DATETIME_FORMATS,
        help_text=_("Leave empty to take answers as soon as the survey is opened."),
    )
    closes_at = forms.DateTimeField(
        label=_("Closes at"),
        required=False,
        widget=DATETIME_WIDGET,
        input_formats=DATETIME_FORMATS,
        help_text=_("Leave empty to take answers until the survey is closed."),
    )
    is_anonymous = forms.BooleanField(
        label=_("Anonymous"),
        required=False,
        help_text=_(
            "Anonymous surveys store no account; real-name surveys take one answer per person."
        ),
    )
    is_one_answer_per_person = forms.BooleanField(
        label=_("One answer per person"),
        required=False,
        initial=True,
        help_text=_(
            "Anonymous surveys: refuse a second answer from the same account or browser. "
            "Real-name surveys always take one answer per person."
        ),
    )
    are_results_public = forms.BooleanField(
        label=_("Publish the results once the survey is closed"), required=False
    )

    def __init__(
        self,
        *args: Any,
        departments: list[Department] | None = None,
        survey: Survey | None = None,
        **kwargs: Any,
    ) -> None:
        if survey is not None:
            kwargs.setdefault(
                "initial",
                {
                    "title": survey.title,
                    "introduction": survey.introduction,
                    "opens_at": survey.opens_at,
                    "closes_at": survey.closes_at,
                    "is_anonymous": survey.is_anonymous,
                    "is_one_answer_per_person": survey.is_one_answer_per_person,
                    "are_results_public": survey.are_results_public,
                },
            )
        super().__init__(*args, **kwargs)
        if departments is None:
            del self.fields["department"]
        else:
            self.departments = {d.code: d for d in departments}
            department_field = cast(forms.ChoiceField, self.fields["department"])
            department_field.choices = [(d.code, d.name) for d in departments]
        if survey is not None and survey.status != Survey.Status.DRAFT:
            # Only the publicity of the results may change once a survey has opened.
            for name in (
                "title",
                "introduction",
                "opens_at",
                "closes_at",
                "is_anonymous",
                "is_one_answer_per_person",
            ):
                self.fields[name].disabled = True

    def department_chosen(self) -> Department:
        return self.departments[self.cleaned_data["department"]]

    def settings(self) -> dict[str, Any]:
        """The keywords of ``survey_create`` / ``survey_update``."""
        data = self.cleaned_data
        return {
            "title": data["title"],
            "introduction": data["introduction"],
            "opens_at": data["opens_at"],
            "closes_at": data["closes_at"],
            "is_anonymous": data["is_anonymous"],
            "is_one_answer_per_person": data["is_one_answer_per_person"],
            "are_results_public": data["are_results_public"],
        }


def _lines(value: str) -> list[str]:
    return [line.strip() for line in value.splitlines() if line.strip()]


class QuestionForm(forms.Form):
    """One question of any type; the fields that do not apply to the type are ignored."""

    kind = forms.ChoiceField(label=_("Question type"), choices=QuestionKind.choices)
    text = forms.CharField(label=_("Question"), max_length=500)
    help_text = forms.CharField(label=_("Help text"), max_length=500, required=False)
    is_required = forms.BooleanField(label=_("Required"), required=False)
    options = forms.CharField(
        label=_("Options (or matrix columns)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("One per line. For single choice, multiple choice, matrix and ranking."),
    )
    rows = forms.CharField(
        label=_("Matrix rows"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One per line. For a matrix only."),
    )
    min_choices = forms.IntegerField(
        label=_("Minimum choices"),
        required=False,
        min_value=1,
        help_text=_("Multiple choice only."),
    )
    max_choices = forms.IntegerField(
        label=_("Maximum choices"),
        required=False,
        min_value=1,
        help_text=_("Multiple choice only."),
    )
    min_value = forms.DecimalField(
        label=_("Minimum value"),
        required=False,
        max_digits=14,
        decimal_places=4,
        help_text=_("Number only."),
    )
    max_value = forms.DecimalField(
        label=_("Maximum value"),
        required=False,
        max_digits=14,
        decimal_places=4,
        help_text=_("Number only."),
    )
    scale_max = forms.TypedChoiceField(
        label=_("Scale"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", "—"), (5, "1–5"), (10, "1–10")],
        help_text=_("Rating scale only."),
    )
    scale_min_label = forms.CharField(
        label=_("Label of the lowest value"), max_length=50, required=False
    )
    scale_max_label = forms.CharField(
        label=_("Label of the highest value"), max_length=50, required=False
    )
    max_file_mb = forms.IntegerField(
        label=_("Maximum file size (MB)"),
        initial=5,
        min_value=1,
        help_text=_("File upload only."),
    )
    condition_question = forms.ChoiceField(
        label=_("Show only when this question"),
        required=False,
        help_text=_("An earlier single or multiple choice question; leave empty to always show."),
    )
    condition_options = forms.MultipleChoiceField(
        label=_("is answered with one of"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(
        self,
        *args: Any,
        survey: Survey,
        question: SurveyQuestion | None = None,
        **kwargs: Any,
    ) -> None:
        questions = sorted(survey.questions.all(), key=lambda q: q.position)
        earlier = [
            q
            for q in questions
            if q.kind in CHOICE_KINDS and (question is None or q.position < question.position)
        ]
        if question is not None:
            kwargs.setdefault("initial", _initial(question))
        super().__init__(*args, **kwargs)
        self.conditions = {str(q.public_id): q for q in earlier}
        self.condition_choices: dict[str, SurveyOption] = {}
        labels: list[tuple[str, str]] = []
        for q in earlier:
            for o in sorted(q.options.all(), key=lambda o: o.position):
                if o.role == SurveyOption.Role.OPTION:
                    self.condition_choices[str(o.public_id)] = o
                    labels.append((str(o.public_id), f"{q.position}. {q.text}: {o.text}"))
        cast(forms.ChoiceField, self.fields["condition_question"]).choices = [("", "—")] + [
            (key, f"{q.position}. {q.text}") for key, q in self.conditions.items()
        ]
        cast(forms.ChoiceField, self.fields["condition_options"]).choices = labels
        if not earlier:
            del self.fields["condition_question"]
            del self.fields["condition_options"]

    def question(self) -> QuestionData:
        """What ``question_add`` / ``question_update`` take."""
        data = self.cleaned_data
        condition = self.conditions.get(data.get("condition_question") or "")
        return QuestionData(
            kind=data["kind"],
            text=data["text"],
            help_text=data["help_text"],
            is_required=data["is_required"],
            options=_lines(data["options"]),
            rows=_lines(data["rows"]),
            min_choices=data["min_choices"],
            max_choices=data["max_choices"],
            min_value=data["min_value"],
            max_value=data["max_value"],
            scale_max=data["scale_max"],
            scale_min_label=data["scale_min_label"],
            scale_max_label=data["scale_max_label"],
            max_file_mb=data["max_file_mb"],
            condition_question=condition,
            condition_options=[
                self.condition_choices[key] for key in data.get("condition_options") or []
            ]
            if condition is not None
            else [],
        )


def _initial(question: SurveyQuestion) -> dict[str, Any]:
    options = [o for o in question.options.all() if o.role == SurveyOption.Role.OPTION]
    rows = [o for o in question.options.all() if o.role == SurveyOption.Role.ROW]
    condition = question.condition_question
    return {
        "kind": question.kind,
        "text": question.text,
        "help_text": question.help_text,
        "is_required": question.is_required,
        "options": "\n".join(o.text for o in sorted(options, key=lambda o: o.position)),
        "rows": "\n".join(o.text for o in sorted(rows, key=lambda o: o.position)),
        "min_choices": question.min_choices,
        "max_choices": question.max_choices,
        "min_value": question.min_value,
        "max_value": question.max_value,
        "scale_max": question.scale_max,
        "scale_min_label": question.scale_min_label,
        "scale_max_label": question.scale_max_label,
        "max_file_mb": question.max_file_mb,
        "condition_question": str(condition.public_id) if condition else "",
        "condition_options": [str(o.public_id) for o in question.condition_options.all()],
    }
