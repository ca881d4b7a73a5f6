"""Forms of the category-tree and time-limit pages (they only collect input: the services
validate the rules)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from ecity.hotline.models import Category, TicketLimit
from ecity.hotline.selectors.categories import category_tree_rows
from ecity.hotline.services.categories import CODE_MAX, CategoryData
from ecity.org.models import Department


class CategoryForm(forms.Form):
    code = forms.CharField(
        label=_("Code"),
        max_length=CODE_MAX,
        help_text=_("Letters, digits, “_”, “.” and “-”; it cannot be changed later."),
    )
    name_zh = forms.CharField(label=_("Name (Chinese)"), max_length=100)
    name_en = forms.CharField(label=_("Name (English)"), max_length=200, required=False)
    parent = forms.ChoiceField(label=_("Parent category"), required=False)
    department = forms.ModelChoiceField(
        label=_("Usual department"),
        queryset=Department.objects.filter(is_active=True).order_by("code"),
        help_text=_("The department tickets of this category usually go to."),
    )
    local = forms.BooleanField(
        label=_("Local matter"),
        required=False,
        help_text=_("Dispatched to the sub-district office of the ticket's place."),
    )
    sort_order = forms.IntegerField(label=_("Sort order"), min_value=0, initial=0, required=False)
    description = forms.CharField(
        label=_("Description"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )

    def __init__(self, *args: Any, category: Category | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if category is not None:
            del self.fields["code"]  # fixed once created
        parent = self.fields["parent"]
        assert isinstance(parent, forms.ChoiceField)
        # Active categories in tree order, indented; a category cannot go under itself.
        parent.choices = [("", _("— top level —"))] + [
            (str(row.category.public_id), "\u3000" * row.depth + row.category.name_zh)
            for row in category_tree_rows()
            if row.category.is_active and (category is None or row.category.pk != category.pk)
        ]

    def clean_parent(self) -> Category | None:
        value = self.cleaned_data.get("parent") or ""
        return Category.objects.filter(public_id=value).first() if value else None

    def category_data(self) -> CategoryData:
        data = self.cleaned_data
        return CategoryData(
            name_zh=data["name_zh"],
            name_en=data.get("name_en") or "",
            parent=data.get("parent"),
            department=data.get("department"),
            description=data.get("description") or "",
            local=bool(data.get("local")),
            sort_order=data.get("sort_order") or 0,
        )


class LimitForm(forms.Form):
    sign_within = forms.DecimalField(label=_("Sign for within"), max_digits=6, decimal_places=2)
    sign_unit = forms.ChoiceField(
        label=_("Unit of the sign-for time"), choices=TicketLimit.Unit.choices
    )
    answer_within = forms.DecimalField(label=_("Answer within"), max_digits=6, decimal_places=2)
    answer_unit = forms.ChoiceField(
        label=_("Unit of the answer time"), choices=TicketLimit.Unit.choices
    )
