"""Background work of the library: each task takes ids and calls one service."""

from django_tasks import task

from metodset.materials import indexing, services


@task()
def extract_file_text(file_id: int) -> str:
    return services.extract_file_text(file_id)


@task()
def check_near_copies(material_id: int) -> int:
    return len(services.check_near_copies(material_id))


@task()
def refresh_search_index(material_id: int) -> str:
    return indexing.refresh(material_id)


@task()
def convert_for_viewing(file_id: int) -> str:
    return services.convert_for_viewing(file_id)
