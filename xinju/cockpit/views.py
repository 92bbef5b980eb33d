"""The front door: a public page for visitors, the register for signed-in users."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("areas:home")
    return render(request, "cockpit/welcome.html")
