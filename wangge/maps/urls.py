from django.urls import path, re_path

from . import views

app_name = "maps"

AREA = r"^maps/(?P<code>\d{6}(?:\d{3}){0,3})/"

urlpatterns = [
    path("maps/", views.map_home, name="home"),
    re_path(AREA + r"$", views.area_map, name="area"),
    re_path(AREA + r"boundaries\.geojson$", views.boundaries, name="boundaries"),
    re_path(AREA + r"cases\.geojson$", views.open_cases, name="cases"),
    re_path(AREA + r"heat\.geojson$", views.case_heat, name="heat"),
    re_path(AREA + r"buildings\.geojson$", views.buildings, name="buildings"),
    re_path(AREA + r"service-points\.geojson$", views.service_points, name="points"),
    re_path(AREA + r"gaps\.geojson$", views.service_gaps, name="gaps"),
]
