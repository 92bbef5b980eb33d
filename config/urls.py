from django.contrib import admin
from django.urls import include, path

from .api import api

urlpatterns = [
    path("", include("xinju.cockpit.urls")),
    path("accounts/", include("xinju.accounts.urls")),
    path("register/", include("xinju.areas.urls")),
    path("people/", include("xinju.people.urls")),
    path("renewal/", include("xinju.renewal.urls")),
    path("audit/", include("xinju.core.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
]

handler404 = "xinju.core.views.not_found"
handler500 = "xinju.core.views.server_error"
