"""Admin pages where departments maintain their catalogue entries and reviewers publish them.

A department administrator (the provider's data administrator) sees and maintains the entries
of their departments; a platform administrator sees all and reviews. Drafts are edited in the
form (information items one per line); submitting, publishing, returning with a reason,
starting a new version and withdrawing with a reason are actions. Every write goes through
``ecity.registry.services.resources``.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ecity.core.errors import ApplicationError
from ecity.org import selectors as org_selectors
from ecity.registry.admin.access import is_maintainer, maintained_departments
from ecity.registry.admin.forms import ListField, report_error
from ecity.registry.models import DataElement, Resource, ShareType
from ecity.registry.selectors.resources import can_maintain_resource, can_review_resources
from ecity.registry.services.resources import (
    CONTENT_FIELDS,
    ResourceItemInput,
    resource_publish,
    resource_return,
    resource_revise,
    resource_save_draft,
    resource_submit,
    resource_withdraw,
)

MASKED = "masked"


def items_text(resource: Resource) -> list[str]:
    """The items of ``resource`` as lines of the form: ``DE0001 | name | share type | masked``."""
    lines = []
    for item in resource.items.select_related("data_element").order_by("order", "id"):
        parts = [item.data_element.identifier, item.name, item.share_type or ""]
        if item.is_masked_for_staff:
            parts.append(MASKED)
        lines.append(" | ".join(parts).rstrip(" |"))
    return lines


def parse_items(lines: list[str]) -> tuple[list[ResourceItemInput], list[str]]:
    """Read item lines (see ``items_text``); return the items and the problems found."""
    identifiers = [line.split("|")[0].strip() for line in lines]
    elements = {e.identifier: e for e in DataElement.objects.filter(identifier__in=identifiers)}
    items: list[ResourceItemInput] = []
    problems: list[str] = []
    for number, line in enumerate(lines, start=1):
        parts = [part.strip() for part in line.split("|")]
        element = elements.get(parts[0])
        share_type = parts[2] if len(parts) > 2 and parts[2] else None
        if element is None:
            problems.append(
                _("Line %(n)d: there is no data element %(identifier)s.")
                % {"n": number, "identifier": parts[0]}
            )
            continue
        if share_type is not None and share_type not in ShareType.values:
            problems.append(
                _("Line %(n)d: the share type is one of %(choices)s.")
                % {"n": number, "choices": ", ".join(ShareType.values)}
            )
            continue
        items.append(
            ResourceItemInput(
                data_element=element,
                name=parts[1] if len(parts) > 1 else "",
                share_type=share_type,
                is_masked_for_staff=len(parts) > 3 and parts[3] == MASKED,
            )
        )
    return items, problems


class ResourceForm(forms.ModelForm):
    items_text = ListField(
        label=gettext_lazy("information items"),
        help_text=gettext_lazy(
            "One per line: data element identifier | item name (empty: the element's) | "
            "share type (empty: the resource's) | masked. For example: DE0001 | 权利人证件号码 "
            "| | masked"
        ),
        widget=forms.Textarea(attrs={"rows": 8}),
    )
    service_codes = ListField(
        label=gettext_lazy("service items"),
        required=False,
        help_text=gettext_lazy("Service item codes, one per line."),
    )

    class Meta:
        model = Resource
        fields = ["code", *CONTENT_FIELDS, "subjects"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["items_text"] = items_text(self.instance)
            self.initial["service_codes"] = list(
                self.instance.services.values_list("code", flat=True)
            )

    def clean_items_text(self) -> list[ResourceItemInput]:
        items, problems = parse_items(self.cleaned_data["items_text"])
        if problems:
            raise forms.ValidationError(problems)
        return items

    def validate_unique(self) -> None:
        return None  # the service checks the code among live entries (revisions share it)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("Reason"), widget=forms.Textarea(attrs={"rows": 3}))


@admin.register(Resource)
class ResourceAdmin(admin.ModelAdmin):
    form = ResourceForm
    list_display = ["code", "name", "provider", "status", "version", "share_type", "open_type"]
    list_filter = ["status", "share_type", "open_type", "category", "provider"]
    search_fields = ["code", "name", "name_en"]
    list_select_related = ["provider"]
    # A plain multiple select for the subjects: Django's filter_horizontal widget adds a span
    # with an aria-label but no role (axe: aria-prohibited-attr, serious) to every form.
    readonly_fields = ["status", "version", "published_on", "review_note", "revision_of"]
    actions = ["submit", "publish", "return_to_provider", "revise", "withdraw"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Resource]:
        resources = super().get_queryset(request)
        if org_selectors.is_platform_admin(user=request.user):
            return resources
        return resources.filter(provider__in=maintained_departments(request))

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        """Review actions only for reviewers: a provider's administrator never publishes."""
        actions = super().get_actions(request)
        if not can_review_resources(actor=request.user):
            for name in ("publish", "return_to_provider"):
                actions.pop(name, None)
        return actions

    def has_module_permission(self, request: HttpRequest) -> bool:
        return is_maintainer(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_maintainer(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return is_maintainer(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is None:
            return is_maintainer(request)
        return obj.status == Resource.Status.DRAFT and can_maintain_resource(
            actor=request.user, provider=obj.provider
        )

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # withdrawn, never deleted: sharing grants refer to entries

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return ["code", *self.readonly_fields] if obj else list(self.readonly_fields)

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "provider":
            kwargs["queryset"] = maintained_departments(request)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request: HttpRequest, obj: Resource, form: Any, change: bool) -> None:
        data = form.cleaned_data
        fields = [*CONTENT_FIELDS, "subjects"]
        try:
            saved = resource_save_draft(
                actor=request.user,
                code=obj.code,
                items=data["items_text"],
                service_codes=data["service_codes"],
                **{name: data[name] for name in fields},
            )
        except ApplicationError as error:
            report_error(request, error, obj.code)
            raise
        obj.pk, obj.public_id, obj._state.adding = saved.pk, saved.public_id, False

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        return None  # the service saved the items, subjects and services

    def _each(self, request: HttpRequest, queryset: QuerySet[Resource], act: Any) -> int:
        done = 0
        for resource in queryset:
            try:
                act(resource.code)
                done += 1
            except ApplicationError as error:
                report_error(request, error, resource.code)
        return done

    def _done(self, request: HttpRequest, done: int, message: str) -> None:
        if done:
            messages.success(request, message % {"count": done})

    @admin.action(description=gettext_lazy("Submit the selected drafts for review"))
    def submit(self, request: HttpRequest, queryset: QuerySet[Resource]) -> None:
        done = self._each(
            request, queryset, lambda code: resource_submit(actor=request.user, code=code)
        )
        self._done(request, done, _("%(count)d resources submitted for review."))

    @admin.action(description=gettext_lazy("Publish the selected resources in review"))
    def publish(self, request: HttpRequest, queryset: QuerySet[Resource]) -> None:
        if not can_review_resources(actor=request.user):
            messages.error(request, _("Only a platform administrator reviews catalogue entries."))
            return
        done = self._each(
            request, queryset, lambda code: resource_publish(actor=request.user, code=code)
        )
        self._done(request, done, _("%(count)d resources published."))

    @admin.action(description=gettext_lazy("Start a new version of the selected resources"))
    def revise(self, request: HttpRequest, queryset: QuerySet[Resource]) -> None:
        done = self._each(
            request, queryset, lambda code: resource_revise(actor=request.user, code=code)
        )
        self._done(request, done, _("%(count)d new versions started."))

    def _reason_page(
        self, request: HttpRequest, queryset: QuerySet[Resource], action: str, title: str
    ) -> str | TemplateResponse:
        """The reason given on the intermediate page, or that page (again, with its errors)."""
        form = ReasonForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            return str(form.cleaned_data["reason"])
        return TemplateResponse(
            request,
            "admin/registry/resource/reason.html",
            {
                **self.admin_site.each_context(request),
                "title": title,
                "opts": self.model._meta,
                "resources": queryset,
                "form": form,
                "action": action,
                "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            },
        )

    @admin.action(description=gettext_lazy("Return the selected resources to their provider"))
    def return_to_provider(
        self, request: HttpRequest, queryset: QuerySet[Resource]
    ) -> HttpResponse | None:
        reason = self._reason_page(
            request, queryset, "return_to_provider", _("Return resources to their provider")
        )
        if not isinstance(reason, str):
            return reason
        done = self._each(
            request,
            queryset,
            lambda code: resource_return(actor=request.user, code=code, reason=reason),
        )
        self._done(request, done, _("%(count)d resources returned."))
        return None

    @admin.action(description=gettext_lazy("Withdraw the selected published resources"))
    def withdraw(self, request: HttpRequest, queryset: QuerySet[Resource]) -> HttpResponse | None:
        reason = self._reason_page(
            request, queryset, "withdraw", _("Withdraw resources from the catalogue")
        )
        if not isinstance(reason, str):
            return reason
        done = self._each(
            request,
            queryset,
            lambda code: resource_withdraw(actor=request.user, code=code, reason=reason),
        )
        self._done(request, done, _("%(count)d resources withdrawn."))
        return None
