import pytest
from hypothesis import given
from hypothesis import strategies as st

from cockpit.actor import Actor
from cockpit.services.support import audit
from cockpit.services.support.privacy import (
    UnmaskRefused,
    mask_id_number,
    mask_phone,
    mask_plate,
    mask_text,
    unmask,
)

digits = st.text("0123456789", min_size=1, max_size=1)


@given(st.text("0123456789", min_size=17, max_size=17), st.sampled_from("0123456789X"))
def test_id_number_hides_birth_date_and_sequence(body, check):
    value = body + check
    masked = mask_id_number(value)
    assert len(masked) == 18
    assert masked[:6] == value[:6] and masked[-4:] == value[-4:]
    assert masked[6:14] == "*" * 8


@given(st.sampled_from("3456789"), st.text("0123456789", min_size=9, max_size=9))
def test_phone_keeps_prefix_and_last_four(second, rest):
    value = "1" + second + rest
    masked = mask_phone(value)
    assert masked == value[:3] + "****" + value[-4:]
    assert value[3:7] not in masked[3:7]


@given(
    st.sampled_from("京津沪渝冀晋"), st.sampled_from("ABCDEFG"), st.text("ABCDEFGHJK0123456789", min_size=5, max_size=6)
)
def test_plate_keeps_region_only(province, city, serial):
    value = province + city + serial
    masked = mask_plate(value)
    assert masked.startswith(province + city)
    assert masked.count("*") == len(serial) - 1


@given(st.text(min_size=1, max_size=40))
def test_anything_unrecognised_is_still_mostly_hidden(value):
    for mask in (mask_id_number, mask_phone, mask_plate):
        masked = mask(value)
        assert masked.count("*") >= len(masked) // 2


def test_unmask_needs_the_permission_and_is_logged(db_url):
    with pytest.raises(UnmaskRefused):
        unmask(db_url, Actor("duty", "duty_officer"), "person:1", "phone", "13800138000", "checking a case")
    assert len(audit.rows(db_url, action="personal.unmask.denied")) == 1


def test_unmask_needs_a_reason(db_url):
    with pytest.raises(UnmaskRefused, match="reason"):
        unmask(db_url, Actor("safety", "safety_officer"), "person:1", "phone", "13800138000", " ")


def test_unmask_with_reason_returns_value_and_logs_it(db_url):
    value = unmask(db_url, Actor("safety", "safety_officer"), "person:1", "phone", "13800138000", "案件 42 核实身份")
    assert value == "13800138000"
    row = audit.rows(db_url, action="personal.unmask")[0]
    assert "案件 42 核实身份" in row["after"] and row["actor"] == "safety"


def test_unmask_api_for_safety_officers_only(app_client, city_url):
    from fixtures.db import TEST_ACTOR

    from cockpit.services.support import users

    safety = users.create_token(city_url, TEST_ACTOR, "unmask-safety", "safety_officer")
    admin = users.create_token(city_url, TEST_ACTOR, "unmask-admin", "admin")
    path = "/api/v1/people/leader/unmask"
    assert (
        app_client.post(path, json={"reason": "核实值班联系"}, headers={"Authorization": f"Bearer {admin}"}).status_code
        == 403
    )
    short = app_client.post(path, json={"reason": "x"}, headers={"Authorization": f"Bearer {safety}"})
    assert short.status_code == 400 and "reason" in short.get_json()["error"]
    ok = app_client.post(path, json={"reason": "核实值班联系"}, headers={"Authorization": f"Bearer {safety}"})
    assert ok.status_code == 200 and ok.get_json()["phone"] == "13800130001"
    row = audit.rows(city_url, action="personal.unmask")[0]
    assert row["actor"] == "token:unmask-safety" and "核实值班联系" in row["after"]


SEPARATORS = st.sampled_from(["", "", " ", "-", "．", "　", "."])
WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")


def _spelled(digits: str, gaps: list[str], wide: bool) -> str:
    text = "".join(d + g for d, g in zip(digits, gaps, strict=False)) + digits[len(gaps) :]
    return text.translate(WIDTH) if wide else text


@given(
    st.sampled_from("3456789"),
    st.text("0123456789", min_size=9, max_size=9),
    st.lists(SEPARATORS, min_size=10, max_size=10),
    st.booleans(),
    st.sampled_from(["电话", "手机：", "联系方式 ", "请回电", ""]),
)
def test_a_phone_in_text_is_masked_however_it_is_spelled(second, rest, gaps, wide, cue):
    """N2: spaces, dashes, dots and full-width digits between the digits of a mobile number."""
    number = "1" + second + rest
    masked = mask_text(f"路灯坏了，{cue}{_spelled(number, gaps, wide)}，谢谢")
    assert number[3:7] + number[7:] not in "".join(
        c for c in masked.translate(str.maketrans("０１２３４５６７８９", "0123456789")) if c.isdigit()
    )
    assert number[-4:] in masked.translate(str.maketrans("０１２３４５６７８９", "0123456789"))


@given(
    st.text("0123456789", min_size=17, max_size=17), st.sampled_from("0123456789X"), st.integers(1, 16), st.booleans()
)
def test_an_id_number_in_text_is_masked_with_a_space_or_full_width(body, check, cut, wide):
    number = body + check
    spelled = _spelled(number, [" " if i == cut else "" for i in range(17)], wide)
    masked = mask_text(f"身份证{spelled}，家门口有坑")
    assert masked == f"身份证{number[:6]}{'*' * 8}{number[-4:]}，家门口有坑"


@pytest.mark.parametrize(
    ("text", "gone"),
    [
        ("我叫王小明，电话 138 0013 8000，身份证 11010119900307 1234", ("小明", "0013", "19900307")),
        ("联系人李四 手机138-0013-8000 路灯坏了", ("李四", "0013-8000")),
        ("王先生 电话１３８００１３８０００ 路灯坏了", ("王先生", "１３８００１３８０００", "00138000")),
        ("诉求人：张伟，座机 010-62751234", ("张伟", "62751234")),
        ("+86 139 1234 5678 我是刘洋", ("1234 5678", "刘洋")),
    ],
)
def test_the_reviewers_spellings_are_masked(text, gone):
    masked = mask_text(text)
    assert not [g for g in gone if g in masked], masked
