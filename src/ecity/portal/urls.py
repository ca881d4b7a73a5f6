from django.urls import path

from ecity.portal import personal, search_views, views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("interact/", views.interact, name="interact"),
    path("me/", personal.me, name="me"),
    path("search/", search_views.search, name="search"),
]
