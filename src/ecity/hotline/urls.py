"""Hotline pages, mounted at /hotline/ (with /en/ for English)."""

from django.urls import path

from ecity.hotline.views import handling, handling_callbacks, supervision

app_name = "hotline"
urlpatterns: list = []

# --- handling, supervision and callbacks (h-handling) ---
urlpatterns += [
    path("work/", handling.work_index, name="work"),
    path("work/<str:number>/", handling.work_ticket, name="work_ticket"),
    path("supervision/", supervision.supervision_index, name="supervision"),
    path("supervision/callbacks/", supervision.callback_tasks, name="callback_tasks"),
    path("supervision/<str:number>/", supervision.supervision_ticket, name="supervision_ticket"),
    path("rate/<str:number>/", handling_callbacks.rate, name="rate"),
]
