"""Personal-information detectors: quality on the synthetic corpus, and speed.

Quality: precision and recall per kind on a generated corpus (targets >= 0.98 for ID
numbers, phones and bank cards). Speed: scans per second of a 280-character post,
compared with a bare regular-expression pass over the same text - one compiled
alternation of the simple digit and e-mail patterns run with finditer, nothing else -
which is the least any detector has to pay. Target: at least half its speed.

No Django and no database: the detectors are a pure module.
"""

from __future__ import annotations

import re

from bench.common import Context, Row, best_of
from prevention.corpus import generate
from prevention.evaluation import evaluate
from prevention.detectors import scan

QUALITY_TARGET = 0.98
GATED_KINDS = ("id_number", "phone", "bank_card")
SPEED_TARGET_RATIO = 0.5
POST_LENGTH = 280

# What a naive filter would run: 18-character IDs, card-length digit runs, mainland
# mobiles and landlines, e-mail addresses.
BARE_PATTERN = re.compile(
    r"\d{17}[\dXx]|\d{13,19}|1[3-9]\d{9}|0\d{2,3}-?\d{7,8}"
    r"|[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}"
)

# Posts of the kind screening sees. All values in them are synthetic; the ID number has
# a valid check character, the US number is in the range reserved for fiction.
POSTS = {
    "zh doxxing post (ID, mobile, address)": (
        "曝光一下这个人！就是他在我们小区里天天乱停车，还把邻居家的老人骂哭了。物业找过他好几次，"
        "他根本不理。大家认识的帮忙转发，让他出来道歉。电话13812345678，身份证号11010519491231002X，"
        "住在北京市朝阳区建国路88号3栋2单元501室。我们已经报警了，警察说会处理，但到现在一直没有消息。"
        "今天下午又看见他在楼下抽烟，烟头随手就扔在花坛里，小孩子们都在旁边玩。真的太过分了，"
        "大家评评理，这种人是不是应该曝光？有知道他单位的也可以私信我，我们一起去找他们领导反映情况。"
        "物业说管不了，居委会也说管不了，那到底谁来管？"
    ),
    "zh doxxing post, obfuscated (full-width, Chinese numerals, zero-width)": (
        "曝光一下这个人！就是他在我们小区里天天乱停车，还把邻居家的老人骂哭了。物业找过他好几次，"
        "他根本不理。大家认识的帮忙转发，让他出来道歉。电话１３８ 一二三四 ​5678，身份证号"
        "1101​0519491231002Ｘ，住在北京市朝阳区建国路八十八号3栋2单元501室。我们已经报警了，"
        "警察说会处理，但到现在一直没有消息。今天下午又看见他在楼下抽烟，烟头随手就扔在花坛里，"
        "小孩子们都在旁边玩。真的太过分了，大家评评理，这种人是不是应该曝光？"
    ),
    "en doxxing post (phone, address, e-mail)": (
        "This guy keeps harassing people in our building and nobody does anything about it. "
        "His number is +1 (201) 555-0123 and he lives at 221 Baker Street, apartment 4. "
        "Email him at john.doe@example.com and tell him to stop. The landlord says it is not "
        "his problem, the police say they cannot come out for this, and we are all fed up "
        "with waiting."
    ),
    "zh post without personal information": (
        "今天天气很好，我们一家人去公园散步，看到很多人在放风筝。孩子们玩得很开心，我也拍了很多照片。"
        "中午在附近的餐馆吃了饭，价格不贵，味道也不错，一共花了128元。下午回家的路上买了一些水果和蔬菜，"
        "准备晚上做饭。2023年11月5日，天气晴，气温18度。晚上看了一部电影，讲的是一个小镇上的故事，"
        "演员演得很好，剧情也很感人。周末打算带孩子去博物馆，听说新开了一个恐龙展，门票60元一张，"
        "学生半价。希望那天也是好天气，大家周末愉快！明天还要早起上班，今天就早点休息吧。"
    ),
}


def _post(text: str) -> str:
    # Every post is exactly POST_LENGTH characters, padded with its own prose if short.
    while len(text) < POST_LENGTH:
        text += " " + text
    return text[:POST_LENGTH]


def _bare_pass(text: str) -> None:
    for _ in BARE_PATTERN.finditer(text):
        pass


def _quality_rows(ctx: Context) -> list[Row]:
    samples = generate(1000 if ctx.quick else 4000, seed=2024)
    scores = evaluate(samples)
    rows = []
    for kind, score in scores.items():
        gated = kind in GATED_KINDS
        detail = f"tp={score.true_positives} fp={score.false_positives} fn={score.false_negatives}"
        for measure, value in (("precision", score.precision), ("recall", score.recall)):
            rows.append(
                Row(
                    name=f"detectors {kind} {measure}",
                    value=value,
                    unit="",
                    target=f">= {QUALITY_TARGET}" if gated else "",
                    ok=(value >= QUALITY_TARGET) if gated else None,
                    note=(
                        f"{len(samples)} synthetic posts from prevention.corpus, which was "
                        f"written alongside the detectors: an optimistic figure; {detail}"
                        if measure == "recall"
                        else ""
                    ),
                )
            )
    return rows


def _speed_rows(ctx: Context) -> list[Row]:
    rows = []
    loops = 100
    rounds = 30 if ctx.quick else 80
    for label, raw in POSTS.items():
        text = _post(raw)
        found = ", ".join(sorted({f.type for f in scan(text)})) or "nothing"

        def detector(text: str = text) -> None:
            for _ in range(loops):
                scan(text)

        def bare(text: str = text) -> None:
            for _ in range(loops):
                _bare_pass(text)

        # Many short rounds of each, interleaved, and the best round of each kept: on a
        # busy machine some rounds of both sides still run undisturbed, and a burst of
        # load cannot fall on one side only.
        detector_best = bare_best = float("inf")
        for _ in range(rounds):
            detector_best = min(detector_best, best_of(1, detector))
            bare_best = min(bare_best, best_of(1, bare))
        detector_rate = loops / detector_best
        bare_rate = loops / bare_best
        ratio = detector_rate / bare_rate
        rows.append(
            Row(
                name=f"detectors scan, {label}",
                value=detector_rate,
                unit="scans/s",
                target=f"ratio >= {SPEED_TARGET_RATIO}",
                baseline_name="bare regex pass",
                baseline_value=bare_rate,
                ratio=ratio,
                ok=ratio >= SPEED_TARGET_RATIO,
                note=f"{POST_LENGTH} characters, one core; found: {found}",
            )
        )
    return rows


def run(ctx: Context) -> list[Row]:
    return _quality_rows(ctx) + _speed_rows(ctx)
