from django.urls import path

from . import exports, views

app_name = "visits"

urlpatterns = [
    path("visits/", views.visit_list, name="list"),
    path("visits/export.xlsx", exports.visit_export, name="export"),
    path("visits/today/", views.today, name="today"),
    path("visits/new/", views.new, name="new"),
    path("visits/care/", views.care, name="care"),
    path("visits/coverage/", views.coverage, name="coverage"),
    path("visits/blind-spots/", views.blind_spots, name="blind_spots"),
    path("visits/plans/", views.plan_list, name="plans"),
    path("visits/plans/new/", views.plan_new, name="plan_new"),
    path("visits/plans/<int:pk>/active/", views.plan_toggle, name="plan_toggle"),
    path("visits/<int:pk>/", views.visit_detail, name="detail"),
]
