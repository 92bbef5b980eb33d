"""The funnel, the households still to visit, codes, and consent against the batch's rule."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.utils import timezone

from xinju.accounts.models import Role, ScopeKind
from xinju.consultation import selectors, services
from xinju.consultation.models import Channel
from xinju.core.exceptions import NotFound
from xinju.core.testing import factories as f
from xinju.renewal import services as renewal

pytestmark = pytest.mark.django_db


def _survey(world, numerator=2, denominator=3):
    batch = renewal.open_batch(
        actor=None,
        district=world.district,
        year=2025,
        target_households=50,
        consent_numerator=numerator,
        consent_denominator=denominator,
    )
    project = renewal.add_estate(actor=None, batch=batch, estate=world.e1)
    survey = services.create_survey(actor=None, project=project, title="调查")
    services.add_question(actor=None, survey=survey, key="c", kind="consent", text="?")
    return services.open_survey(
        actor=None, survey=survey, closes_at=timezone.now() + dt.timedelta(days=7)
    )


def _answers(survey, dwellings, consents):
    for dwelling, yes in zip(dwellings, consents, strict=True):
        services.submit_answer(
            actor=None,
            survey=survey,
            dwelling=dwelling,
            values={"c": yes},
            channel=Channel.ONLINE,
            client_id=uuid.uuid4(),
        )


def _e1(world):
    return [world.objects[f"d{n}"] for n in range(1, 9)]  # e1's eight households


@pytest.mark.parametrize(
    ("rule", "yes", "meets"),
    [
        ((3, 4), 6, True),  # exactly 3/4 of 8 households
        ((3, 4), 5, False),
        ((1, 2), 4, True),  # exactly 1/2
        ((1, 2), 3, False),
        ((2, 3), 6, True),  # 6/8 ≥ 2/3
        ((2, 3), 5, False),  # 5/8 < 2/3
    ],
)
def test_consent_is_counted_against_all_the_compounds_households(world, rule, yes, meets):
    survey = _survey(world, *rule)
    homes = _e1(world)
    _answers(survey, homes, [True] * yes + [False] * (len(homes) - yes))
    result = selectors.consent(survey)
    assert (result.households, result.answered, result.consenting) == (8, 8, yes)
    assert result.meets_rule is meets


def test_households_that_did_not_answer_count_against_consent(world):
    survey = _survey(world, 1, 2)
    _answers(survey, _e1(world)[:4], [True] * 4)  # half the compound, every answer yes
    result = selectors.consent(survey)
    assert result.meets_rule and str(result.participation) == "50.00"
    _answers(survey, _e1(world)[:1], [False])  # one changes their mind
    assert not selectors.consent(survey).meets_rule


def test_the_funnel_by_building_and_the_households_still_to_visit(world):
    survey = _survey(world)
    homes = _e1(world)
    _answers(survey, homes[:3], [True, False, True])  # all three in building b1
    typed = services.submit_answer(
        actor=world.users["community"][0],
        survey=survey,
        dwelling=homes[4],  # in b2: reached, but the letter is not checked yet
        values={"c": True},
        channel=Channel.PAPER,
        client_id=uuid.uuid4(),
    )
    rows = {r.label: r for r in selectors.funnel(survey, "building")}
    b1, b2 = rows[world.b1.number], rows[world.b2.number]
    assert (b1.households, b1.reached, b1.answered, b1.consenting) == (4, 3, 3, 2)
    assert (b2.households, b2.reached, b2.answered, b2.consenting) == (4, 1, 0, 0)
    grid = world.b2.grid_id
    assert homes[4] in list(selectors.to_visit(survey, grid))  # unchecked: still to count
    colleague = f.UserFactory()
    f.RoleAssignmentFactory(
        user=colleague, role=Role.COMMUNITY, scope_kind=ScopeKind.COMMUNITY, scope_id=world.c1.pk
    )
    services.check_paper(actor=colleague, submission=typed, agrees=True)
    assert homes[4] not in list(selectors.to_visit(survey, grid))
    assert len(list(selectors.to_visit(survey, grid))) == 3


def test_the_funnel_is_one_query_whatever_the_size(world, django_assert_num_queries):
    survey = _survey(world)
    survey = selectors.surveys(world.users["hq"][0]).get(pk=survey.pk)
    with django_assert_num_queries(1):
        selectors.funnel(survey, "grid")


def test_a_code_is_read_as_typed_and_a_revoked_one_opens_nothing(world):
    services.issue_codes(actor=None, estate=world.e1)
    code = world.d1.codes.get(revoked_at__isnull=True)
    typed = f" {code.code[:4].lower()}-{code.code[4:]} "
    assert selectors.household_for_code(typed).dwelling == world.d1
    services.reissue_code(actor=None, dwelling=world.d1)
    with pytest.raises(NotFound):
        selectors.household_for_code(code.code)
    with pytest.raises(NotFound):
        selectors.household_for_code("23456789AB")
