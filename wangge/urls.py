from django.urls import include, path

from wangge.api import api
from wangge.web.admin_site import admin_site

urlpatterns = [
    path("api/v1/", api.urls),
    path("admin/", admin_site.urls),
    path("open311/v2/", include("wangge.open311.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("ledger/", include("wangge.ledger.urls")),
    path("", include("wangge.cases.urls")),
    path("", include("wangge.visits.urls")),
    path("", include("wangge.stats.urls")),
    path("", include("wangge.maps.urls")),
    path("", include("wangge.partners.urls")),
    path("", include("wangge.volunteers.urls")),
    path("", include("wangge.activities.urls")),
    path("", include("wangge.projects.urls")),
    path("", include("wangge.web.urls")),
]
