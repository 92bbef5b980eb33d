from django.urls import path

from . import views

app_name = "renewal"
urlpatterns = [
    path("", views.home, name="home"),
    path("catalog/", views.catalog, name="catalog"),
    path("batches/new/", views.batch_new, name="batch-new"),
    path("batches/<int:pk>/", views.batch_detail, name="batch"),
    path("batches/<int:pk>/edit/", views.batch_edit, name="batch-edit"),
    path("batches/<int:pk>/add/", views.batch_add, name="batch-add"),
    path("projects/", views.project_list, name="projects"),
    path("projects/<int:pk>/", views.project_detail, name="project"),
    path("projects/<int:pk>/move/", views.project_move, name="project-move"),
    path("projects/<int:pk>/plan/", views.project_plan, name="project-plan"),
    path("projects/<int:pk>/organisations/", views.project_orgs, name="project-orgs"),
    path("projects/<int:pk>/withdraw/", views.project_withdraw, name="project-withdraw"),
    path("projects/<int:pk>/items/", views.item_add, name="item-add"),
    path("projects/<int:pk>/items/<int:item_pk>/", views.item_change, name="item-change"),
    path("projects/<int:pk>/funding/", views.funding_add, name="funding-add"),
    path("projects/<int:pk>/funding/<int:line_pk>/", views.funding_advance, name="funding-advance"),
    path("projects/<int:pk>/reports/", views.report_add, name="report-add"),
    path("projects/<int:pk>/photos/", views.photo_add, name="photo-add"),
    path("photos/<int:pk>/<str:size>/", views.photo_file, name="photo"),
]
