from django.urls import path

from ecity.search.api import views

app_name = "search-api"
urlpatterns = [
    path("", views.SearchApi.as_view(), name="search"),
    path("suggest/", views.SuggestApi.as_view(), name="suggest"),
]
