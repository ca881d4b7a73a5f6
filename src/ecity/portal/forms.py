"""The portal's search form: what the visible fields are; ``search_params_parse`` checks them."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class SearchForm(forms.Form):
    q = forms.CharField(
        label=_("Search for"),
        required=False,
        widget=forms.TextInput(
            attrs={
                "type": "search",
                "maxlength": 100,
                "list": "search-suggestions",
                "autocomplete": "off",
            }
        ),
    )
    date_from = forms.CharField(
        label=_("Published from"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.CharField(
        label=_("Published until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    # The parser reads ``from``/``to`` (the API's names); the form's fields are renamed.
    RENAME = {"from": "date_from", "to": "date_to"}
