"""Note screening: national ID and resident certificate numbers, phone numbers and e-mail addresses
are refused, with spaces or dashes too."""

from __future__ import annotations

import pytest

from bot.core.reporting import Problem, ReportInputError, check_note
from bot.core.screening import PersonalData, find_personal_data, is_national_id, is_old_resident_number
from tests.auxil.harness import Harness

VALID_IDS = ["A123456789", "F222222222", "Z187654324", "K800000013", "B901234562", "O111111116", "I212345671"]
BAD_CHECKSUMS = ["A123456788", "F222222221", "Z187654320", "K800000012", "B901234561"]


@pytest.mark.parametrize("number", VALID_IDS)
def test_valid_national_ids_are_recognised(number: str) -> None:
    assert is_national_id(number)
    assert is_national_id(number.lower())
    assert find_personal_data(f"當事人 {number} 到場") is PersonalData.NATIONAL_ID
    assert find_personal_data(f"當事人{number}到場") is PersonalData.NATIONAL_ID


@pytest.mark.parametrize("number", BAD_CHECKSUMS)
def test_bad_checksums_are_not_ids(number: str) -> None:
    assert not is_national_id(number)
    assert find_personal_data(f"文號 {number}") is None


@pytest.mark.parametrize("number", ["A323456789", "A12345678", "A1234567890", "1A23456789", "AB12345678"])
def test_other_shapes_are_not_ids(number: str) -> None:
    assert not is_national_id(number)


@pytest.mark.parametrize(
    "text",
    [
        "A 123 456 789",
        "A123-456-789",
        "A-123-456-789",
        "被害人a 1 2 3 4 5 6 7 8 9到場",
        "F 222-222-222",
        "相對人 A123 456789",
    ],
)
def test_national_ids_with_spaces_or_dashes_are_found(text: str) -> None:
    assert find_personal_data(text) is PersonalData.NATIONAL_ID


@pytest.mark.parametrize(
    "text",
    [
        "居留證 K800000013",
        "K 800 000 013",
        "B901-234-562",
        "外籍配偶 b 9012 34562",
    ],
)
def test_resident_certificates_of_the_new_format_are_found(text: str) -> None:
    assert find_personal_data(text) is PersonalData.NATIONAL_ID


@pytest.mark.parametrize("text", ["AB12345678", "居留證 FC 1234 5678", "AD-1234-5678", "移工hb12345678"])
def test_resident_certificates_of_the_old_format_are_found(text: str) -> None:
    assert find_personal_data(text) is PersonalData.NATIONAL_ID


@pytest.mark.parametrize("number", ["AE12345678", "A112345678", "AB1234567", "AB123456789", "12AB345678"])
def test_other_shapes_are_not_old_resident_numbers(number: str) -> None:
    assert not is_old_resident_number(number)


@pytest.mark.parametrize(
    "text",
    [
        "A 123 456 788",
        "A123-456-788",
        "AE 1234 5678",
        "A123456789-1",
        "XAB12345678",
    ],
)
def test_near_misses_with_separators_pass(text: str) -> None:
    assert find_personal_data(text) is None


@pytest.mark.parametrize(
    "text",
    [
        "聯絡 0912-345-678",
        "0912345678",
        "0912 345 678",
        "手機０９１２３４５６７８",
        "+886 912 345 678",
        "+886-912-345-678",
        "+886912345678",
        "02-2425-1234",
        "(02)2425-1234",
        "0224251234",
        "+886-2-2425-1234",
        "049-2345678",
        "037-123456",
        "分機 02-2425-1234#123",
    ],
)
def test_phone_numbers_are_found(text: str) -> None:
    assert find_personal_data(text) is PersonalData.PHONE


@pytest.mark.parametrize(
    "text",
    [
        "寄到 someone@example.com",
        "a.b+c@mail.gov.tw 已聯絡",
        "信箱：test_1@police.keelung.gov.tw",
        "x＠example.org",
    ],
)
def test_email_addresses_are_found(text: str) -> None:
    assert find_personal_data(text) is PersonalData.EMAIL


@pytest.mark.parametrize(
    "text",
    [
        "路檢 3 處 2 小時",
        "臨檢 12 人 3 車",
        "巡邏 10 次 20 公里 2024",
        "案號 1130123456",
        "報案三聯單 11301234",
        "時間 2230-0130",
        "民國113年1月2日 社區反詐騙",
        "車牌 ABC-1234",
        "座標 25.13,121.74",
        "會議室 2F 第3場 @大禮堂",
        "A123 號公車站",
        "2026-12-06 路檢 3 處",
        "115-12-06 B1 停車場 12 車",
        "第 1 2 3 4 5 6 7 8 9 組",
        "A 區 12 人 B 區 3 人 2026-12-06",
        "C1 12 件 D2 8 件",
    ],
)
def test_ordinary_notes_pass(text: str) -> None:
    assert find_personal_data(text) is None
    assert check_note(text) is not None


def test_check_note_refuses_with_the_kind_found() -> None:
    with pytest.raises(ReportInputError) as caught:
        check_note("被害人 A123456789")
    assert caught.value.problem is Problem.NOTE_PERSONAL_DATA
    assert caught.value.details == {"found": PersonalData.NATIONAL_ID}


async def test_report_with_personal_data_is_refused_and_not_stored(harness: Harness) -> None:
    await harness.register(701, "women_children", "officer", name="林警員")
    refused = await harness.say(701, "/report 保護令 1 今天 相對人電話 0912-345-678")
    assert "電話號碼" in (refused.plain_text or "")
    assert "未儲存" in (refused.plain_text or "")
    assert "0912" not in (refused.plain_text or "")
    refused = await harness.say(701, "/report 家暴 1 被害人 A123456789")
    assert "身分證" in (refused.plain_text or "")
    today = await harness.say(701, "/today")
    assert "還沒有回報" in (today.plain_text or "")
    saved = await harness.say(701, "/report 家暴 1 今天 路檢 3 處 2 小時")
    assert "已記錄" in (saved.plain_text or "")
    assert "路檢 3 處 2 小時" in (saved.plain_text or "")


async def test_refusal_in_english(harness: Harness) -> None:
    await harness.register(702, "p2", "officer", name="Lin", language="en")
    refused = await harness.say(702, "/report dv 1 today mail me at lin@example.com")
    assert "e-mail address" in (refused.plain_text or "")
    assert "nothing was stored" in (refused.plain_text or "")
