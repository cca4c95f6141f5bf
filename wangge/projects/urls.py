from django.urls import path

from . import views

app_name = "projects"

urlpatterns = [
    path("projects/", views.project_list, name="list"),
    path("projects/suggestions/", views.suggestions, name="suggestions"),
    path("projects/new/", views.project_new, name="new"),
    path("projects/<int:pk>/", views.project_detail, name="detail"),
    path("projects/<int:pk>/<slug:action>/", views.project_action, name="action"),
]
