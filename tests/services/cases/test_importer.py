"""The case export importer: good, bad and mixed files, upserts, the timeline, and unreadable files."""

from datetime import date

import pytest
from sqlalchemy import func, select

from bot.db.models import AuditEntry, Case, CaseUpdate
from bot.services.cases import details
from bot.services.cases.importer import COLUMNS, import_cases, parse_export
from bot.services.csv_import import ImportFileError, read_export

TODAY = date(2026, 11, 21)
HEADER = ",".join(COLUMNS)
GOOD_ROWS = [
    "41/10234/26,Burglary (dwelling),2026-10-03,Smith,AL1 3AB,under_investigation,Forensics pending,"
    "DC Priya Sharma,Call 101 and ask for DC Sharma,2026-11-14",
    "41 20871 2026,Theft of a pedal cycle,19/08/2026,O'Brien,sg12dp,Closed - No further action,,"
    "PC Tom Reilly,Call 101,30/09/2026",
    '41-31502-26,Criminal damage,2026-10-27,Nowak,WD17 1HP,recorded,"Being reviewed, awaiting officer",,,2026-10-28',
]


def _csv(*rows):
    return "\n".join([HEADER, *rows]) + "\n"


async def _import(session, text):
    return await import_cases(session, text, today=TODAY)


async def _case(session, reference):
    return await session.scalar(select(Case).where(Case.reference == reference))


async def _timeline(session, reference):
    case = await _case(session, reference)
    query = select(CaseUpdate).where(CaseUpdate.case_id == case.id).order_by(CaseUpdate.id)
    return list((await session.scalars(query)).all())


async def test_a_good_file_loads_every_row_normalised_and_hashed(session):
    report = await _import(session, _csv(*GOOD_ROWS))
    assert (report.created, report.updated, report.unchanged, report.errors) == (3, 0, 0, [])

    bike = await _case(session, "41/20871/26")
    assert bike.status == "closed_no_further_action"
    assert bike.reported_on == date(2026, 8, 19) and bike.updated_on == date(2026, 9, 30)
    assert "obrien" not in bike.verifier_hash.lower() and "sg1" not in bike.verifier_hash.lower()
    assert details.verify_details(bike.verifier_hash, "obrien", "SG1 2DP")
    damage = await _case(session, "41/31502/26")
    assert damage.status_detail == "Being reviewed, awaiting officer"
    assert damage.officer_name == ""
    assert [update.status for update in await _timeline(session, "41/10234/26")] == ["under_investigation"]

    audit = await session.scalar(select(AuditEntry).where(AuditEntry.action == "cases.import"))
    assert audit.details == {"created": 3, "updated": 0, "unchanged": 0, "bad_rows": 0}


async def test_a_bad_file_loads_nothing_and_names_each_line_and_reason(session):
    text = _csv(
        "41/10234/26,Burglary,2026-10-03,Smith,NOT A POSTCODE,recorded,,,,2026-10-03",
        "01/10234/26,Burglary,2026-10-03,Smith,AL1 3AB,recorded,,,,2026-10-03",
        "41/10235/26,Burglary,2026-10-03,Smith,AL1 3AB,lost_in_post,,,,2026-10-03",
        "41/10236/26,,2026-10-03,Smith,AL1 3AB,recorded,,,,2026-10-03",
        "41/10237/26,Burglary,3rd October,Smith,AL1 3AB,recorded,,,,2026-10-03",
        "41/10238/26,Burglary,2026-10-03,Smith,AL1 3AB,recorded,,,,2026-12-25",
        "41/10239/26,Burglary,2026-10-03,Smith,AL1 3AB,recorded,,,,2026-10-01",
        "41/10240/26,Burglary,2026-10-03,12345,AL1 3AB,recorded,,,,2026-10-03",
    )
    report = await _import(session, text)
    assert report.created == 0
    reasons = {error.line: error.reason for error in report.errors}
    assert sorted(reasons) == [2, 3, 4, 5, 6, 7, 8, 9]
    assert "postcode" in reasons[2]
    assert "NOT A POSTCODE" not in reasons[2]  # reasons never repeat personal details
    assert "force" in reasons[3]
    assert "lost_in_post" in reasons[4]
    assert "offence is empty" in reasons[5]
    assert "reported_on is not a date" in reasons[6]
    assert "updated_on is in the future" in reasons[7]
    assert "before reported_on" in reasons[8]
    assert "surname" in reasons[9]
    assert await session.scalar(select(func.count()).select_from(Case)) == 0


async def test_a_mixed_file_loads_the_good_rows_and_reports_the_bad_ones(session):
    text = _csv(
        GOOD_ROWS[0],
        "not,enough,columns",
        "",
        '41/55555/26,Burglary,2026-10-03,Smith,AL1 3AB,recorded,"a detail\nover two lines",,,2026-10-03',
        '41/55556/26,Burglary,2026-10-03,Smith,AL1 3AB,nonsense,"another\nlong\ndetail",,,2026-10-03',
        GOOD_ROWS[1],
        GOOD_ROWS[0].replace("Smith", "Jones"),
    )
    report = await _import(session, text)
    assert report.created == 3
    # Lines as an editor numbers them: a row with a multi-line field is reported where it starts.
    assert [(error.line, error.reason.split(" ")[0]) for error in report.errors] == [
        (3, "reference"),
        (7, "unknown"),
        (11, "reference"),
    ]
    assert "repeats line 2" in report.errors[2].reason
    multi_line = await _case(session, "41/55555/26")
    assert multi_line.status_detail == "a detail\nover two lines"


async def test_reimporting_upserts_by_reference_and_adds_a_timeline_entry_when_the_status_changes(session):
    await _import(session, _csv(*GOOD_ROWS))
    again = await _import(session, _csv(*GOOD_ROWS))
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)

    changed_status = GOOD_ROWS[0].replace("under_investigation,Forensics pending", "charged,Charged with burglary")
    changed_detail = GOOD_ROWS[1].replace("PC Tom Reilly", "PC Tom Reilly (retired)")
    moved = GOOD_ROWS[2].replace("WD17 1HP", "WD18 0AA")
    report = await _import(session, _csv(changed_status, changed_detail, moved))
    assert (report.created, report.updated, report.unchanged) == (0, 3, 0)
    assert await session.scalar(select(func.count()).select_from(Case)) == 3

    burglary = await _case(session, "41/10234/26")
    assert burglary.status == "charged" and burglary.status_detail == "Charged with burglary"
    assert [update.status for update in await _timeline(session, "41/10234/26")] == ["under_investigation", "charged"]
    assert len(await _timeline(session, "41/20871/26")) == 1  # only the officer changed
    damage = await _case(session, "41/31502/26")
    assert details.verify_details(damage.verifier_hash, "nowak", "WD18 0AA")
    assert not details.verify_details(damage.verifier_hash, "nowak", "WD17 1HP")


@pytest.mark.parametrize(
    "text",
    ["", "just some text\nwithout the right header\n", "reference,offence\n41/10234/26,Burglary\n"],
)
async def test_a_file_that_is_not_an_export_loads_nothing(session, text):
    with pytest.raises(ImportFileError):
        await _import(session, text)
    assert await session.scalar(select(func.count()).select_from(Case)) == 0


def test_unreadable_files_are_refused(tmp_path):
    with pytest.raises(ImportFileError, match="cannot read"):
        read_export(tmp_path / "missing.csv")
    latin1 = tmp_path / "latin1.csv"
    latin1.write_bytes(_csv(GOOD_ROWS[0]).replace("Smith", "Müller").encode("latin-1"))
    with pytest.raises(ImportFileError, match="not UTF-8"):
        read_export(latin1)


def test_a_byte_order_mark_and_header_case_are_tolerated(tmp_path):
    path = tmp_path / "excel.csv"
    path.write_bytes(b"\xef\xbb\xbf" + _csv(GOOD_ROWS[0]).replace("reference", "Reference").encode())
    rows, errors = parse_export(read_export(path), today=TODAY)
    assert errors == [] and [row.reference for row in rows] == ["41/10234/26"]
