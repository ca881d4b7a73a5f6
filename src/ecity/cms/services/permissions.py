"""Wagtail groups and page permissions synchronised from org's staff roles, per department.

For each department with a sub-site: a group of content editors and one of content reviewers
(members: the active ``content_editor`` / ``content_reviewer`` staff roles held in the
department), page permissions on the department's sub-site subtree only, a collection for its
attachments, and a moderation workflow whose approval task belongs to the reviewers.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _
from wagtail.models import (
    Collection,
    GroupApprovalTask,
    GroupCollectionPermission,
    GroupPagePermission,
    Workflow,
    WorkflowPage,
    WorkflowTask,
)

from ecity.audit.services import audit_record
from ecity.cms.models import DepartmentSitePage
from ecity.core.accounts import Account
from ecity.core.errors import PermissionDenied
from ecity.identity.models import User
from ecity.org.models import Department, StaffRole
from ecity.org.selectors import is_platform_admin, user_has_role

EDITOR_PAGE_PERMISSIONS = ("add_page", "change_page", "lock_page", "unlock_page")
REVIEWER_PAGE_PERMISSIONS = (*EDITOR_PAGE_PERMISSIONS, "publish_page")
DOCUMENT_PERMISSIONS = ("add_attachment", "change_attachment", "choose_document")


def group_name(*, department: Department, role: str) -> str:
    """The Wagtail group of ``role`` in ``department`` ("cms:<code>:content_editor")."""
    return f"cms:{department.code}:{role}"


def _permission(app_label: str, codename: str) -> Permission:
    return Permission.objects.get(content_type__app_label=app_label, codename=codename)


def _collection_for(department: Department) -> Collection:
    root = Collection.get_first_root_node()
    name = f"{department.code} · {department.name_zh}"[:255]
    existing = root.get_children().filter(name__startswith=f"{department.code} · ").first()
    if existing is not None:
        return existing
    return root.add_child(name=name)


def _workflow_for(department: Department, reviewers: Group, site: DepartmentSitePage) -> Workflow:
    # Editors read the name on the button (提交给示范市市场监督管理局内容审核): the department's
    # name, kept current; the workflow is found through the sub-site, not by its name.
    with translation.override(settings.LANGUAGE_CODE):  # stored: the city's language
        name = _("%(department)s content review") % {"department": department.name_zh}
    link = WorkflowPage.objects.filter(page=site).select_related("workflow").first()
    workflow = link.workflow if link is not None else Workflow.objects.create(name=name)
    if workflow.name != name or not workflow.active:
        workflow.name, workflow.active = name, True
        workflow.save(update_fields=["name", "active"])
    step = WorkflowTask.objects.filter(workflow=workflow).order_by("sort_order").first()
    task = step.task.specific if step is not None else GroupApprovalTask.objects.create(name=name)
    if task.name != name:
        task.name = name
        task.save(update_fields=["name"])
    task.groups.set([reviewers])
    if step is None:
        WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=0)
    WorkflowPage.objects.update_or_create(page=site, defaults={"workflow": workflow})
    return workflow


def _sync_group(group: Group, *, department: Department, role: str) -> list[str]:
    holders = User.objects.filter(
        staff_roles__department=department,
        staff_roles__role=role,
        staff_roles__is_active=True,
        is_active=True,
    ).distinct()
    group.user_set.set(holders)
    return sorted(str(u.public_id) for u in holders)


@transaction.atomic
def department_permissions_sync(
    *, actor: Account | None, department: Department
) -> dict[str, list[str]]:
    """Bring the department's Wagtail groups, page permissions and workflow in line with org.

    Rules: the actor is a platform administrator or the department's administrator (None: the
    periodic job). The department must have a sub-site. Editors may add and change pages in the
    sub-site's subtree only; reviewers may also publish; both use the department's collection.
    Pages in the subtree go through the department's review workflow. Idempotent.
    Side effects: a ``cms.permissions_synced`` audit entry. Errors: ``PermissionDenied``.
    Returns the public IDs of the members of each group.
    """
    if actor is not None and not (
        is_platform_admin(user=actor)
        or user_has_role(user=actor, role=StaffRole.Role.DEPARTMENT_ADMIN, department=department)
    ):
        raise PermissionDenied(_("Only this department's administrator can do this."))
    site = DepartmentSitePage.objects.filter(department=department).first()
    if site is None:
        return {}
    access_admin = _permission("wagtailadmin", "access_admin")
    collection = _collection_for(department)
    members: dict[str, list[str]] = {}
    groups: dict[str, Group] = {}
    for role, page_perms in (
        (StaffRole.Role.CONTENT_EDITOR, EDITOR_PAGE_PERMISSIONS),
        (StaffRole.Role.CONTENT_REVIEWER, REVIEWER_PAGE_PERMISSIONS),
    ):
        group, _created = Group.objects.get_or_create(
            name=group_name(department=department, role=role)
        )
        groups[role] = group
        group.permissions.add(access_admin)
        wanted = {_permission("wagtailcore", codename) for codename in page_perms}
        GroupPagePermission.objects.filter(group=group).exclude(
            page=site, permission__in=wanted
        ).delete()
        for permission in wanted:
            GroupPagePermission.objects.get_or_create(group=group, page=site, permission=permission)
        for codename in DOCUMENT_PERMISSIONS:
            GroupCollectionPermission.objects.get_or_create(
                group=group, collection=collection, permission=_permission("cms", codename)
            )
        members[role] = _sync_group(group, department=department, role=role)
    _workflow_for(department, groups[StaffRole.Role.CONTENT_REVIEWER], site)
    audit_record(
        actor=actor,
        action="cms.permissions_synced",
        obj=department,
        system="" if actor is not None else "cms",
        data={"department": department.code, **{k: len(v) for k, v in members.items()}},
    )
    return members


def permissions_sync_all() -> int:
    """Synchronise every department that has a sub-site (the periodic job); return how many."""
    departments = Department.objects.filter(cms_site__isnull=False)
    count = 0
    for department in departments:
        department_permissions_sync(actor=None, department=department)
        count += 1
    return count
