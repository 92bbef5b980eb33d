"""Middleware of the project.

Language: Simplified Chinese unless the user chose otherwise with the switch.

Django's LocaleMiddleware would follow the browser's Accept-Language header; a district's
staff often use browsers set to English, yet the platform speaks Chinese by default. Only
the language cookie (set by the switch in the navigation bar) changes it.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.core.handlers.exception import response_for_exception
from django.http import Http404, HttpRequest, HttpResponse
from django.middleware.locale import LocaleMiddleware
from django.utils import translation

from .exceptions import NotFound


class ChosenLanguageMiddleware(LocaleMiddleware):
    def process_request(self, request: HttpRequest) -> None:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        supported = {code for code, _name in settings.LANGUAGES}
        language = chosen if chosen in supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


class NotFoundMiddleware:
    """A selector's NotFound (missing, or outside the user's scope) is the page's 404.

    Selectors raise the domain's NotFound so that pages, the API and commands share them; on a
    page it must look exactly like any other missing page.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, NotFound):
            return response_for_exception(request, Http404(str(exception)))
        return None
