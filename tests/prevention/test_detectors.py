"""The personal-information detectors: each kind found, obfuscations seen through,
look-alikes left alone, and offsets that always point into the original text.

All values are synthetic: ID numbers and cards carry check characters computed for
these tests, phone numbers are random or from ranges reserved for fiction.
"""

from __future__ import annotations

import random

import phonenumbers
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from prevention.detectors import KINDS, Finding, name_index, normalize_value, scan

ID_X = "11010519491231002X"  # check character X
ID_DIGIT = "440305199003071236"
UNIONPAY_19 = "6222021234567890128"
VISA_16 = "4111111111111111"
MOBILE = "13812345678"


def only(text: str, kind: str, **kwargs: object) -> Finding:
    """The one finding of ``kind`` in ``text``; fails when there is none or several."""
    found = [f for f in scan(text, **kwargs) if f.type == kind]  # type: ignore[arg-type]
    assert len(found) == 1, f"expected one {kind} in {text!r}, got {found}"
    return found[0]


def kinds_found(text: str, **kwargs: object) -> list[str]:
    return [f.type for f in scan(text, **kwargs)]  # type: ignore[arg-type]


# ---------------------------------------------------------------------------
# ID numbers


def test_id_number_with_valid_check_character_is_found_with_its_span() -> None:
    text = f"身份证号{ID_DIGIT}，大家看看"
    finding = only(text, "id_number")
    assert (finding.start, finding.end) == (4, 22)
    assert finding.value == ID_DIGIT
    assert finding.normalized == ID_DIGIT
    assert finding.confidence >= 0.95


def test_id_number_with_lower_case_x_is_normalized_to_upper_case() -> None:
    finding = only(f"ID {ID_X.lower()} ok", "id_number")
    assert finding.value == ID_X.lower()
    assert finding.normalized == ID_X


@pytest.mark.parametrize(
    "number",
    [
        ID_DIGIT[:-1] + "7",  # wrong check character
        ID_X[:-1] + "5",
        "510107200102294561",  # valid check character, but 29 February 2001
        "110105194913310027",  # month 13
        "990105194912310021",  # no province has prefix 99
        "110105290001010018",  # born in the future
    ],
)
def test_id_number_that_fails_validation_is_not_reported(number: str) -> None:
    assert "id_number" not in kinds_found(f"身份证号 {number}")


def test_id_number_inside_a_longer_digit_run_is_not_reported() -> None:
    assert kinds_found(f"编号 9{ID_DIGIT}9") == []


# ---------------------------------------------------------------------------
# Phones


@pytest.mark.parametrize(
    ("written", "e164"),
    [
        ("13812345678", "+8613812345678"),
        ("+86 138 1234 5678", "+8613812345678"),
        ("0086 13812345678", "+8613812345678"),
        ("86-13812345678", "+8613812345678"),
        ("(+86)13812345678", "+8613812345678"),
        ("010-88886666", "+861088886666"),
        ("(0755) 8888 6666", "+8675588886666"),
        ("+44 20 7946 0123", "+442079460123"),
        ("+44 (0)20 7946 0123", "+442079460123"),
        ("+1 (201) 555-0123", "+12015550123"),
        ("(201) 555-0123", "+12015550123"),
        ("+852 5123 4567", "+85251234567"),
    ],
)
def test_phone_number_is_found_whole_and_normalized_to_e164(written: str, e164: str) -> None:
    text = f"电话：{written}，快打"
    finding = only(text, "phone")
    assert finding.value == written
    assert text[finding.start : finding.end] == written
    assert finding.normalized == e164


@pytest.mark.parametrize(
    "text",
    [
        "电话 12012345678",  # no mainland mobile range starts with 120
        "电话 2023110512",  # a landline without its trunk 0 is read as a date or a code
        "热线 400-820-8820",  # shared-cost business number
        "客服 800-810-1234",  # toll-free
        "call 1234567",
        "IP 183.21.246.139",  # the digits of an IPv4 address read like a mobile number
    ],
)
def test_number_that_reaches_no_person_is_not_reported_as_phone(text: str) -> None:
    assert "phone" not in kinds_found(text)


def test_two_mobiles_joined_by_a_slash_are_two_findings() -> None:
    text = "电话 13812345678/13987654321 都是他的"
    findings = scan(text)
    assert [f.normalized for f in findings] == ["+8613812345678", "+8613987654321"]
    assert [f.value for f in findings] == ["13812345678", "13987654321"]


def test_mobile_after_a_date_joined_by_a_space_is_still_found() -> None:
    finding = only("2023-11-05 13812345678", "phone")
    assert finding.value == "13812345678"


def test_phone_validation_agrees_with_phonenumbers_number_type() -> None:
    # The detector applies libphonenumber's metadata itself for speed; it must reach
    # the same verdict as the library on numbers of every shape.
    from prevention.detectors.phones import reaches_a_person

    personal = {
        phonenumbers.PhoneNumberType.FIXED_LINE,
        phonenumbers.PhoneNumberType.MOBILE,
        phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
        phonenumbers.PhoneNumberType.VOIP,
        phonenumbers.PhoneNumberType.PERSONAL_NUMBER,
        phonenumbers.PhoneNumberType.PAGER,
    }
    rng = random.Random(7)
    for country_code in (1, 7, 33, 39, 44, 49, 61, 81, 82, 86, 852, 853, 886, 800, 882):
        for _ in range(300):
            national = str(rng.randint(1, 9)) + "".join(
                rng.choice("0123456789") for _ in range(rng.randint(5, 11))
            )
            number = phonenumbers.PhoneNumber(
                country_code=country_code, national_number=int(national)
            )
            expected = phonenumbers.number_type(number) in personal
            assert reaches_a_person(country_code, national) == expected, (country_code, national)


# ---------------------------------------------------------------------------
# Bank cards


@pytest.mark.parametrize(
    "written", [UNIONPAY_19, VISA_16, "4111 1111 1111 1111", "6222-0212-3456-7890-128"]
)
def test_card_passing_luhn_with_a_card_prefix_is_found(written: str) -> None:
    finding = only(f"卡号 {written} 转账", "bank_card")
    assert finding.value == written
    assert finding.normalized == written.replace(" ", "").replace("-", "")


@pytest.mark.parametrize(
    "number",
    [
        VISA_16[:-1] + "2",  # fails Luhn
        "7000123456789010",  # passes Luhn, but no card network issues 7...
        "1000123456789013",
        "411111111111111",  # Visa prefix with a length Visa does not use
    ],
)
def test_card_number_that_fails_validation_is_not_reported(number: str) -> None:
    assert "bank_card" not in kinds_found(f"卡号 {number}")


@pytest.mark.parametrize(
    "label", ["订单号 ", "运单号：", "Order #", "tracking number ", "发票号码 "]
)
def test_luhn_valid_number_labelled_as_an_order_or_tracking_number_is_not_a_card(
    label: str,
) -> None:
    assert kinds_found(f"{label}{UNIONPAY_19}") == []


def test_contact_word_after_a_reference_label_wins() -> None:
    finding = only(f"快递单号找不到了，卡号{UNIONPAY_19}", "bank_card")
    assert finding.normalized == UNIONPAY_19
    assert only(f"运单 收件人电话{MOBILE}", "phone").normalized == "+86" + MOBILE


def test_reference_label_of_an_earlier_number_does_not_silence_the_next_one() -> None:
    finding = only(f"运单号：954030578308，{MOBILE}", "phone")
    assert finding.value == MOBILE


# ---------------------------------------------------------------------------
# E-mail


@pytest.mark.parametrize(
    ("written", "normalized"),
    [
        ("john.doe@example.com", "john.doe@example.com"),
        ("John.Doe@Example.COM", "john.doe@example.com"),
        ("zhang＠example.cn", "zhang@example.cn"),
        ("zhang (at) example (dot) cn", "zhang@example.cn"),
        ("zhang[at]example.com", "zhang@example.com"),
        ("zh\u200bang@exa\u200dmple.com", "zhang@example.com"),
        ("12345678@example.com", "12345678@example.com"),
    ],
)
def test_email_is_found_in_plain_and_obfuscated_forms(written: str, normalized: str) -> None:
    text = f"邮箱：{written}，联系他"
    finding = only(text, "email")
    assert finding.value == written
    assert finding.normalized == normalized


def test_numeric_mailbox_is_reported_as_email_not_phone() -> None:
    assert kinds_found(f"邮箱 {MOBILE}@example.com") == ["email"]


def test_email_stops_before_a_chinese_full_stop() -> None:
    finding = only("邮箱 a.b@example.org。email: 别发了", "email")
    assert finding.value == "a.b@example.org"


@pytest.mark.parametrize("text", ["a@b", "foo@bar.c", "@username 你好", "价格 5@10 元"])
def test_at_sign_without_an_address_is_not_an_email(text: str) -> None:
    assert kinds_found(text) == []


# ---------------------------------------------------------------------------
# Licence plates


@pytest.mark.parametrize(
    ("written", "normalized"),
    [
        ("京A12345", "京A12345"),
        ("粤B·D12345", "粤BD12345"),  # new-energy, small car
        ("沪A12345D", "沪A12345D"),  # new-energy, large vehicle
        ("京A1234挂", "京A1234挂"),  # trailer
        ("川A-8K123", "川A8K123"),
        ("浙a 12345", "浙A12345"),
    ],
)
def test_licence_plate_is_found_and_normalized_without_separators(
    written: str, normalized: str
) -> None:
    finding = only(f"车牌{written}，白色轿车", "licence_plate")
    assert finding.value == written
    assert finding.normalized == normalized


@pytest.mark.parametrize(
    "text",
    [
        "车牌京AI2345",  # I is never issued
        "车牌京A1BCD5",  # more than two letters on an ordinary plate
        "编号京A123456789",
        "新ABC文件",
    ],
)
def test_plate_look_alike_is_not_reported(text: str) -> None:
    assert "licence_plate" not in kinds_found(text)


# ---------------------------------------------------------------------------
# Addresses


@pytest.mark.parametrize(
    ("text", "address"),
    [
        (
            "他家住在北京市朝阳区建国路88号3栋2单元501室，快去",
            "北京市朝阳区建国路88号3栋2单元501室",
        ),
        ("她住长乐路123弄4号502室。", "长乐路123弄4号502室"),
        ("地址：幸福花园5栋1单元302室", "幸福花园5栋1单元302室"),
        ("住在漕溪北路一百二十号", "漕溪北路一百二十号"),
        ("家在长丰县水湖镇王家村3组12号，", "长丰县水湖镇王家村3组12号"),
        ("He lives at 221B Baker Street, London NW1 6XE.", "221B Baker Street, London NW1 6XE"),
        ("home: Flat 4, 42 Oak Avenue now", "Flat 4, 42 Oak Avenue"),
        (
            "at 1600 Maple Drive, Springfield, IL 62704 today",
            "1600 Maple Drive, Springfield, IL 62704",
        ),
    ],
)
def test_street_address_is_found_with_its_extent(text: str, address: str) -> None:
    finding = only(text, "address")
    assert finding.value == address
    assert text[finding.start : finding.end] == address


@pytest.mark.parametrize(
    "text",
    [
        "我知道1号线怎么走",
        "邻里5号那天见",
        "第3区5号展台",
        "I walked 3 miles down the road yesterday",
        "we have 2 Main concerns",
    ],
)
def test_prose_with_numbers_and_place_words_is_not_an_address(text: str) -> None:
    assert "address" not in kinds_found(text)


def test_address_normalization_collapses_whitespace_and_case() -> None:
    assert normalize_value("address", " 221B  Baker\tStreet ") == "221b baker street"
    assert normalize_value("address", "建国路８８号") == "建国路88号"


# ---------------------------------------------------------------------------
# Protected persons


def test_protected_name_is_found_only_when_passed_in() -> None:
    text = "这个人叫王小明，住在附近"
    assert "protected_name" not in kinds_found(text)
    finding = only(text, "protected_name", protected_names=["王小明"])
    assert (finding.value, finding.normalized) == ("王小明", "王小明")


@pytest.mark.parametrize("written", ["王 小明", "王\u200b小\u200c明", "王·小明"])
def test_protected_name_with_characters_pulled_apart_is_found(written: str) -> None:
    finding = only(f"就是{written}干的", "protected_name", protected_names=["王小明"])
    assert finding.value == written
    assert finding.normalized == "王小明"


def test_latin_protected_name_matches_any_case_but_not_inside_longer_words() -> None:
    text = "Ann met Annabel and JOHN  SMITH"
    found = scan(text, protected_names=["Ann", "John Smith"])
    assert [(f.value, f.normalized) for f in found] == [
        ("Ann", "ann"),
        ("JOHN  SMITH", "johnsmith"),
    ]


# ---------------------------------------------------------------------------
# Obfuscation


@pytest.mark.parametrize(
    "written",
    [
        "１３８１２３４５６７８",  # full-width digits
        "138 1234 5678",
        "138-1234-5678",
        "138.1234.5678",
        "1 3 8 1 2 3 4 5 6 7 8",
        "138\u200b1234\u200c5678",
        "1\u20603\ufeff8\u200d12345678",
        "一三八一二三四五六七八",
        "壹叁捌壹贰叁肆伍陆柒捌",
        "幺三八幺二三四五六七八",
        "一三八〇〇〇〇五六七八",
        "１3８ 一二三四 5\u200b6柒8",  # everything at once
    ],
)
def test_obfuscated_mobile_number_is_found_and_its_span_is_the_original_text(
    written: str,
) -> None:
    text = f"大家打他电话{written}，别客气"
    finding = only(text, "phone")
    assert finding.value == written
    assert text[finding.start : finding.end] == written
    assert finding.normalized in ("+8613812345678", "+8613800005678")


@pytest.mark.parametrize(
    "written",
    [
        "４４０３０５１９９００３０７１２３６",
        "440305 19900307 1236",
        "440305-19900307-1236",
        "4\u200b40305199003071236",
        "四四零三零五一九九零零三零七一二三六",
        "肆肆零叁零伍壹玖玖零零叁零柒壹贰叁陆",
        "4 4 0 3 0 5 1 9 9 0 0 3 0 7 1 2 3 6",
        "4４零305 19九0\u200d0307 一236",
    ],
)
def test_obfuscated_id_number_is_found_and_its_span_is_the_original_text(written: str) -> None:
    text = f"身份证号：{written}。"
    finding = only(text, "id_number")
    assert text[finding.start : finding.end] == written
    assert finding.normalized == ID_DIGIT


@pytest.mark.parametrize(
    "written",
    ["11010519491231002 X", "1101051949123100２\u200bＸ", "一一零一零五一九四九一二三一零零二x"],
)
def test_id_number_check_character_after_a_separator_is_part_of_the_number(written: str) -> None:
    finding = only(f"身份证 {written}", "id_number")
    assert finding.value == written
    assert finding.normalized == ID_X


def test_obfuscated_card_number_is_found() -> None:
    written = "６２２２ 零二一二 3456\u200b7890 一二八"
    finding = only(f"卡号 {written}", "bank_card")
    assert finding.value == written
    assert finding.normalized == UNIONPAY_19


# ---------------------------------------------------------------------------
# Look-alikes


@pytest.mark.parametrize(
    "text",
    [
        "订单号 20231105123456789012",
        "订单编号：2023110512345678",
        "发布于 2023-11-05 12:30:45",
        "时间戳 1699171200",
        "时间戳 1699171200123",
        "20231105123045 的记录",
        "这台电脑花了 ¥1,299.00，打了 8.5 折",
        "2023年11月5日我们搬了家，三年后又搬了一次。",
        "二〇二三年十一月五日，一家人一起去了公园",
        "快递单号 SF1234567890123",
        "tracking number 1Z999AA10123456784",
        "书号 ISBN 978-7-111-12345-6",
        "验证码 834512，五分钟内有效",
        "commit 5f3a9b2c13812345678ef0a1b2",
        "坐标 39.9042, 116.4074",
        "排名 1 2 3 4 5 6 7 8 9 10",
        "版本 v12.3.45678901",
        "The population was 1,412,000,000 in 2023, up 0.5%.",
        "QQ群 123456789 欢迎加入",
        "我们今天去了公园，天气很好，一共走了一万二千步。",
        "Meet me at 10:30 on 11/05/2023 by the station.",
    ],
)
def test_look_alike_of_personal_information_stays_quiet(text: str) -> None:
    assert scan(text) == []


# ---------------------------------------------------------------------------
# API contract


def test_findings_are_sorted_by_start_and_cover_every_kind() -> None:
    text = (
        f"王小明 电话{MOBILE} 身份证{ID_X} 卡号{UNIONPAY_19} 邮箱 wang@example.com "
        "车牌京A12345 住在北京市朝阳区建国路88号"
    )
    findings = scan(text, protected_names=["王小明"])
    assert [f.start for f in findings] == sorted(f.start for f in findings)
    assert {f.type for f in findings} == set(KINDS)


def test_kinds_restricts_what_is_searched_for() -> None:
    text = f"电话{MOBILE} 邮箱 wang@example.com 身份证{ID_X}"
    assert kinds_found(text, kinds={"email", "id_number"}) == ["email", "id_number"]
    assert kinds_found(text, kinds=()) == []


def test_unknown_kind_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown"):
        scan("text", kinds={"passport"})
    with pytest.raises(ValueError, match="unknown"):
        normalize_value("passport", "E12345678")


@pytest.mark.parametrize(
    ("kind", "raw", "expected"),
    [
        ("id_number", ID_X.lower(), ID_X),
        ("id_number", "４４０３０５ 一九九〇〇三〇七 1236", ID_DIGIT),
        ("id_number", ID_DIGIT[:-1] + "7", None),
        ("phone", "+86 138-1234-5678", "+8613812345678"),
        ("phone", "一三八一二三四五六七八", "+8613812345678"),
        ("phone", "(010) 8888 6666", "+861088886666"),
        ("phone", "12345", None),
        ("bank_card", "6222 0212 3456 7890 128", UNIONPAY_19),
        ("bank_card", "6222 0212 3456 7890 129", None),
        ("email", " Wang (at) Example (dot) COM ", "wang@example.com"),
        ("email", "not an address", None),
        ("licence_plate", "粤b·d12345", "粤BD12345"),
        ("licence_plate", "粤B·D123", None),
        ("licence_plate", "粤BD12345X", None),
        ("protected_name", " 王 小明 ", "王小明"),
        ("protected_name", "John   SMITH", "johnsmith"),
        ("protected_name", "   ", None),
        ("address", "  ", None),
    ],
)
def test_normalize_value_gives_the_canonical_form_or_none(
    kind: str, raw: str, expected: str | None
) -> None:
    assert normalize_value(kind, raw) == expected


def test_normalized_of_every_finding_equals_normalize_value_of_its_text() -> None:
    from prevention.corpus import generate
    from prevention.detectors.names import digits_read_as_letters, name_key

    for sample in generate(400, seed=11):
        for f in scan(sample.text, protected_names=sample.protected_names):
            assert sample.text[f.start : f.end] == f.value
            if f.type == "protected_name" and f.normalized != normalize_value(f.type, f.value):
                # A name typed with digits for letters is the protected name it reads as.
                assert f.normalized in {name_key(r) for r in digits_read_as_letters(f.value)}, f
                continue
            assert normalize_value(f.type, f.value) == f.normalized, f


# ---------------------------------------------------------------------------
# Properties

_ALPHABET = st.sampled_from(
    list(
        "0123456789０１２３４５６７８９一二三四五六七八九零〇壹贰叁幺十号路栋室京粤A-BXx@＠.。 ()（）+＋-·/_"
    )
    + [
        "\u200b",
        "\u200d",
        "\ufeff",
        "\u3000",
        "\n",
        "a",
        "Z",
        "at",
        "dot",
        "St",
        "Street",
        "省",
        "市",
    ]
)


@settings(max_examples=400, deadline=None)
@given(
    text=st.lists(_ALPHABET, max_size=80).map("".join) | st.text(max_size=120),
    names=st.lists(st.text(max_size=6), max_size=3),
)
def test_scan_never_raises_and_spans_stay_within_the_text(text: str, names: list[str]) -> None:
    findings = scan(text, protected_names=names)
    for f in findings:
        assert 0 <= f.start < f.end <= len(text)
        assert text[f.start : f.end] == f.value
        assert f.type in KINDS
        assert 0.0 <= f.confidence <= 1.0
    assert [f.start for f in findings] == sorted(f.start for f in findings)


# ---------------------------------------------------------------------------
# How values are really hidden in posts


@pytest.mark.parametrize(
    ("text", "kind", "value", "normalized"),
    [
        # Letters for digits, emoji and symbols between digits, a line break inside.
        ("手机 l38OOl2 3456 别打了", "phone", "l38OOl2 3456", "+8613800123456"),
        ("电话138🔥1234✨5678快打", "phone", "138🔥1234✨5678", "+8613812345678"),
        ("电话 138★1234☆5678", "phone", "138★1234☆5678", "+8613812345678"),
        ("身份证1101051949\n1231002X", "id_number", "1101051949\n1231002X", ID_X),
        ("call five oh eight, nine oh six, three six oh eight", "phone",
         "five oh eight, nine oh six, three six oh eight", "+15089063608"),
        # E-mail written every way but with an @.
        ("email: zhang at example dot com", "email", "zhang at example dot com", "zhang@example.com"),
        ("reach me: john dot smith at gmail dot com", "email",
         "john dot smith at gmail dot com", "john.smith@gmail.com"),
        ("邮箱 zhangsan#qq.com（把#改成@）", "email", "zhangsan#qq.com", "zhangsan@qq.com"),
        ("邮箱 zhangsan艾特163点com", "email", "zhangsan艾特163点com", "zhangsan@163.com"),
        ("邮箱 wang圈a126.com", "email", "wang圈a126.com", "wang@126.com"),
        ("邮箱 zhangsan 艾特 163 点 com 谢谢", "email", "zhangsan 艾特 163 点 com", "zhangsan@163.com"),
        ("邮箱 wang 圈a 126.com", "email", "wang 圈a 126.com", "wang@126.com"),
        ("his ID number is 32o7031967o2o664OX, Let", "id_number", "32o7031967o2o664OX", "32070319670206640X"),
        ("mail: zhang @ example.com ok", "email", "zhang @ example.com", "zhang@example.com"),
        # Cards outside the old prefix table: JCB 15 digits, Maestro 12 digits.
        ("card 180057070499969", "bank_card", "180057070499969", "180057070499969"),
        ("card 675964982648", "bank_card", "675964982648", "675964982648"),
        # North American numbers in their grouping, with extensions.
        ("call 683.353.3740x6812 today", "phone", "683.353.3740x6812", "+16833533740"),
        ("call 001-258-968-3449 today", "phone", "001-258-968-3449", "+12589683449"),
    ],
)  # fmt: skip
def test_disguised_value_is_found_with_its_span_and_canonical_form(
    text: str, kind: str, value: str, normalized: str
) -> None:
    finding = only(text, kind)
    assert finding.value == value
    assert text[finding.start : finding.end] == value
    assert finding.normalized == normalized
    assert finding.rule.startswith(kind + ".")


def test_a_disguised_value_says_so_and_a_plain_one_does_not() -> None:
    assert only("电话138🔥1234✨5678", "phone").obfuscated
    assert not only("电话 138 1234 5678", "phone").obfuscated


def test_cyrillic_letters_in_a_protected_name_do_not_hide_it() -> None:
    finding = only("this is Јоhn Ѕmith again", "protected_name", protected_names=["John Smith"])
    assert finding.value == "Јоhn Ѕmith"
    assert finding.normalized == "johnsmith"


def test_a_phone_after_a_card_is_its_own_finding() -> None:
    text = f"卡号 {UNIONPAY_19} {MOBILE}，转账后打电话"
    found = scan(text)
    assert [(f.type, f.value) for f in found] == [("bank_card", UNIONPAY_19), ("phone", MOBILE)]


def test_a_phone_before_an_at_mention_is_a_phone_not_an_email() -> None:
    assert kinds_found(f"电话{MOBILE} @所有人") == ["phone"]


@pytest.mark.parametrize(
    ("text", "address"),
    [
        ("家住河南省成都市金平萧路x座 917812，", "河南省成都市金平萧路x座 917812"),
        ("地址：朝阳区建国街A座7405", "朝阳区建国街A座7405"),
        ("住在潮州路285弄44号103室", "潮州路285弄44号103室"),
        ("住在北 京 市 朝 阳 区 建 国 路 8 8 号，快去", "北 京 市 朝 阳 区 建 国 路 8 8 号"),
        ("401 miranda mission, port karlabury, ky 14851", "401 miranda mission, port karlabury, ky 14851"),
        ("home: 5514 Michelle Rapids Suite 298", "5514 Michelle Rapids Suite 298"),
        ("he lives at 581 West Summit Apt. 961, Elizabethport, CO 76365. posted",
         "581 West Summit Apt. 961, Elizabethport, CO 76365"),
        ("address: 514 West Mills Apt 689, He", "514 West Mills Apt 689"),
        ("send it to P.O. Box 1234, Austin, TX 78701 please", "P.O. Box 1234, Austin, TX 78701"),
        ("PSC 1234, Box 5678\nAPO AA 12345", "PSC 1234, Box 5678\nAPO AA 12345"),
    ],
)
def test_addresses_without_house_numbers_spaced_out_or_in_lower_case_are_found(
    text: str, address: str
) -> None:
    assert only(text, "address").value == address


@pytest.mark.parametrize(
    ("text", "address", "normalized"),
    [
        ("他住在杭州西湖区文三路 478 号，去堵他", "杭州西湖区文三路 478 号", "杭州西湖区文三路478号"),
        ("北京市朝阳区建国路 88 号 3 栋 2 单元 501 室", "北京市朝阳区建国路 88 号 3 栋 2 单元 501 室",
         "北京市朝阳区建国路88号3栋2单元501室"),
        ("地址是深圳市南山区科技园街 A 座 7405。", "深圳市南山区科技园街 A 座 7405", "深圳市南山区科技园街a座7405"),
        ("就在阳光小区\u30005 栋 1203", "阳光小区\u30005 栋 1203", "阳光小区5栋1203"),
        # Part typed plainly, part spaced: one address.
        ("住建国路88号 3 栋 2 单元", "建国路88号 3 栋 2 单元", "建国路88号3栋2单元"),
    ],
)
def test_an_address_with_spaces_around_its_numbers_is_found_and_normalised_as_if_plain(
    text: str, address: str, normalized: str
) -> None:
    finding = only(text, "address")
    assert (finding.value, finding.normalized) == (address, normalized)
    assert text[finding.start : finding.end] == address
    assert not finding.obfuscated  # a typing habit, not a disguise
    assert normalize_value("address", address.replace(" ", "").replace("\u3000", "")) == normalized


@pytest.mark.parametrize(
    "text",
    [
        "房子在朝阳区 7 号线沿线",
        "我买了 3 号电池",
        "第 3 号选手表现很好",
        "今天是 11 月 5 号",
        "坐 5 路车到 12 号门",
        "我家 3 号楼的电梯坏了",
    ],
)
def test_prose_with_spaced_numbers_and_units_is_not_an_address(text: str) -> None:
    assert "address" not in kinds_found(text)


@pytest.mark.parametrize(
    "text",
    [
        "房子在朝阳区7号线沿线，交通方便",
        "地铁10号线朝阳区站",
        "在校时间 1993/2/21 - 1994",
        "2019.03.15-2020.01.02 在北京工作",
        "图片 icon@2x.png 和 logo@3x.webp",
        "customer service 1-800-555-0199",
        "客服热线 400-820-8820",
        "兑换码：13852749661",
        "gift code: 4821-9930-1175",
        "升级到版本 13.8.1234.5678",
        "see https://example.com/post/579848771971",
        "我在上海市工作，北京市统计局发布了数据",
        "top 10 park views in town",
        "model XR-13812345678",
        "我 艾特 了 你 一下，点 开 看看",
        "刚才 圈a 了 好几个人 点 赞",
        "时间戳 1723367904\n5号楼下的便利店",
    ],
)
def test_hard_negatives_stay_quiet(text: str) -> None:
    assert scan(text) == [], scan(text)


def test_name_matching_gives_the_same_findings_with_ten_or_ten_thousand_names() -> None:
    from prevention.detectors import name_index

    text = "就是王 小明干的, and J O H N  SMITH helped"
    few = name_index(["王小明", "John Smith"])
    many = name_index(["王小明", "John Smith", *(f"name{i} person{i}" for i in range(10_000))])
    assert few.size == 2 and many.size == 10_002
    found_few = [f for f in scan(text, protected_names=few)]
    assert [f.value for f in found_few] == ["王 小明", "J O H N  SMITH"]
    assert scan(text, protected_names=many) == found_few


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # A bare ten-digit number in a Chinese post, said to be North American.
        ("他美国的电话 7635597772！", [("phone", "7635597772", "+17635597772")]),
        ("美国号码：5636033274 别让他跑了", [("phone", "5636033274", "+15636033274")]),
        # An ID number spelled out to its check character.
        ("ID two one oh two oh four one nine four oh oh seven two three eight one eight X, thanks",
         [("id_number", "two one oh two oh four one nine four oh oh seven two three eight one eight X",
           "21020419400723818X")]),
        # A card typed a digit at a time, then a phone on the next line: not a phone of the
        # first ten digits and a "card" of the rest.
        ("details: 3  0  1  7  2  0  1  8  2  5  3  0  3  0\n17313319244, share",
         [("bank_card", "3  0  1  7  2  0  1  8  2  5  3  0  3  0", "30172018253030"),
          ("phone", "17313319244", "+8617313319244")]),
        # A building number on the next line is not the end of the number before it.
        ("转账账号：6290443573983358 5号楼下的便利店", [("bank_card", "6290443573983358", "6290443573983358")]),
        # A spelled-out card ends before a phone written in figures.
        ("card and phone: four oh nine four eight eight three six oh six seven eight oh five five four three two oh"
         "  16730212731! DM",
         [("bank_card", "four oh nine four eight eight three six oh six seven eight oh five five four three two oh",
           "4094883606780554320"), ("phone", "16730212731", "+8616730212731")]),
        # A card, then an ID number closed by its X, in one run.
        ("转账账号：4468605843735369 35~08~2❤21🔥9~9😂6~0💯8~213~4~2~X！",
         [("bank_card", "4468605843735369", "4468605843735369"),
          ("id_number", "35~08~2❤21🔥9~9😂6~0💯8~213~4~2~X", "35082219960821342X")]),
        # A ZIP code ending a line is not the start of a number on the next.
        ("East Christopher, CA 03945\n237-727-8307! We", [("phone", "237-727-8307", "+12377278307")]),
        # A 12-digit Maestro card in the older 0604 range.
        ("send money to card 060477503522. He", [("bank_card", "060477503522", "060477503522")]),
        # An ID number right after a parcel code in the same run of digits.
        ("快递单号 JD456056381538 37💯0901😂19😂74😂08★23🌸9551，说了",
         [("id_number", "37💯0901😂19😂74😂08★23🌸9551", "370901197408239551")]),
    ],
)  # fmt: skip
def test_numbers_as_they_run_together_in_real_posts(text: str, expected: list) -> None:
    assert [(f.type, f.value, f.normalized) for f in scan(text)] == expected


@pytest.mark.parametrize(
    "text",
    [
        "电话 7635597772",  # in Chinese, a bare ten digits with no word of North America
        "美国 订单号 7635597772",
        "order AB123 5636033274",
    ],
)
def test_a_bare_ten_digit_number_not_said_to_be_a_phone_stays_quiet(text: str) -> None:
    assert "phone" not in kinds_found(text)


def test_a_protected_name_typed_with_digits_for_letters_is_found_as_that_name() -> None:
    index = name_index(["Ivan Petrov", "Alice Li", "John Smith"])
    for text, value, key in [
        ("Contact 1van Petr0v now", "1van Petr0v", "ivanpetrov"),
        ("A1ice Li posted it", "A1ice Li", "aliceli"),
        ("J0HN SM1TH lives here", "J0HN SM1TH", "johnsmith"),
    ]:
        (finding,) = scan(text, protected_names=index)
        assert (finding.type, finding.value, finding.normalized, finding.obfuscated) == (
            "protected_name", value, key, True)
    assert scan("in 2023 4 people met 1 van driver", protected_names=index) == []
