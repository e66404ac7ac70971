"""Groups of teachers (РМО, РПГ, creative labs, ПТГ, network communities…), their members,
plans, discussions and feeds, and the applications by which an РПГ is founded."""

from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from metodset.accounts.models import name_key
from metodset.core.models import TimeStampedModel


class GroupKind(models.Model):
    """A kind of group (РМО, РПГ, творческая лаборатория…): rows, so a district can add its
    own. The flags say how groups of the kind are founded and who may join them."""

    class Founding(models.TextChoices):
        DISTRICT = "district", _("отдел образования района")
        SCHOOL = "school", _("руководитель организации (внутри своей организации)")
        APPLICATION = "application", _("по заявлению и приказу отдела образования")
        NETWORK = "network", _("любой педагог сети")

    code = models.SlugField(_("код"), max_length=40, unique=True)
    name = models.CharField(_("название"), max_length=150)
    name_plural = models.CharField(_("во множественном числе"), max_length=150)
    abbreviation = models.CharField(_("сокращение"), max_length=20, blank=True)
    description = models.TextField(_("описание"), blank=True)
    founding = models.CharField(
        _("кто создаёт"), max_length=20, choices=Founding.choices, default=Founding.DISTRICT
    )
    requires_different_organizations = models.BooleanField(
        _("участники не менее чем из двух организаций"), default=False
    )
    within_organization = models.BooleanField(
        _("внутри одной организации"),
        default=False,
        help_text=_("Как ПТГ: участники — педагоги одной школы."),
    )
    open_to_students = models.BooleanField(_("могут вступать обучающиеся"), default=False)
    has_term_and_product = models.BooleanField(
        _("работает в срок и сдаёт продукт"),
        default=False,
        help_text=_("Как РПГ: по окончании срока группа сдаёт продукт и отчёт и закрывается."),
    )
    ordering = models.PositiveSmallIntegerField(_("порядок"), default=100)

    class Meta:
        ordering = ["ordering", "name"]
        verbose_name = _("вид объединения")
        verbose_name_plural = _("виды объединений")

    def __str__(self) -> str:
        return self.name

    @property
    def short(self) -> str:
        return self.abbreviation or self.name


class GroupQuerySet(models.QuerySet["Group"]):
    def active(self) -> "GroupQuerySet":
        return self.filter(status=Group.Status.ACTIVE)


class Group(TimeStampedModel):
    """An association of teachers. It has no legal entity (`002_…` §2.2): the platform
    records its order and composition, it does not replace them."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("работает")
        CLOSED = "closed", _("завершила работу")

    class Visibility(models.TextChoices):
        PUBLIC = "public", _("всем, и гостям")
        NETWORK = "network", _("участникам сети")
        ORGANIZATION = "organization", _("сотрудникам своей организации и району")

    class Joining(models.TextChoices):
        OPEN = "open", _("свободно")
        REQUEST = "request", _("по заявке, руководитель подтверждает")
        INVITATION = "invitation", _("только по приглашению")

    kind = models.ForeignKey(
        GroupKind, verbose_name=_("вид"), on_delete=models.PROTECT, related_name="groups"
    )
    district = models.ForeignKey(
        "accounts.District",
        verbose_name=_("район"),
        on_delete=models.PROTECT,
        related_name="teacher_groups",
    )
    organization = models.ForeignKey(
        "accounts.Organization",
        verbose_name=_("организация"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="teacher_groups",
        help_text=_("Для групп внутри одной организации (ПТГ)."),
    )
    title = models.CharField(_("название"), max_length=300)
    subject = models.ForeignKey(
        "accounts.Subject",
        verbose_name=_("предмет"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    description = models.TextField(_("описание"), blank=True)
    problem = models.TextField(_("проблема"), blank=True)
    goals = models.TextField(_("цели и задачи"), blank=True)
    expected_result = models.TextField(_("ожидаемый результат (продукт)"), blank=True)
    starts_on = models.DateField(_("начало работы"), null=True, blank=True)
    ends_on = models.DateField(_("окончание работы"), null=True, blank=True)
    status = models.CharField(
        _("состояние"), max_length=20, choices=Status.choices, default=Status.ACTIVE
    )
    visibility = models.CharField(
        _("кто видит"), max_length=20, choices=Visibility.choices, default=Visibility.PUBLIC
    )
    joining = models.CharField(
        _("вступление"), max_length=20, choices=Joining.choices, default=Joining.REQUEST
    )
    students_may_join = models.BooleanField(_("открыта для обучающихся"), default=False)
    # The order (приказ) that founded the group, when there was one.
    order_number = models.CharField(_("номер приказа"), max_length=60, blank=True)
    order_date = models.DateField(_("дата приказа"), null=True, blank=True)
    order_scan = models.FileField(
        _("подписанный приказ"), upload_to="groups/orders/%Y/", blank=True, max_length=300
    )
    # What an РПГ handed in at the end of its term.
    product = models.ForeignKey(
        "materials.Material",
        verbose_name=_("продукт"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    report = models.TextField(_("отчёт о работе"), blank=True)
    closed_at = models.DateTimeField(_("закрыта"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("кто закрыл"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("кто создал"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # Title, problem and description folded (case, ё) for the list's search: SQLite's LIKE
    # does not fold Cyrillic.
    search_key = models.TextField(editable=False, blank=True)

    objects: ClassVar[GroupQuerySet] = GroupQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        ordering = ["kind__ordering", "title"]
        verbose_name = _("объединение")
        verbose_name_plural = _("объединения")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__isnull=True)
                | models.Q(starts_on__isnull=True)
                | models.Q(ends_on__gte=models.F("starts_on")),
                name="group_ends_after_start",
            )
        ]
        indexes = [models.Index(fields=["district", "status"])]

    def __str__(self) -> str:
        return self.title

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.search_key = name_key(" ".join((self.title, self.problem, self.description)))
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "search_key"}
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("groups:detail", args=[self.pk])

    @property
    def is_closed(self) -> bool:
        return self.status == self.Status.CLOSED


class GroupMember(TimeStampedModel):
    """A person in a group: invited, asking to join, a member, the leader, or gone."""

    class Role(models.TextChoices):
        LEADER = "leader", _("руководитель")
        MEMBER = "member", _("участник")

    class Status(models.TextChoices):
        INVITED = "invited", _("приглашён")
        REQUESTED = "requested", _("просит принять")
        ACTIVE = "active", _("участвует")
        DECLINED = "declined", _("отказался / отклонено")
        LEFT = "left", _("вышел")
        REMOVED = "removed", _("исключён")

    TRANSITIONS: ClassVar[dict[str, set[str]]] = {
        Status.INVITED: {Status.ACTIVE, Status.DECLINED},
        Status.REQUESTED: {Status.ACTIVE, Status.DECLINED},
        Status.ACTIVE: {Status.LEFT, Status.REMOVED},
        Status.DECLINED: {Status.INVITED, Status.REQUESTED, Status.ACTIVE},
        Status.LEFT: {Status.INVITED, Status.REQUESTED, Status.ACTIVE},
        Status.REMOVED: {Status.INVITED, Status.ACTIVE},
    }

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="group_memberships"
    )
    # The organization the person represents in the group, fixed when they joined.
    organization = models.ForeignKey(
        "accounts.Organization",
        verbose_name=_("организация"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    role = models.CharField(_("роль"), max_length=20, choices=Role.choices, default=Role.MEMBER)
    status = models.CharField(_("состояние"), max_length=20, choices=Status.choices)
    is_student = models.BooleanField(_("обучающийся"), default=False)
    joined_at = models.DateTimeField(_("вступил"), null=True, blank=True)
    ended_at = models.DateTimeField(_("вышел"), null=True, blank=True)
    message = models.TextField(_("сообщение"), blank=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["role", "user__last_name", "user__first_name"]
        verbose_name = _("участник объединения")
        verbose_name_plural = _("участники объединений")
        constraints = [
            models.UniqueConstraint(fields=["group", "user"], name="group_member_once"),
            # One leader a group: the partial unique index holds it under concurrent
            # appointments.
            models.UniqueConstraint(
                fields=["group"],
                condition=models.Q(role="leader", status="active"),
                name="group_one_leader",
            ),
        ]
        indexes = [models.Index(fields=["user", "status"])]

    def __str__(self) -> str:
        return f"{self.user} — {self.group}"

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.ACTIVE

    @property
    def is_leader(self) -> bool:
        return self.is_active and self.role == self.Role.LEADER


class Stage(models.Model):
    """A stage of the group's plan of work, with its dates."""

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="stages")
    title = models.CharField(_("этап"), max_length=300)
    description = models.TextField(_("содержание работы"), blank=True)
    starts_on = models.DateField(_("с"))
    ends_on = models.DateField(_("по"))
    responsible = models.CharField(_("ответственные"), max_length=300, blank=True)
    is_done = models.BooleanField(_("выполнен"), default=False)

    class Meta:
        ordering = ["starts_on", "ends_on", "id"]
        verbose_name = _("этап плана")
        verbose_name_plural = _("план работы")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")),
                name="stage_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return self.title


class GroupMaterial(models.Model):
    """A material of the library published into a group."""

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="material_links")
    material = models.ForeignKey(
        "materials.Material", on_delete=models.CASCADE, related_name="group_links"
    )
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-added_at"]
        verbose_name = _("материал объединения")
        verbose_name_plural = _("материалы объединений")
        constraints = [
            models.UniqueConstraint(fields=["group", "material"], name="group_material_once")
        ]

    def __str__(self) -> str:
        return f"{self.material_id} → {self.group_id}"


class Thread(models.Model):
    """A topic of the group's discussion board."""

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="threads")
    title = models.CharField(_("тема"), max_length=300)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    last_post_at = models.DateTimeField(default=timezone.now, db_index=True)
    post_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-last_post_at"]
        verbose_name = _("тема обсуждения")
        verbose_name_plural = _("темы обсуждений")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("groups:thread", args=[self.group_id, self.pk])


class Post(models.Model):
    """A message in a thread: Markdown kept as typed, shown sanitized."""

    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="posts")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    body = models.TextField(_("сообщение"))
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("сообщение")
        verbose_name_plural = _("сообщения")

    def __str__(self) -> str:
        return f"{self.author} в «{self.thread}»"


class NewsItem(models.Model):
    """One line of the group's feed: who joined, what was published, what was decided."""

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="news")
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    text = models.CharField(max_length=500)
    url = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("событие объединения")
        verbose_name_plural = _("лента объединения")

    def __str__(self) -> str:
        return self.text


class ProblemGroupApplication(TimeStampedModel):
    """заявление о создании РПГ (`002_…` §3.1): the problem, the expected result, the term,
    the participants and the proposed leader; the department decides within seven days
    (§3.2) by an order or a reasoned rejection."""

    class Status(models.TextChoices):
        AWAITING_CONSENT = "consent", _("ждёт согласия участников")
        SUBMITTED = "submitted", _("на рассмотрении в отделе образования")
        APPROVED = "approved", _("одобрено, группа создана")
        REJECTED = "rejected", _("отклонено")
        WITHDRAWN = "withdrawn", _("отозвано заявителем")

    TRANSITIONS: ClassVar[dict[str, set[str]]] = {
        Status.AWAITING_CONSENT: {Status.SUBMITTED, Status.WITHDRAWN},
        Status.SUBMITTED: {
            Status.APPROVED,
            Status.REJECTED,
            Status.WITHDRAWN,
            Status.AWAITING_CONSENT,
        },
        Status.REJECTED: {Status.AWAITING_CONSENT, Status.SUBMITTED, Status.WITHDRAWN},
        Status.APPROVED: set(),
        Status.WITHDRAWN: set(),
    }
    EDITABLE: ClassVar[set[str]] = {Status.AWAITING_CONSENT, Status.REJECTED}

    kind = models.ForeignKey(
        GroupKind, verbose_name=_("вид"), on_delete=models.PROTECT, related_name="+"
    )
    district = models.ForeignKey(
        "accounts.District",
        verbose_name=_("район"),
        on_delete=models.PROTECT,
        related_name="problem_group_applications",
    )
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("заявитель"),
        on_delete=models.PROTECT,
        related_name="problem_group_applications",
    )
    # On whose behalf: the teacher's school, a school head's school, or the department
    # (then the department is the organizer of the РПГ, §3.1).
    applicant_organization = models.ForeignKey(
        "accounts.Organization",
        verbose_name=_("от имени"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    title = models.CharField(_("название группы"), max_length=300)
    subject = models.ForeignKey(
        "accounts.Subject",
        verbose_name=_("предмет"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    problem = models.TextField(_("проблема, над которой будет работать группа"))
    goals = models.TextField(_("цели и задачи"), blank=True)
    expected_result = models.TextField(_("предполагаемый результат (продукт)"))
    starts_on = models.DateField(_("срок работы: с"))
    ends_on = models.DateField(_("по"))
    proposed_leader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("предлагаемый руководитель"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    status = models.CharField(
        _("состояние"),
        max_length=20,
        choices=Status.choices,
        default=Status.AWAITING_CONSENT,
        db_index=True,
    )
    submitted_at = models.DateTimeField(_("подано в отдел"), null=True, blank=True)
    submission_count = models.PositiveSmallIntegerField(_("подано раз"), default=0)
    # Claimed by a conditional UPDATE so that two workers never send the same reminder.
    reminded_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(_("решение принято"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("кто решил"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    rejection_reasons = models.TextField(_("причины отказа"), blank=True)
    order_number = models.CharField(_("номер приказа"), max_length=60, blank=True)
    order_date = models.DateField(_("дата приказа"), null=True, blank=True)
    group = models.OneToOneField(
        Group,
        verbose_name=_("созданная группа"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="application",
    )

    class Meta:
        ordering = ["-submitted_at", "-created_at"]
        verbose_name = _("заявление о создании РПГ")
        verbose_name_plural = _("заявления о создании РПГ")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gt=models.F("starts_on")),
                name="application_ends_after_start",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="rejected") | ~models.Q(rejection_reasons=""),
                name="rejection_has_reasons",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="approved")
                | (~models.Q(order_number="") & models.Q(order_date__isnull=False)),
                name="approval_has_order",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("groups:application", args=[self.pk])

    @property
    def is_editable(self) -> bool:
        return self.status in self.EDITABLE

    @property
    def is_from_department(self) -> bool:
        return bool(self.applicant_organization.kind.is_education_authority)


class ApplicationParticipant(models.Model):
    """A participant named in an application, with their consent (participation is
    voluntary, §4.3)."""

    class Consent(models.TextChoices):
        PENDING = "pending", _("ещё не ответил")
        AGREED = "agreed", _("согласен")
        DECLINED = "declined", _("отказался")

    application = models.ForeignKey(
        ProblemGroupApplication, on_delete=models.CASCADE, related_name="participants"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="problem_group_invites"
    )
    organization = models.ForeignKey(
        "accounts.Organization",
        verbose_name=_("организация"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    consent = models.CharField(
        _("согласие"), max_length=20, choices=Consent.choices, default=Consent.PENDING
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    comment = models.TextField(_("комментарий"), blank=True)

    class Meta:
        ordering = ["organization__short_name", "user__last_name"]
        verbose_name = _("участник заявления")
        verbose_name_plural = _("участники заявления")
        constraints = [
            models.UniqueConstraint(
                fields=["application", "user"], name="application_participant_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_consent_display()})"
