"""HTML pages of the case system: applicant pages and the staff workbench."""

from django.urls import path, register_converter

from ecity.cases.views import applicant as applicant_views
from ecity.cases.views import joint as joint_views
from ecity.cases.views import public as public_views
from ecity.cases.views import ratings as rating_views
from ecity.cases.views import supervision as supervision_views
from ecity.cases.views import workbench as workbench_views

app_name = "cases"
urlpatterns: list = []


# submission (applicant and public pages). A case number looks like 2026-SCJ-000123; the
# converter keeps "<number>/" from swallowing other one-segment paths such as "workbench/".
class CaseNumberConverter:
    regex = r"[0-9]{4}-[A-Za-z0-9_.-]+-[0-9]{6,}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(CaseNumberConverter, "casenumber")

urlpatterns += [
    path("", applicant_views.my_cases, name="my_cases"),
    path("apply/<str:code>/", applicant_views.apply, name="apply"),
    path("apply/<str:code>/check/", applicant_views.apply_check, name="apply_check"),
    path("counter/apply/<str:code>/", applicant_views.counter_apply, name="counter_apply"),
    path("lookup/", public_views.lookup, name="lookup"),
    path("results/", public_views.results, name="results"),
    path(
        "decisions/<uuid:public_id>/pdf",
        applicant_views.decision_download,
        name="decision_pdf",
    ),
    path(
        "drafts/attachments/<uuid:public_id>/",
        applicant_views.draft_attachment_download,
        name="draft_attachment_download",
    ),
    path("<casenumber:number>/", applicant_views.case_detail, name="detail"),
    path("<casenumber:number>/submitted/", applicant_views.submitted, name="submitted"),
    path("<casenumber:number>/receipt/", applicant_views.receipt, name="receipt"),
    path("<casenumber:number>/correction/", applicant_views.correction, name="correction"),
    path("<casenumber:number>/withdraw/", applicant_views.withdraw, name="withdraw"),
    path(
        "<casenumber:number>/attachments/<uuid:public_id>/",
        applicant_views.attachment_download,
        name="attachment_download",
    ),
]

# joint applications (一件事一次办): apply once, one progress page, one result bundle
urlpatterns += [
    path("joint/", joint_views.joint_list, name="joint_list"),
    path("joint/apply/<slug:code>/", joint_views.joint_apply, name="joint_apply"),
    path("joint/lookup/", joint_views.joint_lookup, name="joint_lookup"),
    path("joint/<str:number>/", joint_views.joint_detail, name="joint_detail"),
    path("joint/<str:number>/submitted/", joint_views.joint_submitted, name="joint_submitted"),
    path("joint/<str:number>/receipt/", joint_views.joint_receipt, name="joint_receipt"),
    path("counter/joint/<slug:code>/", joint_views.joint_counter_apply, name="joint_counter_apply"),
    path("joint/<str:number>/results.zip", joint_views.joint_results, name="joint_results"),
]

# workbench (staff queues and case handling) and supervision
urlpatterns += [
    path("workbench/", workbench_views.workbench, name="workbench"),
    path(
        "workbench/tasks/<uuid:public_id>/claim/",
        workbench_views.task_claim,
        name="workbench_task_claim",
    ),
    path(
        "workbench/tasks/<uuid:public_id>/release/",
        workbench_views.task_release,
        name="workbench_task_release",
    ),
    path("workbench/<str:number>/", workbench_views.case_detail, name="workbench_case"),
    path(
        "workbench/<str:number>/applicant-record/",
        workbench_views.applicant_record,
        name="workbench_applicant_record",
    ),
    path(
        "workbench/<str:number>/references/<uuid:public_id>/",
        workbench_views.material_reference,
        name="workbench_material_reference",
    ),
    path(
        "workbench/<str:number>/<slug:action>/",
        workbench_views.case_action,
        name="workbench_action",
    ),
    path("supervision/", supervision_views.supervision, name="supervision"),
    path("supervision/<str:number>/urge/", supervision_views.urge, name="supervision_urge"),
]

# ratings (好差评): the rater, the counter's rating device, rectification and appeals, rankings
urlpatterns += [
    path("<casenumber:number>/rating/", rating_views.rate, name="rate"),
    path("<casenumber:number>/rating/confirm/", rating_views.rating_confirm, name="rating_confirm"),
    path("rate/thanks/", rating_views.rating_thanks, name="rating_thanks"),
    path("rate/<slug:token>/", rating_views.rate_with_token, name="rate_with_token"),
    path("rankings/", rating_views.rankings, name="rankings"),
    path("ratings/", rating_views.rectification_queue, name="rectifications"),
    path("ratings/counter/<casenumber:number>/", rating_views.counter_start, name="rating_counter"),
    path("ratings/<uuid:public_id>/", rating_views.rating_staff, name="rating_staff"),
    path(
        "ratings/<uuid:public_id>/<slug:action>/",
        rating_views.rating_staff_action,
        name="rating_staff_action",
    ),
]
