"""The register import: every bad input named by sheet, row and column; nothing half-written."""

from decimal import Decimal

import pytest

from xinju.areas import importer
from xinju.areas.models import Building, Dwelling, Entrance, Estate
from xinju.core.testing.factories import valid_id_number
from xinju.core.testing.workbooks import new_compound_rows, workbook
from xinju.people.models import Owner, Ownership, Person, Residency

pytestmark = pytest.mark.django_db


@pytest.fixture
def ids():
    return [valid_id_number() for _ in range(8)]


def run(world, rows, user=None, **kwargs):
    """Read and validate like the service does; returns the Plan or raises ImportRejected."""
    from django.db import transaction

    user = user or world.users["community"][0]
    stream = workbook(rows, **kwargs)
    book = importer.open_workbook(stream)
    issues = importer.Issues()
    sheets = importer.read_sheets(book, issues)
    if issues:
        raise importer.ImportRejected(issues)
    plan = importer.Validator(user=user).run(sheets)
    with transaction.atomic():
        importer.write(plan)
    return plan


def problems(excinfo):
    return [
        (i["sheet"], i["row"], i["column"], i["message"]) for i in excinfo.value.issues.as_list()
    ]


def test_a_good_file_writes_every_row(world, ids):
    plan = run(world, new_compound_rows(world, ids))
    estate = Estate.objects.get(code="NEW-001")
    assert estate.community == world.c1 and estate.built_year == 1990 and estate.kind == "reformed"
    assert Building.objects.filter(estate=estate).count() == 1
    assert Entrance.objects.filter(building__estate=estate).count() == 2
    dwellings = Dwelling.objects.filter(estate=estate)
    assert dwellings.count() == 4
    assert {d.exclusive_area for d in dwellings} == {
        Decimal("60.50"),
        Decimal("61.50"),
        Decimal("62.50"),
        Decimal("63.50"),
    }
    co_owned = Ownership.objects.get(
        dwelling__estate=estate, dwelling__entrance__number="1", dwelling__number="101"
    )
    holders = list(co_owned.owners.order_by("id"))
    assert [o.person.name for o in holders] == ["王一", "李二"]
    assert [o.is_representative for o in holders] == [True, False]
    # A sole owner casts their own vote without being marked.
    sole = Ownership.objects.get(
        dwelling__estate=estate, dwelling__entrance__number="2", dwelling__number="101"
    )
    assert sole.owners.get().is_representative
    # The owner who lives there is one person, not two.
    assert Person.objects.filter(id_number=ids[0]).count() == 1
    assert Residency.objects.filter(dwelling__estate=estate).count() == 4
    wang = Person.objects.get(id_number=ids[0])
    assert wang.name_pinyin == "wang2 yi1" and wang.birth_date is not None
    assert plan.counts()["owners"] == 5


def test_an_existing_person_is_linked_not_duplicated(world, ids):
    known = world.d1.ownerships.get().owners.get().person
    rows = new_compound_rows(world, ids)
    rows["owners"][2][5:8] = [known.name, known.id_number, known.phone]
    rows["residents"][1][4:7] = [known.name, known.id_number, ""]
    run(world, rows)
    assert Person.objects.filter(id_number=known.id_number).count() == 1
    assert Owner.objects.filter(person=known).count() == 2  # now the owner of two dwellings


def test_an_existing_id_number_with_another_name_is_an_error(world, ids):
    known = world.d1.ownerships.get().owners.get().person
    rows = new_compound_rows(world, ids)
    rows["owners"][2][5:7] = ["别人", known.id_number]
    with pytest.raises(importer.ImportRejected) as err:
        run(world, rows)
    sheet, row, column, message = problems(err)[0]
    assert (sheet, row) == ("业主", 4) and "姓名" in column and "another name" in message
    assert known.name not in message  # the register's name is not disclosed in full


def test_rows_may_add_to_a_compound_already_in_the_register(world, ids):
    code = world.e1.code
    rows = {
        "buildings": [[code, "7", world.g2.code, 5, 1995, ""]],
        "dwellings": [[code, "7", "1", "501", 5, "58.2㎡", "测绘", "", "", ""]],
        "owners": [[code, "7", "1", "501", "", "周七", ids[0], "", ""]],
    }
    run(world, rows)
    building = Building.objects.get(estate=world.e1, number="7")
    assert building.grid == world.g2 and building.built_year == 1995
    d = Dwelling.objects.get(building=building)
    assert d.exclusive_area == Decimal("58.20") and d.area_source == "surveyed"


def test_not_an_xlsx(world):
    for content, words in (
        (b"name,code\n1,2\n", "not an Excel workbook"),
        (b"\xd0\xcf\x11\xe0" + b"\0" * 100, "old .xls"),
    ):
        import io

        with pytest.raises(importer.ImportRejected) as err:
            importer.open_workbook(io.BytesIO(content))
        assert words in problems(err)[0][3]


def test_a_damaged_xlsx(world):
    import io

    with pytest.raises(importer.ImportRejected) as err:
        importer.open_workbook(io.BytesIO(b"PK\x03\x04 this is not a zip"))
    assert "damaged" in problems(err)[0][3]


def test_a_missing_sheet_is_named(world, ids):
    with pytest.raises(importer.ImportRejected) as err:
        run(world, new_compound_rows(world, ids), drop_sheets=("buildings",))
    assert problems(err) == [("楼栋", None, None, "The sheet “楼栋” is missing.")]


def test_a_missing_column_is_named(world, ids):
    import openpyxl

    stream = workbook(new_compound_rows(world, ids))
    book = openpyxl.load_workbook(stream)
    book["房屋"].delete_cols(6)  # 专有部分面积
    stream.seek(0)
    stream.truncate()
    book.save(stream)
    stream.seek(0)
    issues = importer.Issues()
    importer.read_sheets(importer.open_workbook(stream), issues)
    assert [(i.sheet, i.row, i.column) for i in issues.items] == [("房屋", 1, "专有部分面积")]


def test_a_wrong_id_checksum_is_reported_at_its_cell(world, ids):
    rows = new_compound_rows(world, ids)
    bad = ids[2][:-1] + ("0" if ids[2][-1] != "0" else "1")
    rows["owners"][2][6] = bad
    with pytest.raises(importer.ImportRejected) as err:
        run(world, rows)
    assert problems(err) == [
        ("业主", 4, "G 证件号码", "The ID number's check character is wrong (GB 11643).")
    ]
    assert not Estate.objects.filter(code="NEW-001").exists()  # nothing half-written


def test_full_width_digits_stray_spaces_and_units_are_normalised(world, ids):
    rows = new_compound_rows(world, ids)
    full = ids[3].translate(str.maketrans("0123456789X", "０１２３４５６７８９Ｘ"))
    rows["owners"][3][6] = f" {full} "
    rows["owners"][3][7] = "１３９ ０００ ０００ ０９"
    rows["dwellings"][0][5] = "75.3㎡"
    rows["dwellings"][1][5] = " ７５．４ 平方米 "
    rows["buildings"][0][1] = "1栋"
    run(world, rows)
    zhao = Person.objects.get(id_number=ids[3])
    assert zhao.phone == "13900000009"
    areas = set(
        Dwelling.objects.filter(estate__code="NEW-001").values_list("exclusive_area", flat=True)
    )
    assert {Decimal("75.30"), Decimal("75.40")} <= areas


def test_a_duplicate_dwelling_in_the_file(world, ids):
    rows = new_compound_rows(world, ids)
    rows["dwellings"].append(list(rows["dwellings"][0]))
    with pytest.raises(importer.ImportRejected) as err:
        run(world, rows)
    assert problems(err) == [("房屋", 6, "D 房号", "This dwelling is repeated (first in row 2).")]


def test_a_dwelling_already_in_the_register(world, ids):
    code, d1 = world.e1.code, world.d1
    rows = {
        "dwellings": [
            [code, d1.building.number, d1.entrance.number, d1.number, 1, 60, "合同", "", "", ""]
        ]
    }
    with pytest.raises(importer.ImportRejected) as err:
        run(world, rows)
    assert problems(err) == [("房屋", 2, "D 房号", "This dwelling is already in the register.")]


def test_an_unknown_building(world, ids):
    rows = new_compound_rows(world, ids)
    rows["dwellings"][0][1] = "9"
    with pytest.raises(importer.ImportRejected) as err:
        run(world, rows)
    found = problems(err)
    assert ("房屋", 2, "B 楼栋号", "No building 9 in compound NEW-001.") in found


def test_an_unknown_or_foreign_compound(world, ids):
    rows = {
        "buildings": [
            ["NOPE", "1", "x", 5, None, ""],
            [world.e3.code, "8", world.g4.code, 5, None, ""],
        ]
    }
    with pytest.raises(importer.ImportRejected) as err:
        run(world, rows)  # e3 exists but lies outside the community worker's scope
    messages = [p[3] for p in problems(err)]
    assert messages == [
        "No compound NOPE in this file or in your scope.",
        f"No compound {world.e3.code} in this file or in your scope.",
    ]


def test_blank_rows_are_skipped(world, ids):
    rows = new_compound_rows(world, ids)
    rows["dwellings"].insert(2, [None] * 10)
    rows["dwellings"].insert(3, ["", "  ", None])
    run(world, rows)
    assert Dwelling.objects.filter(estate__code="NEW-001").count() == 4


@pytest.mark.parametrize("area", [0, -45.2, "0㎡", "-1"])
def test_a_zero_or_negative_area(world, ids, area):
    rows = new_compound_rows(world, ids)
    rows["dwellings"][1][5] = area
    with pytest.raises(importer.ImportRejected) as err:
        run(world, rows)
    assert problems(err) == [("房屋", 3, "F 专有部分面积", "An area must be greater than 0.")]


def test_every_problem_is_reported_at_once(world, ids):
    rows = new_compound_rows(world, ids)
    rows["estates"][0][4] = "很久以前"
    rows["dwellings"][0][5] = "大约六十"
    rows["dwellings"][2][6] = "估算"
    rows["owners"][3][7] = "12345"
    rows["residents"][2][9] = "2003-02-30"
    with pytest.raises(importer.ImportRejected) as err:
        run(world, rows)
    where = [(s, r, c) for s, r, c, _m in problems(err)]
    assert where == [
        ("小区", 2, "E 建成年份"),
        ("房屋", 2, "F 专有部分面积"),
        ("房屋", 4, "G 面积来源"),
        ("业主", 5, "H 手机号"),
        ("居民", 4, "J 入住日期"),
    ]


def test_an_id_number_typed_into_a_number_cell(world, ids):
    rows = new_compound_rows(world, ids)
    rows["owners"][4][6] = float(ids[4][:17] + "0") if ids[4][-1] == "X" else float(ids[4])
    with pytest.raises(importer.ImportRejected) as err:
        run(world, rows)
    assert "format the column as text" in problems(err)[0][3]


def test_the_same_id_for_two_names_inside_the_file(world, ids):
    rows = new_compound_rows(world, ids)
    rows["residents"][2][5] = ids[0]  # 张小三 given 王一's number
    with pytest.raises(importer.ImportRejected) as err:
        run(world, rows)
    assert problems(err)[0][:3] == ("居民", 4, "F 身份证号")


def test_two_representatives_for_one_title(world, ids):
    rows = new_compound_rows(world, ids)
    rows["owners"][1][8] = "是"
    with pytest.raises(importer.ImportRejected) as err:
        run(world, rows)
    assert problems(err) == [("业主", 3, "I 投票代表", "Only one co-owner casts the vote.")]


def test_a_title_for_a_dwelling_that_already_has_one(world, ids):
    d1 = world.d1
    rows = {
        "owners": [
            [
                world.e1.code,
                d1.building.number,
                d1.entrance.number,
                d1.number,
                "",
                "新业主",
                ids[0],
                "",
                "",
            ]
        ]
    }
    with pytest.raises(importer.ImportRejected) as err:
        run(world, rows)
    assert "already has a recorded title" in problems(err)[0][3]


def test_an_enterprise_owner_must_exist(world, ids):
    rows = new_compound_rows(world, ids)
    rows["owners"][4] = [*rows["owners"][4][:4], "单位", "不存在的集团", "", "", ""]
    with pytest.raises(importer.ImportRejected) as err:
        run(world, rows)
    assert "add it in the admin first" in problems(err)[0][3]
    rows["owners"][4] = [*rows["owners"][4][:4], "单位", world.p1.name, "", "", ""]
    run(world, rows)
    title = Ownership.objects.get(
        dwelling__estate__code="NEW-001", dwelling__entrance__number="2", dwelling__number="102"
    )
    assert title.owners.get().organization == world.p1


def test_a_floor_above_the_building(world, ids):
    rows = new_compound_rows(world, ids)
    rows["dwellings"][0][4] = 9
    with pytest.raises(importer.ImportRejected) as err:
        run(world, rows)
    assert problems(err) == [("房屋", 2, "E 楼层", "Building 1 has 6 floors.")]


def test_english_headers_and_sheet_names_are_understood(world, ids):
    import openpyxl

    stream = workbook(new_compound_rows(world, ids))
    book = openpyxl.load_workbook(stream)
    book["小区"].title = "compounds"
    book["compounds"]["B1"] = "Compound name *"
    stream = __import__("io").BytesIO()
    book.save(stream)
    stream.seek(0)
    issues = importer.Issues()
    sheets = importer.read_sheets(importer.open_workbook(stream), issues)
    assert not issues and sheets["estates"].rows


def test_the_template_has_the_five_sheets_and_their_headers():
    import openpyxl

    book = openpyxl.load_workbook(importer.template_workbook())
    assert book.sheetnames == ["说明", "小区", "楼栋", "房屋", "业主", "居民"]
    assert book["房屋"]["F1"].value == "专有部分面积 *"
    issues = importer.Issues()
    importer.read_sheets(importer.open_workbook(importer.template_workbook()), issues)
    assert not issues  # the empty template is itself a valid (empty) register


# --- scope and the register as it stands ------------------------------------------------


def test_a_person_outside_the_importers_scope_is_not_pulled_in(world, ids):
    stranger = world.d13.ownerships.get().owners.get().person  # lives in e3, outside c1
    rows = new_compound_rows(world, ids)
    rows["residents"][2][4:6] = [stranger.name, stranger.id_number]
    with pytest.raises(importer.ImportRejected) as err:
        run(world, rows)
    ((sheet, row, column, message),) = problems(err)
    assert (sheet, row, column) == ("居民", 4, "F 身份证号") and "outside your scope" in message
    assert stranger.name not in message and stranger.name[0] not in message


def test_a_different_phone_for_a_registered_person_is_reported_not_dropped(world, ids):
    known = world.d1.ownerships.get().owners.get().person
    rows = new_compound_rows(world, ids)
    rows["owners"][2][5:8] = [known.name, known.id_number, "13700000000"]
    with pytest.raises(importer.ImportRejected) as err:
        run(world, rows)
    assert problems(err)[0][:3] == ("业主", 4, "H 手机号")


def test_a_resident_already_living_in_an_existing_dwelling(world, ids):
    d1 = world.d1
    owner = d1.ownerships.get().owners.get().person
    place = [world.e1.code, d1.building.number, d1.entrance.number, d1.number]
    rows = {"residents": [[*place, owner.name, owner.id_number, "", "业主", "否", ""]]}
    with pytest.raises(importer.ImportRejected) as err:
        run(world, rows)
    assert problems(err) == [
        ("居民", 2, "E 姓名", "This person is already registered as living here.")
    ]


def test_a_second_head_for_an_existing_dwelling(world, ids):
    d1 = world.d1
    place = [world.e1.code, d1.building.number, d1.entrance.number, d1.number]
    rows = {"residents": [[*place, "新来的", ids[0], "", "家庭成员", "是", ""]]}
    with pytest.raises(importer.ImportRejected) as err:
        run(world, rows)
    assert problems(err)[0][2:] == ("I 户主", "The register already has a head of this household.")


def test_co_owners_must_name_who_casts_the_vote(world, ids):
    rows = new_compound_rows(world, ids)
    rows["owners"][0][8] = "否"
    with pytest.raises(importer.ImportRejected) as err:
        run(world, rows)
    assert problems(err) == [
        ("业主", 2, "I 投票代表", "Co-owners: mark the one who casts the vote (投票代表 = 是).")
    ]


def test_a_title_stated_without_holders(world, ids):
    rows = new_compound_rows(world, ids)
    del rows["owners"][4]  # 2-102 keeps its 已售已交付 status but loses its owner
    with pytest.raises(importer.ImportRejected) as err:
        run(world, rows)
    assert problems(err) == [
        ("房屋", 5, "I 产权状态", "A title needs its holders: list them in the owners sheet.")
    ]


def test_a_dwelling_without_title_information_may_have_no_owner_yet(world, ids):
    rows = new_compound_rows(world, ids)
    del rows["owners"][4]
    rows["dwellings"][3][8] = ""  # no status stated
    run(world, rows)
    assert not Ownership.objects.filter(
        dwelling__estate__code="NEW-001", dwelling__number="102", dwelling__entrance__number="2"
    ).exists()


def test_a_compound_code_with_a_stray_inner_space_is_the_same_code(world, ids):
    rows = new_compound_rows(world, ids, code=world.e1.code[:3] + " " + world.e1.code[3:])
    with pytest.raises(importer.ImportRejected) as err:
        run(world, rows)
    assert (
        "小区",
        2,
        "A 小区编码",
        f"The compound {world.e1.code} is already in the register.",
    ) in problems(err)


# --- messy files ----------------------------------------------------------------------------


def _rewrite(stream, edit):
    import io

    import openpyxl

    book = openpyxl.load_workbook(stream)
    edit(book)
    out = io.BytesIO()
    book.save(out)
    out.seek(0)
    return out


def _read(stream):
    issues = importer.Issues()
    sheets = importer.read_sheets(importer.open_workbook(stream), issues)
    return sheets, [(i.sheet, i.row, i.column, i.message) for i in issues.items]


def test_an_unknown_column_is_named_but_a_serial_number_column_is_fine(world, ids):
    def edit(book):
        book["房屋"]["K1"] = "面积备注"
        book["房屋"].insert_cols(1)
        book["房屋"]["A1"] = "序号"

    _sheets, found = _read(_rewrite(workbook(new_compound_rows(world, ids)), edit))
    assert found == [
        (
            "房屋",
            1,
            "L 面积备注",
            "Unknown column “面积备注”: use the template's column names, or delete it.",
        )
    ]


def test_a_title_above_the_header_and_broken_headers_are_understood(world, ids):
    def edit(book):
        sheet = book["房屋"]
        sheet.insert_rows(1, amount=2)
        sheet["A1"] = "洪科社区房屋登记表（2026年）"
        sheet["F3"] = "专有部分\n面积 *"
        sheet["C3"] = "单 元 号"

    sheets, found = _read(_rewrite(workbook(new_compound_rows(world, ids)), edit))
    assert not found
    assert sheets["dwellings"].rows[0][0] == 4  # Excel row numbers still point at the cells


def test_merged_cells_count_for_every_row_they_cover(world, ids):
    def edit(book):
        sheet = book["房屋"]
        for r in range(3, 6):
            sheet.cell(row=r, column=1).value = None
        sheet.merge_cells("A2:A5")

    stream = _rewrite(workbook(new_compound_rows(world, ids)), edit)
    sheets, found = _read(stream)
    assert not found and all(values[0] == "NEW-001" for _n, values in sheets["dwellings"].rows)


@pytest.mark.parametrize(
    ("area", "words"),
    [
        ("75,3", "a point for decimals"),
        ("1e3", "a point for decimals"),
        ("7_5", "a point for decimals"),
        (1e30, "not one dwelling"),
        ("12000", "not one dwelling"),
    ],
)
def test_areas_that_would_be_misread_are_refused(world, ids, area, words):
    rows = new_compound_rows(world, ids)
    rows["dwellings"][0][5] = area
    with pytest.raises(importer.ImportRejected) as err:
        run(world, rows)
    assert words in problems(err)[0][3]


def test_numbers_excel_made_of_phones_dates_and_old_ids_are_read(world, ids):
    old = "110105491231002"  # the 15-digit form of the standard's example
    rows = new_compound_rows(world, ids)
    rows["owners"][3][6:8] = [float(old), 13900000004.0]
    rows["owners"][4][7] = "8613900000005"
    rows["residents"][0][9] = 20010501.0
    rows["dwellings"][0][4] = "1F"
    run(world, rows)
    assert Person.objects.get(name="赵四").id_number == "11010519491231002X"
    assert Person.objects.get(name="赵四").phone == "13900000004"
    assert Person.objects.get(name="钱五").phone == "13900000005"
    assert Residency.objects.get(person__name="王一").moved_in_on.isoformat() == "2001-05-01"


def test_a_moving_in_date_in_the_future_is_refused(world, ids):
    rows = new_compound_rows(world, ids)
    rows["residents"][0][9] = "2999-01-01"
    with pytest.raises(importer.ImportRejected) as err:
        run(world, rows)
    assert problems(err) == [("居民", 2, "J 入住日期", "Expected a date between 1900 and today.")]


def test_a_unit_number_excel_turned_into_a_date(world, ids):
    import datetime as dt

    rows = new_compound_rows(world, ids)
    rows["dwellings"][0][3] = dt.datetime(2026, 3, 1)
    with pytest.raises(importer.ImportRejected) as err:
        run(world, rows)
    assert "Excel made this cell a date" in problems(err)[0][3]


def test_text_longer_than_the_register_keeps_is_refused(world, ids):
    rows = new_compound_rows(world, ids)
    rows["estates"][0][1] = "很" * 101
    with pytest.raises(importer.ImportRejected) as err:
        run(world, rows)
    assert problems(err) == [("小区", 2, "B 小区名称", "At most 100 characters.")]


def test_a_workbook_that_unpacks_to_too_much_is_refused(monkeypatch, world, ids):
    monkeypatch.setattr(importer, "MAX_UNPACKED_BYTES", 1000)
    with pytest.raises(importer.ImportRejected) as err:
        importer.open_workbook(workbook(new_compound_rows(world, ids)))
    assert "too large once unpacked" in problems(err)[0][3]
