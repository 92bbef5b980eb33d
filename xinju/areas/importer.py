"""Bringing a register in from Excel: the template, reading, validation, and the bulk write.

The workbook has five sheets — 小区 (compounds), 楼栋 (buildings), 房屋 (dwellings),
业主 (owners), 居民 (residents) — each with a header row. Every row is checked and every
problem is reported at once, by sheet, row and column; the data is written only when there
is no problem at all, in one transaction (the caller's), so a rejected file writes nothing.

Rows refer to each other by natural keys: a compound by its code, a building by (compound
code, building number), a dwelling by (compound code, building, entrance, unit number). A
reference may point at the same file or at the register already in the database; a row that
repeats one already in the file or in the database is a duplicate.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import io
import string
import zipfile
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import IO, Any

import python_calamine
import xlsxwriter
from django.utils.translation import gettext as _

from xinju.core import cells
from xinju.core.bulk import insert_rows, now, reserve_ids
from xinju.core.identifiers import (
    clean_text,
    compact,
    mask_mobile,
    mask_name,
    normalize_credit_code,
    normalize_id_number,
    normalize_mobile,
)
from xinju.orgs.models import Organization, OrgKind
from xinju.people.models import Owner, Ownership, Person, Relation, Residency, TitleStatus
from xinju.people.names import pinyin_key

from .models import (
    AreaSource,
    Building,
    Community,
    Dwelling,
    DwellingUse,
    Entrance,
    Estate,
    EstateKind,
    Grid,
)

MAX_UNPACKED_BYTES = 500 * 1024 * 1024  # a whole district's register unpacks to ~60 MB
MAX_ISSUES = 5000  # enough to fix a file; more would only repeat the same mistake

# --- the format ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    key: str
    header: str  # the Chinese header of the template
    required: bool = False
    aliases: tuple[str, ...] = ()
    hint: str = ""
    width: int = 12
    max_length: int | None = None  # the model field's, so PostgreSQL never refuses the text


@dataclass(frozen=True)
class SheetSpec:
    key: str
    name: str
    columns: tuple[Column, ...]
    aliases: tuple[str, ...] = ()

    def column(self, key: str) -> Column:
        return next(c for c in self.columns if c.key == key)

    @functools.cached_property
    def required(self) -> frozenset[str]:
        return frozenset(c.key for c in self.columns if c.required)

    @functools.cached_property
    def limits(self) -> dict[str, int]:
        return {c.key: c.max_length for c in self.columns if c.max_length}


PHONE_ALIASES = ("手机号码", "手机", "联系电话", "电话", "mobile", "phone")
# Columns a register often carries besides the template's: read past, never an error.
IGNORED_HEADERS = frozenset({"序号", "编号", "no", "no.", "#"})


def _place(*, unit: bool = True) -> tuple[Column, ...]:
    cols = [
        Column(
            "estate", "小区编码", True, ("compound code", "estate code"), width=12, max_length=20
        ),
        Column("building", "楼栋号", True, ("building", "building number"), "10 或 10栋", 8, 16),
        Column("entrance", "单元号", True, ("entrance", "entrance number"), "2 或 2单元", 8, 8),
        Column("number", "房号", True, ("unit", "unit number", "room"), "301", 8, 16),
    ]
    return tuple(cols if unit else cols[:2])


ESTATES = SheetSpec(
    "estates",
    "小区",
    (
        Column("code", "小区编码", True, ("code", "compound code"), "在全区唯一", 12, 20),
        Column("name", "小区名称", True, ("name", "compound name"), width=18, max_length=100),
        Column("community", "所属社区", True, ("community",), "社区名称或编码", 14),
        Column("address", "地址", False, ("address",), width=24, max_length=255),
        Column("built_year", "建成年份", True, ("year built", "built year"), "1985", 10),
        Column(
            "kind", "类型", True, ("type", "kind"), "商品房/单位职工房/房改房/安置房/散居楼", 14
        ),
        Column("is_open", "开放式", False, ("open", "open compound"), "是/否", 8),
        Column("longitude", "经度", False, ("longitude",), "115.9086", 11),
        Column("latitude", "纬度", False, ("latitude",), "28.6353", 11),
        Column(
            "property_company",
            "物业公司",
            False,
            ("property company",),
            "名称或统一社会信用代码",
            20,
        ),
        Column("note", "备注", False, ("note",), width=20),
    ),
    ("compounds", "estates"),
)
BUILDINGS = SheetSpec(
    "buildings",
    "楼栋",
    (
        *_place(unit=False),
        Column("grid", "所属网格", True, ("grid",), "网格名称或编码", 14),
        Column("floors", "层数", True, ("floors",), "6", 6),
        Column(
            "built_year", "建成年份", False, ("year built", "built year"), "与小区不同时填写", 10
        ),
        Column("note", "备注", False, ("note",), width=20, max_length=255),
    ),
    ("buildings",),
)
DWELLINGS = SheetSpec(
    "dwellings",
    "房屋",
    (
        *_place(),
        Column("floor", "楼层", True, ("floor", "所在楼层"), "3", 6),
        Column("area", "专有部分面积", True, ("exclusive area", "area"), "平方米，如 75.3", 12),
        Column(
            "area_source",
            "面积来源",
            True,
            ("area source", "source of the area"),
            "不动产登记/测绘/合同",
            12,
        ),
        Column("use", "用途", False, ("use",), "住宅/经营", 8),
        Column(
            "title_status", "产权状态", False, ("title status",), "已售已交付/未售/已售未交付", 12
        ),
        Column(
            "certificate_no",
            "不动产权证号",
            False,
            ("certificate number",),
            width=20,
            max_length=64,
        ),
    ),
    ("dwellings", "households"),
)
OWNERS = SheetSpec(
    "owners",
    "业主",
    (
        *_place(),
        Column("owner_type", "业主类型", False, ("owner type",), "个人/单位", 8),
        Column(
            "name", "姓名或单位名称", True, ("name", "姓名", "单位名称"), width=16, max_length=200
        ),
        Column(
            "id_number",
            "证件号码",
            False,
            ("身份证号", "身份证号码", "证件号", "统一社会信用代码", "id number", "credit code"),
            "身份证号或统一社会信用代码",
            22,
        ),
        Column("phone", "手机号", False, PHONE_ALIASES, width=14),
        Column(
            "representative",
            "投票代表",
            False,
            ("casts the vote", "representative"),
            "共有人中代表投票者填 是",
            10,
        ),
    ),
    ("owners",),
)
RESIDENTS = SheetSpec(
    "residents",
    "居民",
    (
        *_place(),
        Column("name", "姓名", True, ("name",), width=10, max_length=64),
        Column(
            "id_number",
            "身份证号",
            False,
            ("身份证号码", "证件号码", "证件号", "id number"),
            width=22,
        ),
        Column("phone", "手机号", False, PHONE_ALIASES, width=14),
        Column("relation", "与户关系", False, ("relation",), "业主/家庭成员/租户/其他", 12),
        Column("is_head", "户主", False, ("head of household",), "是/否", 6),
        Column("moved_in", "入住日期", False, ("moved in",), "2003-05-01", 12),
    ),
    ("residents",),
)
SHEETS: tuple[SheetSpec, ...] = (ESTATES, BUILDINGS, DWELLINGS, OWNERS, RESIDENTS)

KIND_WORDS = {
    EstateKind.COMMODITY: ("商品房", "commodity housing"),
    EstateKind.STAFF: ("单位职工房", "职工宿舍", "staff housing"),
    EstateKind.REFORMED: ("房改房", "housing-reform housing"),
    EstateKind.RESETTLEMENT: ("安置房", "resettlement housing"),
    EstateKind.SCATTERED: ("散居楼", "零散楼栋", "scattered buildings"),
}
SOURCE_WORDS = {
    AreaSource.REGISTERED: ("不动产登记", "登记", "产权登记", "real-estate register", "registered"),
    AreaSource.SURVEYED: ("测绘", "实测", "surveyed"),
    AreaSource.CONTRACT: ("合同", "购房合同", "sale contract"),
}
USE_WORDS = {
    DwellingUse.RESIDENTIAL: ("住宅", "residential"),
    DwellingUse.BUSINESS: ("经营", "商用", "business"),
}
STATUS_WORDS = {
    TitleStatus.DELIVERED: ("已售已交付", "已交付", "sold and delivered", "delivered"),
    TitleStatus.UNSOLD: ("未售", "unsold"),
    TitleStatus.UNDELIVERED: ("已售未交付", "未交付", "sold, not yet delivered", "undelivered"),
}
OWNER_TYPE_WORDS = {
    "person": ("个人", "person"),
    "organization": ("单位", "organisation", "organization"),
}
RELATION_WORDS = {
    Relation.OWNER: ("业主", "本人", "owner"),
    Relation.FAMILY: ("家庭成员", "家属", "family member", "family"),
    Relation.TENANT: ("租户", "承租人", "tenant"),
    Relation.OTHER: ("其他", "other"),
}

# --- the template ----------------------------------------------------------------------------

_INSTRUCTIONS = (
    "新居 · 小区登记导入模板",
    "",
    "1. 五张表：小区、楼栋、房屋、业主、居民。每张表第一行是表头，请勿改动；没有数据的表保留表头即可。",
    "2. 带 * 的列必须填写。表之间用编码关联：楼栋写所属小区编码；房屋、业主、居民写 小区编码 + 楼栋号 + 单元号 + 房号。",
    "3. 所引用的小区、楼栋可以在本文件中，也可以已在系统登记册中；与已有记录重复的行会被指出，不会重复写入。",
    "4. 身份证号按 GB 11643 校验（15 位旧号会自动升为 18 位）；请把身份证号列设为文本格式，以免 Excel 丢失末尾数字。",
    "5. 面积单位为平方米，可写 75.3 或 75.3㎡；面积来源按优先顺序：不动产登记 > 测绘 > 购房合同。",
    "6. 共有房屋每位共有人一行，同一房号；请在代表投票的共有人一行填 投票代表=是。单位产权（职工房、开发商未售房）业主类型填 单位。",
    "7. 全角数字、多余空格会自动纠正。上传后系统一次列出所有错误（表、行、列）；只有全部无误时才会写入，要么全部写入，要么一条都不写。",
)


def template_workbook() -> io.BytesIO:
    """The empty register template, with an instructions sheet and drop-down lists."""
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    head = book.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
    required = book.add_format({"bold": True, "bg_color": "#FCE4D6", "border": 1})
    text_fmt = book.add_format({"num_format": "@"})
    notes = book.add_worksheet("说明")
    notes.set_column(0, 0, 110)
    for i, line in enumerate(_INSTRUCTIONS):
        notes.write(i, 0, line)
    lists = {
        "kind": [w[0] for w in KIND_WORDS.values()],
        "area_source": [w[0] for w in SOURCE_WORDS.values()],
        "use": [w[0] for w in USE_WORDS.values()],
        "title_status": [w[0] for w in STATUS_WORDS.values()],
        "owner_type": [w[0] for w in OWNER_TYPE_WORDS.values()],
        "relation": [w[0] for w in RELATION_WORDS.values()],
        "is_open": ["是", "否"],
        "representative": ["是", "否"],
        "is_head": ["是", "否"],
    }
    for spec in SHEETS:
        sheet = book.add_worksheet(spec.name)
        sheet.freeze_panes(1, 0)
        for col, column in enumerate(spec.columns):
            title = column.header + (" *" if column.required else "")
            sheet.write(0, col, title, required if column.required else head)
            is_text = column.key in {
                "id_number",
                "phone",
                "code",
                "estate",
                "number",
                "certificate_no",
            }
            sheet.set_column(col, col, column.width, text_fmt if is_text else None)
            if column.hint:
                sheet.write_comment(0, col, column.hint)
            if column.key in lists:
                sheet.data_validation(
                    1,
                    col,
                    100000,
                    col,
                    {"validate": "list", "source": lists[column.key], "error_type": "warning"},
                )
    book.close()
    out.seek(0)
    return out


# --- issues ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Issue:
    sheet: str
    row: int | None
    column: str | None
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "sheet": self.sheet,
            "row": self.row,
            "column": self.column,
            "message": self.message,
        }


class Issues:
    def __init__(self) -> None:
        self.items: list[Issue] = []
        self.total = 0

    def add(self, sheet: str, row: int | None, column: str | None, message: str) -> None:
        self.total += 1
        if len(self.items) < MAX_ISSUES:
            self.items.append(Issue(sheet, row, column, str(message)))

    def __bool__(self) -> bool:
        return self.total > 0

    def as_list(self) -> list[dict[str, Any]]:
        out = [i.as_dict() for i in self.items]
        if self.total > len(self.items):
            more = self.total - len(self.items)
            out.append(
                {
                    "sheet": "",
                    "row": None,
                    "column": None,
                    "message": _("…and %(n)s more problems.") % {"n": more},
                }
            )
        return out


class ImportRejected(Exception):
    def __init__(self, issues: Issues) -> None:
        super().__init__(f"{issues.total} problems")
        self.issues = issues


# --- reading ---------------------------------------------------------------------------------


def _column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = string.ascii_uppercase[rem] + letters
    return letters


def _header_key(text: object) -> str:
    """A header as compared: no spaces or line breaks, no "*", no note in brackets."""
    raw = compact(text).replace("*", "").replace("＊", "")
    for opener in ("(", "（"):
        if opener in raw:
            raw = raw.split(opener, 1)[0]
    return raw.lower()


@dataclass
class SheetRows:
    spec: SheetSpec
    positions: dict[str, int]  # column key -> index
    rows: list[tuple[int, list[Any]]]  # (Excel row number, cells)

    def label(self, key: str) -> str:
        """How a column is named in messages: its letter and header, e.g. "E 建成年份"."""
        index = self.positions.get(key)
        header = self.spec.column(key).header
        return f"{_column_letter(index)} {header}" if index is not None else header


def open_workbook(stream: IO[bytes]) -> python_calamine.CalamineWorkbook:
    head = stream.read(8)
    stream.seek(0)
    if head[:4] != b"PK\x03\x04":
        if head.startswith(b"\xd0\xcf\x11\xe0"):
            raise ImportRejected(
                _single(_("This is an old .xls workbook: open it in Excel and save it as .xlsx."))
            )
        raise ImportRejected(_single(_("This file is not an Excel workbook (.xlsx).")))
    try:
        # A small file may unpack into gigabytes; its parts' sizes are declared up front.
        with zipfile.ZipFile(stream) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile as exc:
        raise ImportRejected(
            _single(_("The workbook cannot be read: it is damaged or not an .xlsx file."))
        ) from exc
    stream.seek(0)
    if unpacked > MAX_UNPACKED_BYTES:
        raise ImportRejected(
            _single(_("The workbook is too large once unpacked; split it into several files."))
        )
    try:
        return python_calamine.CalamineWorkbook.from_filelike(stream)
    except Exception as exc:  # calamine raises several error types for damaged files
        raise ImportRejected(
            _single(_("The workbook cannot be read: it is damaged or not an .xlsx file."))
        ) from exc


def _single(message: str) -> Issues:
    issues = Issues()
    issues.add("", None, None, message)
    return issues


def _fill_merged(sheet: python_calamine.CalamineSheet, data: list[list[Any]]) -> None:
    """A value merged over several cells belongs to each of them (a compound code merged down
    a block of rows is what the person filling the sheet sees in every row)."""
    for (r1, c1), (r2, c2) in sheet.merged_cell_ranges or ():
        if r1 >= len(data) or c1 >= len(data[r1]):
            continue
        value = data[r1][c1]
        for r in range(r1, min(r2, len(data) - 1) + 1):
            for c in range(c1, min(c2, len(data[r]) - 1) + 1):
                data[r][c] = value


HEADER_SEARCH_ROWS = 10  # a title or a note may stand above the header


def read_sheets(book: python_calamine.CalamineWorkbook, issues: Issues) -> dict[str, SheetRows]:
    names = {clean_text(n): n for n in book.sheet_names}
    lowered = {k.lower(): v for k, v in names.items()}
    out: dict[str, SheetRows] = {}
    for spec in SHEETS:
        actual = names.get(spec.name) or next(
            (lowered[a] for a in spec.aliases if a in lowered), None
        )
        if actual is None:
            issues.add(
                spec.name, None, None, _("The sheet “%(sheet)s” is missing.") % {"sheet": spec.name}
            )
            continue
        sheet = book.get_sheet_by_name(actual)
        data = sheet.to_python(skip_empty_area=False)
        _fill_merged(sheet, data)
        wanted = {_header_key(c.header): c.key for c in spec.columns}
        for c in spec.columns:
            for alias in c.aliases:
                wanted.setdefault(_header_key(alias), c.key)
        # The header is the row, among the first few, that names the most template columns.
        candidates = [
            (sum(_header_key(v) in wanted for v in row), i)
            for i, row in enumerate(data[:HEADER_SEARCH_ROWS])
        ]
        best, header_index = max(candidates, key=lambda c: (c[0], -c[1]), default=(0, None))
        if not best:
            issues.add(spec.name, None, None, _("The sheet has no header row."))
            continue
        positions: dict[str, int] = {}
        for i, value in enumerate(data[header_index]):
            header = _header_key(value)
            key = wanted.get(header)
            if key and key not in positions:
                positions[key] = i
            elif header and header not in IGNORED_HEADERS:
                issues.add(
                    spec.name,
                    header_index + 1,
                    f"{_column_letter(i)} {clean_text(value)}",
                    _("Unknown column “%(column)s”: use the template's column names, or delete it.")
                    % {"column": clean_text(value)},
                )
        missing = [c for c in spec.columns if c.required and c.key not in positions]
        for c in missing:
            issues.add(
                spec.name,
                header_index + 1,
                c.header,
                _("The column “%(column)s” is missing.") % {"column": c.header},
            )
        if missing:
            continue
        rows = [
            (i + 1, row)
            for i, row in enumerate(data[header_index + 1 :], start=header_index + 1)
            if any(not cells.is_blank(v) for v in row)  # blank rows are skipped, not errors
        ]
        out[spec.key] = SheetRows(spec, positions, rows)
    return out


# --- validation ------------------------------------------------------------------------------

PlaceKey = tuple[str, str]  # (estate code, building number)
UnitKey = tuple[str, str, str, str]  # + entrance, unit number


@dataclass
class NewEstate:
    code: str
    name: str
    community_id: int
    address: str
    built_year: int
    kind: str
    is_open: bool
    longitude: Decimal | None
    latitude: Decimal | None
    property_company_id: int | None
    note: str


@dataclass
class NewBuilding:
    key: PlaceKey
    grid_id: int
    floors: int
    built_year: int | None
    note: str


@dataclass
class NewDwelling:
    key: UnitKey
    floor: int
    area: Decimal
    area_source: str
    use: str
    title_status: str
    certificate_no: str


@dataclass
class PersonRef:
    """A person the file mentions: an existing one (pk) or a new one (index into new_people)."""

    pk: int | None = None
    new: int | None = None


@dataclass
class NewPerson:
    name: str
    id_number: str | None
    phone: str


@dataclass
class Holder:
    person: PersonRef | None
    organization_id: int | None
    representative: bool


@dataclass
class NewResidency:
    unit: UnitKey
    person: PersonRef
    relation: str
    is_head: bool
    moved_in: Any


@dataclass
class Plan:
    """Everything the file adds, with references resolved to existing ids where they exist."""

    estates: list[NewEstate] = field(default_factory=list)
    buildings: list[NewBuilding] = field(default_factory=list)
    dwellings: list[NewDwelling] = field(default_factory=list)
    people: list[NewPerson] = field(default_factory=list)
    titles: dict[UnitKey, list[Holder]] = field(default_factory=dict)
    residencies: list[NewResidency] = field(default_factory=list)
    # What exists already: natural key -> id
    estate_ids: dict[str, int] = field(default_factory=dict)
    building_ids: dict[PlaceKey, int] = field(default_factory=dict)
    entrance_ids: dict[tuple[str, str, str], int] = field(default_factory=dict)
    dwelling_ids: dict[UnitKey, int] = field(default_factory=dict)

    def counts(self) -> dict[str, int]:
        return {
            "estates": len(self.estates),
            "buildings": len(self.buildings),
            "dwellings": len(self.dwellings),
            "people": len(self.people),
            "titles": len(self.titles),
            "owners": sum(len(h) for h in self.titles.values()),
            "residents": len(self.residencies),
        }


class _Row:
    """One row being read: parses cells by column key and files problems against it."""

    __slots__ = ("issues", "number", "sheet", "values")

    def __init__(self, sheet: SheetRows, number: int, values: list[Any], issues: Issues) -> None:
        self.sheet, self.number, self.values, self.issues = sheet, number, values, issues

    def raw(self, key: str) -> Any:
        index = self.sheet.positions.get(key)
        if index is None or index >= len(self.values):
            return None
        return self.values[index]

    def error(self, key: str | None, message: str) -> None:
        self.issues.add(
            self.sheet.spec.name, self.number, self.sheet.label(key) if key else None, message
        )

    def get(self, key: str, parse: Callable[[Any], Any] = cells.text, default: Any = None) -> Any:
        index = self.sheet.positions.get(key)
        value = self.values[index] if index is not None and index < len(self.values) else None
        if value is None or value == "" or (type(value) is str and cells.is_blank(value)):
            if key in self.sheet.spec.required:
                self.error(key, _("This cell is required."))
                return _MISSING
            return default
        try:
            result = parse(value)
        except (cells.CellError, ValueError) as exc:
            self.error(key, str(exc))
            return _MISSING
        limit = self.sheet.spec.limits.get(key)
        if limit and isinstance(result, str) and len(result) > limit:
            self.error(key, _("At most %(n)s characters.") % {"n": limit})
            return _MISSING
        return result


_MISSING = object()


def _ok(*values: Any) -> bool:
    return all(v is not _MISSING for v in values)


def _chunks(items: Sequence[Any], size: int = 2000) -> Iterator[Sequence[Any]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


# Parsers of the columns, built once (not a closure per cell).
_KIND = cells.chooser(KIND_WORDS)
_SOURCE = cells.chooser(SOURCE_WORDS)
_USE = cells.chooser(USE_WORDS)
_STATUS = cells.chooser(STATUS_WORDS)
_OWNER_TYPE = cells.chooser(OWNER_TYPE_WORDS)
_RELATION = cells.chooser(RELATION_WORDS)
_CODE = functools.partial(cells.label)
_BUILDING_NO = functools.partial(cells.label, suffixes=("号楼", "栋", "幢", "号"))
_ENTRANCE_NO = functools.partial(cells.label, suffixes=("单元",))
_UNIT_NO = functools.partial(cells.label, suffixes=("室", "号"))
_FLOORS = functools.partial(cells.integer, suffixes=("层",))
_FLOOR = functools.partial(cells.integer, suffixes=("层", "楼", "F", "f"))


PERSON_NAME_MAX = 64


def _past_date(value: Any) -> dt.date:
    """A date that has happened: moving in cannot lie in the future or before 1900."""
    day = cells.date(value)
    if not dt.date(1900, 1, 1) <= day <= dt.date.today():
        raise cells.CellError(_("Expected a date between 1900 and today."))
    return day


def _id_number(value: Any) -> str:
    if isinstance(value, float) and value.is_integer() and len(str(int(value))) == 15:
        # An old 15-digit number fits a float exactly; it is upgraded like the typed one.
        return normalize_id_number(str(int(value)))
    if isinstance(value, float):
        # Excel keeps 15 significant digits: an ID typed into a number cell has lost its tail.
        raise cells.CellError(
            _("The ID number was stored as a number and lost digits; format the column as text.")
        )
    return normalize_id_number(value)


def _decimal_coordinate(low: int, high: int) -> Callable[[Any], Decimal]:
    def parse(value: Any) -> Decimal:
        try:
            number = Decimal(
                repr(value) if isinstance(value, float) else cells.compact(cells.text(value))
            )
        except Exception as exc:
            raise cells.CellError(_("Expected decimal degrees, such as 115.9086.")) from exc
        if not number.is_finite() or not low <= number <= high:
            raise cells.CellError(
                _("Expected decimal degrees between %(low)s and %(high)s.")
                % {"low": low, "high": high}
            )
        return number.quantize(Decimal("0.000001"))

    return parse


class Validator:
    """Reads the sheets into a Plan, collecting every problem. `progress(n)` is called as rows are read."""

    def __init__(self, *, user: Any, progress: Callable[[int], None] | None = None) -> None:
        """`user` imports: rows may reach only the communities, compounds and people that
        the user's importing roles reach."""
        from .permissions import IMPORT_ROLES

        self.issues = Issues()
        self.plan = Plan()
        self.progress = progress or (lambda n: None)
        self.user = user
        self.roles = IMPORT_ROLES
        self.communities = list(Community.objects.visible_to(user, roles=IMPORT_ROLES))
        self.community_ids = {c.pk for c in self.communities}
        # new people by ID number; without one, by (unit, name) for owners who live there
        self._people_by_id: dict[str, PersonRef] = {}
        self._names_by_id: dict[str, tuple[str, str, int]] = {}
        self._existing_people: dict[str, tuple[int, str, str]] = {}  # id → (pk, name, phone)
        self._foreign_ids: set[str] = set()  # registered, but outside the importer's scope
        self._units: dict[tuple[Any, ...], UnitKey] = {}
        self._ids: dict[Any, str] = {}  # ID numbers as typed → normalised (each checked once)

    # -- lookups of what exists --

    def _community(self, row: _Row, value: str) -> int | None:
        by_code = [c for c in self.communities if c.code == value]
        by_name = [c for c in self.communities if c.name == value]
        match = by_code or by_name
        if len(match) == 1:
            return match[0].pk
        if len(match) > 1:
            row.error(
                "community",
                _("Several communities are called “%(name)s”; write its code instead.")
                % {"name": value},
            )
        else:
            row.error("community", _("No community “%(name)s” in your scope.") % {"name": value})
        return None

    # -- the sheets --

    def run(self, sheets: dict[str, SheetRows]) -> Plan:
        self._estates(sheets.get("estates"))
        self._buildings(sheets.get("buildings"))
        self._dwellings(sheets.get("dwellings"))
        self._load_people(sheets)
        self._owners(sheets.get("owners"))
        self._residents(sheets.get("residents"))
        if self.issues:
            raise ImportRejected(self.issues)
        return self.plan

    def _rows(self, sheet: SheetRows | None) -> Iterator[_Row]:
        if sheet is None:
            return
        for i, (number, values) in enumerate(sheet.rows, start=1):
            yield _Row(sheet, number, values, self.issues)
            if i % 1000 == 0:
                self.progress(1000)
        self.progress(len(sheet.rows) % 1000)

    def _estates(self, sheet: SheetRows | None) -> None:
        self._estate_rows: set[str] = set()
        if sheet is None:
            return
        codes = []
        for _n, r in sheet.rows:
            # Parsed exactly as the rows will be, so "360104 -0001" is checked as 360104-0001.
            with contextlib.suppress(cells.CellError, ValueError):
                if len(r) > sheet.positions["code"]:
                    codes.append(_CODE(r[sheet.positions["code"]]))
        # Every code the sheet names, valid or not: references to a compound whose own row
        # is wrong are not reported again on every row that uses it.
        self._estate_rows = set(codes)
        taken = set()
        for chunk in _chunks(codes):
            taken |= set(Estate.objects.filter(code__in=chunk).values_list("code", flat=True))
        companies = {o.name: o.pk for o in Organization.objects.of_kind(OrgKind.PROPERTY)}
        companies.update(
            {
                o.credit_code: o.pk
                for o in Organization.objects.of_kind(OrgKind.PROPERTY)
                if o.credit_code
            }
        )
        seen: dict[str, int] = {}
        names_seen: dict[tuple[int, str], int] = {}
        existing_names = set(
            Estate.objects.filter(community_id__in=self.community_ids).values_list(
                "community_id", "name"
            )
        )
        for row in self._rows(sheet):
            code = row.get("code", _CODE)
            name = row.get("name")
            community = row.get("community")
            community_id = self._community(row, community) if _ok(community) and community else None
            built_year = row.get("built_year", cells.year)
            kind = row.get("kind", _KIND)
            is_open = row.get("is_open", cells.boolean, False)
            longitude = row.get("longitude", _decimal_coordinate(-180, 180))
            latitude = row.get("latitude", _decimal_coordinate(-90, 90))
            if _ok(longitude, latitude) and (longitude is None) != (latitude is None):
                row.error(
                    "latitude" if latitude is None else "longitude",
                    _("Give both longitude and latitude, or neither."),
                )
            company = row.get("property_company")
            company_id = None
            if _ok(company) and company:
                company_id = companies.get(company) or companies.get(company.upper())
                if company_id is None:
                    row.error(
                        "property_company",
                        _("No property company “%(name)s”; add it in the admin first.")
                        % {"name": company},
                    )
            if _ok(code) and code:
                if code in taken:
                    row.error(
                        "code",
                        _("The compound %(code)s is already in the register.") % {"code": code},
                    )
                elif code in seen:
                    row.error(
                        "code",
                        _("The compound %(code)s is repeated (first in row %(row)s).")
                        % {"code": code, "row": seen[code]},
                    )
                else:
                    seen[code] = row.number
            if community_id and _ok(name) and name:
                if (community_id, name) in existing_names:
                    row.error(
                        "name",
                        _("The community already has a compound called “%(name)s”.")
                        % {"name": name},
                    )
                elif (community_id, name) in names_seen:
                    row.error(
                        "name",
                        _("The compound name is repeated (first in row %(row)s).")
                        % {"row": names_seen[(community_id, name)]},
                    )
                else:
                    names_seen[(community_id, name)] = row.number
            if (
                _ok(code, name, built_year, kind, is_open, longitude, latitude)
                and community_id
                and code
                and name
            ):
                self.plan.estates.append(
                    NewEstate(
                        code=code,
                        name=name,
                        community_id=community_id,
                        address=row.get("address", default=""),
                        built_year=built_year,
                        kind=kind,
                        is_open=bool(is_open),
                        longitude=longitude,
                        latitude=latitude,
                        property_company_id=company_id,
                        note=row.get("note", default=""),
                    )
                )

    def _estate_ref(self, row: _Row) -> str | None:
        """The compound code of a row, if it names a compound of the file or of the user's scope."""
        code = row.get("estate", _CODE)
        if not _ok(code) or not code:
            return None
        if code in self._file_estates or code in self.plan.estate_ids:
            return code
        if code in self._estate_rows:
            return None
        if code in self._missing_estates:
            row.error(
                "estate", _("No compound %(code)s in this file or in your scope.") % {"code": code}
            )
            return None
        found = (
            Estate.objects.filter(code=code, community_id__in=self.community_ids)
            .values_list("pk", "community_id")
            .first()
        )
        if found is None:
            self._missing_estates.add(code)
            row.error(
                "estate", _("No compound %(code)s in this file or in your scope.") % {"code": code}
            )
            return None
        self.plan.estate_ids[code] = found[0]
        self._estate_community[code] = found[1]
        self._load_existing_estate(code, found[0])
        return code

    def _load_existing_estate(self, code: str, estate_id: int) -> None:
        for pk, number, floors in Building.objects.filter(estate_id=estate_id).values_list(
            "pk", "number", "floors"
        ):
            self.plan.building_ids[(code, number)] = pk
            self._floors[(code, number)] = floors
        for pk, bnum, enum in Entrance.objects.filter(building__estate_id=estate_id).values_list(
            "pk", "building__number", "number"
        ):
            self.plan.entrance_ids[(code, bnum, enum)] = pk
        for pk, bnum, enum, unit in Dwelling.objects.filter(estate_id=estate_id).values_list(
            "pk", "building__number", "entrance__number", "number"
        ):
            self.plan.dwelling_ids[(code, bnum, enum, unit)] = pk
        self._titled.update(
            Ownership.objects.current()
            .filter(dwelling__estate_id=estate_id)
            .values_list("dwelling_id", flat=True)
        )
        for person_id, dwelling_id, is_head in (
            Residency.objects.current()
            .filter(dwelling__estate_id=estate_id)
            .values_list("person_id", "dwelling_id", "is_head")
        ):
            self._living.add((person_id, dwelling_id))
            if is_head:
                self._headed.add(dwelling_id)

    def _buildings(self, sheet: SheetRows | None) -> None:
        self._file_estates = {e.code: e for e in self.plan.estates}
        self._estate_community = {e.code: e.community_id for e in self.plan.estates}
        self._missing_estates: set[str] = set()
        self._floors: dict[PlaceKey, int] = {}
        self._titled: set[int] = set()  # existing dwellings that already have a title
        self._living: set[tuple[int, int]] = set()  # (person, dwelling) registered as living
        self._headed: set[int] = set()  # existing dwellings with a head of household
        grids: dict[int, list[tuple[int, str, str]]] = defaultdict(list)
        for pk, community_id, code, name in Grid.objects.filter(
            community_id__in=self.community_ids
        ).values_list("pk", "community_id", "code", "name"):
            grids[community_id].append((pk, code, name))
        # Every building the sheet names, valid or not (see _estate_rows).
        seen: dict[PlaceKey, int] = {}
        self._building_rows = seen
        for row in self._rows(sheet):
            estate = self._estate_ref(row)
            number = row.get("building", _BUILDING_NO)
            grid = row.get("grid")
            floors = row.get("floors", _FLOORS)
            built_year = row.get("built_year", cells.year)
            if _ok(floors) and floors is not None and not 1 <= floors <= 120:
                row.error("floors", _("A building has between 1 and 120 floors."))
                floors = _MISSING
            grid_id = None
            if estate and _ok(grid) and grid:
                community_id = self._estate_community[estate]
                match = [g for g in grids[community_id] if grid in (g[1], g[2])]
                if len(match) == 1:
                    grid_id = match[0][0]
                else:
                    row.error(
                        "grid",
                        _("No grid “%(grid)s” in the compound's community.") % {"grid": grid},
                    )
            if not (estate and _ok(number)):
                continue
            key = (estate, number)
            if key in self.plan.building_ids:
                row.error(
                    "building",
                    _("Building %(number)s of %(code)s is already in the register.")
                    % {"number": number, "code": estate},
                )
            elif key in seen:
                row.error(
                    "building",
                    _("Building %(number)s of %(code)s is repeated (first in row %(row)s).")
                    % {"number": number, "code": estate, "row": seen[key]},
                )
            elif grid_id and _ok(floors, built_year):
                seen[key] = row.number
                self._floors[key] = floors
                self.plan.buildings.append(
                    NewBuilding(key, grid_id, floors, built_year, row.get("note", default=""))
                )
            else:
                seen[key] = row.number

    def _unit_ref(self, row: _Row) -> UnitKey | None:
        # The same four cells recur on the dwelling's owner and resident rows: parse them once.
        raw = (row.raw("estate"), row.raw("building"), row.raw("entrance"), row.raw("number"))
        known = self._units.get(raw)
        if known is not None:
            return known
        estate = self._estate_ref(row)
        building = row.get("building", _BUILDING_NO)
        entrance = row.get("entrance", _ENTRANCE_NO)
        number = row.get("number", _UNIT_NO)
        if not (estate and _ok(building, entrance, number)):
            return None
        if (estate, building) not in self._floors:
            if (estate, building) not in self._building_rows:
                row.error(
                    "building",
                    _("No building %(number)s in compound %(code)s.")
                    % {"number": building, "code": estate},
                )
            return None
        self._units[raw] = (estate, building, entrance, number)
        return self._units[raw]

    def _dwellings(self, sheet: SheetRows | None) -> None:
        seen: dict[UnitKey, int] = {}
        # Dwellings whose row states a title (status or certificate): they need holders.
        self._title_rows: dict[UnitKey, tuple[int, str]] = {}
        for row in self._rows(sheet):
            key = self._unit_ref(row)
            floor = row.get("floor", _FLOOR)
            area = row.get("area", cells.area)
            source = row.get("area_source", _SOURCE)
            use = row.get("use", _USE, DwellingUse.RESIDENTIAL)
            status = row.get("title_status", _STATUS, None)
            certificate = row.get("certificate_no", default="")
            if key is None:
                continue
            floors = self._floors[key[:2]]
            if _ok(floor) and floor is not None and not (1 <= floor <= floors or -5 <= floor <= -1):
                row.error(
                    "floor",
                    _("Building %(number)s has %(floors)s floors.")
                    % {"number": key[1], "floors": floors},
                )
                floor = _MISSING
            if key in self.plan.dwelling_ids:
                row.error("number", _("This dwelling is already in the register."))
            elif key in seen:
                row.error(
                    "number",
                    _("This dwelling is repeated (first in row %(row)s).") % {"row": seen[key]},
                )
            else:
                seen[key] = row.number
                if status or certificate:
                    column = "title_status" if status else "certificate_no"
                    self._title_rows[key] = (row.number, row.sheet.label(column))
                if _ok(floor, area, source, use, status, certificate):
                    self.plan.dwellings.append(
                        NewDwelling(
                            key,
                            floor,
                            area,
                            source,
                            use,
                            status or TitleStatus.DELIVERED,
                            certificate,
                        )
                    )
        self._file_units = set(seen)

    def _load_people(self, sheets: dict[str, SheetRows]) -> None:
        """Existing people, by ID number, for every ID the file mentions (one query per 2,000).

        Only people the importer's roles reach may be linked to the new rows; a number held
        by someone outside that scope is refused, without saying whose it is.
        """
        numbers: set[str] = set()
        for key in ("owners", "residents"):
            sheet = sheets.get(key)
            if sheet is None or "id_number" not in sheet.positions:
                continue
            index = sheet.positions["id_number"]
            for _n, values in sheet.rows:
                if index < len(values) and not cells.is_blank(values[index]):
                    with contextlib.suppress(ValueError):  # reported when the row is read
                        self._ids[values[index]] = _id_number(values[index])
                        numbers.add(self._ids[values[index]])
        reachable = Person.objects.visible_to(self.user, roles=self.roles)
        for chunk in _chunks(sorted(numbers)):
            found = Person.objects.filter(id_number__in=chunk)
            inside = set(reachable.filter(id_number__in=chunk).values_list("pk", flat=True))
            for pk, number, name, phone in found.values_list("pk", "id_number", "name", "phone"):
                if pk in inside:
                    self._existing_people[number] = (pk, name, phone)
                else:
                    self._foreign_ids.add(number)

    def _id_number(self, value: Any) -> str:
        known = self._ids.get(value)
        return known if known is not None else _id_number(value)

    def _person(self, row: _Row, name: str, id_number: str | None, phone: str) -> PersonRef | None:
        """The same ID number is the same person, in the file and in the register."""
        if len(name) > PERSON_NAME_MAX:
            row.error("name", _("At most %(n)s characters.") % {"n": PERSON_NAME_MAX})
            return None
        if id_number is None:
            self.plan.people.append(NewPerson(name, None, phone))
            return PersonRef(new=len(self.plan.people) - 1)
        if id_number in self._foreign_ids:
            row.error(
                "id_number",
                _(
                    "This ID number is registered for someone outside your scope; ask "
                    "headquarters to record this person here."
                ),
            )
            return None
        if id_number in self._existing_people:
            pk, known, known_phone = self._existing_people[id_number]
            if known != name:
                row.error(
                    "name",
                    _("This ID number is registered to another name (%(name)s).")
                    % {"name": mask_name(known)},
                )
                return None
            if phone and known_phone and phone != known_phone:
                row.error(
                    "phone",
                    _(
                        "The register has another mobile for this person (%(phone)s); the "
                        "import does not change people already registered."
                    )
                    % {"phone": mask_mobile(known_phone)},
                )
                return None
            return PersonRef(pk=pk)
        if id_number in self._people_by_id:
            first_name, sheet, first_row = self._names_by_id[id_number]
            if first_name != name:
                row.error(
                    "id_number",
                    _("The same ID number is given for another name in %(sheet)s row %(row)s.")
                    % {"sheet": sheet, "row": first_row},
                )
                return None
            ref = self._people_by_id[id_number]
            if phone and not self.plan.people[ref.new].phone:
                self.plan.people[ref.new].phone = phone
            return ref
        self.plan.people.append(NewPerson(name, id_number, phone))
        ref = PersonRef(new=len(self.plan.people) - 1)
        self._people_by_id[id_number] = ref
        self._names_by_id[id_number] = (name, row.sheet.spec.name, row.number)
        return ref

    def _owners(self, sheet: SheetRows | None) -> None:
        orgs: dict[str, int] = {}
        for pk, name, code in Organization.objects.values_list("pk", "name", "credit_code"):
            orgs[name] = pk
            if code:
                orgs[code] = pk
        seen: dict[tuple[UnitKey, str], int] = {}
        first_row: dict[UnitKey, int] = {}
        listed: set[UnitKey] = set()  # dwellings with owner rows, right or wrong
        self._owner_names: dict[UnitKey, dict[str, PersonRef]] = defaultdict(dict)
        for row in self._rows(sheet):
            key = self._unit_ref(row)
            if key is not None:
                listed.add(key)
            kind = row.get("owner_type", _OWNER_TYPE, "person")
            name = row.get("name")
            representative = row.get("representative", cells.boolean, False)
            phone = row.get("phone", normalize_mobile, "")
            if not _ok(kind):
                continue
            if kind == "organization":
                number = row.get("id_number", normalize_credit_code)
            else:
                number = row.get("id_number", self._id_number)
            if key is None or not _ok(name, representative, phone, number):
                continue
            if key not in self._file_units and key not in self.plan.dwelling_ids:
                row.error("number", _("No such dwelling in this file or in the register."))
                continue
            if key in self.plan.dwelling_ids and self.plan.dwelling_ids[key] in self._titled:
                row.error(
                    "number",
                    _(
                        "This dwelling already has a recorded title; record a change of owner instead."
                    ),
                )
                continue
            marker = number or name
            if (key, marker) in seen:
                row.error(
                    "name",
                    _("This owner is listed twice for the dwelling (first in row %(row)s).")
                    % {"row": seen[(key, marker)]},
                )
                continue
            seen[(key, marker)] = row.number
            if kind == "organization":
                org_id = orgs.get(number or "") or orgs.get(name)
                if org_id is None:
                    row.error(
                        "name",
                        _("No organisation “%(name)s”; add it in the admin first.")
                        % {"name": name},
                    )
                    continue
                holder = Holder(None, org_id, bool(representative))
            else:
                person = self._person(row, name, number, phone)
                if person is None:
                    continue
                self._owner_names[key][name] = person
                holder = Holder(person, None, bool(representative))
            holders = self.plan.titles.setdefault(key, [])
            if representative and any(h.representative for h in holders):
                row.error("representative", _("Only one co-owner casts the vote."))
                continue
            holders.append(holder)
            first_row.setdefault(key, row.number)
        for key, holders in self.plan.titles.items():
            if len(holders) == 1:
                holders[0].representative = True  # a sole owner casts their own vote
            elif not any(h.representative for h in holders) and sheet is not None:
                # Co-owners are one voter and name who casts the vote (owners-votes.md).
                self.issues.add(
                    sheet.spec.name,
                    first_row[key],
                    sheet.label("representative"),
                    _("Co-owners: mark the one who casts the vote (投票代表 = 是)."),
                )
        for key, (number, column) in self._title_rows.items():
            if key not in listed:
                self.issues.add(
                    DWELLINGS.name,
                    number,
                    column,
                    _("A title needs its holders: list them in the owners sheet."),
                )

    def _residents(self, sheet: SheetRows | None) -> None:
        seen: dict[tuple[UnitKey, str], int] = {}
        heads: dict[UnitKey, int] = {}
        for row in self._rows(sheet):
            key = self._unit_ref(row)
            name = row.get("name")
            number = row.get("id_number", self._id_number)
            phone = row.get("phone", normalize_mobile, "")
            relation = row.get("relation", _RELATION, Relation.FAMILY)
            is_head = row.get("is_head", cells.boolean, False)
            moved_in = row.get("moved_in", _past_date)
            if key is None or not _ok(name, number, phone, relation, is_head, moved_in):
                continue
            if key not in self._file_units and key not in self.plan.dwelling_ids:
                row.error("number", _("No such dwelling in this file or in the register."))
                continue
            marker = number or name
            if (key, marker) in seen:
                row.error(
                    "name",
                    _("This resident is listed twice for the dwelling (first in row %(row)s).")
                    % {"row": seen[(key, marker)]},
                )
                continue
            seen[(key, marker)] = row.number
            existing = self.plan.dwelling_ids.get(key)
            if is_head:
                if key in heads:
                    row.error(
                        "is_head",
                        _("The dwelling already has a head of household (row %(row)s).")
                        % {"row": heads[key]},
                    )
                    continue
                if existing in self._headed:
                    row.error("is_head", _("The register already has a head of this household."))
                    continue
                heads[key] = row.number
            if (
                number is None
                and relation == Relation.OWNER
                and name in self._owner_names.get(key, {})
            ):
                person = self._owner_names[key][name]  # the owner, listed again as living here
            else:
                person = self._person(row, name, number, phone)
            if (
                person is not None
                and person.pk is not None
                and (person.pk, existing) in self._living
            ):
                row.error("name", _("This person is already registered as living here."))
                continue
            if person is not None:
                self.plan.residencies.append(
                    NewResidency(key, person, relation, bool(is_head), moved_in)
                )


def row_count(sheets: dict[str, SheetRows]) -> int:
    return sum(len(s.rows) for s in sheets.values())


# --- writing ---------------------------------------------------------------------------------


def write(plan: Plan) -> dict[str, int]:
    """Insert the plan. Must run inside the caller's transaction; constraints still apply."""
    stamp = now()
    estate_ids = dict(plan.estate_ids)
    new_ids = reserve_ids(Estate, len(plan.estates))
    insert_rows(
        Estate,
        [
            "id",
            "code",
            "name",
            "community_id",
            "address",
            "built_year",
            "kind",
            "is_open",
            "longitude",
            "latitude",
            "property_company_id",
            "note",
        ],
        (
            (
                pk,
                e.code,
                e.name,
                e.community_id,
                e.address,
                e.built_year,
                e.kind,
                e.is_open,
                e.longitude,
                e.latitude,
                e.property_company_id,
                e.note,
            )
            for pk, e in zip(new_ids, plan.estates, strict=True)
        ),
        constants={"is_demo": False, "created_at": stamp, "updated_at": stamp},
    )
    estate_ids.update({e.code: pk for pk, e in zip(new_ids, plan.estates, strict=True)})

    building_ids = dict(plan.building_ids)
    new_ids = reserve_ids(Building, len(plan.buildings))
    insert_rows(
        Building,
        ["id", "estate_id", "grid_id", "number", "floors", "built_year", "note"],
        (
            (pk, estate_ids[b.key[0]], b.grid_id, b.key[1], b.floors, b.built_year, b.note)
            for pk, b in zip(new_ids, plan.buildings, strict=True)
        ),
    )
    building_ids.update({b.key: pk for pk, b in zip(new_ids, plan.buildings, strict=True)})

    entrance_ids = dict(plan.entrance_ids)
    wanted = list(dict.fromkeys(d.key[:3] for d in plan.dwellings if d.key[:3] not in entrance_ids))
    new_ids = reserve_ids(Entrance, len(wanted))
    insert_rows(
        Entrance,
        ["id", "building_id", "number"],
        ((pk, building_ids[key[:2]], key[2]) for pk, key in zip(new_ids, wanted, strict=True)),
    )
    entrance_ids.update(dict(zip(wanted, new_ids, strict=True)))

    dwelling_ids = dict(plan.dwelling_ids)
    new_ids = reserve_ids(Dwelling, len(plan.dwellings))
    insert_rows(
        Dwelling,
        [
            "id",
            "entrance_id",
            "building_id",
            "estate_id",
            "floor",
            "number",
            "exclusive_area",
            "area_source",
            "use",
        ],
        (
            (
                pk,
                entrance_ids[d.key[:3]],
                building_ids[d.key[:2]],
                estate_ids[d.key[0]],
                d.floor,
                d.key[3],
                d.area,
                d.area_source,
                d.use,
            )
            for pk, d in zip(new_ids, plan.dwellings, strict=True)
        ),
    )
    dwelling_ids.update({d.key: pk for pk, d in zip(new_ids, plan.dwellings, strict=True)})

    person_ids = reserve_ids(Person, len(plan.people))
    insert_rows(
        Person,
        ["id", "name", "name_pinyin", "id_number", "phone", "gender", "birth_date"],
        ((pk, *_person_columns(p)) for pk, p in zip(person_ids, plan.people, strict=True)),
        constants={"is_demo": False, "created_at": stamp, "updated_at": stamp},
    )

    def person_pk(ref: PersonRef) -> int:
        return ref.pk if ref.pk is not None else person_ids[ref.new]

    statuses = {d.key: (d.title_status, d.certificate_no) for d in plan.dwellings}
    units = list(plan.titles)
    title_ids = reserve_ids(Ownership, len(units))
    insert_rows(
        Ownership,
        ["id", "dwelling_id", "status", "certificate_no"],
        (
            (pk, dwelling_ids[key], *statuses.get(key, (TitleStatus.DELIVERED, "")))
            for pk, key in zip(title_ids, units, strict=True)
        ),
        constants={"created_at": stamp},
    )
    insert_rows(
        Owner,
        ["ownership_id", "person_id", "organization_id", "is_representative"],
        (
            (
                title_id,
                person_pk(h.person) if h.person else None,
                h.organization_id,
                h.representative,
            )
            for title_id, key in zip(title_ids, units, strict=True)
            for h in plan.titles[key]
        ),
    )
    insert_rows(
        Residency,
        ["person_id", "dwelling_id", "relation", "is_head", "moved_in_on"],
        (
            (person_pk(r.person), dwelling_ids[r.unit], r.relation, r.is_head, r.moved_in)
            for r in plan.residencies
        ),
    )
    return plan.counts()


def _person_columns(p: NewPerson) -> tuple[Any, ...]:
    from xinju.core.identifiers import id_number_birth_date, id_number_gender

    if p.id_number:
        return (
            p.name,
            pinyin_key(p.name),
            p.id_number,
            p.phone,
            id_number_gender(p.id_number),
            id_number_birth_date(p.id_number),
        )
    return (p.name, pinyin_key(p.name), None, p.phone, "", None)
