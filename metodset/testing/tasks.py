"""Background work of the test bank: each task takes ids, calls one service and is safe to
run twice (the service claims the job by its status first)."""

from django_tasks import task

from metodset.testing.services import import_jobs


@task()
def import_questions_task(job_id: int) -> None:
    import_jobs.run_import(job_id)
