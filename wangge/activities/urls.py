from django.urls import path

from . import exports, views

app_name = "activities"

urlpatterns = [
    path("activities/", views.activity_list, name="list"),
    path("activities/export.xlsx", exports.activity_export, name="export"),
]
