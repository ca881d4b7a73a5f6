from django.urls import path

from ecity.portal import personal, views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("interact/", views.interact, name="interact"),
    path("me/", personal.me, name="me"),
]
