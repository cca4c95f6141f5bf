from django.urls import path

from . import exports, views

app_name = "cases"

urlpatterns = [
    path("cases/", views.case_list, name="list"),
    path("cases/export.xlsx", exports.case_export, name="export"),
    path("cases/new/", views.case_new, name="new"),
    path("cases/<str:number>/", views.case_detail, name="detail"),
    path("cases/<str:number>/photos/<int:photo_id>/", views.case_photo, name="photo"),
    path("cases/<str:number>/<str:action>/", views.case_action, name="action"),
    path("notifications/", views.notification_list, name="notifications"),
    path("notifications/read/", views.notifications_read, name="notifications_read"),
    # No account needed:
    path("report/", views.public_report, name="report"),
    path("report/<str:tracking>/", views.public_reported, name="reported"),
    path("track/", views.public_track_form, name="track_form"),
    path("track/<str:tracking>/", views.public_track, name="track"),
]
