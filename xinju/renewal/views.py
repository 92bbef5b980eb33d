"""Pages of the renewal programme: batches, projects, the catalog, and the compound's tab.

Views parse, call a selector or a service, and render. The project page carries every form a
planner needs; each form posts to its own small view, which calls one service and comes back
to the page with a message naming the field when the service refuses.
"""

from __future__ import annotations

import math
import uuid
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from xinju.areas import selectors as areas
from xinju.areas.models import Estate
from xinju.core.exceptions import DomainError
from xinju.core.views import paginate, render_page

from . import eligibility, permissions, rules, selectors, services
from .forms import (
    AddEstateForm,
    BatchForm,
    FundingForm,
    ItemForm,
    MoveForm,
    OrganisationsForm,
    PhotoForm,
    PlanForm,
    ProjectFilterForm,
    ReportForm,
)
from .models import TRANSITIONS, FundingStatus, Project, Stage


def _error_text(exc: DomainError, form: Any = None) -> str:
    """The service's message, with the field's label in front when the form has that field."""
    errors = exc.errors
    texts = [str(e["message"]) for e in errors] or [str(exc.message)]
    field = exc.field
    if form is not None and field in getattr(form, "fields", {}):
        return f"{form.fields[field].label}: " + " ".join(texts)
    return " ".join(texts)


def _form_errors(form: Any) -> str:
    return " ".join(
        f"{form.fields[name].label if name in form.fields else ''}: {' '.join(errs)}".lstrip(": ")
        for name, errs in form.errors.items()
    )


# --- programme and batches -----------------------------------------------------------------


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """The programme year by year, as far as the user's scope reaches."""
    user = request.user
    scope = selectors.projects(user)
    return render(
        request,
        "renewal/home.html",
        {
            "years": selectors.by_year(user, scope),
            "totals": selectors.totals(scope),
            "can_open": permissions.can_open_batch(user),
            "form": BatchForm(),
        },
    )


@login_required
@require_POST
def batch_new(request: HttpRequest) -> HttpResponse:
    user = request.user
    district = selectors.hq_district(user)
    if not permissions.can_open_batch(user) or district is None:
        raise Http404
    form = BatchForm(request.POST)
    if not form.is_valid():
        messages.error(request, _form_errors(form))
        return redirect("renewal:home")
    try:
        batch = services.open_batch(actor=user, district=district, **form.cleaned_data)
    except DomainError as exc:
        messages.error(request, _error_text(exc, form))
        return redirect("renewal:home")
    messages.success(request, _("The batch is open. Add its compounds."))
    return redirect("renewal:batch", pk=batch.pk)


@login_required
@require_GET
def batch_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    batch = selectors.batch_for(user, pk)
    scope = selectors.projects(user, selectors.ProjectFilters(batch=batch.pk))
    can_plan = permissions.can_plan_batch(user, batch)
    return render(
        request,
        "renewal/batch.html",
        {
            "batch": batch,
            "totals": selectors.totals(scope),
            "late_built": eligibility.late_built_households(batch),
            # The most households that fit: the cap itself may be a fraction (15% of 1,001).
            "late_built_cap": math.floor(rules.late_built_cap(batch.target_households)),
            "page_obj": paginate(request, scope),
            "can_plan": can_plan,
            "add_form": AddEstateForm(),
            "edit_form": BatchForm(
                initial={
                    "year": batch.year,
                    "name": batch.name,
                    "target_estates": batch.target_estates,
                    "target_households": batch.target_households,
                    "consent_numerator": batch.consent_numerator,
                    "consent_denominator": batch.consent_denominator,
                    "note": batch.note,
                }
            ),
            "candidates": selectors.candidates(user, batch) if can_plan else [],
        },
    )


@login_required
@require_POST
def batch_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    batch = selectors.batch_for(user, pk)
    form = BatchForm(request.POST)
    if not form.is_valid():
        messages.error(request, _form_errors(form))
        return redirect("renewal:batch", pk=batch.pk)
    data = form.cleaned_data
    data.pop("year")
    try:
        services.change_batch(actor=user, batch=batch, **data)
    except DomainError as exc:
        messages.error(request, _error_text(exc, form))
    else:
        messages.success(request, _("The batch is changed."))
    return redirect("renewal:batch", pk=batch.pk)


def _find_estate(user: Any, text: str) -> tuple[Estate | None, list[Estate]]:
    """The compound named by its code (as the suggestions give it) or by its name; several
    compounds of that name in different communities: none, and the candidates."""
    text = text.strip()
    qs = areas.estates(user)
    by_code = qs.filter(code=text.split(" ", 1)[0]).first()
    if by_code is not None:
        return by_code, []
    named = list(qs.filter(name=text).select_related("community")[:10])
    return (named[0], []) if len(named) == 1 else (None, named)


@login_required
@require_POST
def batch_add(request: HttpRequest, pk: int) -> HttpResponse:
    """Add a compound to the batch; every eligibility problem is shown at once."""
    user = request.user
    batch = selectors.batch_for(user, pk)
    form = AddEstateForm(request.POST)
    if not form.is_valid():
        messages.error(request, _form_errors(form))
        return redirect("renewal:batch", pk=batch.pk)
    estate, namesakes = _find_estate(user, form.cleaned_data["estate"])
    if namesakes:
        messages.error(
            request,
            _("Compound: several compounds are called “%(text)s”; give its code: %(codes)s")
            % {
                "text": form.cleaned_data["estate"],
                "codes": "、".join(f"{e.code}（{e.community.name}）" for e in namesakes),
            },
        )
        return redirect("renewal:batch", pk=batch.pk)
    if estate is None:
        messages.error(
            request,
            _("Compound: no compound you can see has the code or name “%(text)s”.")
            % {"text": form.cleaned_data["estate"]},
        )
        return redirect("renewal:batch", pk=batch.pk)
    try:
        project = services.add_estate(
            actor=user, batch=batch, estate=estate, note=form.cleaned_data["note"]
        )
    except DomainError as exc:
        messages.error(request, _error_text(exc, form))
        return redirect("renewal:batch", pk=batch.pk)
    messages.success(
        request,
        _("%(estate)s joined the batch with %(households)s households.")
        % {"estate": estate.name, "households": project.households},
    )
    return redirect("renewal:batch", pk=batch.pk)


# --- projects ------------------------------------------------------------------------------


@login_required
@require_GET
def project_list(request: HttpRequest) -> HttpResponse:
    """Projects by year, stage, state and place: the list behind every cockpit number."""
    user = request.user
    form = ProjectFilterForm(request.GET or None, user=user)
    scope = selectors.projects(user, form.filters())
    return render_page(
        request,
        "renewal/project_list.html",
        {"form": form, "page_obj": paginate(request, scope), "totals": selectors.totals(scope)},
        partial="results",
    )


@login_required
@require_GET
def project_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    project = selectors.project_for(user, pk)
    detail = selectors.project_detail(project)
    can_plan = permissions.can_plan(user, project)
    can_report = permissions.can_report(user, project) and project.stage == Stage.CONSTRUCTION
    stages = {t["stage"]: t["row"] for t in detail["timeline"]}
    context = {
        "project": project,
        **detail,
        "can_plan": can_plan,
        "can_report": can_report,
        "can_add_photos": permissions.can_add_photos(user, project),
        "next_stages": [(s, Stage(s).label) for s in sorted(TRANSITIONS[project.stage])],
        "funding_moves": {
            FundingStatus.COMMITTED: (FundingStatus.RECEIVED, FundingStatus.RECEIVED.label),
            FundingStatus.RECEIVED: (FundingStatus.SPENT, FundingStatus.SPENT.label),
        },
    }
    if can_plan:
        context.update(
            move_form=MoveForm(initial={"on": timezone.localdate()}),
            plan_form=PlanForm(stages=stages),
            orgs_form=OrganisationsForm(
                user=user,
                initial={"designer": project.designer_id, "contractor": project.contractor_id},
            ),
            item_form=ItemForm(user=user),
            funding_form=FundingForm(initial={"client_id": uuid.uuid4()}),
        )
    if can_report:
        context["report_form"] = ReportForm(
            items=detail["items"],
            initial={"reported_on": timezone.localdate(), "client_id": uuid.uuid4()},
        )
    if context["can_add_photos"]:
        context["photo_form"] = PhotoForm()
    return render(request, "renewal/project.html", context)


def _project_action(
    request: HttpRequest,
    pk: int,
    run: Callable[[Project], Any],
    done: str,
    anchor: str,
    form: Any = None,
) -> HttpResponse:
    project = selectors.project_for(request.user, pk)
    url = reverse("renewal:project", args=[project.pk]) + f"#{anchor}"
    if form is not None and not form.is_valid():
        messages.error(request, _form_errors(form))
        return redirect(url)
    try:
        run(project)
    except DomainError as exc:
        messages.error(request, _error_text(exc, form))
    else:
        messages.success(request, done)
    return redirect(url)


@login_required
@require_POST
def project_move(request: HttpRequest, pk: int) -> HttpResponse:
    form = MoveForm(request.POST)
    return _project_action(
        request,
        pk,
        lambda p: services.move_stage(
            actor=request.user,
            project=p,
            to_stage=form.cleaned_data["to_stage"],
            on=form.cleaned_data["on"],
            note=form.cleaned_data["note"],
        ),
        _("The project moved on."),
        "timeline",
        form,
    )


@login_required
@require_POST
def project_plan(request: HttpRequest, pk: int) -> HttpResponse:
    project = selectors.project_for(request.user, pk)
    form = PlanForm(request.POST, stages={})
    return _project_action(
        request,
        project.pk,
        lambda p: services.plan_stages(actor=request.user, project=p, plans=form.plans()),
        _("The planned dates are saved."),
        "timeline",
        form,
    )


@login_required
@require_POST
def project_orgs(request: HttpRequest, pk: int) -> HttpResponse:
    form = OrganisationsForm(request.POST, user=request.user)
    return _project_action(
        request,
        pk,
        lambda p: services.assign_organisations(
            actor=request.user,
            project=p,
            designer=form.cleaned_data["designer"],
            contractor=form.cleaned_data["contractor"],
        ),
        _("Designer and contractor are saved."),
        "organisations",
        form,
    )


@login_required
@require_POST
def project_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    project = selectors.project_for(user, pk)
    batch_id = project.batch_id
    try:
        services.withdraw_project(
            actor=user, project=project, reason=request.POST.get("reason", "")
        )
    except DomainError as exc:
        messages.error(request, _error_text(exc))
        return redirect("renewal:project", pk=project.pk)
    messages.success(request, _("The compound is withdrawn from the batch."))
    return redirect("renewal:batch", pk=batch_id)


@login_required
@require_POST
def item_add(request: HttpRequest, pk: int) -> HttpResponse:
    form = ItemForm(request.POST, user=request.user)
    return _project_action(
        request,
        pk,
        lambda p: services.add_item(actor=request.user, project=p, **form.cleaned_data),
        _("The item is added."),
        "items",
        form,
    )


@login_required
@require_POST
def item_change(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    def run(project: Project) -> Any:
        item = selectors.item_of(project, item_pk)
        if request.POST.get("remove"):
            return services.remove_item(actor=request.user, item=item)
        return services.change_item(
            actor=request.user,
            item=item,
            quantity=request.POST.get("quantity", ""),
            budget=request.POST.get("budget", ""),
            description=request.POST.get("description", ""),
        )

    return _project_action(request, pk, run, _("The item is saved."), "items")


@login_required
@require_POST
def funding_add(request: HttpRequest, pk: int) -> HttpResponse:
    form = FundingForm(request.POST)
    return _project_action(
        request,
        pk,
        lambda p: services.add_funding(actor=request.user, project=p, **form.cleaned_data),
        _("The funding is recorded."),
        "funding",
        form,
    )


@login_required
@require_POST
def funding_advance(request: HttpRequest, pk: int, line_pk: int) -> HttpResponse:
    return _project_action(
        request,
        pk,
        lambda p: services.advance_funding(
            actor=request.user,
            line=selectors.funding_of(p, line_pk),
            to_status=request.POST.get("status", ""),
        ),
        _("The funding is updated."),
        "funding",
    )


@login_required
@require_POST
def report_add(request: HttpRequest, pk: int) -> HttpResponse:
    project = selectors.project_for(request.user, pk)
    form = ReportForm(request.POST, items=list(project.items.all()))
    return _project_action(
        request,
        project.pk,
        lambda p: services.report_progress(
            actor=request.user,
            project=p,
            reported_on=form.cleaned_data["reported_on"],
            percents=form.percents(),
            note=form.cleaned_data["note"],
            client_id=form.cleaned_data["client_id"],
            photos=request.FILES.getlist("photos"),
        ),
        _("The progress report is recorded."),
        "progress",
        form,
    )


@login_required
@require_POST
def photo_add(request: HttpRequest, pk: int) -> HttpResponse:
    form = PhotoForm(request.POST, request.FILES)
    return _project_action(
        request,
        pk,
        lambda p: services.add_photo(
            actor=request.user,
            project=p,
            upload=form.cleaned_data["photo"],
            kind=form.cleaned_data["kind"],
            caption=form.cleaned_data["caption"],
            spot=form.cleaned_data["spot"],
        ),
        _("The photo is added."),
        "photos",
        form,
    )


@login_required
@require_GET
def photo_file(request: HttpRequest, pk: int, size: str) -> HttpResponse:
    """A photo or its thumbnail, for those who see its project (not a public media URL)."""
    photo = selectors.photo_for(request.user, pk)
    field = photo.thumbnail if size == "thumb" else photo.image
    try:
        handle = field.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(handle, content_type="image/jpeg")
    response["Cache-Control"] = "private, max-age=86400"
    return response


# --- catalog and the compound's tab --------------------------------------------------------


@login_required
@require_GET
def catalog(request: HttpRequest) -> HttpResponse:
    return render(request, "renewal/catalog.html", {"categories": selectors.catalog(request.user)})


def renewal_tab(request: HttpRequest, estate: Estate) -> dict[str, Any]:
    """The compound's renewal: its project's stage and timeline, items and progress, and the
    before and after photos side by side."""
    project = selectors.project_of_estate(request.user, estate)
    if project is None:
        return {"project": None}
    return {"project": project, **selectors.project_detail(project)}
