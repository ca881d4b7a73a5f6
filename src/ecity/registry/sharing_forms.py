"""Forms of the staff pages of controlled sharing (the services validate; these parse)."""

from __future__ import annotations

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from oauth2_provider.models import get_application_model

from ecity.registry.models import Resource, ResourceItem, ShareType


class SharingRequestForm(forms.Form):
    """A department's request for conditional items of one resource."""

    application = forms.ModelChoiceField(
        label=_("Department system"),
        queryset=get_application_model().objects.none(),
        help_text=_("The registered system that will read the data with its client credentials."),
    )
    items = forms.ModelMultipleChoiceField(
        label=_("Information items"),
        queryset=ResourceItem.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Only conditionally shared items need a request."),
    )
    purpose = forms.CharField(label=_("Purpose"), widget=forms.Textarea(attrs={"rows": 3}))
    legal_basis = forms.CharField(
        # Not the catalogue's 设定依据 (the basis of a service): the basis for using the data.
        label=pgettext_lazy("sharing", "Legal basis"),
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("The law, regulation or document that allows your department to use the data."),
    )
    starts_on = forms.DateField(
        label=pgettext_lazy("period", "From"), widget=forms.DateInput(attrs={"type": "date"})
    )
    ends_on = forms.DateField(label=_("Until"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(
        self, *args: object, resource: Resource, applications: QuerySet, **kwargs: object
    ) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["application"].queryset = applications
        conditional = [
            item.pk
            for item in resource.items.select_related("resource", "data_element")
            if item.effective_share_type == ShareType.CONDITIONAL
        ]
        self.fields["items"].queryset = (
            ResourceItem.objects.filter(pk__in=conditional)
            .select_related("data_element")
            .order_by("order", "pk")
        )
        self.fields["items"].label_from_instance = lambda item: (
            f"{item.display_name} ({item.data_element.identifier})"
        )


class DecisionForm(forms.Form):
    """The provider's answer: approve (reason optional) or refuse (reason required)."""

    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("approve", _("Approve")), ("refuse", _("Refuse"))],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required when you refuse; the requester sees it."),
    )


class RevokeForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for revocation"), widget=forms.Textarea(attrs={"rows": 3})
    )
