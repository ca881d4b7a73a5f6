"""Review and publication of pages: the department's moderation workflow, scheduled runs.

Editors and reviewers normally act in Wagtail's admin, which runs the same Wagtail actions;
these functions are the same acts for ecity's own views, jobs and tests, with ecity's checks.
The audit entries are written by ``receivers`` from Wagtail's log, in the act's transaction.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.models import Page, Revision, WorkflowState

from ecity.core.accounts import Account
from ecity.core.errors import PermissionDenied, ValidationFailed


@transaction.atomic
def page_submit_for_review(*, actor: Account, page: Page) -> WorkflowState:
    """Send the latest draft of ``page`` to its department's review workflow.

    Rules: the actor may edit the page (Wagtail page permissions, synced from org roles); the
    page has a workflow (its sub-site's). Side effects: ``cms.review_submitted`` audit entry.
    Errors: ``PermissionDenied``, ``ValidationFailed``.
    """
    page = page.specific
    if not page.permissions_for_user(actor).can_edit():
        raise PermissionDenied(_("You cannot edit pages of this sub-site."))
    workflow = page.get_workflow()
    if workflow is None:
        raise ValidationFailed(_("This page has no review workflow."))
    if page.workflow_in_progress:
        raise ValidationFailed(_("This page is already being reviewed."))
    if page.latest_revision is None:
        page.save_revision(user=actor)
    return workflow.start(page, actor)


@transaction.atomic
def page_review_decide(*, actor: Account, page: Page, approve: bool, comment: str = "") -> Page:
    """Approve (and so publish) or reject the page's current review task.

    Rules: the actor belongs to the task's reviewer group (Wagtail's task permission); an
    editor cannot approve. Side effects: audit entries ``cms.review_approved`` or
    ``cms.review_rejected`` (and ``cms.page_published`` on the last approval). Errors:
    ``PermissionDenied``, ``ValidationFailed``.
    """
    page = page.specific
    state = page.current_workflow_state
    if state is None or state.current_task_state is None:
        raise ValidationFailed(_("This page is not waiting for review."))
    task_state = state.current_task_state
    task = task_state.task.specific
    actions = {name for name, _label, _modal in task.get_actions(page, actor)}
    action = "approve" if approve else "reject"
    if action not in actions:
        raise PermissionDenied(_("Only the department's content reviewers can decide this."))
    task.on_action(task_state, actor, action, comment=comment)
    page.refresh_from_db()
    return page


def scheduled_pages_run(*, now: dt.datetime | None = None) -> tuple[int, int]:
    """Publish revisions whose go-live time has come and unpublish pages that expired.

    Rules: as Wagtail's ``publish_scheduled`` command: an approved revision with
    ``approved_go_live_at`` at or before ``now`` is published (scheduled by a reviewer's
    publication); a live page with ``expire_at`` at or before ``now`` is unpublished and marked
    expired. Each page in its own transaction. Side effects: audit entries through the log.
    Returns (published, unpublished).
    """
    now = now or timezone.now()
    published = 0
    for revision in Revision.page_revisions.filter(approved_go_live_at__lte=now).order_by("pk"):
        with transaction.atomic():
            revision.publish(log_action="wagtail.publish.scheduled")
            published += 1
    unpublished = 0
    for page in Page.objects.live().filter(expire_at__lte=now).specific():
        with transaction.atomic():
            page.unpublish(set_expired=True, log_action="wagtail.unpublish.scheduled")
            unpublished += 1
    return published, unpublished
