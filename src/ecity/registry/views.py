"""Pages of the registry: public metadata (data elements, code lists), a citizen's own record
with their disputes (异议), and a department's data quality for its data administrator."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from ecity.core.errors import ApplicationError, NotFound, PermissionDenied
from ecity.core.forms import add_application_error
from ecity.identity.models import User
from ecity.org.models import Department
from ecity.registry.attributes import PERSON_ATTRIBUTES
from ecity.registry.forms import DisputeForm
from ecity.registry.selectors import metadata as selectors
from ecity.registry.selectors.disputes import own_disputes, record_disputes_open
from ecity.registry.selectors.quality import department_quality
from ecity.registry.selectors.records import person_own_get, record_attributes
from ecity.registry.services.disputes import dispute_raise

ELEMENTS_PER_PAGE = 50
CODES_PER_PAGE = 100


def _actor(request: HttpRequest) -> User | None:
    user = request.user
    return user if isinstance(user, User) and user.is_authenticated else None


@require_GET
def data_element_list(request: HttpRequest) -> HttpResponse:
    """The data elements (in force and withdrawn; drafts for maintainers), searchable."""
    query = request.GET.get("q", "").strip()[:100]
    elements = selectors.data_element_list(actor=_actor(request), query=query)
    page = Paginator(elements, ELEMENTS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "registry/data_element_list.html", {"page": page, "query": query})


@require_GET
def data_element_detail(request: HttpRequest, identifier: str) -> HttpResponse:
    """One data element with its value domain and authoritative department."""
    try:
        element = selectors.data_element_visible_get(actor=_actor(request), identifier=identifier)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    return render(request, "registry/data_element_detail.html", {"element": element})


@require_GET
def code_list_list(request: HttpRequest) -> HttpResponse:
    """Every code list with its standard and number of codes."""
    return render(
        request, "registry/code_list_list.html", {"code_lists": selectors.code_list_list()}
    )


@require_GET
def code_list_detail(request: HttpRequest, identifier: str) -> HttpResponse:
    """The codes of one code list, in order, with their validity."""
    try:
        code_list = selectors.code_list_get(identifier=identifier)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    values = selectors.code_value_list(code_list=code_list)
    page = Paginator(values, CODES_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "registry/code_list_detail.html", {"code_list": code_list, "page": page})


@login_required
@require_http_methods(["GET", "POST"])
def my_record(request: HttpRequest) -> HttpResponse:
    """The citizen's own person record, its open disputes, and a form to dispute a value."""
    person = person_own_get(actor=request.user)
    if person is None:
        return render(request, "registry/my_record.html", {"person": None})
    provenance = record_attributes(record=person)
    open_disputes = {d.attribute: d for d in record_disputes_open(record=person)}
    rows = [
        {
            "name": name,
            "label": spec.label,
            "value": spec.to_text(getattr(person, name)),
            "provenance": provenance.get(name),
            "dispute": open_disputes.get(name),
        }
        for name, spec in PERSON_ATTRIBUTES.items()
    ]
    disputable = [name for name in PERSON_ATTRIBUTES if name not in open_disputes]
    form = DisputeForm(request.POST or None, attributes=disputable)
    if request.method == "POST" and form.is_valid():
        try:
            dispute = dispute_raise(
                actor=request.user,
                department=None,
                record=person,
                attribute=form.cleaned_data["attribute"],
                proposed_value=form.cleaned_data["proposed_value"],
                reason=form.cleaned_data["reason"],
            )
        except ApplicationError as error:
            add_application_error(form, error)
        else:
            messages.success(
                request,
                _("Your dispute was sent to %(department)s, who answer by %(date)s.")
                % {"department": dispute.authority.name, "date": dispute.due_on.isoformat()},
            )
            return redirect("registry:my_record")
    return render(
        request,
        "registry/my_record.html",
        {
            "person": person,
            "rows": rows,
            "form": form,
            "disputes": own_disputes(actor=request.user)[:20],
        },
    )


@login_required
@require_GET
def quality(request: HttpRequest, code: str) -> HttpResponse:
    """A department's data quality, for its data administrator."""
    department = get_object_or_404(Department, code=code)
    try:
        report = department_quality(actor=request.user, department=department)
    except PermissionDenied as exc:
        raise DjangoPermissionDenied(exc.message) from exc
    return render(request, "registry/quality.html", {"report": report})
