"""Fifty submissions for one household at once leave one counted answer (PostgreSQL).

Real concurrency needs real connections: threads, each with its own database connection,
released together by a barrier. SQLite serialises every writer and has nothing to show here;
CI runs this on PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
import threading
import uuid

import pytest
from django.db import connection, connections
from django.utils import timezone

from xinju.consultation import services
from xinju.consultation.models import Channel, Response, Submission
from xinju.renewal import services as renewal

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="concurrency is measured on PostgreSQL (set DATABASE_URL); SQLite serialises writers",
    ),
]

CLIENTS = 50


def test_fifty_simultaneous_answers_for_one_household_leave_one(world):
    worker = world.users["community"][0]
    batch = renewal.open_batch(actor=None, district=world.district, year=2025, target_households=9)
    project = renewal.add_estate(actor=None, batch=batch, estate=world.e1)
    survey = services.create_survey(actor=worker, project=project, title="调查")
    services.add_question(actor=worker, survey=survey, key="c", kind="consent", text="?")
    services.open_survey(
        actor=worker, survey=survey, closes_at=timezone.now() + dt.timedelta(days=1)
    )
    start = threading.Barrier(CLIENTS)
    failures: list[BaseException] = []

    def answer(n: int) -> None:
        try:
            start.wait()
            services.submit_answer(
                actor=None,
                survey=survey,
                dwelling=world.d1,
                values={"c": n % 2 == 0},
                channel=Channel.ONLINE,
                client_id=uuid.uuid4(),
            )
        except BaseException as exc:  # reported below, with the thread's error
            failures.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=answer, args=(n,)) for n in range(CLIENTS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not failures, failures[:3]
    assert Response.objects.filter(survey=survey, dwelling=world.d1).count() == 1
    assert Submission.objects.filter(survey=survey, dwelling=world.d1).count() == CLIENTS
    response = Response.objects.select_related("current").get(survey=survey, dwelling=world.d1)
    # The counted answer is one of the fifty, and the household's consent is that answer's.
    assert response.current.dwelling_id == world.d1.pk
    assert response.consents is response.current.values["c"]
