"""The group's work: plan stages, the signed order, discussion, materials, and closing
with the product and report."""

import datetime
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from metodset.accounts.models import User
from metodset.core import audit
from metodset.core.exceptions import DomainError
from metodset.core.markup import render_markdown
from metodset.core.uploads import inspect_upload
from metodset.groups import permissions
from metodset.groups.models import (
    Group,
    GroupMaterial,
    GroupMember,
    Post,
    Stage,
    Thread,
)
from metodset.groups.services.common import (
    DISCUSSION_NEWS,
    MEMBERSHIP_NEWS,
    PUBLISHED,
    _deny,
    _news,
)
from metodset.groups.services.membership import _check_open
from metodset.materials import permissions as material_permissions
from metodset.materials import services as material_services
from metodset.materials.models import Material
from metodset.notifications.services import notify


def save_stage(
    *,
    actor: User,
    group: Group,
    title: str,
    starts_on: datetime.date,
    ends_on: datetime.date,
    description: str = "",
    responsible: str = "",
    is_done: bool = False,
    stage: Stage | None = None,
) -> Stage:
    """Add a stage to the plan of work, or change one."""
    _check_open(group)
    if not permissions.can_manage_group(actor, group):
        raise _deny()
    if stage is not None and stage.group_id != group.pk:
        raise _deny()
    if not title.strip():
        raise DomainError(_("Назовите этап плана."))
    if ends_on < starts_on:
        raise DomainError(_("Этап должен кончаться не раньше, чем начинается."))
    created = stage is None
    stage = stage or Stage(group=group)
    stage.title = title.strip()
    stage.description = description.strip()
    stage.starts_on = starts_on
    stage.ends_on = ends_on
    stage.responsible = responsible.strip()
    stage.is_done = is_done
    with transaction.atomic():
        stage.save()
        if created:
            _news(group, actor, _("В план добавлен этап «%(title)s»") % {"title": stage.title})
        elif is_done:
            _news(group, actor, _("Этап «%(title)s» выполнен") % {"title": stage.title})
    return stage


def remove_stage(*, actor: User, stage: Stage) -> None:
    _check_open(stage.group)
    if not permissions.can_manage_group(actor, stage.group):
        raise _deny()
    stage.delete()


# The signed order: a scan or the PDF with signatures.
ORDER_SCAN_KINDS = {"pdf", "jpeg", "png"}


def upload_order_scan(*, actor: User, group: Group, upload: UploadedFile[Any]) -> Group:
    """Keep the signed order (приказ) beside the group; the district uploads it."""
    if not permissions.can_upload_order(actor, group):
        raise _deny()
    if not group.order_number:
        raise DomainError(_("У этой группы нет приказа о создании."))
    inspected = inspect_upload(upload, name=upload.name or "")
    if inspected.code not in ORDER_SCAN_KINDS:
        raise DomainError(_("Загрузите подписанный приказ в PDF или как изображение (JPEG, PNG)."))
    with transaction.atomic():
        group.order_scan.save(
            f"prikaz-{group.pk}.{'jpg' if inspected.code == 'jpeg' else inspected.code}",
            upload,
            save=False,
        )
        group.save(update_fields=["order_scan", "updated_at"])
        audit.record(
            actor=actor,
            action="group.order",
            target=group,
            comment=group.order_number,
            district_id=group.district_id,
        )
    return group


def start_thread(*, actor: User, group: Group, title: str, body: str) -> Thread:
    if not permissions.can_post(actor, group):
        raise _deny()
    if not title.strip() or not body.strip():
        raise DomainError(_("Напишите тему и первое сообщение."))
    with transaction.atomic():
        thread = Thread.objects.create(group=group, title=title.strip(), author=actor)
        add_post(actor=actor, thread=thread, body=body)
        _news(
            group,
            actor,
            _("Новая тема обсуждения: «%(title)s»") % {"title": thread.title},
            thread.get_absolute_url(),
        )
    return thread


def add_post(*, actor: User, thread: Thread, body: str) -> Post:
    group = thread.group
    if not permissions.can_post(actor, group):
        raise _deny()
    if not body.strip():
        raise DomainError(_("Сообщение пустое."))
    render_markdown(body)  # a body that cannot be shown is refused here, not on the page
    with transaction.atomic():
        post = Post.objects.create(thread=thread, author=actor, body=body.strip())
        Thread.objects.filter(pk=thread.pk).update(
            last_post_at=post.created_at, post_count=F("post_count") + 1
        )
        others = User.objects.filter(
            group_memberships__group=group,
            group_memberships__status=GroupMember.Status.ACTIVE,
        ).filter(pk__in=Post.objects.filter(thread=thread).values("author_id"))
        notify(
            recipients=others,
            kind=DISCUSSION_NEWS.code,
            title=_("Новое сообщение в теме «%(title)s»") % {"title": thread.title},
            body=body.strip()[:300],
            url=thread.get_absolute_url(),
            actor=actor,
        )
    return post


def add_material(*, actor: User, group: Group, material: Material) -> GroupMaterial:
    """A member publishes a material of their own (author or co-author) into the group."""
    _check_open(group)
    if not permissions.can_publish_into(actor, group):
        raise _deny()
    if not material_permissions.can_edit_material(actor, material):
        raise DomainError(_("В группу публикуют свои материалы (автор или соавтор)."))
    with transaction.atomic():
        try:
            with transaction.atomic():
                link = GroupMaterial.objects.create(group=group, material=material, added_by=actor)
        except IntegrityError:
            raise DomainError(_("Этот материал уже опубликован в группе.")) from None
        if material.status == PUBLISHED:
            _news(
                group,
                actor,
                _("Опубликован материал «%(title)s»") % {"title": material.title},
                material.get_absolute_url(),
            )
        material_services.places_changed(material.pk)
    return link


def remove_material(*, actor: User, link: GroupMaterial) -> None:
    if not permissions.can_remove_material(actor, link.group, link.added_by_id):
        raise _deny()
    with transaction.atomic():
        link.delete()
        material_services.places_changed(link.material_id)


def close_group(
    *, actor: User, group: Group, report: str, product: Material | None = None
) -> Group:
    """End of term: an РПГ hands in its product (a material of the library) and a short
    report; the group becomes read-only and stays findable."""
    if not permissions.can_close_group(actor, group, check_state=False):
        raise _deny()
    if not report.strip():
        raise DomainError(_("Напишите краткий отчёт о работе группы."))
    if group.kind.has_term_and_product and product is None:
        raise DomainError(_("Выберите продукт группы — опубликованный материал библиотеки."))
    # Any group's product, when one is named, is a published material of the group.
    if product is not None:
        if product.status != PUBLISHED:
            raise DomainError(_("Продуктом может быть только опубликованный материал."))
        if not GroupMaterial.objects.filter(group=group, material=product).exists():
            raise DomainError(_("Сначала опубликуйте продукт в группе."))
    with transaction.atomic():
        group = Group.objects.select_for_update().get(pk=group.pk)
        _check_open(group)
        group.status = Group.Status.CLOSED
        group.report = report.strip()
        group.product = product
        group.closed_at = timezone.now()
        group.closed_by = actor
        group.save(
            update_fields=["status", "report", "product", "closed_at", "closed_by", "updated_at"]
        )
        audit.record(
            actor=actor,
            action="group.closed",
            target=group,
            from_state="active",
            to_state="closed",
            comment=group.report[:500],
            district_id=group.district_id,
        )
        _news(group, actor, _("Группа завершила работу и сдала отчёт"))
        notify(
            # A list, not a UNION: both querysets carry the model's ordering, which a
            # compound statement refuses (and notify() sends once per person anyway).
            recipients=[
                *User.objects.filter(
                    group_memberships__group=group,
                    group_memberships__status=GroupMember.Status.ACTIVE,
                ),
                *permissions.district_methodists(group.district_id),
            ],
            kind=MEMBERSHIP_NEWS.code,
            title=_("Объединение «%(title)s» завершило работу") % {"title": group.title},
            url=group.get_absolute_url(),
            actor=actor,
        )
    return group
