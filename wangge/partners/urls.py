from django.urls import path

from . import views

app_name = "partners"

urlpatterns = [
    path("partners/", views.partner_list, name="list"),
    path("partners/new/", views.partner_new, name="new"),
    path("partners/<int:pk>/edit/", views.partner_edit, name="edit"),
    path("partners/<int:pk>/switch/", views.partner_switch, name="switch"),
    path("partners/<int:pk>/members/<slug:action>/", views.partner_member, name="member"),
    path("service-points/", views.point_list, name="points"),
    path("service-points/new/", views.point_new, name="point_new"),
    path("service-points/<int:pk>/edit/", views.point_edit, name="point_edit"),
    path("service-points/<int:pk>/switch/", views.point_switch, name="point_switch"),
    path("service-circle/", views.circle, name="circle"),
]
