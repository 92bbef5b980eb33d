"""Needs surveys: questions and versions, household codes, and answers from every channel."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.utils import timezone

from xinju.consultation import answers, services
from xinju.consultation.models import (
    Channel,
    HouseholdCode,
    Response,
    Submission,
    SubmissionState,
    SurveyStatus,
)
from xinju.core.exceptions import (
    Conflict,
    IllegalTransition,
    InvalidInput,
    NotFound,
    PermissionDenied,
)
from xinju.renewal import services as renewal

pytestmark = pytest.mark.django_db


@pytest.fixture
def project(world):
    batch = renewal.open_batch(actor=None, district=world.district, year=2025, target_households=50)
    return renewal.add_estate(actor=None, batch=batch, estate=world.e1)


@pytest.fixture
def worker(world):
    return world.users["community"][0]


@pytest.fixture
def survey(project, worker):
    """An open survey of e1: consent (required), the renewal menu (rank up to 2 of 3), a
    rating, and a free-text question shown only to those who do not consent."""
    survey = services.create_survey(actor=worker, project=project, title="洪科小区改造需求调查")
    services.add_question(
        actor=worker,
        survey=survey,
        key="consent",
        kind="consent",
        text="同意改造吗？",
        required=True,
    )
    services.add_question(
        actor=worker,
        survey=survey,
        key="menu",
        kind="menu",
        text="最需要改造的项目",
        choices=["sewers", "lifts", "play-area"],
        max_ranked=2,
    )
    services.add_question(
        actor=worker,
        survey=survey,
        key="why",
        kind="text",
        text="为什么不同意？",
        show_if={"question": "consent", "equals": False},
    )
    return services.open_survey(
        actor=worker, survey=survey, closes_at=timezone.now() + dt.timedelta(days=14)
    )


def _answer(survey, dwelling, values, *, actor=None, channel=Channel.ONLINE, key=None):
    return services.submit_answer(
        actor=actor,
        survey=survey,
        dwelling=dwelling,
        values=values,
        channel=channel,
        client_id=key or uuid.uuid4(),
    )


# --- what a valid answer is ----------------------------------------------------------------


def test_every_problem_of_an_answer_is_named_by_its_question(survey):
    specs = [q.as_spec() for q in survey.questions.all()]
    _cleaned, errors = answers.clean(
        specs, {"menu": ["sewers", "lifts", "play-area"], "nonsense": 1}
    )
    fields = {e["field"]: e["message"] for e in errors}
    assert fields["consent"] == "This question needs an answer."
    assert fields["menu"] == "Rank at most 2 items."
    assert fields["nonsense"] == "There is no such question."


def test_a_question_hidden_by_its_condition_is_not_asked(survey):
    specs = [q.as_spec() for q in survey.questions.all()]
    cleaned, errors = answers.clean(specs, {"consent": "yes", "why": "太吵"})
    assert not errors and cleaned == {"consent": True}
    cleaned, _ = answers.clean(specs, {"consent": "否", "why": " 太吵 "})
    assert cleaned == {"consent": False, "why": "太吵"}


@pytest.mark.parametrize(
    ("kind", "extra", "value", "ok"),
    [
        ("single", {"choices": [{"value": "a"}, {"value": "b"}]}, "a", True),
        ("single", {"choices": [{"value": "a"}, {"value": "b"}]}, "c", False),
        ("multiple", {"choices": ["a", "b"]}, ["a", "b"], True),
        ("multiple", {"choices": ["a", "b"]}, ["a", "a"], False),
        ("rating", {"rating_max": 5}, "5", True),
        ("rating", {"rating_max": 5}, 6, False),
        ("rating", {"rating_max": 5}, "x", False),
        ("consent", {}, "maybe", False),
        ("text", {}, "字" * 2001, False),
    ],
)
def test_each_question_type_checks_its_answer(kind, extra, value, ok):
    spec = {"key": "q", "kind": kind, "required": False, **extra}
    _cleaned, errors = answers.clean([spec], {"q": value})
    assert (not errors) is ok


# --- surveys, questions and versions -------------------------------------------------------


def test_opening_freezes_the_questions_and_a_new_version_copies_them(survey, worker):
    with pytest.raises(IllegalTransition):
        services.add_question(actor=worker, survey=survey, key="x", kind="text", text="?")
    draft = services.new_version(actor=worker, survey=survey)
    assert draft.version == 2 and draft.status == SurveyStatus.DRAFT
    assert [q.key for q in draft.questions.all()] == ["consent", "menu", "why"]
    services.add_question(actor=worker, survey=draft, key="x", kind="text", text="?")
    services.open_survey(actor=worker, survey=draft, closes_at=timezone.now() + dt.timedelta(1))
    survey.refresh_from_db()
    assert survey.status == SurveyStatus.CLOSED  # one version is open at a time


def test_a_menu_offers_catalog_items_only_and_ranks_no_more_than_it_offers(project, worker):
    survey = services.create_survey(actor=worker, project=project, title="t")
    with pytest.raises(InvalidInput) as exc:
        services.add_question(
            actor=worker,
            survey=survey,
            key="m",
            kind="menu",
            text="?",
            choices=["sewers", "golf-course"],
            max_ranked=3,
        )
    fields = {e["field"] for e in exc.value.errors}
    assert fields == {"choices", "max_ranked"} and "golf-course" in exc.value.message


def test_a_survey_opens_with_questions_and_a_closing_time_ahead(project, worker):
    survey = services.create_survey(actor=worker, project=project, title="t")
    with pytest.raises(InvalidInput) as exc:
        services.open_survey(
            actor=worker, survey=survey, closes_at=timezone.now() + dt.timedelta(1)
        )
    assert exc.value.field == "questions"
    services.add_question(actor=worker, survey=survey, key="c", kind="consent", text="?")
    with pytest.raises(InvalidInput) as exc:
        services.open_survey(actor=worker, survey=survey, closes_at=timezone.now())
    assert exc.value.field == "closes_at"


def test_a_grid_worker_does_not_build_surveys(project, world):
    with pytest.raises(PermissionDenied):
        services.create_survey(actor=world.users["grid"][0], project=project, title="t")


# --- household codes -----------------------------------------------------------------------


def test_every_household_gets_one_unambiguous_code_and_a_reissue_revokes_the_old(world, worker):
    assert services.issue_codes(actor=worker, estate=world.e1) == 8
    assert services.issue_codes(actor=worker, estate=world.e1) == 0
    codes = list(HouseholdCode.objects.active().filter(dwelling__estate=world.e1))
    assert len(codes) == 8 and len({c.code for c in codes}) == 8
    assert all(len(c.code) >= 10 and set(c.code) <= set(services.CODE_ALPHABET) for c in codes)
    assert not set("01OIL") & set(services.CODE_ALPHABET)
    old = codes[0]
    new = services.reissue_code(actor=worker, dwelling=old.dwelling)
    old.refresh_from_db()
    assert old.revoked_at is not None and new.code != old.code


# --- answers -------------------------------------------------------------------------------


def test_an_online_answer_counts_and_a_resend_is_the_same_answer(survey, world):
    key = uuid.uuid4()
    first = _answer(survey, world.d1, {"consent": "yes", "menu": ["lifts"]}, key=key)
    again = _answer(survey, world.d1, {"consent": "yes", "menu": ["lifts"]}, key=key)
    assert again.pk == first.pk and Submission.objects.count() == 1
    response = Response.objects.get(survey=survey, dwelling=world.d1)
    assert response.current == first and response.by_household and response.consents is True


def test_a_household_may_revise_and_the_history_stays(survey, world):
    _answer(survey, world.d1, {"consent": "yes"})
    second = _answer(survey, world.d1, {"consent": "no", "why": "担心噪音"})
    assert Response.objects.get(survey=survey, dwelling=world.d1).current == second
    assert Submission.objects.filter(survey=survey, dwelling=world.d1).count() == 2
    assert Response.objects.filter(survey=survey).count() == 1


def test_a_grid_worker_answers_for_households_of_their_grid_only(survey, world):
    insider, neighbour = world.users["grid"]
    _answer(survey, world.d1, {"consent": "yes"}, actor=insider, channel=Channel.DOOR)
    assert Response.objects.get(survey=survey, dwelling=world.d1).channel == Channel.DOOR
    with pytest.raises(NotFound):
        _answer(survey, world.d2, {"consent": "yes"}, actor=neighbour, channel=Channel.DOOR)


def test_a_worker_never_replaces_the_households_own_answer(survey, world):
    _answer(survey, world.d1, {"consent": "no"})
    with pytest.raises(Conflict) as exc:
        _answer(
            survey, world.d1, {"consent": "yes"}, actor=world.users["grid"][0], channel=Channel.DOOR
        )
    assert "answered this survey itself" in exc.value.message
    assert Response.objects.get(survey=survey, dwelling=world.d1).consents is False


def test_the_household_replaces_a_workers_answer(survey, world):
    _answer(
        survey, world.d1, {"consent": "yes"}, actor=world.users["grid"][0], channel=Channel.DOOR
    )
    _answer(survey, world.d1, {"consent": "no"})
    response = Response.objects.get(survey=survey, dwelling=world.d1)
    assert response.by_household and response.consents is False


def test_a_paper_letter_counts_only_after_a_second_worker_checks_it(survey, world, worker):
    typed = _answer(survey, world.d1, {"consent": "yes"}, actor=worker, channel=Channel.PAPER)
    assert typed.state == SubmissionState.UNCHECKED
    assert not Response.objects.filter(survey=survey).exists()
    with pytest.raises(PermissionDenied):
        services.check_paper(actor=worker, submission=typed, agrees=True)
    services.check_paper(actor=world.users["grid"][0], submission=typed, agrees=True)
    assert Response.objects.get(survey=survey, dwelling=world.d1).current == typed
    with pytest.raises(Conflict):
        services.check_paper(actor=world.users["grid"][0], submission=typed, agrees=True)


def test_a_letter_that_does_not_match_stays_uncounted(survey, world, worker):
    typed = _answer(survey, world.d1, {"consent": "yes"}, actor=worker, channel=Channel.PAPER)
    services.check_paper(actor=world.users["grid"][0], submission=typed, agrees=False)
    assert not Response.objects.filter(survey=survey).exists()


def test_a_closed_survey_takes_no_answer_and_a_bad_answer_writes_nothing(survey, world, worker):
    with pytest.raises(InvalidInput) as exc:
        _answer(survey, world.d1, {"menu": ["sewers", "lifts", "play-area"]})
    assert {e["field"] for e in exc.value.errors} == {"consent", "menu"}
    services.close_survey(actor=worker, survey=survey)
    with pytest.raises(IllegalTransition):
        _answer(survey, world.d1, {"consent": "yes"})
    assert not Submission.objects.exists()


def test_a_household_of_another_compound_cannot_answer(survey, world):
    with pytest.raises(NotFound):
        _answer(survey, world.d9, {"consent": "yes"})
