import io

import openpyxl
import pytest
from django.urls import reverse

from xinju.areas import exporter, importer
from xinju.areas.models import Dwelling

pytestmark = pytest.mark.django_db


def _book(response):
    return openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))


def test_the_export_holds_the_users_scope_in_the_template_format(login, world):
    response = login(world.users["community"][0]).post(reverse("areas:export"))
    assert response["Content-Type"] == exporter.XLSX
    book = _book(response)
    assert book.sheetnames == ["小区", "楼栋", "房屋", "业主", "居民"]
    codes = {row[0] for row in book["房屋"].iter_rows(min_row=2, values_only=True)}
    assert codes == {world.e1.code}  # c1's compound only
    assert book["房屋"].max_row - 1 == Dwelling.objects.filter(estate=world.e1).count()
    assert book["居民"].max_row - 1 == 16


def test_personal_data_is_masked_for_roles_that_do_not_need_it(login, world):
    owner = world.d1.ownerships.get().owners.get().person
    full = _book(login(world.users["community"][0]).post(reverse("areas:export")))
    values = [c for row in full["业主"].iter_rows(min_row=2, values_only=True) for c in row]
    assert owner.id_number in values and owner.phone in values
    masked = _book(login(world.users["hq"][0]).post(reverse("areas:export")))
    text = str([c for row in masked["业主"].iter_rows(min_row=2, values_only=True) for c in row])
    assert owner.id_number not in text and owner.phone not in text
    assert owner.phone[:3] + "****" + owner.phone[-4:] in text


def test_filters_of_the_list_apply_to_the_export(login, world):
    client = login(world.users["hq"][0])
    url = reverse("areas:export") + f"?community={world.c3.pk}&subdistrict={world.s2.pk}"
    book = _book(client.post(url))
    assert {row[0] for row in book["小区"].iter_rows(min_row=2, values_only=True)} == {
        world.e3.code
    }


def test_an_empty_export_says_so_instead_of_an_empty_file(login, world):
    response = login(world.users["contractor"][0]).post(reverse("areas:export"))
    assert response.status_code == 302


def test_an_export_reads_back_as_a_valid_register(login, world):
    """What is exported can be imported elsewhere: every row passes the importer's reading."""
    response = login(world.users["community"][0]).post(reverse("areas:export"))
    stream = io.BytesIO(b"".join(response.streaming_content))
    issues = importer.Issues()
    sheets = importer.read_sheets(importer.open_workbook(stream), issues)
    assert not issues
    assert len(sheets["dwellings"].rows) == 8 and len(sheets["owners"].rows) == 8


def test_a_get_does_not_export(login, world):
    assert login(world.users["community"][0]).get(reverse("areas:export")).status_code == 405


def test_every_export_is_recorded(login, world):
    from xinju.core.models import AuditEvent

    login(world.users["community"][0]).post(reverse("areas:export"))
    event = AuditEvent.objects.get(verb="register.export")
    assert event.after["dwellings"] == 8


def test_a_large_export_runs_in_the_background_and_only_its_maker_downloads_it(
    login, world, settings, django_capture_on_commit_callbacks
):
    from xinju.areas.models import ExportStatus, RegisterExport

    settings.XINJU_EXPORT_INLINE_DWELLINGS = 3
    client = login(world.users["community"][0])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("areas:export"))
    job = RegisterExport.objects.get()
    assert response["Location"] == reverse("areas:export-job", args=[job.pk])
    assert job.status == ExportStatus.DONE and job.total_rows == 8 + 8 + 16
    page = client.get(response["Location"]).content.decode()
    assert reverse("areas:export-download", args=[job.pk]) in page
    book = _book(client.get(reverse("areas:export-download", args=[job.pk])))
    assert book["房屋"].max_row - 1 == 8
    other = login(world.users["hq"][0])
    assert other.get(reverse("areas:export-download", args=[job.pk])).status_code == 404


def test_a_double_click_starts_one_export(login, world, settings):
    from xinju.areas.models import RegisterExport

    settings.XINJU_EXPORT_INLINE_DWELLINGS = 3
    client = login(world.users["community"][0])
    first = client.post(reverse("areas:export"))  # on_commit not run: the first is still pending
    second = client.post(reverse("areas:export"))
    assert first["Location"] == second["Location"]
    assert RegisterExport.objects.count() == 1


def test_old_export_files_are_pruned(login, world, settings, django_capture_on_commit_callbacks):
    import datetime as dt

    from xinju.areas.models import RegisterExport
    from xinju.areas.services import prune_exports

    settings.XINJU_EXPORT_INLINE_DWELLINGS = 3
    with django_capture_on_commit_callbacks(execute=True):
        login(world.users["community"][0]).post(reverse("areas:export"))
    assert prune_exports(older_than=dt.timedelta(hours=1)) == 0
    assert prune_exports(older_than=dt.timedelta(seconds=-1)) == 1
    assert not RegisterExport.objects.get().file


def test_an_export_is_labelled_in_local_time(world):
    import datetime as dt
    import uuid

    from django.utils import timezone

    from xinju.areas.models import RegisterExport

    job = RegisterExport(id=uuid.uuid4(), created_by=world.users["hq"][0], filters_hash="x")
    job.created_at = dt.datetime(2026, 1, 1, 2, 30, tzinfo=dt.UTC)
    assert str(job) == "2026-01-01 10:30"  # Asia/Shanghai
    assert timezone.get_current_timezone_name() == "Asia/Shanghai"
