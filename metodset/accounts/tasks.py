"""Background steps of the bulk import of accounts. Each task takes ids, calls one service
in imports.py and is safe to run twice (the service checks the batch's status first)."""

from django_tasks import task

from metodset.accounts import imports


@task()
def validate_import(batch_id: int) -> None:
    imports.validate_import(batch_id)


@task()
def run_import(batch_id: int, actor_id: int | None = None) -> None:
    imports.run_import(batch_id, actor_id=actor_id)


@task()
def send_import_invitations(batch_id: int, user_ids: list[int]) -> int:
    return imports.send_import_invitations(batch_id, user_ids)
