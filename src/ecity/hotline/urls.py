"""Hotline pages, mounted at /hotline/ (with /en/ for English)."""

from django.urls import path

from ecity.hotline.views import (
    categories,
    citizen,
    console,
    dispatch,
    handling,
    handling_callbacks,
    supervision,
)
from ecity.hotline.views import hotspots as hotspots_views
from ecity.hotline.views import knowledge as knowledge_views
from ecity.hotline.views import public as public_views

app_name = "hotline"
urlpatterns = [
    # Intake: the agent console, the dispatcher's queue, the citizen's pages.
    path("console/", console.console, name="console"),
    path("console/caller-history/", console.caller_history, name="caller_history"),
    path("dispatch/", dispatch.queue, name="dispatch"),
    path("dispatch/<str:number>/", dispatch.dispatch_ticket, name="dispatch_ticket"),
    path("dispatch/<str:number>/merge/", dispatch.merge_ticket, name="merge_ticket"),
    path("new/", citizen.new, name="new"),
    path("mine/", citizen.mine, name="mine"),
    path("mine/<str:number>/", citizen.mine_detail, name="mine_detail"),
    path("query/", citizen.query, name="query"),
    # Handling: the department's worklist, the hotline centre's supervision, callbacks.
    path("work/", handling.work_index, name="work"),
    path("work/<str:number>/", handling.work_ticket, name="work_ticket"),
    path("supervision/", supervision.supervision_index, name="supervision"),
    path("supervision/callbacks/", supervision.callback_tasks, name="callback_tasks"),
    path("supervision/<str:number>/", supervision.supervision_ticket, name="supervision_ticket"),
    # Reference data of the hotline centre: the category tree and the time limits.
    path("categories/", categories.category_list, name="categories"),
    path("categories/new/", categories.category_create, name="category_create"),
    path("categories/<uuid:public_id>/", categories.category_edit, name="category_edit"),
    path(
        "categories/<uuid:public_id>/<slug:action>/",
        categories.category_action,
        name="category_action",
    ),
    path("limits/", categories.limit_list, name="limits"),
    path("limits/<slug:urgency>/<slug:kind>/", categories.limit_edit, name="limit_edit"),
    path("rate/<str:number>/", handling_callbacks.rate, name="rate"),
    path("callback/<str:token>/", handling_callbacks.questionnaire, name="questionnaire"),
    # Knowledge base (知识库): public pages, the agent's search partial, staff pages.
    path("knowledge/", knowledge_views.public_index, name="knowledge"),
    path(
        "knowledge/category/<str:code>/",
        knowledge_views.public_category,
        name="knowledge_category",
    ),
    path(
        "knowledge/articles/<uuid:public_id>/",
        knowledge_views.public_detail,
        name="knowledge_article",
    ),
    path("knowledge/search/", knowledge_views.knowledge_search, name="knowledge_search"),
    path("knowledge/staff/", knowledge_views.staff_list, name="knowledge_staff_list"),
    path("knowledge/staff/new/", knowledge_views.staff_create, name="knowledge_staff_create"),
    path(
        "knowledge/staff/<uuid:public_id>/",
        knowledge_views.staff_detail,
        name="knowledge_staff_detail",
    ),
    path(
        "knowledge/staff/<uuid:public_id>/edit/",
        knowledge_views.staff_edit,
        name="knowledge_staff_edit",
    ),
    path(
        "knowledge/staff/<uuid:public_id>/<slug:action>/",
        knowledge_views.staff_action,
        name="knowledge_staff_action",
    ),
    path("knowledge/propose/<str:number>/", knowledge_views.propose, name="knowledge_propose"),
    # Statistics (统计分析): trends and hotspots, department measures, the weekly report.
    path("hotspots/", hotspots_views.hotspots_index, name="hotspots"),
    path("measures/", hotspots_views.measures_index, name="measures"),
    path("reports/weekly/", hotspots_views.weekly_report, name="weekly_report"),
    path(
        "reports/weekly/<slug:fmt>/",
        hotspots_views.weekly_report_download,
        name="weekly_report_download",
    ),
    # Published tickets (工单公开): the public list and page, the dispatcher's publication page.
    path("public/", public_views.public_list, name="public"),
    path("public/<uuid:public_id>/", public_views.public_detail, name="public_ticket"),
    path("publication/<str:number>/", public_views.publication, name="publication"),
]
