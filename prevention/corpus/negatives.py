"""Hard negatives: what looks like personal information and is not."""

from __future__ import annotations

import random

from prevention.corpus.values import Values


def _digits(rng: random.Random, n: int) -> str:
    return str(rng.randint(1, 9)) + "".join(rng.choices("0123456789", k=n - 1))


def hard_negative(rng: random.Random, v: Values, lang: str) -> tuple[str, str, str, str]:
    """(text before, look-alike, text after, label)."""
    zh = lang == "zh"
    choice = rng.randrange(16)
    if choice == 0:
        number = f"{rng.randint(2019, 2025)}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}" + _digits(rng, rng.randint(8, 12))
        return ("订单号：" if zh else "order #"), number, "", "order_number"
    if choice == 1:
        code = rng.choice(("SF", "YT", "JD", "ZTO", "1Z")) + _digits(rng, rng.randint(10, 14))
        plain = _digits(rng, rng.randint(12, 15))
        return ("快递单号 " if zh else "tracking "), rng.choice((code, plain)), "", "tracking_number"
    if choice == 2:
        y = rng.randint(1970, 2010)
        a = f"{y}/{rng.randint(1, 12)}/{rng.randint(1, 28)}"
        b = rng.choice((str(y + rng.randint(1, 9)), f"{y + 1}/{rng.randint(1, 12)}/{rng.randint(1, 28)}"))
        sep = rng.choice((" - ", "-", "~", " 至 " if zh else " to "))
        return ("在校时间 " if zh else "attended "), f"{a}{sep}{b}", "", "date_range"
    if choice == 3:
        day = f"{rng.randint(2015, 2025)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        clock = f"{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}"
        return ("发布于 " if zh else "posted "), rng.choice((f"{day} {clock}", day.replace("-", ".") + " " + clock)), "", "date"
    if choice == 4:
        price = f"{rng.randint(1, 99)},{rng.randint(0, 999):03d}.{rng.randint(0, 99):02d}"
        return ("花了 ¥" if zh else "it cost $"), price, "", "price"
    if choice == 5:
        version = f"{rng.randint(1, 19)}.{rng.randint(0, 9)}.{rng.randint(0, 9999)}.{rng.randint(1000, 99999999)}"
        return ("升级到版本 " if zh else "updated to version "), rng.choice((version, "v" + version)), "", "version"
    if choice == 6:
        stem = rng.choice(("icon", "logo", "avatar", "banner", "bg", "btn_close"))
        name = f"{stem}@{rng.choice(('2x', '3x', '1.5x'))}.{rng.choice(('png', 'jpg', 'webp'))}"
        return ("图片 " if zh else "asset "), name, "", "file_name"
    if choice == 7 and zh:
        district = v.zh.district() + "区"
        line = rng.randint(1, 16)
        phrase = rng.choice((f"{district}{line}号线沿线", f"地铁{line}号线{district}站", f"{district}{line}号线换乘"))
        return "房子在", phrase, "，交通方便", "metro_line"
    if choice == 7:
        return "take the ", f"Route {rng.randint(1, 99)}", " bus", "route"
    if choice == 8:
        code = "-".join(_digits(rng, 4) for _ in range(rng.choice((3, 4))))
        if rng.random() < 0.4:
            code = _digits(rng, 11)
        return ("兑换码：" if zh else "gift code: "), code, "", "gift_code"
    if choice == 9:
        number = rng.choice(
            (f"1-800-{_digits(rng, 3)}-{_digits(rng, 4)}", f"1-888-{_digits(rng, 3)}-{_digits(rng, 4)}",
             f"(877) {_digits(rng, 3)}-{_digits(rng, 4)}", f"400-{_digits(rng, 3)}-{_digits(rng, 4)}",
             f"800-{_digits(rng, 3)}-{_digits(rng, 4)}", "95588", "12345", "10086")
        )  # fmt: skip
        return ("客服热线 " if zh else "customer service "), number, "", "toll_free"
    if choice == 10:
        return "", "@所有人" if zh else "@everyone", "", "mention"
    if choice == 11:
        bad = v.id_number()
        bad = bad[:-1] + rng.choice([c for c in "0123456789X" if c != bad[-1]])
        return ("身份证 " if zh else "ID "), bad, "", "wrong_check_id"
    if choice == 12:
        good = v.card(lang)
        bad = good[:-1] + str((int(good[-1]) + rng.randint(1, 9)) % 10)
        return ("卡号 " if zh else "card "), bad, "", "wrong_check_card"
    if choice == 13:
        host = f"{rng.randint(1, 223)}.{rng.randint(0, 255)}.{rng.randint(0, 255)}.{rng.randint(1, 254)}"
        url = f"https://example.com/post/{rng.randint(10**10, 10**12)}"
        return ("" if zh else "see "), rng.choice((host, url)), "", "network"
    if choice == 14 and zh:
        city = v.zh.city()
        phrase = rng.choice((f"{city}统计局发布的数据", f"我在{city}工作", f"{city}人民路步行街很热闹", "5号楼下的便利店"))
        return "", phrase, "", "place_prose"
    if choice == 14:
        phrase = rng.choice(("walked 3 miles down the road", "top 10 park views", "2 main concerns", "at 5 Guys"))
        return "we ", phrase, "", "place_prose"
    stamp = str(rng.randint(1_500_000_000, 1_800_000_000))
    return ("时间戳 " if zh else "timestamp "), rng.choice((stamp, stamp + _digits(rng, 3))), "", "timestamp"


