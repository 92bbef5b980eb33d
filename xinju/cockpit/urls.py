from django.urls import path

from . import views

app_name = "cockpit"
urlpatterns = [
    path("", views.home, name="home"),
    path("cockpit/", views.dashboard, name="dashboard"),
    path("cockpit/statistics.xlsx", views.statistics_xlsx, name="statistics"),
    path("cockpit/report.pdf", views.monthly_pdf, name="report"),
    path("gongshi/", views.public_programme, name="public"),
    path("gongshi/<int:pk>/", views.public_project, name="public-project"),
]
