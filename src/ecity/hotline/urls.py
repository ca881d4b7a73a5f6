"""Hotline pages, mounted at /hotline/ (with /en/ for English)."""

from django.urls import path

from ecity.hotline.views import knowledge as knowledge_views

app_name = "hotline"
urlpatterns: list = []

# knowledge base (知识库): public pages, the agent's search partial, staff pages
urlpatterns += [
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
]
