"""Certificates in the REST API: the public twin of the verification page and the caller's
own certificates, with the pages' permissions and the same masking of student holders.

The OpenAPI texts are plain Russian strings rather than gettext, as in accounts.api: the
schema is built once at import, before any request chooses a language."""

import datetime
from typing import Any

from django.conf import settings
from django.http import Http404, HttpRequest
from django.urls import reverse
from ninja import Field, Query, Router, Schema

from metodset.accounts.api import PUBLIC, SIGNED_IN, ErrorOut
from metodset.certificates import selectors
from metodset.certificates.models import Certificate
from metodset.certificates.rendering import verification_url

router = Router(tags=["Сертификаты"])
PER_PAGE = 20


class DetailOut(Schema):
    label: str = Field(description="Что указано: «Дата», «Объём», «Форма участия».")
    value: str = Field(description="Значение: «12 декабря 2026 г.», «4 ч».")


class CertificateOut(Schema):
    number: str = Field(description="Номер сертификата: год выдачи и номер в году, «2026-000123».")
    code: str = Field(description="Код проверки из адреса страницы сертификата.")
    title: str = Field(description="Название: «Сертификат участника», «Сертификат выступающего».")
    valid: bool = Field(description="true — действителен, false — аннулирован.")
    revoked_at: datetime.datetime | None = Field(description="Когда аннулирован; null, если нет.")
    revoked_reason: str = Field(description="Причина аннулирования; пусто, если действителен.")
    holder: str = Field(
        description="Кому выдан: ФИО; у обучающегося — только фамилия и инициалы, если вы не "
        "сам получатель, не выдавший сертификат и не методист его района."
    )
    holder_organization: str = Field(
        description="Организация получателя; у обучающегося скрыта так же, как ФИО."
    )
    holder_masked: bool = Field(description="Скрыты ли ФИО и организация обучающегося.")
    statement: str = Field(description="Текст: «принял(а) участие в семинаре «…»».")
    details: list[DetailOut] = Field(description="Подробности: дата, объём в часах и т. п.")
    issuer_name: str = Field(description="Кем выдан.")
    signer_name: str = Field(description="Кто подписал; пусто, если не указано.")
    signer_position: str = Field(description="Должность подписавшего; пусто, если не указана.")
    issued_at: datetime.datetime = Field(description="Когда выдан.")
    url: str = Field(description="Адрес страницы проверки подлинности на сайте.")
    pdf_url: str | None = Field(
        description="Адрес PDF сертификата; null, если скачать его вы не можете."
    )


class CertificatePageOut(Schema):
    total: int = Field(description="Сколько всего у вас сертификатов.")
    page: int = Field(description="Номер страницы, с 1.")
    items: list[CertificateOut] = Field(description="Сертификаты этой страницы (до 20).")


class PageIn(Schema):
    page: int = Field(1, ge=1, description="Номер страницы, с 1.")


def _certificate_data(viewer: Any, certificate: Certificate) -> dict[str, Any]:
    shown = selectors.public_view(viewer, certificate)
    return {
        "number": certificate.number,
        "code": certificate.code,
        "title": certificate.title,
        "valid": certificate.is_valid,
        "revoked_at": certificate.revoked_at,
        "revoked_reason": certificate.revoked_reason,
        "holder": shown.holder_name,
        "holder_organization": shown.holder_organization,
        "holder_masked": shown.is_masked,
        "statement": certificate.statement,
        "details": [{"label": label, "value": value} for label, value in certificate.detail_rows],
        "issuer_name": certificate.issuer_name,
        "signer_name": certificate.signer_name,
        "signer_position": certificate.signer_position,
        "issued_at": certificate.issued_at,
        "url": verification_url(certificate),
        "pdf_url": (
            settings.SITE_URL + reverse("certificates:pdf", args=[certificate.code])
            if shown.can_download
            else None
        ),
    }


@router.get(
    "/certificates",
    response={200: CertificatePageOut, 401: ErrorOut},
    auth=SIGNED_IN,
    summary="Мои сертификаты",
    description="Сертификаты, выданные вам, новые первыми, вместе с аннулированными, "
    "по 20 на странице.",
)
def my_certificates(request: HttpRequest, paging: Query[PageIn]) -> dict[str, Any]:
    qs = selectors.certificates_of(request.user)
    start = (paging.page - 1) * PER_PAGE
    items = [_certificate_data(request.user, c) for c in qs[start : start + PER_PAGE]]
    return {"total": qs.count(), "page": paging.page, "items": items}


@router.get(
    "/certificates/{code}",
    response={200: CertificateOut, 404: ErrorOut},
    auth=PUBLIC,
    summary="Проверка сертификата",
    description="Открытая проверка подлинности по коду из ссылки или QR-кода: действителен "
    "ли сертификат, кому и кем выдан. ФИО и организация обучающегося скрыты от всех, кроме "
    "получателя, выдавшего сертификат и методистов района. 404 — код неизвестен.",
)
def certificate_detail(request: HttpRequest, code: str) -> dict[str, Any]:
    certificate = selectors.certificate_by_code(code)
    if certificate is None:
        raise Http404
    return _certificate_data(request.user, certificate)
