"""Hotline pages, mounted at /hotline/ (with /en/ for English)."""

from django.urls import path

from ecity.hotline.views import citizen, console, dispatch

app_name = "hotline"
urlpatterns = [
    path("console/", console.console, name="console"),
    path("console/caller-history/", console.caller_history, name="caller_history"),
    path("dispatch/", dispatch.queue, name="dispatch"),
    path("dispatch/<str:number>/", dispatch.dispatch_ticket, name="dispatch_ticket"),
    path("new/", citizen.new, name="new"),
    path("mine/", citizen.mine, name="mine"),
    path("mine/<str:number>/", citizen.mine_detail, name="mine_detail"),
    path("query/", citizen.query, name="query"),
]
