from django.urls import path

from ecity.portal import search_views, views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("interact/", views.interact, name="interact"),
    path("search/", search_views.search, name="search"),
]
