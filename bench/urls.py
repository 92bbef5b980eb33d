"""The project's URLs plus a trivial view: the baseline the page timings are compared with.

Used through override_settings(ROOT_URLCONF="bench.urls") in the page benchmark only.
"""

from django.http import HttpRequest, HttpResponse
from django.urls import include, path


def ok(request: HttpRequest) -> HttpResponse:
    # Touches neither the session nor the database: the cost of the middleware stack alone.
    return HttpResponse("ok")


urlpatterns = [
    path("__bench__/ok/", ok, name="bench-ok"),
    path("", include("config.urls")),
]

handler404 = "xinju.core.views.not_found"
handler500 = "xinju.core.views.server_error"
