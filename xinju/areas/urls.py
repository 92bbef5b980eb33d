from django.urls import path

from . import views

app_name = "areas"
urlpatterns = [
    path("", views.home, name="home"),
    path("subdistricts/<int:pk>/", views.subdistrict_detail, name="subdistrict"),
    path("communities/<int:pk>/", views.community_detail, name="community"),
    path("grids/<int:pk>/", views.grid_detail, name="grid"),
    path("compounds/", views.estate_list, name="estates"),
    path("compounds/<int:pk>/", views.estate_detail, name="estate"),
    path("buildings/<int:pk>/", views.building_detail, name="building"),
    path("households/", views.dwelling_list, name="dwellings"),
    path("households/<int:pk>/", views.dwelling_detail, name="dwelling"),
    path("export/", views.export, name="export"),
    path("export/<uuid:pk>/", views.export_job, name="export-job"),
    path("export/<uuid:pk>/download/", views.export_download, name="export-download"),
    path("import/", views.import_upload, name="import"),
    path("import/template.xlsx", views.import_template, name="import-template"),
    path("import/<uuid:pk>/", views.import_job, name="import-job"),
]
