"""The hotline centre's reference data pages: the category tree (诉求分类) and the time limits
(时限) by kind and urgency (thin views over services/selectors; dispatchers of the centre and
platform administrators only)."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ecity.core.errors import ApplicationError, NotFound, PermissionDenied
from ecity.core.forms import add_application_error
from ecity.core.views import view_permission
from ecity.hotline.models import Category, TicketKind, Urgency
from ecity.hotline.selectors import categories as selectors
from ecity.hotline.selectors.limits import limit_table
from ecity.hotline.services import categories as services
from ecity.hotline.services import limits as limit_services
from ecity.hotline.views.categories_forms import CategoryForm, LimitForm

ANY_KIND = "any"  # the URL's word for the any-kind row (kind "")


#: Signed-in dispatchers of the hotline centre (or platform administrators); others 403.
manager_required = view_permission(lambda user: selectors.can_manage_reference_data(actor=user))


# --- categories ---------------------------------------------------------------------------------


@require_GET
@manager_required
def category_list(request: HttpRequest) -> HttpResponse:
    """The category tree with each category's department, flags and open tickets."""
    return render(request, "hotline/categories/list.html", {"rows": selectors.category_tree_rows()})


@require_http_methods(["GET", "POST"])
@manager_required
def category_create(request: HttpRequest) -> HttpResponse:
    """Add a category (``?parent=<public id>`` preselects the parent)."""
    initial = {"parent": request.GET.get("parent", "")}
    form = CategoryForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            category = services.category_create(
                actor=request.user, code=form.cleaned_data["code"], data=form.category_data()
            )
        except (PermissionDenied, NotFound):
            raise
        except ApplicationError as error:
            add_application_error(form, error)
        else:
            messages.success(
                request, _("The category “%(name)s” was added.") % {"name": category.name}
            )
            return redirect("hotline:categories")
    return render(request, "hotline/categories/form.html", {"form": form, "category": None})


@require_http_methods(["GET", "POST"])
@manager_required
def category_edit(request: HttpRequest, public_id: str) -> HttpResponse:
    """Edit a category's names, parent, usual department, local flag and order; and offer
    deactivation, reactivation or deletion."""
    category = get_object_or_404(Category.objects.select_related("parent"), public_id=public_id)
    initial = {
        "name_zh": category.name_zh,
        "name_en": category.name_en,
        "parent": str(category.parent.public_id) if category.parent else "",
        "department": category.department_id,
        "local": category.local,
        "sort_order": category.sort_order,
        "description": category.description,
    }
    form = CategoryForm(request.POST or None, initial=initial, category=category)
    if request.method == "POST" and form.is_valid():
        try:
            services.category_update(
                actor=request.user, category=category, data=form.category_data()
            )
        except (PermissionDenied, NotFound):
            raise
        except ApplicationError as error:
            add_application_error(form, error)
        else:
            messages.success(request, _("The category was saved."))
            return redirect("hotline:categories")
    return render(
        request,
        "hotline/categories/form.html",
        {
            "form": form,
            "category": category,
            "open_tickets": selectors.category_open_tickets(category),
            "delete_blocker": services.category_delete_blocker(category),
        },
    )


@require_POST
@manager_required
def category_action(request: HttpRequest, public_id: str, action: str) -> HttpResponse:
    """Deactivate, reactivate or delete a category (POST), then show the tree again."""
    category = get_object_or_404(Category, public_id=public_id)
    name = category.name
    try:
        if action == "deactivate":
            count = services.category_deactivate(actor=request.user, category=category)
            done = _("“%(name)s” is no longer offered at intake (%(count)d categories).") % {
                "name": name,
                "count": count,
            }
        elif action == "reactivate":
            services.category_reactivate(actor=request.user, category=category)
            done = _("“%(name)s” is offered at intake again.") % {"name": name}
        elif action == "delete":
            services.category_delete(actor=request.user, category=category)
            done = _("“%(name)s” was deleted.") % {"name": name}
        else:
            raise Http404
    except (PermissionDenied, NotFound):
        raise
    except ApplicationError as error:
        messages.error(request, error.message)
        return redirect("hotline:category_edit", public_id=category.public_id)
    messages.success(request, done)
    return redirect("hotline:categories")


# --- time limits --------------------------------------------------------------------------------


@require_GET
@manager_required
def limit_list(request: HttpRequest) -> HttpResponse:
    """The limits table: kind × urgency → sign for within, answer within."""
    return render(
        request,
        "hotline/limits/list.html",
        {"lines": limit_table(), "urgencies": Urgency.choices},
    )


@require_http_methods(["GET", "POST"])
@manager_required
def limit_edit(request: HttpRequest, urgency: str, kind: str) -> HttpResponse:
    """Edit the limit of one kind (``any`` = every kind without its own) and urgency, or remove
    a kind's own limit (``action=remove``)."""
    stored_kind = "" if kind == ANY_KIND else kind
    if urgency not in Urgency.values or (stored_kind and stored_kind not in TicketKind.values):
        raise Http404
    cell = next(
        c
        for line in limit_table()
        if line.kind == stored_kind
        for c in line.cells
        if c.urgency == urgency
    )
    if request.method == "POST" and request.POST.get("action") == "remove":
        try:
            limit_services.limit_remove(actor=request.user, kind=stored_kind, urgency=urgency)
        except (PermissionDenied, NotFound):
            raise
        except ApplicationError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("The kind's own limit was removed."))
        return redirect("hotline:limits")
    initial = {
        "sign_within": cell.sign_within,
        "sign_unit": cell.sign_unit,
        "answer_within": cell.answer_within,
        "answer_unit": cell.answer_unit,
    }
    form = LimitForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            limit_services.limit_set(
                actor=request.user, kind=stored_kind, urgency=urgency, **form.cleaned_data
            )
        except (PermissionDenied, NotFound):
            raise
        except ApplicationError as error:
            add_application_error(form, error)
        else:
            messages.success(
                request, _("The limit was saved. It applies to tickets dispatched from now on.")
            )
            return redirect("hotline:limits")
    return render(
        request,
        "hotline/limits/form.html",
        {
            "form": form,
            "cell": cell,
            "kind_label": TicketKind(stored_kind).label if stored_kind else _("Any kind"),
            "urgency_label": Urgency(urgency).label,
        },
    )
