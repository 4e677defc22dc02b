"""Personal-information detectors: quality on the generated corpus, and speed.

Quality: precision, recall and F1 per kind, per obfuscation and macro-averaged, on
posts from ``prevention.corpus`` (values from Faker's zh_CN and en_US providers, judged
with python-stdnum and libphonenumber, hard negatives mixed in), scored by
``prevention.evaluation``. Targets (SPEC section 6): macro F1 >= 0.95, macro precision
>= 0.97, every kind's F1 >= 0.90. The false alarms on each kind of hard negative are
printed too.

Speed: scans per second of a 280-character post with 1,000 protected names active,
compared with a bare regular-expression pass over the same text - one compiled
alternation of the simple digit and e-mail patterns run with finditer, nothing else,
which is the least any detector has to pay. Target: at least half its speed. A last row
shows that the cost of the names does not grow with their number.

No Django and no database: the detectors are a pure module.
"""

from __future__ import annotations

import re
import time

from faker import Faker

from bench.common import Context, Row
from prevention.corpus import generate
from prevention.detectors import KINDS, name_index, scan
from prevention.evaluation import evaluate

MACRO_F1_TARGET = 0.95
MACRO_PRECISION_TARGET = 0.97
KIND_F1_TARGET = 0.90
SPEED_TARGET_RATIO = 0.5
POST_LENGTH = 280
PROTECTED_NAMES = 1000
CORPUS_SEED = 2024

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
    "zh doxxing post, obfuscated (emoji, look-alikes, Chinese numerals, zero-width)": (
        "曝光一下这个人！就是他在我们小区里天天乱停车，还把邻居家的老人骂哭了。物业找过他好几次，"
        "他根本不理。大家认识的帮忙转发，让他出来道歉。电话１３８🔥一二三四🔥5678，身份证号"
        "1l0l\u200b0519491231002Ｘ，住在北 京 市 朝 阳 区 建 国 路 八 十 八 号。邮箱 wang#qq.com（把#改成@）"
        "警察说会处理，但到现在一直没有消息。今天下午又看见他在楼下抽烟，烟头随手就扔在花坛里，"
        "小孩子们都在旁边玩。真的太过分了，大家评评理，这种人是不是应该曝光？"
    ),
    "en doxxing post (phone, address, e-mail)": (
        "This guy keeps harassing people in our building and nobody does anything about it. "
        "His number is +1 (201) 555-0123 and he lives at 221 Baker Street, apartment 4. "
        "Email him at john dot doe at example dot com and tell him to stop. The landlord says "
        "it is not his problem, the police say they cannot come out for this, and we are all "
        "fed up with waiting."
    ),
    "zh post without personal information": (
        "今天天气很好，我们一家人去公园散步，看到很多人在放风筝。孩子们玩得很开心，我也拍了很多照片。"
        "中午在附近的餐馆吃了饭，价格不贵，味道也不错，一共花了128元。下午回家的路上买了一些水果和蔬菜，"
        "准备晚上做饭。2023年11月5日，天气晴，气温18度。晚上看了一部电影，讲的是一个小镇上的故事，"
        "演员演得很好，剧情也很感人。周末打算带孩子去博物馆，听说新开了一个恐龙展，门票60元一张，"
        "学生半价。希望那天也是好天气，大家周末愉快！明天还要早起上班，今天就早点休息吧。"
    ),
}


def protected_names(n: int, seed: int = 7) -> list[str]:
    """``n`` names, half Chinese and half English, from Faker."""
    zh, en = Faker("zh_CN"), Faker("en_US")
    zh.seed_instance(seed)
    en.seed_instance(seed)
    return [zh.name() if i % 2 else en.name() for i in range(n)]


def _post(text: str) -> str:
    # Every post is exactly POST_LENGTH characters, padded with its own prose if short.
    while len(text) < POST_LENGTH:
        text += " " + text
    return text[:POST_LENGTH]


def _bare_pass(text: str) -> None:
    for _ in BARE_PATTERN.finditer(text):
        pass


def _quality_rows(ctx: Context) -> list[Row]:
    samples = generate(1000 if ctx.quick else 4000, seed=CORPUS_SEED)
    report = evaluate(samples)
    source = (
        f"{len(samples)} posts from prevention.corpus (Faker zh_CN/en_US values, "
        f"python-stdnum checks, seed {CORPUS_SEED})"
    )
    rows = [
        Row("detectors macro F1", report.macro_f1, "", f">= {MACRO_F1_TARGET}",
            ok=report.macro_f1 >= MACRO_F1_TARGET, note=source),
        Row("detectors macro precision", report.macro_precision, "", f">= {MACRO_PRECISION_TARGET}",
            ok=report.macro_precision >= MACRO_PRECISION_TARGET),
        Row("detectors macro recall", report.macro_recall, ""),
    ]  # fmt: skip
    for kind in KINDS:
        score = report.by_kind[kind]
        rows.append(
            Row(
                f"detectors {kind} F1 (P {score.precision:.3f} / R {score.recall:.3f})",
                score.f1, "", f">= {KIND_F1_TARGET}", ok=score.f1 >= KIND_F1_TARGET,
                note=f"tp={score.true_positives} fp={score.false_positives} fn={score.false_negatives}",
            )
        )  # fmt: skip
    for key in sorted(report.by_obfuscation):
        score = report.by_obfuscation[key]
        planted = score.true_positives + score.false_negatives
        rows.append(
            Row(
                f"  {key}: P {score.precision:.3f} / R {score.recall:.3f}", score.f1, "F1",
                note=f"{planted} planted, {score.false_positives} false alarms on them",
            )
        )  # fmt: skip
    for label in sorted(report.negatives):
        planted, alarmed = report.negatives[label]
        rows.append(Row(f"  hard negative {label}: false alarms", alarmed, f"of {planted}", "0", ok=None))
    return rows


def _cpu_seconds(fn) -> float:
    start = time.thread_time()
    fn()
    return time.thread_time() - start


def _rate(fn, loops: int, rounds: int, other) -> tuple[float, float]:
    """Scans per second of ``fn`` and of ``other`` on one core, in interleaved rounds.

    Measured in the thread's CPU time, and the best round of each kept: on a shared
    machine a round is often descheduled, and the longer side of a comparison is
    descheduled more often, which wall-clock time would count against it.
    """
    best = best_other = float("inf")
    for _ in range(rounds):
        best = min(best, _cpu_seconds(fn))
        best_other = min(best_other, _cpu_seconds(other))
    return loops / best, loops / best_other


def _speed_rows(ctx: Context) -> list[Row]:
    rows = []
    loops = 100
    rounds = 30 if ctx.quick else 80
    index = name_index(protected_names(PROTECTED_NAMES))
    for label, raw in POSTS.items():
        text = _post(raw)
        found = ", ".join(sorted({f.type for f in scan(text, protected_names=index)})) or "nothing"

        def detector(text: str = text) -> None:
            for _ in range(loops):
                scan(text, protected_names=index)

        def bare(text: str = text) -> None:
            for _ in range(loops):
                _bare_pass(text)

        detector_rate, bare_rate = _rate(detector, loops, rounds, bare)
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
                note=f"{POST_LENGTH} characters, {PROTECTED_NAMES} protected names, one core; found: {found}",
            )
        )
    # The names' cost does not depend on their number: 10 names against 10,000.
    text = _post(POSTS["en doxxing post (phone, address, e-mail)"])
    few, many = name_index(protected_names(10)), name_index(protected_names(10_000, seed=8))

    def with_few() -> None:
        for _ in range(loops):
            scan(text, protected_names=few)

    def with_many() -> None:
        for _ in range(loops):
            scan(text, protected_names=many)

    many_rate, few_rate = _rate(with_many, loops, rounds, with_few)
    rows.append(
        Row(
            "detectors scan with 10,000 protected names",
            many_rate, "scans/s", "ratio >= 0.8", "same scan with 10 names", few_rate,
            many_rate / few_rate, ok=many_rate / few_rate >= 0.8,
            note="Aho-Corasick automaton built once per set of names",
        )
    )  # fmt: skip
    return rows


def run(ctx: Context) -> list[Row]:
    return _quality_rows(ctx) + _speed_rows(ctx)
