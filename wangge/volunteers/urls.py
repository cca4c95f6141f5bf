from django.urls import path

from . import exports, views

app_name = "volunteers"

urlpatterns = [
    path("volunteers/", views.volunteer_list, name="list"),
    path("volunteers/new/", views.volunteer_new, name="new"),
    path("volunteers/export.xlsx", exports.volunteer_export, name="export"),
    path("volunteers/<int:pk>/", views.volunteer_detail, name="detail"),
    path("volunteers/<int:pk>/edit/", views.volunteer_edit, name="edit"),
    path("volunteers/<int:pk>/register/", views.volunteer_register_switch, name="register_switch"),
    path("volunteers/<int:pk>/certificate.pdf", views.volunteer_certificate, name="certificate"),
    path("volunteers/teams/new/", views.team_new, name="team_new"),
    path("volunteers/teams/<int:pk>/", views.team_edit, name="team"),
    path("tasks/", views.task_list, name="tasks"),
    path("tasks/new/", views.task_new, name="task_new"),
    path("tasks/<int:pk>/", views.task_detail, name="task"),
    path("tasks/<int:pk>/<slug:action>/", views.task_action, name="task_action"),
]
