from django.urls import path

from ecity.cases.api import joint as joint_api
from ecity.cases.api import joint_drafts as joint_drafts_api
from ecity.cases.api import submission as submission_api
from ecity.cases.api import workbench as workbench_api

app_name = "cases-api"
urlpatterns: list = []

# workbench (staff) and supervision
urlpatterns += [
    path("workbench/queues/<slug:name>/", workbench_api.QueueApi.as_view(), name="workbench-queue"),
    path(
        "workbench/cases/<str:number>/",
        workbench_api.StaffCaseApi.as_view(),
        name="workbench-case",
    ),
    *[
        path(
            f"workbench/tasks/<uuid:public_id>/{action}/",
            api.as_view(),
            name=f"workbench-task-{action}",
        )
        for action, api in workbench_api.TASK_ACTION_APIS.items()
    ],
    *[
        path(
            f"workbench/cases/<str:number>/{action}/",
            api.as_view(),
            name=f"workbench-case-{action}",
        )
        for action, api in workbench_api.CASE_ACTION_APIS.items()
    ],
    path(
        "supervision/cases/",
        workbench_api.SupervisionCasesApi.as_view(),
        name="supervision-cases",
    ),
    path(
        "supervision/performance/",
        workbench_api.SupervisionPerformanceApi.as_view(),
        name="supervision-performance",
    ),
]

# submission (applicant and public API)
urlpatterns += [
    path("applications/", submission_api.ApplicationSubmitApi.as_view(), name="application-submit"),
    path("my/", submission_api.MyCaseListApi.as_view(), name="my-case-list"),
    path("my/<str:number>/", submission_api.MyCaseDetailApi.as_view(), name="my-case-detail"),
    path(
        "my/<str:number>/correction/",
        submission_api.MyCaseCorrectionApi.as_view(),
        name="my-case-correction",
    ),
    path(
        "my/<str:number>/rating/", submission_api.MyCaseRatingApi.as_view(), name="my-case-rating"
    ),
    path("lookup/", submission_api.CaseLookupApi.as_view(), name="case-lookup"),
    path("results/", submission_api.ResultListApi.as_view(), name="result-list"),
]

# joint applications (一件事一次办)
urlpatterns += [
    path(
        "joint-applications/",
        joint_api.JointApplicationSubmitApi.as_view(),
        name="joint-application-submit",
    ),
    path(
        "joint-applications/check/",
        joint_drafts_api.JointApplicationCheckApi.as_view(),
        name="joint-application-check",
    ),
    path(
        "joint-applications/drafts/",
        joint_drafts_api.JointDraftListApi.as_view(),
        name="joint-draft-list",
    ),
    path(
        "joint-applications/drafts/<slug:code>/",
        joint_drafts_api.JointDraftApi.as_view(),
        name="joint-draft",
    ),
    path(
        "joint-applications/mine/",
        joint_api.MyJointApplicationListApi.as_view(),
        name="my-joint-application-list",
    ),
    path(
        "joint-applications/<str:number>/",
        joint_api.MyJointApplicationProgressApi.as_view(),
        name="my-joint-application-progress",
    ),
]
