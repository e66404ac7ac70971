"""The OpenAPI document describes every schema truly: django-ninja names components by
class name, so two schema classes with one name would silently replace each other."""

import collections

from ninja import Schema

from metodset.api import api


def _schema_classes() -> dict[str, set[str]]:
    names: dict[str, set[str]] = collections.defaultdict(set)
    todo = [Schema]
    while todo:
        cls = todo.pop()
        for sub in cls.__subclasses__():
            if sub.__module__.startswith("metodset."):
                names[sub.__name__].add(sub.__module__)
            todo.append(sub)
    return names


def test_no_two_schema_classes_share_a_name() -> None:
    api.get_openapi_schema()  # imports every router's schemas
    clashes = {name: modules for name, modules in _schema_classes().items() if len(modules) > 1}
    assert clashes == {}


def test_every_app_is_in_the_document() -> None:
    paths = api.get_openapi_schema()["paths"]
    for prefix in (
        "/me",
        "/materials",
        "/groups",
        "/events",
        "/roadmaps",
        "/certificates",
        "/expertise",
        "/testing",
    ):
        assert any(path.startswith(f"/api/v1{prefix}") for path in paths), prefix
