"""Background work of the test bank: each task takes ids, calls one service and is safe to
run twice (the service claims the job by its status first)."""

from django_tasks import task

from metodset.testing.services import bank


@task()
def import_questions_task(job_id: int) -> None:
    bank.run_import(job_id)
