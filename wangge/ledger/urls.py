from django.urls import path

from . import views

app_name = "ledger"

urlpatterns = [
    path("", views.index, name="index"),
    path("upload/", views.upload, name="upload"),
    path("imports/<int:pk>/", views.detail, name="detail"),
    path("imports/<int:pk>/progress.json", views.progress, name="progress"),
    path("imports/<int:pk>/commit/", views.commit, name="commit"),
    path("imports/<int:pk>/errors.xlsx", views.error_sheet, name="error_sheet"),
    path("imports/<int:pk>/undo/", views.undo, name="undo"),
    path("templates/<str:kind>.xlsx", views.template, name="template"),
    path("export/", views.export, name="export"),
]
