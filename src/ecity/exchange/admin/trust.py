"""Admin pages of the data exchange (staff only): parties, message log, refusals, federation.

Members and subsystems change only through their services (called from the forms' ``clean``,
so that a refused change re-displays the form with the service's field messages, and from the
actions). The message log, the refusals and the federated instances are read-only: nobody
edits or deletes a log record here.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from oauth2_provider.models import AbstractApplication, get_application_model

from ecity.audit.selectors import is_auditor
from ecity.core.errors import ApplicationError
from ecity.core.forms import add_application_error
from ecity.exchange import selectors, services
from ecity.exchange.identifiers import local_instance
from ecity.exchange.message_log import REFUSALS_PARTITION
from ecity.exchange.models import Member, MessageLogRecord, Refusal, RemoteInstance, Subsystem
from ecity.org import selectors as org_selectors
from ecity.org.models import StaffRole


def _is_platform_admin(request: HttpRequest) -> bool:
    return bool(request.user.is_staff) and org_selectors.is_platform_admin(user=request.user)


def _manages_some_department(request: HttpRequest) -> bool:
    if not request.user.is_staff:
        return False
    return (
        org_selectors.is_platform_admin(user=request.user)
        or org_selectors.departments_where(
            user=request.user, role=StaffRole.Role.DEPARTMENT_ADMIN
        ).exists()
    )


def _report(request: HttpRequest, error: ApplicationError, label: str) -> None:
    details = "; ".join(f"{name}: {' '.join(msgs)}" for name, msgs in error.fields.items())
    messages.error(request, f"{label}: {error.message}" + (f" ({details})" if details else ""))


def _each(request: HttpRequest, queryset: QuerySet[Any], act: Callable[[Any], object]) -> int:
    done = 0
    for obj in queryset:
        try:
            act(obj)
            done += 1
        except ApplicationError as error:
            _report(request, error, str(obj))
    return done


class _ServiceForm(forms.ModelForm):
    """A model form that hands its data to a service (set by the admin) once it is valid.

    The service runs after the form's own validation (``_post_clean``), so a form that is
    re-displayed with errors never leaves a half-done write behind.
    """

    service: Callable[[dict[str, Any]], Any] | None = None
    saved: Any = None

    def _post_clean(self) -> None:
        super()._post_clean()  # type: ignore[misc]
        if self.errors or self.service is None:
            return
        try:
            self.saved = self.service(self.cleaned_data)
        except ApplicationError as error:
            add_application_error(self, error)


@admin.register(Member)
class MemberAdmin(admin.ModelAdmin):
    list_display = ["identifier", "name", "department", "is_enabled"]
    list_filter = ["instance", "member_class", "is_enabled"]
    search_fields = ["code", "name"]
    list_select_related = ["department"]
    actions = ["enable_members", "disable_members"]

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is None:
            return ["member_class", "code", "name", "department"]
        return ["instance", "member_class", "code", "name", "department", "is_enabled"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is None:
            return []
        if obj.instance != local_instance():
            return self.get_fields(request, obj)
        return ["instance", "member_class", "code", "is_enabled"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Member]:
        return selectors.member_list(actor=request.user)  # type: ignore[arg-type]

    def get_form(
        self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any
    ) -> Any:
        kwargs["form"] = _ServiceForm
        form_class = super().get_form(request, obj, change=change, **kwargs)
        actor = request.user

        def save(data: dict[str, Any]) -> Member:
            if obj is None:
                return services.member_register(
                    actor=actor,  # type: ignore[arg-type]
                    member_class=data["member_class"],
                    code=data["code"],
                    name=data["name"],
                    department=data.get("department"),
                )
            return services.member_update(
                actor=actor,  # type: ignore[arg-type]
                member=obj,
                name=data["name"],
                department=data.get("department"),
            )

        form_class.service = staticmethod(save)  # type: ignore[attr-defined]
        return form_class

    def save_model(self, request: HttpRequest, obj: Member, form: Any, change: bool) -> None:
        saved = form.saved
        obj.pk, obj.public_id, obj._state.adding = saved.pk, saved.public_id, False

    def has_module_permission(self, request: HttpRequest) -> bool:
        return _manages_some_department(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _manages_some_department(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return _is_platform_admin(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _is_platform_admin(request) and (obj is None or obj.instance == local_instance())

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.action(description=_("Enable the selected members"), permissions=["change"])
    def enable_members(self, request: HttpRequest, queryset: QuerySet[Member]) -> None:
        done = _each(
            request,
            queryset,
            lambda m: services.member_enable(actor=request.user, member=m),  # type: ignore[arg-type]
        )
        self.message_user(
            request, ngettext("%d member enabled.", "%d members enabled.", done) % done
        )

    @admin.action(description=_("Disable the selected members"), permissions=["change"])
    def disable_members(self, request: HttpRequest, queryset: QuerySet[Member]) -> None:
        done = _each(
            request,
            queryset,
            lambda m: services.member_disable(actor=request.user, member=m),  # type: ignore[arg-type]
        )
        self.message_user(
            request, ngettext("%d member disabled.", "%d members disabled.", done) % done
        )


@admin.register(Subsystem)
class SubsystemAdmin(admin.ModelAdmin):
    list_display = ["identifier", "name", "log_level", "is_enabled", "contact"]
    list_filter = ["member__instance", "log_level", "is_enabled"]
    search_fields = ["identifier", "name"]
    actions = ["rotate_keys", "enable_subsystems", "disable_subsystems"]

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is None:
            return ["member", "code", "name", "application", "log_level", "contact"]
        return [
            "identifier",
            "name",
            "application",
            "log_level",
            "contact",
            "is_enabled",
        ]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is not None and obj.member.instance != local_instance():
            return self.get_fields(request, obj)
        return ["identifier"] if obj is not None else []

    def get_queryset(self, request: HttpRequest) -> QuerySet[Subsystem]:
        return selectors.subsystem_list(actor=request.user)  # type: ignore[arg-type]

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "member":
            kwargs["queryset"] = selectors.member_list(
                actor=request.user,  # type: ignore[arg-type]
                instance=local_instance(),
            ).filter(is_enabled=True)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_dbfield(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "application":
            departments = org_selectors.departments_where(
                user=request.user, role=StaffRole.Role.DEPARTMENT_ADMIN
            )
            kwargs["queryset"] = get_application_model().objects.filter(
                authorization_grant_type=AbstractApplication.GRANT_CLIENT_CREDENTIALS,
                ecity_policy__department__in=departments,
            )
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def get_form(
        self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any
    ) -> Any:
        kwargs["form"] = _ServiceForm
        form_class = super().get_form(request, obj, change=change, **kwargs)
        actor = request.user

        def save(data: dict[str, Any]) -> Subsystem:
            if obj is None:
                return services.subsystem_register(
                    actor=actor,  # type: ignore[arg-type]
                    member=data["member"],
                    code=data["code"],
                    name=data["name"],
                    application=data.get("application"),
                    log_level=data["log_level"],
                    contact=data.get("contact", ""),
                )
            application = data.get("application")
            return services.subsystem_update(
                actor=actor,  # type: ignore[arg-type]
                subsystem=obj,
                name=data["name"],
                log_level=data["log_level"],
                contact=data.get("contact", ""),
                is_enabled=data["is_enabled"],
                application=application,
                unbind_application=application is None,
            )

        form_class.service = staticmethod(save)  # type: ignore[attr-defined]
        return form_class

    def save_model(self, request: HttpRequest, obj: Subsystem, form: Any, change: bool) -> None:
        saved = form.saved
        obj.pk, obj.public_id, obj._state.adding = saved.pk, saved.public_id, False
        obj.identifier = saved.identifier

    def has_module_permission(self, request: HttpRequest) -> bool:
        return _manages_some_department(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _manages_some_department(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return _manages_some_department(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if not _manages_some_department(request):
            return False
        return obj is None or (
            obj.member.instance == local_instance()
            and selectors.can_manage_subsystems(
                actor=request.user,  # type: ignore[arg-type]
                department=obj.member.department,
            )
        )

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.action(
        description=_("Rotate the signing keys of the selected subsystems"),
        permissions=["change"],
    )
    def rotate_keys(self, request: HttpRequest, queryset: QuerySet[Subsystem]) -> None:
        done = _each(
            request,
            queryset,
            lambda s: services.subsystem_key_rotate(actor=request.user, subsystem=s),  # type: ignore[arg-type]
        )
        self.message_user(
            request, ngettext("%d signing key rotated.", "%d signing keys rotated.", done) % done
        )

    @admin.action(description=_("Enable the selected subsystems"), permissions=["change"])
    def enable_subsystems(self, request: HttpRequest, queryset: QuerySet[Subsystem]) -> None:
        done = _each(
            request,
            queryset,
            lambda s: services.subsystem_update(
                actor=request.user,  # type: ignore[arg-type]
                subsystem=s,
                is_enabled=True,
            ),
        )
        self.message_user(
            request, ngettext("%d subsystem enabled.", "%d subsystems enabled.", done) % done
        )

    @admin.action(description=_("Disable the selected subsystems"), permissions=["change"])
    def disable_subsystems(self, request: HttpRequest, queryset: QuerySet[Subsystem]) -> None:
        done = _each(
            request,
            queryset,
            lambda s: services.subsystem_update(
                actor=request.user,  # type: ignore[arg-type]
                subsystem=s,
                is_enabled=False,
            ),
        )
        self.message_user(
            request, ngettext("%d subsystem disabled.", "%d subsystems disabled.", done) % done
        )


class _ReadOnlyAdmin(admin.ModelAdmin):
    """Seen by platform administrators and auditors; never added, changed or deleted here."""

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [f.name for f in self.model._meta.fields]

    def has_module_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.is_staff) and (
            org_selectors.is_platform_admin(user=request.user) or is_auditor(user=request.user)
        )

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.has_module_permission(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_actions(self, request: HttpRequest) -> dict:
        return {}


@admin.register(MessageLogRecord)
class MessageLogRecordAdmin(_ReadOnlyAdmin):
    list_display = ["partition", "seq", "kind", "message_id", "sender", "target", "logged_at"]
    list_filter = ["kind", "partition", "sender"]
    search_fields = ["=message_id", "=partition", "=sender", "target"]
    date_hierarchy = "logged_at"
    show_full_result_count = False

    def get_queryset(self, request: HttpRequest) -> QuerySet[MessageLogRecord]:
        return super().get_queryset(request).exclude(partition=REFUSALS_PARTITION)


@admin.register(Refusal)
class RefusalAdmin(_ReadOnlyAdmin):
    list_display = ["seq", "logged_at", "code", "claimed_sender", "target", "message_id"]
    search_fields = ["=message_id", "target"]
    date_hierarchy = "logged_at"
    show_full_result_count = False

    def get_queryset(self, request: HttpRequest) -> QuerySet[Refusal]:
        return super().get_queryset(request).filter(partition=REFUSALS_PARTITION)

    @admin.display(description=_("error code"))
    def code(self, obj: Refusal) -> str:
        return str(obj.detail.get("code", ""))

    @admin.display(description=_("claimed sender"))
    def claimed_sender(self, obj: Refusal) -> str:
        return str(obj.detail.get("claimed_sender", ""))


@admin.register(RemoteInstance)
class RemoteInstanceAdmin(_ReadOnlyAdmin):
    list_display = ["code", "gateway_url", "node_kid", "config_generated_at", "imported_at"]
