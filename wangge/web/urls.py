from django.contrib.auth import views as auth_views
from django.urls import path, re_path

from . import export_tasks, export_views, resident_export, views

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("areas/", views.area_list, name="area_list"),
    re_path(r"^areas/(?P<code>\d{6}(?:\d{3}){0,3})/$", views.area_detail, name="area_detail"),
    path("households/<int:pk>/", views.household_detail, name="household_detail"),
    path("residents/", views.resident_search, name="resident_search"),
    path("residents/export.xlsx", resident_export.resident_export, name="resident_export"),
    path("residents/<int:pk>/", views.resident_detail, name="resident_detail"),
    path("residents/<int:pk>/reveal/", views.resident_reveal, name="resident_reveal"),
    path("privacy/access-log/", views.access_log_page, name="access_log"),
    path("feedback/", views.feedback, name="feedback"),
    re_path(rf"^exports/(?P<token>{export_tasks.TOKEN_PATTERN})/$", export_views.export_progress,
            name="export_progress"),
    re_path(rf"^exports/(?P<token>{export_tasks.TOKEN_PATTERN})/progress\.json$", export_views.export_progress_json,
            name="export_progress_json"),
    re_path(rf"^exports/(?P<token>{export_tasks.TOKEN_PATTERN})/download$", export_views.export_download,
            name="export_download"),
]
