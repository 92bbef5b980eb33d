"""A person's page: the dwellings they hold title to and live in, within the user's scope."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from xinju.areas import selectors

from .permissions import PiiPolicy


@login_required
@require_GET
def person_detail(request: HttpRequest, pk: int) -> HttpResponse:
    person = selectors.person_for(request.user, pk)
    places = selectors.person_dwellings(request.user, person)
    dwelling_ids = [d.pk for d in places["owned"] + places["lives"]]
    # Personal data shows in full if a role that needs it reaches any of the person's homes.
    pii = PiiPolicy(request.user, dwelling_ids)
    return render(
        request,
        "people/person.html",
        {
            "person": person,
            "owned": places["owned"],
            "lives": places["lives"],
            "phone": pii.phone(person.phone, dwelling_ids, person=person.pk),
            "id_number": pii.id_number(person.id_number, dwelling_ids, person=person.pk),
        },
    )
