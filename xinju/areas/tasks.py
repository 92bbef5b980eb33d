"""Background jobs of the register (run by `manage.py db_worker`, or at once without one)."""

from django_tasks import task

from . import services


@task()
def import_register(job_id: str) -> None:
    """Import an uploaded register file; a retry of a finished import does nothing."""
    services.run_import(job_id=job_id)


@task()
def export_register(export_id: str) -> None:
    """Write a large register export; a retry of a claimed export does nothing."""
    services.run_export(export_id=export_id)
