"""Language: Simplified Chinese unless the user chose otherwise with the switch.

Django's LocaleMiddleware would follow the browser's Accept-Language header; a district's
staff often use browsers set to English, yet the platform speaks Chinese by default. Only
the language cookie (set by the switch in the navigation bar) changes it.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


class ChosenLanguageMiddleware(LocaleMiddleware):
    def process_request(self, request: HttpRequest) -> None:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        supported = {code for code, _name in settings.LANGUAGES}
        language = chosen if chosen in supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
