"""The found-items importer: good, bad and mixed files, upserts by reference, and the demo items."""

import subprocess
import sys
from datetime import date

import pytest
from sqlalchemy import func, select

from bot.db.models import AuditEntry, FoundItem
from bot.services import clock
from bot.services.csv_import import ImportFileError
from bot.services.lost_property.importer import COLUMNS, import_found_items, parse_export
from bot.settings import PROJECT_ROOT

TODAY = date(2026, 11, 21)
HEADER = ",".join(COLUMNS)
GOOD_ROWS = [
    "FP/26/00001,phones,iPhone 14 in a clear case,Black,Apple,2026-11-20,\"The Parade, Watford\","
    "Watford Police Station,2027-02-18",
    "fp/26/00002,Purse,Brown leather purse,Brown,Radley,14/11/2026,Verulamium Park,St Albans Police Station,12/02/2027",
    "FP/26/00003,Wallets and purses,Wallet,,,2026-11-01,Hatfield,Hatfield Police Station,2027-01-30",
]


def _csv(*rows):
    return "\n".join([HEADER, *rows]) + "\n"


async def _item(session, reference):
    return await session.scalar(select(FoundItem).where(FoundItem.reference == reference))


async def test_a_good_file_loads_every_row_normalised(session):
    report = await import_found_items(session, _csv(*GOOD_ROWS), today=TODAY)
    assert (report.created, report.updated, report.unchanged, report.errors) == (3, 0, 0, [])
    purse = await _item(session, "FP/26/00002")  # references are upper-cased
    assert purse.category == "wallets_purses"
    assert purse.found_on == date(2026, 11, 14) and purse.dispose_after == date(2027, 2, 12)
    phone = await _item(session, "FP/26/00001")
    assert (phone.category, phone.found_at, phone.brand) == ("phones", "The Parade, Watford", "Apple")
    assert (await _item(session, "FP/26/00003")).colour == ""
    audit = await session.scalar(select(AuditEntry).where(AuditEntry.action == "lost_property.import"))
    assert audit.details == {"created": 3, "updated": 0, "unchanged": 0, "bad_rows": 0}


async def test_bad_rows_are_reported_by_line_and_never_repeat_the_description(session):
    text = _csv(
        "FP/1,dog,Lost spaniel,Brown,,2026-11-01,Hitchin,Stevenage Police Station,2027-01-01",
        "FP/2,phones,,Black,,2026-11-01,Hitchin,Stevenage Police Station,2027-01-01",
        "FP/3,phones,Phone of J Bloggs 07700900123,Black,,1st November,Hitchin,Stevenage Police Station,2027-01-01",
        "FP/4,phones,Phone,Black,,2026-12-01,Hitchin,Stevenage Police Station,2027-01-01",
        "FP/5,phones,Phone,Black,,2026-11-01,Hitchin,Stevenage Police Station,2026-10-01",
        "FP 6!,phones,Phone,Black,,2026-11-01,Hitchin,Stevenage Police Station,2027-01-01",
        "FP/7,phones,Phone,Black,,2026-11-01,,Stevenage Police Station,2027-01-01",
        f"FP/8,phones,{'x' * 501},Black,,2026-11-01,Hitchin,Stevenage Police Station,2027-01-01",
    )
    report = await import_found_items(session, text, today=TODAY)
    assert report.created == 0
    reasons = {error.line: error.reason for error in report.errors}
    assert sorted(reasons) == [2, 3, 4, 5, 6, 7, 8, 9]
    assert "unknown category 'dog'" in reasons[2]
    assert reasons[3] == "description is empty"
    assert "found_on is not a date" in reasons[4]
    assert "Bloggs" not in reasons[4] and "07700" not in reasons[4]
    assert reasons[5] == "found_on is in the future"
    assert reasons[6] == "dispose_after is before found_on"
    assert "reference may only hold" in reasons[7]
    assert reasons[8] == "found_at is empty"
    assert reasons[9] == "description is longer than 500 characters"
    assert await session.scalar(select(func.count()).select_from(FoundItem)) == 0


async def test_a_mixed_file_loads_the_good_rows_and_reports_the_rest(session):
    text = _csv(
        GOOD_ROWS[0],
        "not,enough",
        "",
        'FP/9,other,"Umbrella\nwith a duck handle",Yellow,,2026-11-10,Hitchin,Stevenage Police Station,2027-01-01',
        GOOD_ROWS[0].replace("Black", "Red"),
    )
    report = await import_found_items(session, text, today=TODAY)
    assert report.created == 2
    assert [(error.line, error.reason) for error in report.errors] == [
        (3, "description is empty"),
        (7, "reference repeats line 2"),
    ]
    assert (await _item(session, "FP/9")).description == "Umbrella with a duck handle"


async def test_reimporting_upserts_by_reference(session):
    await import_found_items(session, _csv(*GOOD_ROWS), today=TODAY)
    again = await import_found_items(session, _csv(*GOOD_ROWS), today=TODAY)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)
    moved = GOOD_ROWS[0].replace("Watford Police Station", "Hatfield Police Station")
    report = await import_found_items(session, _csv(moved), today=TODAY)
    assert (report.created, report.updated, report.unchanged) == (0, 1, 0)
    assert (await _item(session, "FP/26/00001")).held_at == "Hatfield Police Station"
    assert await session.scalar(select(func.count()).select_from(FoundItem)) == 3


@pytest.mark.parametrize("text", ["", "reference,category\nFP/1,phones\n", "just text\n"])
async def test_a_file_that_is_not_an_export_loads_nothing(session, text):
    with pytest.raises(ImportFileError):
        await import_found_items(session, text, today=TODAY)
    assert await session.scalar(select(func.count()).select_from(FoundItem)) == 0


def test_header_case_is_tolerated():
    rows, errors = parse_export(_csv(GOOD_ROWS[0]).replace("reference", "Reference"), today=TODAY)
    assert errors == [] and [row.reference for row in rows] == ["FP/26/00001"]


def test_the_command_line_import_reports_bad_lines_and_exit_status(tmp_path):
    env = {"BOT_VAR_DIR": str(tmp_path), "PATH": "/usr/bin:/bin"}
    upgrade = subprocess.run([sys.executable, "-m", "bot", "db", "upgrade"], cwd=PROJECT_ROOT, env=env,
                             capture_output=True, text=True)
    assert upgrade.returncode == 0, upgrade.stderr
    export = tmp_path / "found.csv"
    today = clock.today().isoformat()  # the importer's today
    export.write_text(f"{HEADER}\nFP/1,keys,Keys,,,{today},Hitchin,Stevenage Police Station,2099-01-01\n"
                      f"FP/2,dog,Dog,,,{today},Hitchin,Stevenage Police Station,2099-01-01\n")
    result = subprocess.run([sys.executable, "-m", "bot", "property", "import", str(export)], cwd=PROJECT_ROOT,
                            env=env, capture_output=True, text=True)
    assert result.returncode == 1
    assert "1 new" in result.stdout
    assert "line 3: unknown category 'dog'" in result.stderr
    missing = subprocess.run([sys.executable, "-m", "bot", "property", "import", str(tmp_path / "nope.csv")],
                             cwd=PROJECT_ROOT, env=env, capture_output=True, text=True)
    assert missing.returncode == 2 and "nothing was imported" in missing.stderr
