"""Reading CSV and XLSX files of accounts and judging each row (importing.py)."""

import io
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from metodset.accounts import importing
from metodset.accounts.importing import (
    AccountFileChecker,
    CheckResult,
    ImportFileError,
    normalize_class,
    read_table,
    split_full_name,
)
from metodset.accounts.models import Role, Subject, User
from metodset.accounts.tests.factories import OrganizationFactory
from metodset.conftest import World

FIXTURES = Path(__file__).parent / "fixtures"
HEADER = "Фамилия;Имя;Отчество;E-mail;Организация;Роль;Должность;Предметы;Класс"


def csv_bytes(*lines: str, encoding: str = "utf-8") -> bytes:
    return "\r\n".join(lines).encode(encoding)


def xlsx_bytes(rows: list[list[Any]]) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.worksheets[0]
    for row in rows:
        sheet.append(row)
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def check(actor: User, world: World, data: bytes, **kwargs: Any) -> CheckResult:
    return AccountFileChecker(actor=actor, district=world.district, **kwargs).check(data)


def reasons_by_line(result: CheckResult) -> dict[int | None, list[str]]:
    return {error.line: list(error.reasons) for error in result.errors}


def one_row(actor: User, world: World, row: str, **kwargs: Any) -> list[str]:
    """The reasons given for a single data row (line 2)."""
    result = check(actor, world, csv_bytes(HEADER, row), **kwargs)
    return reasons_by_line(result).get(2, [])


# --- Reading ---------------------------------------------------------------------------------


def test_reads_the_cp1251_semicolon_sample() -> None:
    table = read_table((FIXTURES / "accounts_clean_cp1251.csv").read_bytes())
    assert len(table.rows) == 6
    first = table.rows[0]
    assert first.line == 2
    assert first.get(importing.LAST_NAME) == "Соколова"
    assert first.get(importing.EMAIL) == "Sokolova@School1.test"
    assert first.get(importing.SUBJECTS) == "Математика, Физика"
    assert table.rows[1].get(importing.FIRST_NAME) == "Артём"


def test_reads_the_xlsx_sample_with_its_own_line_numbers() -> None:
    table = read_table((FIXTURES / "accounts_clean.xlsx").read_bytes())
    assert importing.FULL_NAME in table.columns
    assert [row.line for row in table.rows] == [2, 3, 4, 6]  # line 5 is empty
    assert table.rows[1].get(importing.STUDENT_CLASS) == "7"  # a number in Excel


@pytest.mark.parametrize(
    ("data", "delimiter"),
    [
        (b"\xef\xbb\xbf" + "Фамилия,Имя\nИванова,Анна".encode(), ","),
        ("Фамилия;Имя\nИванова;Анна".encode(), ";"),
        ("Фамилия\tИмя\nИванова\tАнна".encode("utf-16"), "tab"),
        ("Фамилия;Имя\r\nИванова;Анна".encode("cp1251"), ";"),
    ],
    ids=["utf8-bom-comma", "utf8-semicolon", "utf16-tab", "cp1251"],
)
def test_encodings_and_delimiters_are_recognized(data: bytes, delimiter: str) -> None:
    table = read_table(data)
    assert table.rows[0].values == {importing.LAST_NAME: "Иванова", importing.FIRST_NAME: "Анна"}


def test_header_names_ignore_case_spaces_and_notes() -> None:
    table = read_table(
        csv_bytes(
            " фио ;ЭЛЕКТРОННАЯ ПОЧТА; Организация ;роль;Класс (для обучающихся);№ п/п",
            "Иванова Анна;a@b.test;МБОУ СОШ №1;педагог;;1",
        )
    )
    assert table.columns == {
        importing.FULL_NAME,
        importing.EMAIL,
        importing.ORGANIZATION,
        importing.ROLE,
        importing.STUDENT_CLASS,
    }


def test_line_numbers_count_blank_lines_and_cells_spanning_lines() -> None:
    data = csv_bytes(
        "Фамилия;Имя;Должность",
        "Иванова;Анна;учитель",
        "",
        'Петров;Илья;"учитель\nфизики"',
        "Сидоров;Павел;",
    )
    table = read_table(data)
    assert [row.line for row in table.rows] == [2, 4, 6]
    assert table.rows[1].get(importing.POSITION) == "учитель физики"


def test_a_duplicated_column_is_refused() -> None:
    with pytest.raises(ImportFileError, match="«Имя» встречается дважды"):
        read_table(csv_bytes("Фамилия;Имя;Имя", "Иванова;Анна;Анна"))


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "Файл пуст"),
        (b"   \r\n", "Файл пуст"),
        (b"%PDF-1.7\n...", "Это PDF"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600), "XLS"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "не похож"),
        (b"PK\x03\x04broken", "повреждён"),
    ],
    ids=["empty", "blank", "pdf", "xls", "png", "broken-zip"],
)
def test_files_that_are_not_tables_are_refused_by_content(data: bytes, message: str) -> None:
    with pytest.raises(ImportFileError, match=message):
        read_table(data)


def zip_with(*names: str) -> bytes:
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w") as archive:
        for name in names:
            archive.writestr(name, "<x/>")
    return output.getvalue()


def test_a_zip_that_is_not_a_workbook_is_refused() -> None:
    with pytest.raises(ImportFileError, match="не книга Excel"):
        read_table(zip_with("word/document.xml"))
    with pytest.raises(ImportFileError, match="ODS"):
        read_table(zip_with("content.xml", "mimetype"))


def test_a_damaged_workbook_is_refused() -> None:
    with pytest.raises(ImportFileError, match="Книга Excel повреждена"):
        read_table(zip_with("xl/workbook.xml", "[Content_Types].xml"))


def test_the_size_limit_is_checked(settings: Any) -> None:
    settings.IMPORT_MAX_BYTES = 1024 * 1024
    with pytest.raises(ImportFileError, match="больше 1 МБ"):
        read_table(b"x" * (1024 * 1024 + 1))


def test_more_than_the_row_limit_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(importing, "MAX_ROWS", 3)
    rows = [f"Иванова;Анна{n}" for n in range(4)]
    assert len(read_table(csv_bytes("Фамилия;Имя", *rows[:3])).rows) == 3
    with pytest.raises(ImportFileError, match="больше 3 строк"):
        read_table(csv_bytes("Фамилия;Имя", *rows))


def test_the_real_row_limit_is_twenty_thousand() -> None:
    rows = ["Иванова;Анна"] * (importing.MAX_ROWS + 1)
    with pytest.raises(ImportFileError, match="20\N{NO-BREAK SPACE}000"):
        read_table(csv_bytes("Фамилия;Имя", *rows))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("7 б", "7Б"),
        ("7Б", "7Б"),
        ("7-б", "7Б"),
        ("11а", "11А"),
        ("«10 В»", "10В"),
        ("7b", "7В"),
        ("5", "5"),
        ("12А", None),
        ("0Б", None),
        ("седьмой", None),
        ("7Q", None),
    ],
)
def test_classes_are_normalized(text: str, expected: str | None) -> None:
    assert normalize_class(text) == expected


def test_full_names_are_split_in_three() -> None:
    assert split_full_name("Иванова  Анна Сергеевна") == ("Иванова", "Анна", "Сергеевна")
    assert split_full_name("Мамедов Руслан Тофик оглы") == ("Мамедов", "Руслан", "Тофик оглы")
    assert split_full_name("Иванова") == ("Иванова", "", "")


# --- Checking: clean files ---------------------------------------------------------------------


def test_the_clean_cp1251_sample_has_no_errors(world: World, methodist: User) -> None:
    result = check(methodist, world, (FIXTURES / "accounts_clean_cp1251.csv").read_bytes())
    assert result.errors == []
    assert result.total_rows == 6
    by_email = {row.email: row for row in result.rows}
    teacher = by_email["sokolova@school1.test"]
    assert teacher.organization == world.school
    assert teacher.role == Role.TEACHER
    assert {s.name for s in teacher.subjects} == {"Математика", "Физика"}
    student = by_email["lebedev@school1.test"]
    assert (student.role, student.student_class) == (Role.STUDENT, "7Б")
    assert by_email["lebedeva@mail.test"].role == Role.PARENT
    assert by_email["novikova@school2.test"].organization == world.other_school
    assert by_email["orlov@school1.test"].role == Role.SCHOOL_ADMIN
    methodist_row = by_email["kravtsova@uo.test"]
    assert (methodist_row.role, methodist_row.organization) == (
        Role.DISTRICT_METHODIST,
        world.department,
    )


def test_the_clean_xlsx_sample_has_no_errors(world: World, methodist: User) -> None:
    result = check(methodist, world, (FIXTURES / "accounts_clean.xlsx").read_bytes())
    assert result.errors == []
    by_email = {row.email: row for row in result.rows}
    mamedov = by_email["mamedov@school1.test"]
    assert (mamedov.last_name, mamedov.first_name, mamedov.patronymic) == (
        "Мамедов",
        "Руслан",
        "Тофик оглы",
    )
    assert mamedov.student_class == "11А"
    assert by_email["lebedev@school1.test"].student_class == "7"
    assert result.preview()[0]["name"] == "Соколова Ирина Викторовна"


def test_organizations_match_by_full_name_case_and_yo(world: World, methodist: User) -> None:
    OrganizationFactory(
        district=world.district, short_name="МАДОУ Ёлочка", name="Детский сад «Ёлочка»"
    )
    for name in ("мадоу елочка", "ДЕТСКИЙ САД ЕЛОЧКА", "Детский сад «Ёлочка»"):
        row = f"Иванова;Анна;;a@b.test;{name};педагог;;;"
        assert one_row(methodist, world, row) == [], name


def test_the_head_may_leave_the_organization_empty(world: World, school_admin: User) -> None:
    data = csv_bytes("ФИО;E-mail;Роль;Класс", "Иванов Пётр;petr@b.test;ученик;5в")
    result = check(school_admin, world, data, organization=world.school)
    assert result.errors == []
    assert result.rows[0].organization == world.school


# --- Checking: every reason ----------------------------------------------------------------------


def test_every_bad_row_of_the_sample_is_reported(
    world: World, methodist: User, teacher: User
) -> None:
    result = check(methodist, world, (FIXTURES / "accounts_bad_rows.csv").read_bytes())
    reasons = reasons_by_line(result)
    assert sorted(line for line in reasons if line is not None) == [
        3,
        4,
        5,
        6,
        7,
        8,
        9,
        10,
        11,
        12,
        13,
        14,
        16,
    ]
    assert reasons[3] == ["Не указана фамилия."]
    assert reasons[4] == ["Не указано имя."]
    assert reasons[5] == ["Неверный e-mail «petrova-at-school1.test»."]
    assert reasons[6] == ["Пользователь с e-mail teacher@school1.test уже зарегистрирован."]
    assert reasons[7] == ["E-mail double@school1.test повторяется в файле: строки 7, 8."]
    assert reasons[8] == reasons[7]
    assert reasons[9] == ["Организация «МБОУ СОШ №99» не найдена в районе «Тестовый район»."]
    assert reasons[10][0].startswith("Неизвестная роль «дворник». Допустимые: педагог")
    assert reasons[11] == ["Для обучающегося укажите класс, например «7Б»."]
    assert reasons[12] == ["Класс указывают только для обучающихся."]
    assert reasons[13] == ["Неизвестный предмет «Астрология»."]
    assert reasons[14] == ["Организация «МАОУ СОШ №40» не найдена в районе «Тестовый район»."]
    assert reasons[16] == [
        "Не указано имя.",
        "Неверный e-mail «not-an-email».",
        "Не указана организация.",
        "Не указана роль.",
    ]
    assert [row.line for row in result.rows] == [2]
    assert result.total_rows == 14


def test_missing_required_columns_are_listed(world: World, methodist: User) -> None:
    result = check(methodist, world, csv_bytes("Имя;Должность", "Анна;учитель"))
    assert result.errors[0].line is None
    assert result.errors[0].reasons == (
        "В первой строке файла нет обязательных столбцов: «Фамилия» и «Имя» (или один "
        "столбец «ФИО»), «E-mail», «Организация», «Роль». Скачайте образец и сверьте заголовки.",
    )


def test_a_file_error_becomes_one_error_without_a_line(world: World, methodist: User) -> None:
    result = check(methodist, world, b"%PDF-1.4")
    assert [e.as_json() for e in result.errors] == [
        {"line": None, "reasons": ["Это PDF, а нужна таблица: загрузите файл XLSX или CSV."]}
    ]


def test_a_header_without_rows_is_an_error(world: World, methodist: User) -> None:
    result = check(methodist, world, csv_bytes(HEADER))
    assert result.errors[0].reasons == (
        "В файле нет ни одной строки с учётными записями, только заголовок.",
    )


def test_registered_emails_are_found_whatever_their_case(
    world: World, methodist: User, teacher: User
) -> None:
    row = "Иванова;Анна;;Teacher@SCHOOL1.test;МБОУ СОШ №1;педагог;;;"
    assert one_row(methodist, world, row) == [
        "Пользователь с e-mail teacher@school1.test уже зарегистрирован."
    ]


def test_an_organization_outside_the_heads_school(world: World, school_admin: User) -> None:
    row = "Иванова;Анна;;a@b.test;МБОУ Гимназия №2;педагог;;;"
    assert one_row(school_admin, world, row, organization=world.school) == [
        "Организация «МБОУ Гимназия №2» вне ваших полномочий: вы импортируете учётные "
        "записи только в «МБОУ СОШ №1»."
    ]


def test_an_organization_the_importer_does_not_manage(world: World, school_admin: User) -> None:
    row = "Иванова;Анна;;a@b.test;МБОУ Гимназия №2;педагог;;;"
    assert one_row(school_admin, world, row) == [
        "Организация «МБОУ Гимназия №2» вне ваших полномочий: вы не управляете её учётными "
        "записями."
    ]


@pytest.mark.parametrize("role", ["администрация", "директор", "методист", "эксперт"])
def test_a_head_gives_only_school_roles(world: World, school_admin: User, role: str) -> None:
    organization = "Управление образования" if role in {"методист", "эксперт"} else "МБОУ СОШ №1"
    row = f"Иванова;Анна;;a@b.test;{organization};{role};;;"
    reasons = one_row(school_admin, world, row)
    assert len(reasons) == 1
    assert "вне ваших полномочий" in reasons[0] or "вы дать не можете" in reasons[0]


@pytest.mark.parametrize("role", ["педагог", "обучающийся", "родитель"])
def test_a_head_gives_teacher_student_and_parent(
    world: World, school_admin: User, role: str
) -> None:
    student_class = "7А" if role == "обучающийся" else ""
    row = f"Иванова;Анна;;a@b.test;МБОУ СОШ №1;{role};;;{student_class}"
    assert one_row(school_admin, world, row, organization=world.school) == []


def test_the_role_a_head_may_not_give(world: World, school_admin: User) -> None:
    row = "Иванова;Анна;;a@b.test;МБОУ СОШ №1;завуч;;;"
    assert one_row(school_admin, world, row) == [
        "Роль «администрация ОО» в «МБОУ СОШ №1» вы дать не можете."
    ]


def test_a_methodist_role_outside_the_department(world: World, methodist: User) -> None:
    row = "Иванова;Анна;;a@b.test;МБОУ СОШ №1;методист;;;"
    assert one_row(methodist, world, row) == [
        "Роль «методист управления образования» дают в управлении образования района, а не "
        "в «МБОУ СОШ №1»."
    ]


def test_an_inactive_organization(world: World, methodist: User) -> None:
    world.school.is_active = False
    world.school.save(update_fields=["is_active"])
    row = "Иванова;Анна;;a@b.test;МБОУ СОШ №1;педагог;;;"
    assert one_row(methodist, world, row) == ["Организация «МБОУ СОШ №1» отключена."]


def test_an_unreadable_class(world: World, methodist: User) -> None:
    row = "Иванова;Анна;;a@b.test;МБОУ СОШ №1;обучающийся;;;седьмой"
    assert one_row(methodist, world, row) == [
        "Класс «седьмой» записан непонятно: нужен номер от 1 до 11 и буква, например «7Б»."
    ]


def test_too_long_values(world: World, methodist: User) -> None:
    row = f"{'Я' * 101};Анна;;a@b.test;МБОУ СОШ №1;педагог;{'д' * 201};;"
    assert one_row(methodist, world, row) == [
        "«Фамилия» длиннее 100 символов.",
        "«Должность» длиннее 200 символов.",
    ]


def test_an_empty_email(world: World, methodist: User) -> None:
    row = "Иванова;Анна;;;МБОУ СОШ №1;педагог;;;"
    assert one_row(methodist, world, row) == ["Не указан e-mail."]


def test_an_ambiguous_full_name(world: World, methodist: User) -> None:
    for short_name in ("МАДОУ №1", "МАДОУ №2"):
        OrganizationFactory(district=world.district, short_name=short_name, name="Детский сад")
    row = "Иванова;Анна;;a@b.test;Детский сад;педагог;;;"
    assert one_row(methodist, world, row) == [
        "Названию «Детский сад» соответствуют несколько организаций района: укажите краткое "
        "название."
    ]


def test_subjects_match_whatever_the_case(world: World, methodist: User) -> None:
    row = "Иванова;Анна;;a@b.test;МБОУ СОШ №1;педагог;;математика; ФИЗИКА ;"
    data = csv_bytes(HEADER.replace(";", ","), row.replace(";", ",", 7))
    result = check(methodist, world, data)
    assert result.errors == []
    assert set(result.rows[0].subjects) == set(
        Subject.objects.filter(name__in=["Математика", "Физика"])
    )


def test_xlsx_rows_are_judged_with_their_line_numbers(world: World, methodist: User) -> None:
    data = xlsx_bytes(
        [
            ["Фамилия", "Имя", "E-mail", "Организация", "Роль"],
            ["Иванова", "Анна", "a@b.test", "МБОУ СОШ №1", "педагог"],
            [None, None, None, None, None],
            ["Петров", None, "p@b.test", "МБОУ СОШ №1", "педагог"],
        ]
    )
    assert reasons_by_line(check(methodist, world, data)) == {4: ["Не указано имя."]}


def test_progress_is_reported_while_checking(world: World, methodist: User) -> None:
    rows = [f"Иванова;Анна;;a{n}@b.test;МБОУ СОШ №1;педагог;;;" for n in range(600)]
    calls: list[tuple[int, int]] = []
    checker = AccountFileChecker(actor=methodist, district=world.district)
    checker.check(
        csv_bytes(HEADER, *rows), progress=lambda done, total: calls.append((done, total))
    )
    assert calls == [(0, 600), (250, 600), (500, 600), (600, 600)]
