from django.urls import path

from ecity.portal import views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("interact/", views.interact, name="interact"),
]
