from django.urls import path

from . import exports, views

app_name = "activities"

urlpatterns = [
    path("activities/", views.activity_list, name="list"),
    path("activities/new/", views.activity_new, name="new"),
    path("activities/export.xlsx", exports.activity_export, name="export"),
    path("activities/<int:pk>/", views.activity_detail, name="detail"),
    path("activities/<int:pk>/edit/", views.activity_edit, name="edit"),
    path("activities/<int:pk>/record/", views.activity_record, name="record"),
    path("activities/<int:pk>/photos/", views.activity_photos, name="photos"),
    path("activities/<int:pk>/photos/<int:photo_id>/", views.activity_photo, name="photo"),
    path("activities/<int:pk>/photos/<int:photo_id>/delete/", views.activity_photo_delete, name="photo_delete"),
]
