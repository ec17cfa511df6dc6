"""Personal packs: one accessible PDF per mother from a register, private, in her language."""

from __future__ import annotations

import datetime
import io
import re
import shutil
import stat
import textwrap
from pathlib import Path

import pikepdf
import pytest
import yaml
from click.testing import CliRunner
from fontTools.ttLib import TTFont
from pypdf import PdfReader

from asipack import cli
from asipack.commands import personal as personal_command
from asipack.commands.personal import PersonalReport, make_packs
from asipack.model.pack import Fact
from asipack.model.register import Mother, RegisterError, read_register
from asipack.packs import merge
from asipack.packs.plan import PLAN_FACTS, MissingFactError, Visits, return_plan, visit_dates
from asipack.packs.privacy import OutputError

from .conftest import MINIMAL_FILES, MINIMAL_PAGE, PROJECT, TODAY

HEADER = "name,language,baby_birth_date,midwife_name,midwife_phone,return_to_work_date,hours_away,feeds_per_day"
# Fictional people only. Row 2 has a plan, row 3 not, row 4 is in English with a plan.
ROWS = [
    "Siti Contoh,id,2026-11-20,Ani Lestari,+62 812 0000 0101,2027-02-22,11,8",
    "Dewi Contoh,id,2026-11-24,Rina Marlina,+62 813 0000 0202,,,",
    "Sarah Example,en,2026-11-20,Yuli Hartati,(021) 000 0303,2027-02-22,,",
]
# Facts the personal pages need that facts.yml may not have yet (proposed; see docs/personal.md).
PROPOSED_FACTS = {
    "programme.tele_1_at": {"value": 2, "unit": "week", "source": "reviana-homecare-2025"},
    "programme.tele_2_at": {"value": 4, "unit": "week", "source": "reviana-homecare-2025"},
    "work.practise_from": {"value": 1, "unit": "month", "source": "nkch-back-to-work"},
}
STATIC_PAGES = 6  # the danger signs, the fridge card and the test leaflet: one page each, each followed by a blank page
STATIC_PARTS = ["Tanda bahaya", "Kartu kulkas", "Halaman uji"]  # in pack order (Indonesian titles)


def leaflet_page(slug: str, titles: dict[str, str], bodies: dict[str, str]) -> dict[str, str]:
    """Return the two language files of a one-page family leaflet of the test pack."""
    folder = "cards" if slug == "fridge-card" else "families"
    files = {}
    for lang, text in MINIMAL_PAGE.items():
        head = text.split("\n# ")[0].replace("leaflet: test-leaflet", f"leaflet: {slug}")
        head = head.replace("title: Halaman uji", f"title: {titles[lang]}").replace("title: Test page", f"title: {titles[lang]}")
        files[f"content/{folder}/{slug}.{lang}.md"] = f"{head}\n# {titles[lang]}\n\n{bodies[lang]}\n"
    return files


# The test pack's family leaflets besides test-leaflet: the danger signs (found by slug) and a fridge card (A6 cards)
FIRST_LEAFLETS = {
    "content/organisation.yml": """\
        name: Puskesmas Uji
        phone: "(021) 555 0100"
        referrals:
          - {name: Bidan Sari, role: midwife, phone: "+62 812 0000 0002"}
        closures: [2026-12-18]
        """,
    "content/leaflets.yml": """\
        test-leaflet:
          page: families/test
          audience: families
          format: a4
          pages: 2
        fridge-card:
          page: cards/fridge-card
          audience: families
          format: a6-cards
          pages: 1
        danger-signs:
          page: families/danger-signs
          audience: families
          format: a4
          pages: 1
        """,
    **leaflet_page(
        "danger-signs",
        {"id": "Tanda bahaya", "en": "Danger signs"},
        {"id": 'ASI di kulkas tahan {{ fact("storage.fridge") }}.', "en": 'Milk keeps in the fridge for {{ fact("storage.fridge") }}.'},
    ),
    **leaflet_page(
        "fridge-card",
        {"id": "Kartu kulkas", "en": "Fridge card"},
        {
            "id": '## Kulkas\n\nASI di kulkas tahan {{ fact("storage.fridge") }}.\n\n## Ingat\n\nPakai yang paling lama dulu.',
            "en": '## Fridge\n\nMilk keeps in the fridge for {{ fact("storage.fridge") }}.\n\n## Remember\n\nUse the oldest first.',
        },
    ),
}


def plan_facts() -> dict:
    """Return the facts the personal pages use: the project's own, the proposed ones where missing."""
    real = yaml.safe_load((PROJECT / "content" / "facts.yml").read_text(encoding="utf-8"))
    return {key: real.get(key) or PROPOSED_FACTS[key] for key in PLAN_FACTS}


def signs_levels() -> str:
    """Return a signs registry with the project's card headings and no sign (the check needs the headings)."""
    real = yaml.safe_load((PROJECT / "content" / "signs.yml").read_text(encoding="utf-8"))
    return yaml.safe_dump({"levels": real["levels"], "signs": {}}, allow_unicode=True, sort_keys=False)


def write_pack(root: Path, files: dict[str, str | None] | None = None) -> Path:
    """Write a small content tree with one family leaflet and the facts personal packs need.

    The code is copied, not linked, so the catalog check finds the strings it uses.
    """
    root.mkdir(parents=True)
    shutil.copy(PROJECT / "mkdocs.yml", root / "mkdocs.yml")
    shutil.copy(PROJECT / "babel.cfg", root / "babel.cfg")
    for folder in ("templates", "translations", "asipack"):
        shutil.copytree(PROJECT / folder, root / folder, ignore=shutil.ignore_patterns("__pycache__"))
    (root / "content" / "images").mkdir(parents=True)
    facts = yaml.safe_load(textwrap.dedent(MINIMAL_FILES["content/facts.yml"])) | plan_facts()
    merged = {
        **MINIMAL_FILES,
        "content/facts.yml": yaml.safe_dump(facts, sort_keys=False),
        "content/sources.yml": (PROJECT / "content" / "sources.yml").read_text(encoding="utf-8"),
        "content/signs.yml": signs_levels(),
        **(files or {}),
    }
    for name, text in merged.items():
        if text is not None:
            path = root / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(textwrap.dedent(text), encoding="utf-8")
    return root


def write_register(path: Path, rows: list[str], header: str = HEADER) -> Path:
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


def make(root: Path, register: Path, out: Path, **options) -> PersonalReport:
    return make_packs(root, register, out, today=TODAY, echo=lambda line: None, **options)


@pytest.fixture(scope="module")
def made(tmp_path_factory):
    """Packs for the three sample rows, made once for the tests that only read them."""
    base = tmp_path_factory.mktemp("personal")
    root = write_pack(base / "pack", FIRST_LEAFLETS)
    register = write_register(base / "register.csv", ROWS)
    report = make(root, register, base / "private" / "packs")
    return report


def pack_path(report: PersonalReport, row: int) -> Path:
    return report.out_dir / f"row-{row:04d}.pdf"


def text_of(path: Path, pages=None) -> str:
    reader = PdfReader(path)
    chosen = reader.pages if pages is None else [reader.pages[i] for i in pages]
    return re.sub(r"\s+", " ", " ".join(page.extract_text() for page in chosen)).replace("\u00a0", " ")


PLAN_PAGE = 4  # her plan, counted from 0: after her cover and the danger signs, each with the blank page behind it


# --- The register ------------------------------------------------------------------------------


def test_the_sample_register_is_valid_and_fictional():
    register = read_register(PROJECT / "docs" / "example-register.csv", ["id", "en"], today=TODAY)
    assert register.problems == []
    assert len(register.mothers) >= 6
    assert {m.lang for m in register.mothers} == {"id", "en"}
    assert any(m.return_date for m in register.mothers) and any(not m.return_date for m in register.mothers)


@pytest.mark.parametrize(
    ("row", "reason"),
    [
        ("Ani,id,2026-13-01,Bidan,+62 812 0000 0101,,,", "row 2: baby_birth_date is not a date in the form YYYY-MM-DD"),
        ("Ani,id,20/11/2026,Bidan,+62 812 0000 0101,,,", "row 2: baby_birth_date is not a date in the form YYYY-MM-DD"),
        ("Ani,id,2026-12-01,Bidan,+62 812 0000 0101,,,", "row 2: baby_birth_date is in the future"),
        ("Ani,id,2026-11-20,Bidan,+62 812 0000 0101,2026-11-19,,", "row 2: return_to_work_date is before baby_birth_date"),
        ("Ani,id,2026-11-20,Bidan,+62 812 0000 0101,2027-02-30,,", "row 2: return_to_work_date is not a date in the form YYYY-MM-DD"),
        ("Ani,fr,2026-11-20,Bidan,+62 812 0000 0101,,,", "row 2: language must be one of: id, en"),
        ("Ani,,2026-11-20,Bidan,+62 812 0000 0101,,,", "row 2: language is missing (it is required)"),
        ("Ani,id,,Bidan,+62 812 0000 0101,,,", "row 2: baby_birth_date is missing (it is required)"),
        ("Ani,id,2026-11-20,,+62 812 0000 0101,,,", "row 2: midwife_name is missing (it is required)"),
        ("Ani,id,2026-11-20,Bidan,,,,", "row 2: midwife_phone is missing (it is required)"),
        ("Ani,id,2026-11-20,Bidan,call me,,,", "row 2: midwife_phone is not a phone number (digits, spaces, +, -, brackets)"),
        ("Ani,id,2026-11-20,Bidan,+62 812 1,,,", "row 2: midwife_phone has too few or too many digits for a phone number"),
        ("Ani,id,2026-11-20,Bidan,0812 3456 7890 1234,,,", "row 2: midwife_phone has too few or too many digits for a phone number"),
        ("Ani,id,2026-11-20,Bidan,+62 812 0000 0101,2027-02-22,30,", "row 2: hours_away must be a number of hours above 0 and at most 24"),
        ("Ani,id,2026-11-20,Bidan,+62 812 0000 0101,2027-02-22,,eight", "row 2: feeds_per_day must be a whole number from 4 to 16"),
    ],
)
def test_an_invalid_row_is_reported_by_row_number_and_reason_without_its_values(tmp_path, row, reason):
    register = read_register(write_register(tmp_path / "r.csv", [row]), ["id", "en"], today=TODAY)
    assert register.mothers == []
    assert any(str(problem).startswith(reason) for problem in register.problems)
    for value in row.split(","):
        if len(value) > 2:  # the language codes are the only shorter values
            assert all(value not in str(problem) for problem in register.problems)


@pytest.mark.parametrize(
    "phone", ["(021) 000 0303", "0812-0000-0101", "+62 812 0000 0101", "+62 21 5550 142", "(0380) 12345", "+65 6123 4567"]
)
def test_a_plausible_phone_number_is_accepted(tmp_path, phone):
    register = read_register(write_register(tmp_path / "r.csv", [f'Ani,id,2026-11-20,Bidan,"{phone}",,,']), ["id", "en"], today=TODAY)
    assert register.problems == [] and register.mothers[0].midwife_phone == phone


def test_rows_are_numbered_as_a_spreadsheet_numbers_them_and_every_problem_of_a_row_is_given(tmp_path):
    rows = [ROWS[0], "", "X,xx,2026-11-20,,+62 812 0000 0101,,,", ROWS[1]]
    register = read_register(write_register(tmp_path / "r.csv", rows), ["id", "en"], today=TODAY)
    assert [m.row for m in register.mothers] == [2, 5]
    assert [str(p) for p in register.problems] == [
        "row 4: midwife_name is missing (it is required)",
        "row 4: language must be one of: id, en",
    ]


def test_a_register_saved_by_a_spreadsheet_with_semicolons_a_bom_and_decimal_commas_is_read(tmp_path):
    path = tmp_path / "r.csv"
    path.write_bytes(
        ("\ufeff" + HEADER.replace(",", ";") + "\n" + "Siti;ID;2026-11-20;Ani;+62 812 0000 0101;2027-02-22;9,5;\n").encode("utf-8")
    )
    register = read_register(path, ["id", "en"], today=TODAY)
    assert register.problems == []
    assert register.mothers[0].lang == "id" and register.mothers[0].hours_away == 9.5


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("name,language\nSiti,id\n", "the register has no column 'baby_birth_date', 'midwife_name', 'midwife_phone'"),
        ("", "the register is empty; it needs a header row"),
    ],
)
def test_a_register_that_cannot_be_read_is_one_clear_error(tmp_path, content, message):
    path = tmp_path / "r.csv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(RegisterError, match=re.escape(message)):
        read_register(path, ["id", "en"], today=TODAY)


def test_a_register_that_is_not_utf8_says_how_to_save_it(tmp_path):
    path = tmp_path / "r.csv"
    path.write_bytes((HEADER + "\nSíti,id,2026-11-20,Ani,+62 812 0000 0101,,,\n").encode("latin-1"))
    with pytest.raises(RegisterError, match="not UTF-8 text; save it as 'CSV UTF-8'"):
        read_register(path, ["id", "en"], today=TODAY)


# --- Dates and amounts from facts --------------------------------------------------------------

FACTS = {key: Fact(key, entry["value"], entry["unit"], entry["source"], 1) for key, entry in plan_facts().items()}


def test_the_visit_schedule_counts_from_the_birth():
    visits = visit_dates(datetime.date(2026, 11, 20), FACTS)
    assert visits == Visits(
        visit_1=datetime.date(2026, 11, 23),  # within 72 hours
        visit_2=datetime.date(2026, 11, 27),  # in week 1
        tele_1=datetime.date(2026, 12, 4),  # at 2 weeks
        tele_2=datetime.date(2026, 12, 18),  # at 4 weeks
        monitoring=datetime.date(2027, 1, 1),  # at 6 weeks
    )


def test_the_return_plan_is_computed_from_facts():
    mother = Mother(
        2,
        "id",
        "",
        datetime.date(2026, 11, 20),
        "Ani",
        "0812 0000 0101",
        return_date=datetime.date(2027, 2, 22),
        hours_away=11,
        feeds_per_day=8,
    )
    plan = return_plan(mother, FACTS)
    assert plan.practise_from == datetime.date(2026, 12, 20)  # about 1 month old
    assert plan.stock_from == datetime.date(2027, 2, 8)  # 2 weeks before
    assert (plan.trial_from, plan.trial_to) == (datetime.date(2027, 2, 15), datetime.date(2027, 2, 18))  # 4-7 days before
    assert plan.per_feed_ml == 95  # 750 mL / 8 feeds = 93.75, to the nearest 5 mL
    assert plan.feeds_missed == 4  # 11 hours / 3 hours between feeds, rounded up
    assert plan.milk_ml == 380
    assert plan.total_ml == (410, 440)  # plus a spare portion of 30-60 mL
    assert plan.breaks == 3  # expressing at least every 3 hours between leaving and coming home
    assert not plan.hours_counted


def test_without_hours_or_feeds_the_plan_counts_a_usual_day_and_says_so():
    mother = Mother(2, "id", "", datetime.date(2026, 11, 20), "Ani", "0812 0000 0101", return_date=datetime.date(2027, 2, 22))
    plan = return_plan(mother, FACTS)
    assert plan.hours_counted and plan.hours_away == 11 and plan.feeds_per_day == 8


def test_an_early_return_puts_no_step_before_the_birth():
    mother = Mother(
        2, "id", "", datetime.date(2026, 11, 20), "Ani", "0812 0000 0101", return_date=datetime.date(2026, 11, 25), hours_away=4
    )
    plan = return_plan(mother, FACTS)
    assert plan.practise_from is None
    assert plan.stock_from == plan.trial_from == datetime.date(2026, 11, 20)
    assert plan.breaks == 1


def test_a_missing_fact_is_one_clear_error_naming_it(tmp_path):
    facts = plan_facts()
    del facts["programme.tele_1_at"]
    root = write_pack(
        tmp_path / "pack",
        {"content/facts.yml": yaml.safe_dump(facts | {"storage.fridge": {"value": 4, "unit": "day", "source": "cdc-storage"}})},
    )
    register = write_register(tmp_path / "r.csv", ROWS[:1])
    with pytest.raises(MissingFactError, match=r"programme\.tele_1_at: the baby's age at tele-counselling 1"):
        make(root, register, tmp_path / "out")


# --- The packs ----------------------------------------------------------------------------------


def test_every_valid_row_becomes_a_pack_in_her_language(made):
    assert made.written == [2, 3, 4] and made.problems == []
    assert made.warnings == [] and made.personal_warnings == 0, "WeasyPrint warned about a page"
    expected = {2: ("id", 4), 3: ("id", 2), 4: ("en", 4)}  # language, personal pages with their blanks (the plan needs a return date)
    for row, (lang, pages) in expected.items():
        pdf = PdfReader(pack_path(made, row))
        assert pdf.trailer["/Root"]["/Lang"] == lang
        assert len(pdf.pages) == pages + STATIC_PAGES


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        (
            2,
            [
                "Dibuat untuk Siti Contoh.",
                "Bayi Ibu lahir pada Jumat, 20 November 2026.",
                "Kunjungan rumah 1: paling lambat Senin, 23 November 2026 (dalam 72 jam setelah lahir). Tanggal ini sudah lewat.",
                "Kunjungan rumah 2: paling lambat Jumat, 27 November 2026 (dalam 1 minggu setelah lahir). Tanggal ini sudah lewat.",
                "Telekonseling 1: sekitar Jumat, 4 Desember 2026 (saat bayi berumur 2 minggu)",
                "Telekonseling 2: sekitar Kamis, 17 Desember 2026",  # the organisation is closed on 18 December
                "Pemantauan: sekitar Kamis, 31 Desember 2026",  # 1 January is New Year's Day: the day before
                "Ani Lestari",
                "+62 812 0000 0101",
                "Tanda bahaya · Rencana Ibu kembali bekerja · Kartu kulkas · Halaman uji",
            ],
        ),
        (
            4,
            [
                "Made for Sarah Example.",
                "Your baby was born on Friday, 20 November 2026.",
                "Home visit 1: by Monday, 23 November 2026 (within 72 hours of the birth). This date has passed.",
                "Tele-counselling 1: around Friday, 4 December 2026 (when your baby is 2 weeks old)",
                "Monitoring check: around Thursday, 31 December 2026",
                "Referral contacts: Bidan Sari (midwife): +62 812 0000 0002",
                "Yuli Hartati",
                "(021) 000 0303",
            ],
        ),
    ],
)
def test_the_cover_gives_her_name_dates_and_midwife_in_her_language(made, row, expected):
    cover = text_of(pack_path(made, row), pages=[0])
    for text in expected:
        assert text in cover


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        (
            2,
            [
                "Hari pertama Ibu kembali bekerja: Senin, 22 Februari 2027.",
                "Mulai Minggu, 20 Desember 2026",
                "Mulai Senin, 8 Februari 2027",
                "Antara Senin, 15 Februari 2027 dan Kamis, 18 Februari 2027",
                "Ibu pergi sekitar 11 jam",
                "bayi menyusu sekitar 8 kali dalam 24 jam",
                "sekitar 4 kali minum, masing-masing 95 mL, total 380 mL",
                "Siapkan 410–440 mL untuk setiap hari kerja",
                "porsi cadangan kecil 30–60 mL",
                "Perah ASI sekitar 3 kali di tempat kerja, setiap 2–3 jam",
                "Daftar periksa untuk pengasuh",
                "Beri sekitar 95 mL setiap kali minum",
            ],
        ),
        (
            4,
            [
                "Your first day back at work: Monday, 22 February 2027.",
                "about 4 feeds of 95 ml, 380 ml in all",
                "Leave 410–440 ml for each work day",
                "We counted a usual working day",
                "Express about 3 times at work, every 2–3 hours, for 15–20 minutes each time.",
                "Checklist for the caregiver",
                "Give about 95 ml at each feed",
            ],
        ),
    ],
)
def test_the_plan_page_gives_her_dates_milk_breaks_and_a_caregiver_checklist(made, row, expected):
    plan = text_of(pack_path(made, row), pages=[PLAN_PAGE])
    for text in expected:
        assert text in plan
    assert "sooner than this plan" not in plan and "lebih cepat" not in plan, "a plan with time enough has no caution"


def test_without_a_return_date_there_is_no_plan_page(made):
    assert "Rencana Ibu kembali bekerja" not in text_of(pack_path(made, 3), pages=range(PLAN_PAGE + 1))


@pytest.mark.parametrize("row", [2, 3, 4])
def test_a_pack_keeps_its_tags_language_and_title(made, row):
    with pikepdf.open(pack_path(made, row)) as pdf:
        root = pdf.Root
        assert bool(root.MarkInfo.Marked) and bool(root.ViewerPreferences.DisplayDocTitle)
        meta = pdf.open_metadata()
        assert meta.get("dc:title") == str(pdf.docinfo.Title) and str(pdf.docinfo.Title)
        assert meta.get("{http://www.aiim.org/pdfua/ns/id/}part") == "1"
        tree = root.StructTreeRoot
        document = tree.K[0]
        assert document.S == "/Document"
        numbers = pikepdf.NumberTree(tree.ParentTree)
        blanks = [number for number, page in enumerate(pdf.pages) if merge.is_blank(page)]
        assert blanks, "the pack is padded for double-sided printing"
        for number in blanks:  # a blank page is an artifact: no content, no tags, no links
            page = pdf.pages[number]
            assert "/StructParents" not in page.obj and "/Annots" not in page.obj
            assert list(pikepdf.parse_content_stream(page)) == []
        content = [page for number, page in enumerate(pdf.pages) if number not in blanks]
        keys = [int(page.obj.StructParents) for page in content]
        keys += [int(a.StructParent) for page in content for a in page.obj.get("/Annots", []) if "/StructParent" in a]
        assert len(set(keys)) == len(keys), "every page and link has its own key"
        assert all(key in numbers for key in keys)
        assert int(tree.ParentTreeNextKey) > max(int(key) for key in numbers.keys())
        pages = {page.obj.objgen: number for number, page in enumerate(pdf.pages)}
        kid_pages = [pages[kid.Pg.objgen] for kid in document.K]
        assert kid_pages == sorted(kid_pages) and set(kid_pages) == set(range(len(pdf.pages))) - set(blanks), (
            "every page's elements hang from the document element, in page order"
        )
        for element in numbers[keys[0]]:  # the cover's marked content reaches the document element
            while element.objgen != document.objgen:
                element = element.P
        for page in content:  # every piece of marked content maps to an element of its own page
            entry = numbers[int(page.obj.StructParents)]
            for operands, _operator in pikepdf.parse_content_stream(page, "BDC"):
                mcid = int(operands[1].MCID)
                assert entry[mcid].Pg.objgen == page.obj.objgen
        assert pdf.check_pdf_syntax() == []
        assert [item.title for item in pdf.open_outline().root][0] in ("Kunjungan dan kontak Ibu", "Your visits and contacts")


def page_map(path: Path) -> tuple[list[tuple[str, int]], int]:
    """Return each part of a pack as (bookmark, the page it starts on, counted from 1), and the page count."""
    with pikepdf.open(path) as pdf:
        index = {page.obj.objgen: number for number, page in enumerate(pdf.pages)}
        parts = [(item.title, index[item.destination[0].objgen] + 1) for item in pdf.open_outline().root]
        return parts, len(pdf.pages)


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        (
            2,
            [
                ("Kunjungan dan kontak Ibu", 1),
                ("Tanda bahaya", 3),
                ("Rencana Ibu kembali bekerja", 5),
                ("Kartu kulkas", 7),
                ("Halaman uji", 9),
            ],
        ),
        (3, [("Kunjungan dan kontak Ibu", 1), ("Tanda bahaya", 3), ("Kartu kulkas", 5), ("Halaman uji", 7)]),
        (4, [("Your visits and contacts", 1), ("Danger signs", 3), ("Your return-to-work plan", 5), ("Fridge card", 7), ("Test page", 9)]),
    ],
)
def test_every_part_starts_on_a_front_side_and_the_page_count_is_even(made, row, expected):
    """Printed double-sided, each part (cover, danger signs, plan, each leaflet) starts on the front of a sheet.

    The danger signs come right after her cover, before her plan: what to do in an emergency first.
    """
    parts, pages = page_map(pack_path(made, row))
    assert parts == expected
    assert pages % 2 == 0 and all(first % 2 == 1 for _, first in parts)
    with pikepdf.open(pack_path(made, row)) as pdf:
        starts = {first - 1 for _, first in parts}
        for number, page in enumerate(pdf.pages):  # each part here is one page, so the page after it is blank
            assert merge.is_blank(page) == (number not in starts), number


def drawn_characters(path: Path) -> set[str]:
    """Return the characters the PDF's embedded fonts really have a glyph for (an empty box does not count).

    WeasyPrint maps a character no font has to a glyph number past the end of the font; a real
    glyph is inside the font (and, in a TrueType font, has an outline unless it is a space).
    """
    found: set[str] = set()
    with pikepdf.open(path) as pdf:
        for font in pdf.objects:
            if not isinstance(font, pikepdf.Dictionary) or font.get("/Type") != "/Font" or font.get("/Subtype") != "/Type0":
                continue
            program = font.DescendantFonts[0].FontDescriptor.get("/FontFile2")
            if program is None:
                continue
            face = TTFont(io.BytesIO(program.read_bytes()))
            order = face.getGlyphOrder()
            cmap = font.ToUnicode.read_bytes().decode("latin-1")
            for block in re.findall(r"beginbfchar(.*?)endbfchar", cmap, re.S):
                for code, text in re.findall(r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
                    glyph = int(code, 16)
                    if glyph < len(order) and ("glyf" not in face or face["glyf"][order[glyph]].numberOfContours != 0):
                        found.update(bytes.fromhex(text).decode("utf-16-be"))
    return found


NAMES = {2: "Nguyễn Thị Ánh", 3: "王秀英", 4: "فاطمة الزهراء", 5: "𒀀𒀁 Contoh"}  # fictional; cuneiform is in no installed font
CANNOT_PRINT = "the name has characters the pack font cannot print; the pack was made without it (write it in by hand)"


def test_every_name_is_printed_with_real_glyphs_or_left_out_with_a_note(tmp_path):
    root = write_pack(tmp_path / "pack")
    rows = [f"{name},en,2026-11-20,Ani,+62 812 0000 0101,,," for name in NAMES.values()]
    report = make(root, write_register(tmp_path / "r.csv", rows), tmp_path / "out")
    assert report.written == [2, 3, 4, 5] and report.problems == []
    assert report.personal_warnings == 0, "a character drawn as an empty box is a note on its row, not a hidden warning"
    notes = {note.row: note.reason for note in report.notes}
    for row, name in NAMES.items():
        text = text_of(pack_path(report, row), pages=[0])
        if notes.get(row) == CANNOT_PRINT:
            assert all(part not in text for part in name.split()), "left out whole, never as boxes"
            assert "Your baby was born on" in text
        else:
            assert row not in notes and f"Made for {name}." in text
            assert set(name.replace(" ", "")) <= drawn_characters(pack_path(report, row)), f"row {row}: every glyph is in the PDF's fonts"
    assert 2 not in notes, "Latin letters with diacritics print (the fallback font has them)"
    assert notes[5] == CANNOT_PRINT, "a script no installed font has is reported by row"
    assert str(report.notes[-1]) == f"row 5: {CANNOT_PRINT}"


def test_the_plan_page_brings_its_structure_elements(made):
    def elements(pdf: pikepdf.Pdf) -> int:
        return sum(1 for obj in pdf.objects if isinstance(obj, pikepdf.Dictionary) and obj.get("/Type") == "/StructElem")

    with pikepdf.open(pack_path(made, 2)) as pack, pikepdf.open(pack_path(made, 3)) as shorter:
        # the same static leaflet; the only difference is the plan page
        assert elements(pack) > elements(shorter) > 0
        assert len(pack.Root.StructTreeRoot.K[0].K) > len(shorter.Root.StructTreeRoot.K[0].K)


def test_text_from_the_register_is_printed_as_text(tmp_path):
    root = write_pack(tmp_path / "pack")
    register = write_register(tmp_path / "r.csv", ["<b>Siti</b> & Co,en,2026-11-20,<i>Ani</i>,+62 812 0000 0101,,,"])
    report = make(root, register, tmp_path / "out")
    cover = text_of(pack_path(report, 2), pages=[0])
    assert "Made for <b>Siti</b> & Co." in cover and "<i>Ani</i>" in cover


def test_one_mothers_details_never_reach_another_mothers_pack(made):
    """Mothers laid out in one batch share a document in memory, never a file."""
    own = {2: ("Siti Contoh", "0000 0101", "Ani Lestari"), 3: ("Dewi Contoh", "0000 0202", "Rina Marlina")}
    for row, other in ((2, 3), (3, 2)):
        with pikepdf.open(pack_path(made, row)) as pdf:
            data = b"".join(obj.read_bytes() for obj in pdf.objects if isinstance(obj, pikepdf.Stream))
            data += b"".join(obj.unparse(resolved=True) for obj in pdf.objects if not isinstance(obj, pikepdf.Stream))
        text = text_of(pack_path(made, row))
        for value in own[other]:
            assert value not in text and value.encode() not in data


# --- Privacy ------------------------------------------------------------------------------------


def test_packs_are_readable_by_their_owner_only(made):
    assert stat.S_IMODE(made.out_dir.stat().st_mode) == 0o700
    for path in made.out_dir.iterdir():
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path.name
    assert sorted(p.name for p in made.out_dir.iterdir()) == ["row-0002.pdf", "row-0003.pdf", "row-0004.pdf", "visits.csv", "visits.ics"]


@pytest.mark.parametrize(
    ("inside", "message"),
    [
        ("site", "personal packs never go inside site/ (it is published)"),
        ("site/private", "personal packs never go inside site/ (it is published)"),
        ("content/packs", "inside the project, personal packs go under private/ (git ignores it)"),
        ("packs", "inside the project, personal packs go under private/ (git ignores it)"),
    ],
)
def test_an_output_folder_that_is_published_or_could_be_committed_is_refused(tmp_path, inside, message):
    root = write_pack(tmp_path / "pack")
    register = write_register(tmp_path / "r.csv", ROWS[:1])
    with pytest.raises(OutputError, match=re.escape(message)):
        make(root, register, root / inside)
    assert not (root / inside).exists()


def test_packs_of_an_earlier_run_are_never_mixed_with_new_ones(tmp_path):
    root = write_pack(tmp_path / "pack")
    out = root / "private" / "packs"  # inside the project, private/ is the place
    out.mkdir(parents=True)
    (out / "row-0009.pdf").write_bytes(b"an earlier pack")
    register = write_register(tmp_path / "r.csv", ROWS[:1])
    with pytest.raises(OutputError, match="holds 1 pack"):
        make(root, register, out)
    make(root, register, out, replace=True)
    assert sorted(p.name for p in out.iterdir()) == ["row-0002.pdf", "visits.csv", "visits.ics"]


def run_cli(monkeypatch, root: Path, *args: str):
    monkeypatch.setattr(cli, "PROJECT_ROOT", root)
    monkeypatch.setattr(personal_command, "current_date", lambda: TODAY)
    return CliRunner().invoke(cli.main, ["personal", *args])


def test_the_command_reports_counts_and_row_numbers_only_and_fails_when_a_row_fails(tmp_path, monkeypatch):
    root = write_pack(tmp_path / "pack")
    rows = ROWS + ["Putri Rahasia,id,2099-01-01,Bidan Rahasia,+62 899 1234 5678,,,"]
    register = write_register(tmp_path / "r.csv", rows)
    result = run_cli(monkeypatch, root, str(register), "--out", str(tmp_path / "out"))
    assert result.exit_code == 1
    assert "3 of 4 row(s) made into packs" in result.output
    assert "row 5: baby_birth_date is in the future" in result.output
    for row in rows:
        for value in row.split(","):
            if len(value) > 2 and value not in ("id", "en"):
                assert value not in result.output, value
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [
        "row-0002.pdf",
        "row-0003.pdf",
        "row-0004.pdf",
        "visits.csv",
        "visits.ics",
    ]


def test_the_command_shows_progress_as_plain_lines_when_not_on_a_terminal(tmp_path, monkeypatch):
    root = write_pack(tmp_path / "pack")
    register = write_register(tmp_path / "r.csv", ROWS * 4)
    result = run_cli(monkeypatch, root, str(register), "--out", str(tmp_path / "out"))
    assert result.exit_code == 0, result.output
    progress = re.findall(r"^  packs (\d+)/12$", result.output, flags=re.M)
    assert progress and progress[-1] == "12"


def test_the_command_refuses_site_with_a_clear_error(tmp_path, monkeypatch):
    root = write_pack(tmp_path / "pack")
    register = write_register(tmp_path / "r.csv", ROWS[:1])
    result = run_cli(monkeypatch, root, str(register), "--out", str(root / "site" / "packs"))
    assert result.exit_code == 1
    assert "personal packs never go inside site/" in result.output


# --- Joining tagged PDFs ------------------------------------------------------------------------


def test_inserted_pages_are_taken_out_again_leaving_the_base_as_it_was(made):
    with pikepdf.open(pack_path(made, 3)) as base, pikepdf.open(pack_path(made, 2)) as source:
        before = io.BytesIO()
        merge.save(base, before)
        count = len(base.pages)
        with merge.inserted(base, source, [0, 1], at=0):
            assert len(base.pages) == count + 2
            merge.set_outline(base, [("Cover", 0), ("Plan", 1)])
        after = io.BytesIO()
        merge.save(base, after)
        assert after.getvalue() == before.getvalue()


def test_an_untagged_pdf_cannot_be_joined(tmp_path):
    untagged = pikepdf.new()
    untagged.add_blank_page()
    with pytest.raises(merge.MergeError, match="not tagged"):
        merge.append_pdf(untagged, untagged)


def link_elements(pdf: pikepdf.Pdf) -> list[tuple[str, str, bool]]:
    """Return, per link annotation: its address, the kind of element it maps to, and whether that element points back at it."""
    numbers = pikepdf.NumberTree(pdf.Root.StructTreeRoot.ParentTree)
    found = []
    for page in pdf.pages:
        for annot in page.obj.get("/Annots", []):
            element = numbers[int(annot.StructParent)]
            kids = element.get("/K", [])
            kids = kids if isinstance(kids, pikepdf.Array) else [kids]
            points_back = any(
                isinstance(k, pikepdf.Dictionary) and k.get("/Type") == "/OBJR" and k.Obj.objgen == annot.objgen for k in kids
            )
            found.append((str(annot.A.URI), str(element.S), points_back))
    return found


def test_joining_two_leaflets_with_links_keeps_every_link_tagged(built, tmp_path):
    """Two real family leaflets, each with web links, joined: every link keeps its own key and its element."""
    downloads = built.site_dir / "downloads" / "en"
    with pikepdf.open(downloads / "enough-milk.pdf") as base, pikepdf.open(downloads / "latch-holds.pdf") as other:
        before = link_elements(base) + link_elements(other)
        assert sum(s == "/Link" for _, s, _ in before) >= 2, "the leaflets carry links, so the remapping is exercised"
        merge.append_pdf(base, other)
        merge.save(base, tmp_path / "joined.pdf")
    with pikepdf.open(tmp_path / "joined.pdf") as joined:
        keys = [int(annot.StructParent) for page in joined.pages for annot in page.obj.get("/Annots", [])]
        assert len(set(keys)) == len(keys), "no two links share a structure key"
        assert link_elements(joined) == before, "each link still maps to the same kind of element, in order"
        assert joined.check_pdf_syntax() == []


@pytest.mark.parametrize(
    ("row", "numbers"),
    [
        (2, {"tel:+6281200000101", "tel:+6281200000002", "tel:0215550100", "tel:119", "tel:112"}),  # cover: midwife, referral, service
        (4, {"tel:0210000303", "tel:+6281200000002", "tel:0215550100", "tel:119", "tel:112"}),
    ],
)
def test_on_a_phone_every_number_on_her_cover_and_plan_calls_when_tapped(made, row, numbers):
    """Her midwife's number, the referral contact, the health service and the emergency numbers are tagged tel: links."""
    with pikepdf.open(pack_path(made, row)) as pdf:
        links = link_elements(pdf)
        cover = {uri for page in pdf.pages[:1] for uri in (str(a.A.URI) for a in page.obj.get("/Annots", []))}
        plan = {uri for page in pdf.pages[PLAN_PAGE : PLAN_PAGE + 1] for uri in (str(a.A.URI) for a in page.obj.get("/Annots", []))}
    assert cover == numbers
    midwife = next(number for number in numbers if number.startswith(("tel:+62812000001", "tel:021000")))
    assert {midwife, "tel:119", "tel:112"} <= plan, "the plan's last line: her midwife and the emergency numbers"
    assert all(kind == "/Link" and points_back for uri, kind, points_back in links if uri in numbers)
