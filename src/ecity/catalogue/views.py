"""Public pages of the service catalogue: browsing, guides, versions, PDF, downloads, forms."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.text import slugify
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from ecity.catalogue import selectors
from ecity.catalogue.form_schema import SchemaForm, schema_to_form
from ecity.catalogue.joint.selectors import joint_service_list_published
from ecity.catalogue.models import Audience, ServiceItem, ServiceItemVersion
from ecity.catalogue.pdf import guide_pdf
from ecity.core.errors import NotFound

PAGE_SIZE = 20


def _get_or_404(fn: Callable[..., Any], **kwargs: Any) -> Any:
    try:
        return fn(**kwargs)
    except NotFound as exc:
        raise Http404(exc.message) from exc


def _page(request: HttpRequest, items: QuerySet[ServiceItem]) -> Page:
    return Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))


class ItemFilterForm(forms.Form):
    """The filters of the service list; every choice comes from the catalogue itself."""

    q = forms.CharField(label=gettext_lazy("Search services"), required=False, max_length=100)
    theme = forms.ChoiceField(label=gettext_lazy("Theme"), required=False)
    life_event = forms.ChoiceField(label=gettext_lazy("Life event"), required=False)
    department = forms.ChoiceField(label=gettext_lazy("Department"), required=False)
    audience = forms.ChoiceField(label=gettext_lazy("Audience"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        anything = [("", _("Any"))]
        self.fields["theme"].choices = anything + [
            (t.code, f"{t.name} ({t.item_count})") for t in selectors.theme_list()
        ]
        self.fields["life_event"].choices = anything + [
            (e.code, f"{e.name} ({e.item_count})") for e in selectors.life_event_list()
        ]
        english = (get_language() or "").startswith("en")
        self.fields["department"].choices = anything + [
            (d.code, f"{(d.name_en if english and d.name_en else d.name_zh)} ({d.item_count})")
            for d in selectors.department_list_with_services()
        ]
        self.fields["audience"].choices = anything + list(Audience.choices)

    def active_filters(self) -> list[dict[str, str]]:
        """The filters in use, each with its label, value label and the name to remove it by."""
        if not hasattr(self, "cleaned_data"):
            return []
        active = []
        for name, field in self.fields.items():
            value = self.cleaned_data.get(name)
            if not value:
                continue
            shown = dict(getattr(field, "choices", [])).get(value, value)
            active.append({"name": name, "label": str(field.label), "value": str(shown)})
        return active


@require_GET
def item_list(request: HttpRequest) -> HttpResponse:
    """All published services, filtered by theme, life event, department, audience and text."""
    form = ItemFilterForm(request.GET or None)
    filters: dict[str, str] = {}
    if form.is_bound:
        form.is_valid()
        filters = {
            name: value
            for name, value in getattr(form, "cleaned_data", {}).items()
            if value and name not in form.errors
        }
    page = _page(request, selectors.published_item_list(**filters))
    return render(
        request,
        "catalogue/item_list.html",
        {"form": form, "page": page, "active_filters": form.active_filters()},
    )


def _browse(
    request: HttpRequest, *, heading_obj: Any, kind: str, items: QuerySet, **extra: Any
) -> HttpResponse:
    return render(
        request,
        "catalogue/browse.html",
        {"obj": heading_obj, "kind": kind, "page": _page(request, items), **extra},
    )


@require_GET
def theme_detail(request: HttpRequest, code: str) -> HttpResponse:
    """The published services of one theme."""
    theme = _get_or_404(selectors.theme_get, code=code)
    items = selectors.published_item_list(theme=code)
    return _browse(request, heading_obj=theme, kind="theme", items=items)


@require_GET
def life_event_detail(request: HttpRequest, code: str) -> HttpResponse:
    """The published services of one life event."""
    event = _get_or_404(selectors.life_event_get, code=code)
    items = selectors.published_item_list(life_event=code)
    joint_services = joint_service_list_published(life_event=code)
    return _browse(
        request, heading_obj=event, kind="life_event", items=items, joint_services=joint_services
    )


@require_GET
def department_detail(request: HttpRequest, code: str) -> HttpResponse:
    """The published services implemented by one department."""
    department = _get_or_404(selectors.department_get_with_services, code=code)
    items = selectors.published_item_list(department=code)
    return _browse(request, heading_obj=department, kind="department", items=items)


def _guide(
    request: HttpRequest, item: ServiceItem, version: ServiceItemVersion, *, is_current: bool
) -> HttpResponse:
    return render(
        request,
        "catalogue/item_detail.html",
        {
            "item": item,
            "version": version,
            "is_current": is_current,
            "can_apply": bool(version.form_schema) and version.is_online and is_current,
        },
    )


@require_GET
def item_detail(request: HttpRequest, code: str) -> HttpResponse:
    """The full service guide of the current published version."""
    item = _get_or_404(selectors.item_get_published, code=code)
    return _guide(request, item, item.current_version, is_current=True)


@require_GET
def item_pdf(request: HttpRequest, code: str) -> HttpResponse:
    """The printable service guide as a PDF."""
    item = _get_or_404(selectors.item_get_published, code=code)
    response = HttpResponse(guide_pdf(item.current_version), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="guide-{slugify(item.code)}.pdf"'
    return response


@require_GET
def version_list(request: HttpRequest, code: str) -> HttpResponse:
    """The public version history (published and superseded versions) of a service."""
    item = _get_or_404(selectors.item_get_published, code=code)
    versions = selectors.version_list(item=item)
    return render(request, "catalogue/version_list.html", {"item": item, "versions": versions})


@require_GET
def version_detail(request: HttpRequest, code: str, number: int) -> HttpResponse:
    """One public version of a service guide (drafts are never shown)."""
    item = _get_or_404(selectors.item_get_published, code=code)
    version = _get_or_404(selectors.version_get_public, item=item, number=number)
    return _guide(request, item, version, is_current=version.pk == item.current_version_id)


def _download(code: str, material_id: Any, field: str) -> FileResponse:
    material = _get_or_404(selectors.material_get_public, item_code=code, material_id=material_id)
    file = getattr(material, field)
    if not file:
        raise Http404(_("This material has no file to download."))
    try:
        handle = file.open("rb")
    except FileNotFoundError as exc:
        raise Http404(_("This material has no file to download.")) from exc
    return FileResponse(handle, as_attachment=True, filename=file.name.rsplit("/", 1)[-1])


@require_GET
def material_template(request: HttpRequest, code: str, material_id: Any) -> FileResponse:
    """Download the blank template of a required material."""
    return _download(code, material_id, "template")


@require_GET
def material_example(request: HttpRequest, code: str, material_id: Any) -> FileResponse:
    """Download the filled-in example of a required material."""
    return _download(code, material_id, "example")


def _summary(form: SchemaForm) -> list[tuple[str, str]]:
    rows = []
    for name, field in form.fields.items():
        value = form.cleaned_data.get(name)
        if value is None or value == "":
            shown = _("(not given)")
        elif isinstance(field, forms.BooleanField):
            shown = _("Yes") if value else _("No")
        elif isinstance(field, forms.ChoiceField):
            shown = str(dict(field.choices).get(value, value))
        else:
            shown = str(value)
        rows.append((str(field.label), shown))
    return rows


@require_http_methods(["GET", "POST"])
def apply(request: HttpRequest, code: str) -> HttpResponse:
    """Online application: logged-in users go to the case system's application page.

    Anonymous visitors may try the form here (POST validates it; nothing is stored) and are
    asked to log in to submit.
    """
    item = _get_or_404(selectors.item_get_published, code=code)
    version = item.current_version
    if not (version.is_online and version.form_schema):
        raise Http404(_("This service cannot be applied for online."))
    if request.user.is_authenticated:
        # Logged-in applicants fill in the real application (drafts, files, submission).
        return redirect("cases:apply", code=item.code)
    language = get_language() or "zh-hans"
    data = request.POST if request.method == "POST" else None
    form = schema_to_form(version.form_schema, data=data, language=language)
    english = language.startswith("en")
    schema = version.form_schema
    title = (schema.get("title_en") if english else None) or schema.get("title") or ""
    context: dict[str, Any] = {"item": item, "version": version, "form": form, "title": title}
    if request.method == "POST" and form.is_valid():
        context["summary"] = _summary(form)
        return render(request, "catalogue/apply_done.html", context)
    return render(request, "catalogue/apply.html", context)
