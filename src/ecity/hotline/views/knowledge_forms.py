"""Forms of the knowledge-base pages (they only collect input: the services validate the rules)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from ecity.hotline.models import Category
from ecity.hotline.services.knowledge import ArticleData
from ecity.hotline.views.forms import (
    LocalisedModelChoiceField,
    LocalisedModelMultipleChoiceField,
)
from ecity.org.models import Department, Region


class ArticleForm(forms.Form):
    department = LocalisedModelChoiceField(
        label=_("Owning department"), queryset=Department.objects.none()
    )
    category = forms.ModelChoiceField(
        label=_("Category"), queryset=Category.objects.filter(is_active=True)
    )
    title = forms.CharField(label=_("Title"), max_length=200)
    body = forms.CharField(
        label=_("Text"),
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text=_("Plain text; blank lines separate paragraphs."),
    )
    keywords = forms.CharField(
        label=_("Keywords"),
        max_length=300,
        required=False,
        help_text=_("Words callers use for this topic, separated by commas or spaces."),
    )
    regions = LocalisedModelMultipleChoiceField(
        label=_("Applicable regions"),
        queryset=Region.objects.filter(
            level__in=[Region.Level.DISTRICT, Region.Level.SUBDISTRICT]
        ).order_by("code"),
        required=False,
        help_text=_("Leave empty for the whole city."),
    )
    valid_from = forms.DateField(
        label=_("Valid from"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    valid_until = forms.DateField(
        label=_("Valid until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    is_public = forms.BooleanField(label=_("Public (shown to citizens)"), required=False)
    revision = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(
        self, *args: Any, departments: QuerySet[Department] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        if departments is None:
            del self.fields["department"]
        else:
            field = self.fields["department"]
            assert isinstance(field, forms.ModelChoiceField)
            field.queryset = departments

    def article_data(self) -> ArticleData:
        data = self.cleaned_data
        return ArticleData(
            category=data.get("category"),
            title=data.get("title", ""),
            body=data.get("body", ""),
            keywords=data.get("keywords", ""),
            regions=list(data.get("regions") or []),
            valid_from=data.get("valid_from"),
            valid_until=data.get("valid_until"),
            is_public=bool(data.get("is_public")),
        )


class ReviewForm(forms.Form):
    note = forms.CharField(
        label=_("Review note"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required when sending the article back: say what to change."),
    )
    revision = forms.IntegerField(widget=forms.HiddenInput, required=False)
