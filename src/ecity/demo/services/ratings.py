"""Ratings (好差评) in the demo city: a few decided cases of 李娜 and 王芳, rated through the
cases services, so the rating, rectification, supervision and ranking pages show data.

Each case goes through the services as in the browser (submission, acceptance, reviews,
decision), then its applicant rates it and the staff act (answer, appeal). Added once: when
李娜 and 王芳 have no case yet.
"""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile

from ecity.cases import services as case_services
from ecity.cases.models import Case, CaseTask, Rating
from ecity.cases.selectors.materials import material_key, materials_of
from ecity.core.events import events_deliver
from ecity.demo import selectors
from ecity.demo.blank_forms import blank_form_pdf
from ecity.demo.data import ratings as data
from ecity.demo.data import regions
from ecity.identity.models import User
from ecity.identity.selectors import acting_identity


def _handler(task: CaseTask) -> User:
    user = selectors.staff_member_for(task=task)
    if user is None:
        raise LookupError(f"no demo staff for {task.role} in {task.department}")
    return user


def _decided_case(applicant: User, entry: data.DemoRating, clerk: User) -> Case | None:
    version = selectors.current_version(item_code=entry.item_code)
    if version is None:
        return None
    department = version.item.department.name_zh
    files = {
        material_key(material): SimpleUploadedFile(
            f"material-{index + 1}.pdf",
            blank_form_pdf(
                title=f"{material.name_zh}（示例材料）",
                department=department,
                fields=["示例"],
                city=regions.REGIONS[0][1],
            ),
            content_type="application/pdf",
        )
        for index, material in enumerate(materials_of(version))
        if material.is_mandatory
    }
    case = case_services.case_submit(
        actor=applicant,
        session_identity=acting_identity(user=applicant, session={}),
        service_version=version,
        form_data=entry.form_data,
        attachments=files,
    )
    case = case_services.case_accept(actor=clerk, case=case, note="材料齐全，予以受理。")
    for task in selectors.open_tasks(case=case, kind=CaseTask.Kind.REVIEW):
        case_services.task_complete(
            actor=_handler(task),
            task=task,
            outcome=CaseTask.Outcome.APPROVE,
            opinion="经审查，符合许可条件。",
        )
    approve = entry.decision == "approve"
    for task in selectors.open_tasks(case=case, kind=CaseTask.Kind.DECIDE):
        case_services.case_decide(
            actor=_handler(task),
            task=task,
            outcome=CaseTask.Outcome.APPROVE if approve else CaseTask.Outcome.REJECT,
            decision_text="准予许可。"
            if approve
            else "经现场核查，经营场所不符合卫生要求，不予许可。",
        )
    case.refresh_from_db()
    return case


def _follow_up(entry: data.DemoRating, rating: Rating, applicant: User) -> None:
    rectification = rating.rectification
    staff = selectors.staff_member_for(task=rectification)
    if staff is None:
        return
    if entry.follow_up == "resolved":
        case_services.rectification_answer(actor=staff, rating=rating, answer=entry.answer)
        case_services.rectification_confirm(
            actor=applicant, rating=rating, is_resolved=True, comment="已解决，谢谢。"
        )
    elif entry.follow_up == "appealed":
        case_services.rating_appeal_file(actor=staff, rating=rating, reason=entry.appeal_reason)


def demo_ratings_ensure() -> int:
    """Add the demo ratings (and their decided cases) once; return how many were added.

    Nothing happens when 李娜 or 王芳 is missing or already has a case. Runs inside
    ``demo_approval_ensure``'s transaction, after the processes exist.
    """
    applicants = {u.username: u for u in User.objects.filter(username__in=["lina", "wangfang"])}
    if len(applicants) < 2 or Case.objects.filter(applicant__in=applicants.values()).exists():
        return 0
    clerk = User.objects.get(username="clerk_zwb")
    added = 0
    for entry in data.DEMO_RATINGS:
        applicant = applicants[entry.applicant]
        case = _decided_case(applicant, entry, clerk)
        if case is None:
            continue
        rating = case_services.rating_submit(
            actor=applicant, case=case, level=entry.level, comment=entry.comment
        )
        added += 1
        if entry.follow_up in ("resolved", "appealed"):
            _follow_up(entry, rating, applicant)
    # The decision documents and certificates follow from case.decided (see approval.py).
    events_deliver()
    return added
