from django.urls import path

from . import briefing_views, course_views, views

app_name = "stats"

urlpatterns = [
    path("stats/", views.dashboard_home, name="home"),
    path("stats/<str:code>/", views.dashboard, name="dashboard"),
    path("stats/<str:code>/export.xlsx", views.export_xlsx, name="export"),
    # The monthly briefing and training courses (briefing_views, course_views).
    path("briefing/", briefing_views.briefing_home, name="briefing_home"),
    path("stats/<str:code>/briefing/", briefing_views.briefing_page, name="briefing"),
    path("stats/<str:code>/briefing/<str:month>.docx", briefing_views.briefing_docx, name="briefing_docx"),
    path("stats/<str:code>/briefing/<str:month>.doc", briefing_views.briefing_doc, name="briefing_doc"),
    path("stats/<str:code>/briefing/<str:month>.pdf", briefing_views.briefing_pdf, name="briefing_pdf"),
    path("courses/", course_views.course_list, name="courses"),
    path("courses/new/", course_views.course_new, name="course_new"),
    path("courses/<int:pk>/", course_views.course_detail, name="course"),
]
