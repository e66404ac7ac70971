"""The accounts part of the REST API: the caller, organizations and people.

Authentication for the whole API lives here as well, since it is about accounts: a
personal token (`Authorization: Bearer mts_…`), the browser session (CSRF-checked for
unsafe methods), and, on public reads only, no credentials at all. Every answer applies
the same `permissions` as the pages do.

The OpenAPI texts are plain Russian strings rather than gettext: the schema is built once
at import, before any request chooses a language, and the API is documented in Russian.
"""

from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db.models import BooleanField, ExpressionWrapper, Q, QuerySet, Value
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.pagination import PageNumberPagination, paginate
from ninja.security import HttpBearer, SessionAuth

from metodset.accounts import permissions, selectors, services
from metodset.accounts.models import Membership, Organization, Role, User, name_key

# --- Authentication ---------------------------------------------------------------------


class InvalidTokenError(AuthenticationError):
    """Credentials were sent but do not open the API: unknown, revoked or malformed token,
    or the account behind it is deactivated. Never falls back to the anonymous view."""

    def __init__(self) -> None:
        super().__init__(
            message=_(
                "Токен API недействителен: он отозван, введён с ошибкой или принадлежит "
                "отключённой учётной записи."
            )
        )


class PersonalTokenAuth(HttpBearer):
    """`Authorization: Bearer mts_…`, a token issued on the profile's «Токены API» page."""

    def __call__(self, request: HttpRequest) -> Any:
        header = request.headers.get(self.header)
        if not header:
            return None  # no token: let the session or the anonymous view answer
        scheme, _separator, token = header.partition(" ")
        if scheme.lower() != self.openapi_scheme or not token.strip():
            raise InvalidTokenError
        return self.authenticate(request, token.strip())

    def authenticate(self, request: HttpRequest, token: str) -> User:
        user = services.user_for_api_token(token)
        if user is None:
            raise InvalidTokenError
        # Endpoints and the services they call read request.user, as pages do.
        request.user = user
        return user


class BrowserSessionAuth(SessionAuth):
    """The signed-in browser session; unsafe methods must carry the CSRF token."""

    def _get_key(self, request: HttpRequest) -> str | None:
        try:
            return super()._get_key(request)
        except HttpError as error:
            raise HttpError(
                403,
                _(
                    "Запрос отклонён: не пройдена проверка CSRF. Обновите страницу или "
                    "используйте токен API."
                ),
            ) from error


class AnonymousAccess:
    """No credentials: the guest's view of public data. Not an OpenAPI security scheme."""

    def __call__(self, request: HttpRequest) -> AnonymousUser:
        return AnonymousUser()


personal_token = PersonalTokenAuth()
browser_session = BrowserSessionAuth()

# The API-wide default: an endpoint needs a signed-in caller unless it says otherwise.
SIGNED_IN = [personal_token, browser_session]
# Public reads: the same two methods, and a guest when no credentials come at all.
PUBLIC = [personal_token, browser_session, AnonymousAccess()]

router = Router(tags=["Учётные записи и организации"])


# --- Schemas ----------------------------------------------------------------------------


class ErrorOut(Schema):
    detail: str = Field(description="Причина отказа, по-русски.")


class SubjectOut(Schema):
    id: int = Field(description="Идентификатор предмета.")
    name: str = Field(description="Название предмета.")


class OrganizationRefOut(Schema):
    id: int = Field(description="Идентификатор организации.")
    short_name: str = Field(description="Краткое название организации.")


class MembershipOut(Schema):
    organization: OrganizationRefOut = Field(description="Организация.")
    role: Role = Field(description="Код роли.")
    role_label: str = Field(description="Роль по-русски.")
    position: str = Field(description="Должность в этой организации.")
    student_class: str | None = Field(
        description="Класс обучающегося («7Б»); null, если не обучающийся или скрыт."
    )


class MeOut(Schema):
    id: int = Field(description="Идентификатор пользователя.")
    last_name: str = Field(description="Фамилия.")
    first_name: str = Field(description="Имя.")
    patronymic: str = Field(description="Отчество (может быть пустым).")
    full_name: str = Field(description="ФИО полностью.")
    short_name: str = Field(description="Фамилия и инициалы.")
    email: str = Field(description="E-mail, он же логин.")
    position: str = Field(description="Должность.")
    qualification_category: str = Field(
        description="Код квалификационной категории: compliance, first, highest или пусто."
    )
    qualification_category_label: str = Field(description="Квалификационная категория по-русски.")
    subjects: list[SubjectOut] = Field(description="Предметы, которые ведёт педагог.")
    memberships: list[MembershipOut] = Field(description="Действующие роли в организациях.")


class DistrictOut(Schema):
    id: int = Field(description="Идентификатор района.")
    name: str = Field(description="Название района.")


class OrganizationKindOut(Schema):
    code: str = Field(description="Код типа организации.")
    name: str = Field(description="Тип организации по-русски.")


class OrganizationOut(Schema):
    id: int = Field(description="Идентификатор организации.")
    short_name: str = Field(description="Краткое название.")
    name: str = Field(description="Полное название.")
    kind: OrganizationKindOut = Field(description="Тип организации.")
    district: DistrictOut | None = Field(
        description="Муниципальный район; null у региональных организаций."
    )
    address: str = Field(description="Адрес.")
    phone: str = Field(description="Телефон.")
    email: str = Field(description="E-mail организации.")
    website: str = Field(description="Сайт.")
    director_name: str = Field(description="Руководитель.")
    is_active: bool = Field(description="Действует ли организация.")
    teacher_count: int = Field(description="Число педагогов и администрации с действующей ролью.")
    url: str = Field(description="Адрес страницы организации на сайте.")

    @staticmethod
    def resolve_url(obj: Organization) -> str:
        return obj.get_absolute_url()


class OrganizationFilters(Schema):
    district: int | None = Field(None, description="Идентификатор района.")
    kind: str | None = Field(None, description="Код типа организации (school, …).")
    q: str | None = Field(None, description="Слова из названия или адреса.")


class PersonOut(Schema):
    id: int = Field(description="Идентификатор пользователя.")
    last_name: str = Field(description="Фамилия.")
    first_name: str = Field(description="Имя.")
    patronymic: str = Field(description="Отчество (может быть пустым).")
    full_name: str = Field(description="ФИО полностью.")
    short_name: str = Field(description="Фамилия и инициалы.")
    position: str = Field(description="Должность.")
    qualification_category: str = Field(description="Код квалификационной категории.")
    qualification_category_label: str = Field(description="Квалификационная категория по-русски.")
    about: str = Field(description="О себе.")
    is_active: bool = Field(description="Действует ли учётная запись.")
    subjects: list[SubjectOut] = Field(description="Предметы.")
    memberships: list[MembershipOut] = Field(
        description="Действующие роли; роли обучающегося и родителя — только тем, кому "
        "открыты персональные данные человека."
    )
    email: str | None = Field(description="E-mail; null, если персональные данные вам не открыты.")
    url: str = Field(description="Адрес страницы человека на сайте.")

    @staticmethod
    def resolve_qualification_category_label(obj: User) -> str:
        return obj.get_qualification_category_display() if obj.qualification_category else ""

    @staticmethod
    def resolve_subjects(obj: User) -> list[dict[str, Any]]:
        return [{"id": s.pk, "name": s.name} for s in obj.subjects.all()]

    @staticmethod
    def resolve_memberships(obj: User) -> list[dict[str, Any]]:
        return [
            _membership_data(m, show_class=obj.personal_data_visible)  # type: ignore[attr-defined]
            for m in obj.memberships.all()
            if _is_shown(m, personal=obj.personal_data_visible)  # type: ignore[attr-defined]
        ]

    @staticmethod
    def resolve_email(obj: User) -> str | None:
        return obj.email if obj.personal_data_visible else None  # type: ignore[attr-defined]

    @staticmethod
    def resolve_url(obj: User) -> str:
        return obj.get_absolute_url()


class PeopleFilters(Schema):
    q: str | None = Field(None, description="Слова из ФИО (и e-mail, где он вам открыт).")
    organization: int | None = Field(
        None, description="Идентификатор организации, где у человека действующая роль."
    )
    role: Role | None = Field(None, description="Код роли в организации.")


# --- Reads ------------------------------------------------------------------------------


def _membership_data(membership: Membership, *, show_class: bool) -> dict[str, Any]:
    return {
        "organization": {
            "id": membership.organization.pk,
            "short_name": membership.organization.short_name,
        },
        "role": membership.role,
        "role_label": str(Role(membership.role).label),
        "position": membership.position,
        "student_class": (membership.student_class or None) if show_class else None,
    }


def _is_shown(membership: Membership, *, personal: bool) -> bool:
    """The memberships the person's page lists: active ones, and a student's or parent's
    role only to whoever sees the person's personal data. Mirrors _shown_membership_q."""
    return (
        membership.status == Membership.Status.ACTIVE
        and membership.organization.is_active
        and (personal or membership.role in permissions.PUBLIC_PROFILE_ROLES)
    )


def _personal_data_flag(caller: Any) -> Any:
    """A boolean column telling, row by row, whether the caller sees personal data."""
    roles = permissions.roles_of(caller)
    if roles.is_superuser:
        return Value(True)
    if not getattr(caller, "is_authenticated", False):
        return Value(False)
    return ExpressionWrapper(
        Q(pk__in=permissions.personal_data_visible_to(caller).values("pk")),
        output_field=BooleanField(),
    )


def _people(caller: Any, base: QuerySet[User]) -> QuerySet[User]:
    """People with what the schema needs in three queries, whatever the page size."""
    return selectors.search_people(base.annotate(personal_data_visible=_personal_data_flag(caller)))


@router.get(
    "/me",
    response={200: MeOut, 401: ErrorOut},
    auth=SIGNED_IN,
    summary="Текущий пользователь",
    description="Кто вызывает API: ФИО, e-mail, предметы, категория и действующие роли.",
)
def me(request: HttpRequest) -> dict[str, Any]:
    user: User = request.user  # type: ignore[assignment]
    return {
        "id": user.pk,
        "last_name": user.last_name,
        "first_name": user.first_name,
        "patronymic": user.patronymic,
        "full_name": user.full_name,
        "short_name": user.short_name,
        "email": user.email,
        "position": user.position,
        "qualification_category": user.qualification_category,
        "qualification_category_label": (
            user.get_qualification_category_display() if user.qualification_category else ""
        ),
        "subjects": [{"id": s.pk, "name": s.name} for s in user.subjects.all()],
        "memberships": [
            _membership_data(m, show_class=True) for m in selectors.active_memberships_of(user)
        ],
    }


@router.get(
    "/organizations",
    response=list[OrganizationOut],
    auth=PUBLIC,
    summary="Организации",
    description="Организации, которые вы видите: действующие — всем, включая гостей; "
    "отключённые — методистам их района. С числом педагогов.",
)
@paginate(PageNumberPagination, page_size=settings.NINJA_PAGINATION_PER_PAGE)
def organization_list(
    request: HttpRequest, filters: Query[OrganizationFilters]
) -> QuerySet[Organization]:
    qs = permissions.organizations_visible_to(request.user)
    for word in (filters.q or "").split():
        # The folded name keys match Cyrillic whatever its case, on SQLite too.
        key = name_key(word)
        qs = qs.filter(
            Q(short_name_key__contains=key) | Q(name_key__contains=key) | Q(address__icontains=word)
        )
    if filters.district is not None:
        qs = qs.filter(district_id=filters.district)
    if filters.kind:
        qs = qs.filter(kind__code=filters.kind)
    return selectors.organizations_with_counts(qs).order_by(
        "district__name", "kind__ordering", "short_name", "pk"
    )


@router.get(
    "/organizations/{organization_id}",
    response={200: OrganizationOut, 404: ErrorOut},
    auth=PUBLIC,
    summary="Организация",
    description="Одна организация; 404, если её нет или она вам не видна.",
)
def organization_detail(request: HttpRequest, organization_id: int) -> Organization:
    organization = selectors.organizations_with_counts(
        Organization.objects.filter(pk=organization_id)
    ).first()
    if organization is None or not permissions.can_view_organization(request.user, organization):
        raise Http404
    return organization


def _shown_membership_q(caller: Any) -> Q:
    """Memberships a filter may match: those _is_shown lists for this caller."""
    shown_role = Q(memberships__role__in=permissions.PUBLIC_PROFILE_ROLES)
    if getattr(caller, "is_authenticated", False):
        shown_role |= Q(pk__in=permissions.personal_data_visible_to(caller).values("pk"))
    return (
        Q(memberships__status=Membership.Status.ACTIVE)
        & Q(memberships__organization__is_active=True)
        & shown_role
    )


@router.get(
    "/people",
    response=list[PersonOut],
    auth=PUBLIC,
    summary="Люди",
    description="Люди, которых вы видите: педагоги и администрация — всем; обучающиеся и "
    "родители — только себе, своим родителям, сотрудникам своей организации и района. "
    "E-mail и класс — только тем, кому открыты персональные данные.",
)
@paginate(PageNumberPagination, page_size=settings.NINJA_PAGINATION_PER_PAGE)
def person_list(request: HttpRequest, filters: Query[PeopleFilters]) -> QuerySet[User]:
    caller = request.user
    qs = permissions.people_visible_to(caller)
    for word in (filters.q or "").split():
        name = (
            Q(last_name__icontains=word)
            | Q(first_name__icontains=word)
            | Q(patronymic__icontains=word)
        )
        if getattr(caller, "is_authenticated", False):
            # E-mail is personal data: matching it for others would let one probe addresses.
            name |= Q(
                email__icontains=word,
                pk__in=permissions.personal_data_visible_to(caller).values("pk"),
            )
        qs = qs.filter(name)
    if filters.organization is not None or filters.role is not None:
        # One filter() call, so organization and role match the same membership.
        membership = _shown_membership_q(caller)
        if filters.organization is not None:
            membership &= Q(memberships__organization_id=filters.organization)
        if filters.role is not None:
            membership &= Q(memberships__role=filters.role)
        qs = qs.filter(membership)
    return _people(caller, qs)


@router.get(
    "/people/{person_id}",
    response={200: PersonOut, 404: ErrorOut},
    auth=PUBLIC,
    summary="Человек",
    description="Один человек; 404, если его нет или он вам не виден.",
)
def person_detail(request: HttpRequest, person_id: int) -> User:
    person = _people(request.user, User.objects.filter(pk=person_id)).first()
    if person is None or not permissions.can_view_person(request.user, person):
        raise Http404
    return person
