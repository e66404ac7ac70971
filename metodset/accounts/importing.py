"""Reading and checking a file of accounts (CSV or XLSX) for the bulk import.

Every row is checked before anything is written, because the import commits all rows or
none. Line numbers are the file's own (the header is line 1), so the person who made the
file finds a bad row in Excel by its number. The services that move an import through its
states live in `imports.py`; this module only reads and judges.
"""

import codecs
import csv
import datetime
import io
import re
import zipfile
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import openpyxl
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db.models.functions import Lower
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from metodset.accounts import permissions, services
from metodset.accounts.models import District, Organization, Role, Subject, User
from metodset.core.exceptions import DomainError

MAX_ROWS = 20_000
PREVIEW_ROWS = 50
MAX_COLUMNS = 60
PROGRESS_STEP = 250
# Both SQLite (32,766 variables) and PostgreSQL take this many parameters in one IN (…).
QUERY_CHUNK = 900

XLSX = "xlsx"
CSV = "csv"

# --- Columns ------------------------------------------------------------------------------

LAST_NAME = "last_name"
FIRST_NAME = "first_name"
PATRONYMIC = "patronymic"
FULL_NAME = "full_name"
EMAIL = "email"
ORGANIZATION = "organization"
ROLE = "role"
POSITION = "position"
SUBJECTS = "subjects"
STUDENT_CLASS = "student_class"

COLUMN_TITLES: dict[str, Promise] = {
    LAST_NAME: gettext_lazy("Фамилия"),
    FIRST_NAME: gettext_lazy("Имя"),
    PATRONYMIC: gettext_lazy("Отчество"),
    FULL_NAME: gettext_lazy("ФИО"),
    EMAIL: gettext_lazy("E-mail"),
    ORGANIZATION: gettext_lazy("Организация"),
    ROLE: gettext_lazy("Роль"),
    POSITION: gettext_lazy("Должность"),
    SUBJECTS: gettext_lazy("Предметы"),
    STUDENT_CLASS: gettext_lazy("Класс"),
}

# The template's header, in this order.
TEMPLATE_COLUMNS = [
    LAST_NAME,
    FIRST_NAME,
    PATRONYMIC,
    EMAIL,
    ORGANIZATION,
    ROLE,
    POSITION,
    SUBJECTS,
    STUDENT_CLASS,
]

# Header names as _header_key() leaves them: lower case, ё → е, letters only, without
# a note in brackets («Класс (для обучающихся)»).
HEADER_SYNONYMS: dict[str, str] = {
    "фамилия": LAST_NAME,
    "имя": FIRST_NAME,
    "отчество": PATRONYMIC,
    "фио": FULL_NAME,
    "фамилияимяотчество": FULL_NAME,
    "email": EMAIL,
    "mail": EMAIL,
    "емейл": EMAIL,
    "емэйл": EMAIL,
    "имейл": EMAIL,
    "почта": EMAIL,
    "электроннаяпочта": EMAIL,
    "адресэлектроннойпочты": EMAIL,
    "элпочта": EMAIL,
    "эпочта": EMAIL,
    "организация": ORGANIZATION,
    "оо": ORGANIZATION,
    "образовательнаяорганизация": ORGANIZATION,
    "названиеорганизации": ORGANIZATION,
    "школа": ORGANIZATION,
    "учреждение": ORGANIZATION,
    "роль": ROLE,
    "должность": POSITION,
    "предметы": SUBJECTS,
    "предмет": SUBJECTS,
    "преподаваемыепредметы": SUBJECTS,
    "учебныепредметы": SUBJECTS,
    "класс": STUDENT_CLASS,
}

# The words people write in «Роль», as _role_key() leaves them. Each role's own label and
# code are added below, so «методист управления образования» and «teacher» work too.
ROLE_SYNONYMS: dict[str, str] = {
    "педагог": Role.TEACHER,
    "учитель": Role.TEACHER,
    "преподаватель": Role.TEACHER,
    "обучающийся": Role.STUDENT,
    "обучающаяся": Role.STUDENT,
    "ученик": Role.STUDENT,
    "ученица": Role.STUDENT,
    "учащийся": Role.STUDENT,
    "учащаяся": Role.STUDENT,
    "родитель": Role.PARENT,
    "законный представитель": Role.PARENT,
    "администрация": Role.SCHOOL_ADMIN,
    "директор": Role.SCHOOL_ADMIN,
    "завуч": Role.SCHOOL_ADMIN,
    "заместитель директора": Role.SCHOOL_ADMIN,
    "зам директора": Role.SCHOOL_ADMIN,
    "методист": Role.DISTRICT_METHODIST,
    "эксперт": Role.EXPERT,
    "член рмс": Role.EXPERT,
}

MAX_LENGTHS = {
    LAST_NAME: User._meta.get_field("last_name").max_length,
    FIRST_NAME: User._meta.get_field("first_name").max_length,
    PATRONYMIC: User._meta.get_field("patronymic").max_length,
    EMAIL: User._meta.get_field("email").max_length,
    POSITION: User._meta.get_field("position").max_length,
}

_CLASS_PATTERN = re.compile(r"^(\d{1,2})\s*[-–—.]?\s*([A-ZА-ЯЁ]?)$")
# Latin letters that look like Cyrillic ones: «7B» typed on the wrong keyboard is «7В».
_LATIN_LOOKALIKES = str.maketrans("ABCEHKMOPTXY", "АВСЕНКМОРТХУ")
_QUOTES = str.maketrans("", "", "«»\"„“”'‘’`")
_SUBJECT_SEPARATORS = re.compile(r"[,;\n]")


class ImportFileError(DomainError):
    """The file as a whole cannot be imported: wrong type, unreadable, too big, no header."""


# --- Normalizing what people type ----------------------------------------------------------


def _header_key(text: str) -> str:
    text = re.sub(r"\(.*?\)", "", text.lower().replace("ё", "е"))
    return re.sub(r"[^a-zа-я]", "", text)


def _role_key(text: str) -> str:
    text = re.sub(r"[().,«»\"]", " ", text.lower().replace("ё", "е"))
    return " ".join(text.split())


def _name_key(text: str) -> str:
    """Organization and subject names: case, ё, quotes and spaces do not matter."""
    text = text.lower().replace("ё", "е").translate(_QUOTES)
    text = re.sub(r"№\s+", "№", text)
    return " ".join(text.split())


def _role_lookup() -> dict[str, str]:
    lookup = dict(ROLE_SYNONYMS)
    for role in Role:
        lookup.setdefault(_role_key(str(role.label)), role.value)
        lookup.setdefault(_role_key(role.value), role.value)
    return lookup


def normalize_class(text: str) -> str | None:
    """«7 б», «7-б», «7b» → «7Б»; None when it is not a class of 1–11 with an optional letter."""
    text = text.translate(_QUOTES).strip().upper()
    match = _CLASS_PATTERN.match(text)
    if match is None:
        return None
    number = int(match.group(1))
    letter = match.group(2).translate(_LATIN_LOOKALIKES)
    if not 1 <= number <= 11 or (letter and not ("А" <= letter <= "Я" or letter == "Ё")):
        return None
    return f"{number}{letter}"


def split_full_name(text: str) -> tuple[str, str, str]:
    """«Иванова Анна Сергеевна» → surname, name, patronymic; «Мамедов Руслан Тофик оглы»
    keeps «Тофик оглы» as the patronymic."""
    parts = text.split()
    if not parts:
        return "", "", ""
    return parts[0], parts[1] if len(parts) > 1 else "", " ".join(parts[2:])


# --- Reading the file ------------------------------------------------------------------------


@dataclass(frozen=True)
class SourceRow:
    """One non-empty data row: its line in the file and its cells by column."""

    line: int
    values: dict[str, str]

    def get(self, column: str) -> str:
        return self.values.get(column, "")


@dataclass(frozen=True)
class Table:
    columns: frozenset[str]
    rows: list[SourceRow]


def size_limit_error() -> ImportFileError:
    megabytes = settings.IMPORT_MAX_BYTES // (1024 * 1024)
    return ImportFileError(
        _("Файл больше %(limit)s МБ: разделите его на части.") % {"limit": megabytes}
    )


def detect_format(data: bytes) -> str:
    """XLSX or CSV, judged by the content, not by the file's name."""
    if len(data) > settings.IMPORT_MAX_BYTES:
        raise size_limit_error()
    if not data.strip():
        raise ImportFileError(_("Файл пуст."))
    if data.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                names = set(archive.namelist())
        except zipfile.BadZipFile as error:
            raise ImportFileError(
                _("Файл повреждён: это неполный ZIP-архив, а не книга Excel.")
            ) from error
        if "xl/workbook.xml" in names:
            return XLSX
        if "content.xml" in names:
            raise ImportFileError(
                _("Таблицы OpenDocument (ODS) не поддерживаются: сохраните файл как XLSX или CSV.")
            )
        raise ImportFileError(
            _("Это ZIP-архив, но не книга Excel (XLSX): загрузите таблицу в формате XLSX или CSV.")
        )
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise ImportFileError(
            _(
                "Старый формат Excel 97–2003 (XLS) не поддерживается: "
                "сохраните таблицу как «Книга Excel (XLSX)» или CSV."
            )
        )
    if data.startswith(b"%PDF"):
        raise ImportFileError(_("Это PDF, а нужна таблица: загрузите файл XLSX или CSV."))
    is_utf16 = data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
    if not is_utf16 and b"\x00" in data[:8192]:
        raise ImportFileError(
            _("Файл не похож ни на таблицу Excel (XLSX), ни на текст CSV: загрузите таблицу.")
        )
    return CSV


def read_table(data: bytes) -> Table:
    """The header and the non-empty rows; ImportFileError when the file cannot be read."""
    rows = _xlsx_rows(data) if detect_format(data) == XLSX else _csv_rows(_decode(data))
    header: dict[int, str] | None = None
    found: list[SourceRow] = []
    for line, cells in rows:
        if not any(cells):
            continue
        if header is None:
            header = _map_header(cells)
            continue
        values = {column: cells[index] for index, column in header.items() if index < len(cells)}
        if not any(values.values()):
            continue
        if len(found) == MAX_ROWS:
            raise ImportFileError(
                _(
                    "В файле больше %(limit)s строк. Разделите его на части "
                    "не длиннее %(limit)s строк и загрузите их по очереди."
                )
                % {"limit": f"{MAX_ROWS:,}".replace(",", "\N{NO-BREAK SPACE}")}
            )
        found.append(SourceRow(line=line, values=values))
    if header is None:
        raise ImportFileError(_("Файл пуст."))
    return Table(columns=frozenset(header.values()), rows=found)


def _map_header(cells: list[str]) -> dict[int, str]:
    header: dict[int, str] = {}
    seen: dict[str, int] = {}
    for index, cell in enumerate(cells):
        column = HEADER_SYNONYMS.get(_header_key(cell))
        if column is None:
            continue  # other columns (№ п/п, телефон…) are allowed and ignored
        if column in seen:
            raise ImportFileError(
                _("Столбец «%(name)s» встречается дважды: в столбцах %(first)s и %(second)s.")
                % {"name": COLUMN_TITLES[column], "first": seen[column] + 1, "second": index + 1}
            )
        seen[column] = index
        header[index] = column
    return header


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # Excel stores the class «7» as 7.0
    if isinstance(value, datetime.datetime | datetime.date):
        return value.strftime("%d.%m.%Y")
    return " ".join(str(value).split())


def _xlsx_rows(data: bytes) -> Iterator[tuple[int, list[str]]]:
    unreadable = _(
        "Книга Excel повреждена или не читается. Откройте её в Excel и сохраните заново."
    )
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds (zip, XML, KeyError) on bad files
        raise ImportFileError(unreadable) from error
    try:
        if not workbook.worksheets:
            raise ImportFileError(_("В книге Excel нет листов."))
        sheet = workbook.worksheets[0]
        # Some programs write a wrong sheet size; read every row instead of trusting it.
        sheet.reset_dimensions()
        rows = sheet.iter_rows(values_only=True)
        for line, row in enumerate(rows, start=1):
            yield line, [_cell_text(value) for value in list(row)[:MAX_COLUMNS]]
    except ImportFileError:
        raise
    except Exception as error:  # a broken sheet fails while it is being read
        raise ImportFileError(unreadable) from error
    finally:
        workbook.close()


def _decode(data: bytes) -> str:
    """UTF-8 (with or without BOM), UTF-16 with BOM, or Windows-1251 from Russian Excel."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encodings = ["utf-16"]
    else:
        encodings = ["utf-8-sig", "cp1251"]
    for encoding in encodings:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ImportFileError(
        _("Не удалось прочитать текст файла: сохраните его в кодировке UTF-8 или Windows-1251.")
    )


def _sniff_delimiter(text: str) -> str:
    """The header decides: its names hold no `;`, `,` or tab, so the most frequent one wins."""
    first_line = next((line for line in text.splitlines() if line.strip()), "")
    counts = {delimiter: first_line.count(delimiter) for delimiter in (";", ",", "\t")}
    best = max(counts, key=lambda delimiter: counts[delimiter])
    return best if counts[best] else ";"


def _csv_rows(text: str) -> Iterator[tuple[int, list[str]]]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_sniff_delimiter(text))
    line = 1
    try:
        for record in reader:
            yield line, [" ".join(cell.split()) for cell in record[:MAX_COLUMNS]]
            # A quoted cell may span lines: the next record starts after the last line read.
            line = reader.line_num + 1
    except csv.Error as error:
        raise ImportFileError(
            _("Строка %(line)s: файл CSV не читается (%(reason)s).")
            % {"line": line, "reason": error}
        ) from error


# --- Checking the rows ----------------------------------------------------------------------


@dataclass(frozen=True)
class AccountRow:
    """A checked row, ready to become a person with one role."""

    line: int
    email: str
    last_name: str
    first_name: str
    patronymic: str
    organization: Organization
    role: str
    position: str
    student_class: str
    subjects: tuple[Subject, ...]

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.last_name, self.first_name, self.patronymic) if p)

    def as_preview(self) -> dict[str, Any]:
        return {
            "line": self.line,
            "name": self.full_name,
            "email": self.email,
            "organization": self.organization.short_name,
            "role": str(Role(self.role).label),
            "position": self.position,
            "student_class": self.student_class,
            "subjects": ", ".join(subject.name for subject in self.subjects),
        }


@dataclass(frozen=True)
class RowError:
    """The reasons one line cannot be imported; line None for the file as a whole."""

    line: int | None
    reasons: tuple[str, ...]

    def as_json(self) -> dict[str, Any]:
        return {"line": self.line, "reasons": list(self.reasons)}


@dataclass(frozen=True)
class CheckResult:
    rows: list[AccountRow]
    errors: list[RowError]
    total_rows: int

    @property
    def is_clean(self) -> bool:
        return not self.errors

    def preview(self) -> list[dict[str, Any]]:
        return [row.as_preview() for row in self.rows[:PREVIEW_ROWS]]

    def errors_json(self) -> list[dict[str, Any]]:
        return [error.as_json() for error in self.errors]


Progress = Callable[[int, int], None]


class AccountFileChecker:
    """Judges a file against the database as it is now, with the rights of `actor`.

    Organizations and subjects are loaded once; e-mails already registered are looked up
    in chunks, so 10,000 rows cost a few dozen queries, not tens of thousands.
    """

    def __init__(
        self, *, actor: Any, district: District, organization: Organization | None = None
    ) -> None:
        self.actor = actor
        self.district = district
        self.organization = organization
        self.roles = _role_lookup()
        self.organizations_by_key: dict[str, list[Organization]] = defaultdict(list)
        district_organizations = Organization.objects.filter(district=district).select_related(
            "kind"
        )
        for candidate in district_organizations:
            for key in {_name_key(candidate.short_name), _name_key(candidate.name)}:
                self.organizations_by_key[key].append(candidate)
        self.staffed_ids = set(
            permissions.organizations_staffed_by(actor).values_list("pk", flat=True)
        )
        self.subjects = {_name_key(subject.name): subject for subject in Subject.objects.all()}

    def check(self, data: bytes, *, progress: Progress | None = None) -> CheckResult:
        try:
            table = read_table(data)
            self._check_columns(table.columns)
            if not table.rows:
                raise ImportFileError(
                    _("В файле нет ни одной строки с учётными записями, только заголовок.")
                )
        except ImportFileError as error:
            return CheckResult(rows=[], errors=[RowError(None, (error.message,))], total_rows=0)
        return self.check_rows(table, progress=progress)

    def check_rows(self, table: Table, *, progress: Progress | None = None) -> CheckResult:
        total = len(table.rows)
        if progress is not None:
            progress(0, total)
        emails = [row.get(EMAIL).lower() for row in table.rows]
        lines_by_email: dict[str, list[int]] = defaultdict(list)
        for row, email in zip(table.rows, emails, strict=True):
            if email:
                lines_by_email[email].append(row.line)
        registered = registered_emails(lines_by_email)
        rows: list[AccountRow] = []
        errors: list[RowError] = []
        for done, (row, email) in enumerate(zip(table.rows, emails, strict=True), start=1):
            checked = self._check_row(
                row, email, lines_by_email[email] if email else [], registered, table.columns
            )
            if isinstance(checked, AccountRow):
                rows.append(checked)
            else:
                errors.append(RowError(row.line, tuple(checked)))
            if progress is not None and (done % PROGRESS_STEP == 0 or done == total):
                progress(done, total)
        return CheckResult(rows=rows, errors=errors, total_rows=total)

    def _check_columns(self, columns: frozenset[str]) -> None:
        missing: list[str] = []
        if not {LAST_NAME, FIRST_NAME} <= columns and FULL_NAME not in columns:
            missing.append(
                _("«%(last)s» и «%(first)s» (или один столбец «%(full)s»)")
                % {
                    "last": COLUMN_TITLES[LAST_NAME],
                    "first": COLUMN_TITLES[FIRST_NAME],
                    "full": COLUMN_TITLES[FULL_NAME],
                }
            )
        required = [EMAIL, ROLE] if self.organization else [EMAIL, ORGANIZATION, ROLE]
        missing.extend(f"«{COLUMN_TITLES[column]}»" for column in required if column not in columns)
        if missing:
            raise ImportFileError(
                _(
                    "В первой строке файла нет обязательных столбцов: %(columns)s. "
                    "Скачайте образец и сверьте заголовки."
                )
                % {"columns": ", ".join(missing)}
            )

    def _check_row(
        self,
        row: SourceRow,
        email: str,
        email_lines: list[int],
        registered: set[str],
        columns: frozenset[str],
    ) -> AccountRow | list[str]:
        reasons: list[str] = []
        if {LAST_NAME, FIRST_NAME} <= columns:
            last_name, first_name, patronymic = (
                row.get(LAST_NAME),
                row.get(FIRST_NAME),
                row.get(PATRONYMIC),
            )
        else:
            last_name, first_name, patronymic = split_full_name(row.get(FULL_NAME))
        if not last_name:
            reasons.append(_("Не указана фамилия."))
        if not first_name:
            reasons.append(_("Не указано имя."))
        position = row.get(POSITION)
        for column, value in (
            (LAST_NAME, last_name),
            (FIRST_NAME, first_name),
            (PATRONYMIC, patronymic),
            (POSITION, position),
        ):
            reasons.extend(_too_long(column, value))
        reasons.extend(_email_problems(email, email_lines, registered))
        organization = self._organization(row.get(ORGANIZATION), reasons)
        role = self._role(row.get(ROLE), reasons)
        student_class = self._student_class(row.get(STUDENT_CLASS), reasons)
        if organization is not None and role is not None and student_class is not None:
            reasons.extend(self._membership_problems(organization, role, student_class))
        subjects = self._subjects(row.get(SUBJECTS), reasons)
        if reasons or organization is None or role is None or student_class is None:
            return reasons
        return AccountRow(
            line=row.line,
            email=email,
            last_name=last_name,
            first_name=first_name,
            patronymic=patronymic,
            organization=organization,
            role=role,
            position=position,
            student_class=student_class,
            subjects=subjects,
        )

    def _organization(self, text: str, reasons: list[str]) -> Organization | None:
        if not text:
            if self.organization is not None:
                return self.organization
            reasons.append(_("Не указана организация."))
            return None
        candidates = self.organizations_by_key.get(_name_key(text), [])
        exact = [o for o in candidates if _name_key(o.short_name) == _name_key(text)]
        if len(exact) == 1:
            candidates = exact
        if not candidates:
            reasons.append(
                _("Организация «%(name)s» не найдена в районе «%(district)s».")
                % {"name": text, "district": self.district.name}
            )
            return None
        if len(candidates) > 1:
            reasons.append(
                _(
                    "Названию «%(name)s» соответствуют несколько организаций района: "
                    "укажите краткое название."
                )
                % {"name": text}
            )
            return None
        found = candidates[0]
        if self.organization is not None and found.pk != self.organization.pk:
            reasons.append(
                _(
                    "Организация «%(name)s» вне ваших полномочий: вы импортируете "
                    "учётные записи только в «%(own)s»."
                )
                % {"name": found.short_name, "own": self.organization.short_name}
            )
            return None
        if found.pk not in self.staffed_ids:
            reasons.append(
                _(
                    "Организация «%(name)s» вне ваших полномочий: вы не управляете её учётными записями."
                )
                % {"name": found.short_name}
            )
            return None
        return found

    def _role(self, text: str, reasons: list[str]) -> str | None:
        if not text:
            reasons.append(_("Не указана роль."))
            return None
        role = self.roles.get(_role_key(text))
        if role is None:
            reasons.append(
                _(
                    "Неизвестная роль «%(role)s». Допустимые: педагог, обучающийся, родитель, "
                    "администрация, методист, эксперт."
                )
                % {"role": text}
            )
        return role

    def _student_class(self, text: str, reasons: list[str]) -> str | None:
        if not text:
            return ""
        normalized = normalize_class(text)
        if normalized is None:
            reasons.append(
                _(
                    "Класс «%(value)s» записан непонятно: нужен номер от 1 до 11 и буква, например «7Б»."
                )
                % {"value": text}
            )
        return normalized

    def _membership_problems(
        self, organization: Organization, role: str, student_class: str
    ) -> list[str]:
        if not permissions.can_assign_role(self.actor, organization, role):
            return [
                _("Роль «%(role)s» в «%(name)s» вы дать не можете.")
                % {"role": Role(role).label, "name": organization.short_name}
            ]
        # The same rules as for one account made by hand (class only for students…).
        return services.membership_problems(organization, role, student_class)

    def _subjects(self, text: str, reasons: list[str]) -> tuple[Subject, ...]:
        found: dict[int, Subject] = {}
        for part in _SUBJECT_SEPARATORS.split(text):
            name = part.strip()
            if not name:
                continue
            subject = self.subjects.get(_name_key(name))
            if subject is None:
                reasons.append(_("Неизвестный предмет «%(name)s».") % {"name": name})
            else:
                found[subject.pk] = subject
        return tuple(found.values())


def _too_long(column: str, value: str) -> list[str]:
    limit = MAX_LENGTHS[column]
    if limit is not None and len(value) > limit:
        return [
            _("«%(column)s» длиннее %(limit)s символов.")
            % {"column": COLUMN_TITLES[column], "limit": limit}
        ]
    return []


def _email_problems(email: str, email_lines: list[int], registered: set[str]) -> list[str]:
    if not email:
        return [_("Не указан e-mail.")]
    problems = _too_long(EMAIL, email)
    if problems:
        return problems
    try:
        validate_email(email)
    except ValidationError:
        return [_("Неверный e-mail «%(email)s».") % {"email": email}]
    if email in registered:
        problems.append(
            _("Пользователь с e-mail %(email)s уже зарегистрирован.") % {"email": email}
        )
    if len(email_lines) > 1:
        problems.append(
            _("E-mail %(email)s повторяется в файле: строки %(lines)s.")
            % {"email": email, "lines": ", ".join(str(line) for line in email_lines)}
        )
    return problems


def registered_emails(emails: Iterable[str]) -> set[str]:
    """Which of these (lower-case) e-mails already have an account: services.email_taken for
    many at once, case-insensitive like the unique constraint on Lower(email)."""
    wanted = list(emails)
    taken: set[str] = set()
    for start in range(0, len(wanted), QUERY_CHUNK):
        chunk = wanted[start : start + QUERY_CHUNK]
        taken.update(
            User.objects.annotate(email_lower=Lower("email"))
            .filter(email_lower__in=chunk)
            .values_list("email_lower", flat=True)
        )
    return taken
