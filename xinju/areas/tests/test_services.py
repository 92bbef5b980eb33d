"""Starting and running register imports: once per file, all or nothing, audited."""

from unittest import mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from xinju.areas import services
from xinju.areas.models import Estate, ImportStatus, RegisterImport
from xinju.core.exceptions import InvalidInput, PermissionDenied
from xinju.core.models import AuditEvent
from xinju.core.testing.factories import valid_id_number
from xinju.core.testing.workbooks import new_compound_rows, workbook

pytestmark = pytest.mark.django_db


@pytest.fixture
def upload(world):
    def make(rows=None, name="register.xlsx"):
        stream = workbook(
            rows
            if rows is not None
            else new_compound_rows(world, [valid_id_number() for _ in range(8)])
        )
        return SimpleUploadedFile(name, stream.read(), content_type="application/octet-stream")

    return make


def test_a_small_file_is_imported_right_after_the_upload_commits(
    world, upload, django_capture_on_commit_callbacks
):
    user = world.users["community"][0]
    with django_capture_on_commit_callbacks(execute=True):
        job = services.start_import(actor=user, upload=upload())
    job.refresh_from_db()
    assert job.status == ImportStatus.DONE
    assert job.counts["dwellings"] == 4 and job.counts["owners"] == 5
    assert Estate.objects.filter(code="NEW-001").exists()
    assert not job.file  # the uploaded file (with personal data) is not kept
    verbs = list(
        AuditEvent.objects.filter(target_id=str(job.pk))
        .values_list("verb", flat=True)
        .order_by("id")
    )
    assert verbs == ["register.import.start", "register.import"]


def test_a_large_file_goes_to_the_background_task(
    world, upload, settings, django_capture_on_commit_callbacks
):
    settings.XINJU_IMPORT_BACKGROUND_BYTES = 10  # everything counts as large
    with (
        mock.patch("xinju.areas.tasks.import_register") as task,
        django_capture_on_commit_callbacks(execute=True),
    ):
        job = services.start_import(actor=world.users["community"][0], upload=upload())
    task.enqueue.assert_called_once_with(str(job.pk))
    assert RegisterImport.objects.get(pk=job.pk).status == ImportStatus.PENDING
    # The task runs the same function; a retried task finds the job finished and does nothing.
    services.run_import(job_id=job.pk)
    services.run_import(job_id=job.pk)
    assert RegisterImport.objects.get(pk=job.pk).status == ImportStatus.DONE
    assert Estate.objects.filter(code="NEW-001").count() == 1


def test_the_same_file_sent_twice_while_running_is_one_import(
    world, upload, django_capture_on_commit_callbacks
):
    user = world.users["community"][0]
    content = upload()
    first = services.start_import(actor=user, upload=content)  # on_commit not run: still pending
    content.seek(0)
    second = services.start_import(actor=user, upload=content)
    assert first.pk == second.pk
    assert RegisterImport.objects.count() == 1


def test_the_same_file_after_it_succeeded_is_that_import(
    world, upload, django_capture_on_commit_callbacks
):
    """A late double click must not report every row as a duplicate of the first import."""
    user = world.users["community"][0]
    rows = new_compound_rows(world, [valid_id_number() for _ in range(8)])
    # The very same bytes: a workbook written twice differs in its timestamp once a second
    # has passed between the two writes, and is then another file.
    content = upload(rows).read()
    with django_capture_on_commit_callbacks(execute=True):
        first = services.start_import(actor=user, upload=SimpleUploadedFile("a.xlsx", content))
    with django_capture_on_commit_callbacks(execute=True):
        again = services.start_import(actor=user, upload=SimpleUploadedFile("a.xlsx", content))
    assert again.pk == first.pk and RegisterImport.objects.count() == 1
    assert Estate.objects.filter(code="NEW-001").count() == 1


def test_a_different_file_with_the_same_rows_is_checked_and_refused(
    world, upload, django_capture_on_commit_callbacks
):
    user = world.users["community"][0]
    rows = new_compound_rows(world, [valid_id_number() for _ in range(8)])
    with django_capture_on_commit_callbacks(execute=True):
        services.start_import(actor=user, upload=upload(rows))
    rows["estates"][0][10] = "另一个文件"  # a note makes it another file, same register rows
    with django_capture_on_commit_callbacks(execute=True):
        again = services.start_import(actor=user, upload=upload(rows))
    again.refresh_from_db()
    assert again.status == ImportStatus.REJECTED
    assert "already in the register" in again.errors[0]["message"]
    assert Estate.objects.filter(code="NEW-001").count() == 1


def test_problems_are_written_in_the_uploaders_language(
    world, upload, django_capture_on_commit_callbacks
):
    from django.utils import translation

    rows = new_compound_rows(world, [valid_id_number() for _ in range(8)])
    rows["dwellings"][1][5] = 0
    with translation.override("zh-hans"), django_capture_on_commit_callbacks(execute=True):
        job = services.start_import(actor=world.users["community"][0], upload=upload(rows))
    job.refresh_from_db()
    assert job.language == "zh-hans" and job.errors[0]["message"] == "面积必须大于 0。"


def test_a_rejected_file_writes_nothing_and_keeps_its_problems(
    world, upload, django_capture_on_commit_callbacks
):
    rows = new_compound_rows(world, [valid_id_number() for _ in range(8)])
    rows["dwellings"][1][5] = 0
    with django_capture_on_commit_callbacks(execute=True):
        job = services.start_import(actor=world.users["community"][0], upload=upload(rows))
    job.refresh_from_db()
    assert job.status == ImportStatus.REJECTED
    assert job.errors == [
        {
            "sheet": "房屋",
            "row": 3,
            "column": "F 专有部分面积",
            "message": "An area must be greater than 0.",
        }
    ]
    assert not Estate.objects.filter(code="NEW-001").exists()
    assert AuditEvent.objects.filter(verb="register.import.reject", target_id=str(job.pk)).exists()


def test_rows_written_by_someone_else_meanwhile_roll_the_import_back(
    world, upload, django_capture_on_commit_callbacks
):
    from django.db import IntegrityError

    with (
        mock.patch("xinju.areas.importer.write", side_effect=IntegrityError("duplicate key")),
        django_capture_on_commit_callbacks(execute=True),
    ):
        job = services.start_import(actor=world.users["community"][0], upload=upload())
    job.refresh_from_db()
    assert job.status == ImportStatus.REJECTED
    assert "while the file was being checked" in job.errors[0]["message"]


def test_a_crash_is_recorded_without_a_trace_for_the_user(
    world, upload, django_capture_on_commit_callbacks
):
    with (
        mock.patch("xinju.areas.importer.write", side_effect=ZeroDivisionError("boom")),
        django_capture_on_commit_callbacks(execute=True),
    ):
        job = services.start_import(actor=world.users["community"][0], upload=upload())
    job.refresh_from_db()
    assert job.status == ImportStatus.FAILED
    assert "boom" not in str(job.errors) and "Nothing was written" in job.errors[0]["message"]
    assert not Estate.objects.filter(code="NEW-001").exists()


@pytest.mark.parametrize(
    "role", ["grid", "resident", "property", "committee", "department", "supervisor"]
)
def test_only_register_keepers_may_import(world, upload, role):
    with pytest.raises(PermissionDenied):
        services.start_import(actor=world.users[role][0], upload=upload())


def test_the_file_must_be_an_xlsx_of_reasonable_size(world, upload, settings):
    with pytest.raises(InvalidInput) as err:
        services.start_import(actor=world.users["hq"][0], upload=upload(name="register.csv"))
    assert err.value.field == "file"
    settings.XINJU_IMPORT_MAX_BYTES = 100
    with pytest.raises(InvalidInput, match="larger than"):
        services.start_import(actor=world.users["hq"][0], upload=upload())


def test_a_compound_outside_the_importers_scope_is_refused(
    world, upload, django_capture_on_commit_callbacks
):
    rows = new_compound_rows(world, [valid_id_number() for _ in range(8)])
    with django_capture_on_commit_callbacks(execute=True):
        job = services.start_import(
            actor=world.users["community"][1], upload=upload(rows)
        )  # c3's worker
    job.refresh_from_db()
    assert job.status == ImportStatus.REJECTED
    assert job.errors[0]["column"] == "C 所属社区"


def test_the_upload_page_runs_it_and_shows_the_result(
    login, world, upload, django_capture_on_commit_callbacks
):
    client = login(world.users["community"][0])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("areas:import"), {"file": upload()})
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert 'id="import-done"' in page


def test_the_job_page_polls_while_running_and_is_private(login, world, upload):
    owner = world.users["community"][0]
    job = services.start_import(actor=owner, upload=upload())  # still pending
    url = reverse("areas:import-job", args=[job.pk])
    fragment = login(owner).get(url, headers={"HX-Request": "true"}).content.decode()
    assert 'hx-trigger="every 1s"' in fragment and "<html" not in fragment
    assert login(world.users["community"][1]).get(url).status_code == 404
    assert login(world.users["hq"][0]).get(url).status_code == 200


def test_the_template_downloads_for_importers_only(login, world):
    url = reverse("areas:import-template")
    response = login(world.users["community"][0]).get(url)
    assert response.status_code == 200 and response["Content-Disposition"].endswith('.xlsx"')
    assert login(world.users["grid"][0]).get(url).status_code == 404


def test_a_large_file_runs_through_the_task_at_once_without_a_worker(
    world, upload, settings, django_capture_on_commit_callbacks
):
    settings.XINJU_IMPORT_BACKGROUND_BYTES = 10  # the immediate backend runs the task on enqueue
    with django_capture_on_commit_callbacks(execute=True):
        job = services.start_import(actor=world.users["community"][0], upload=upload())
    assert RegisterImport.objects.get(pk=job.pk).status == ImportStatus.DONE


@pytest.mark.django_db(transaction=True)
def test_a_database_worker_runs_a_queued_import(settings):
    """With the database backend the upload only queues the task; `db_worker` does the work."""
    from django.core.management import call_command

    from xinju.core.testing.world import build_world

    # (django_tasks resets its backends when the TASKS setting changes.)
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}
    }
    settings.XINJU_IMPORT_BACKGROUND_BYTES = 10
    world = build_world()
    stream = workbook(new_compound_rows(world, [valid_id_number() for _ in range(8)]))
    job = services.start_import(
        actor=world.users["community"][0], upload=SimpleUploadedFile("r.xlsx", stream.read())
    )
    assert RegisterImport.objects.get(pk=job.pk).status == ImportStatus.PENDING
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    assert RegisterImport.objects.get(pk=job.pk).status == ImportStatus.DONE
    assert Estate.objects.filter(code="NEW-001").exists()


def test_an_import_whose_worker_died_does_not_block_the_file_for_ever(world, upload, settings):
    import datetime as dt

    from django.utils import timezone

    user = world.users["community"][0]
    content = upload()
    stuck = services.start_import(actor=user, upload=content)  # never run: its worker "died"
    RegisterImport.objects.filter(pk=stuck.pk).update(
        created_at=timezone.now() - dt.timedelta(hours=2)
    )
    content.seek(0)
    fresh = services.start_import(actor=user, upload=content)
    assert fresh.pk != stuck.pk
    stuck.refresh_from_db()
    assert stuck.status == ImportStatus.FAILED and "did not finish" in stuck.errors[0]["message"]
    assert AuditEvent.objects.filter(
        verb="register.import.expire", target_id=str(stuck.pk)
    ).exists()


def test_the_daily_command_fails_stuck_jobs(world, upload):
    import datetime as dt
    import io

    from django.core.management import call_command
    from django.utils import timezone

    stuck = services.start_import(actor=world.users["community"][0], upload=upload())
    RegisterImport.objects.filter(pk=stuck.pk).update(
        created_at=timezone.now() - dt.timedelta(hours=2)
    )
    out = io.StringIO()
    call_command("expire_jobs", stdout=out)
    assert out.getvalue().startswith("1 ")
    assert RegisterImport.objects.get(pk=stuck.pk).status == ImportStatus.FAILED
