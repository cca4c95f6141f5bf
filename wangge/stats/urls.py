from django.urls import path

from . import views

app_name = "stats"

urlpatterns = [
    path("stats/", views.dashboard_home, name="home"),
    path("stats/<str:code>/", views.dashboard, name="dashboard"),
    path("stats/<str:code>/export.xlsx", views.export_xlsx, name="export"),
]
