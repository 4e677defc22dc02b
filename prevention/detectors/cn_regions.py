"""Province-level tables used to judge whether an ID number or a licence plate is plausible."""

from __future__ import annotations

# First two digits of a resident ID number: the province-level division of the place of
# household registration. Source: GB/T 2260 (Codes for the administrative divisions of
# the People's Republic of China), province-level codes; 81, 82 and 83 are the prefixes
# of the residence permits for Hong Kong, Macao and Taiwan residents (State Council
# Order of 2018 on residence permits, codes 810000 / 820000 / 830000), which carry an
# ID number in the same 18-character format.
ID_PROVINCE_PREFIXES: dict[str, str] = {
    "11": "北京", "12": "天津", "13": "河北", "14": "山西", "15": "内蒙古",
    "21": "辽宁", "22": "吉林", "23": "黑龙江",
    "31": "上海", "32": "江苏", "33": "浙江", "34": "安徽", "35": "福建", "36": "江西",
    "37": "山东",
    "41": "河南", "42": "湖北", "43": "湖南", "44": "广东", "45": "广西", "46": "海南",
    "50": "重庆", "51": "四川", "52": "贵州", "53": "云南", "54": "西藏",
    "61": "陕西", "62": "甘肃", "63": "青海", "64": "宁夏", "65": "新疆",
    "71": "台湾", "81": "香港", "82": "澳门", "83": "台湾居民居住证",
}  # fmt: skip

# One-character province abbreviations that open a mainland licence plate.
# Source: GA 36 (Motor vehicle number plates of the People's Republic of China),
# the province codes printed as the first character of the plate.
PLATE_PROVINCES = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼"

# The issuing-authority letter after the province: A-Z without I and O, which GA 36
# leaves out because they read as 1 and 0.
PLATE_LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ"

# Energy-type letters of new-energy plates (GA 36-2018: D pure electric, F hybrid; the
# later amendment opened A-K without I for further energy types).
PLATE_ENERGY_LETTERS = "ABCDEFGHJK"

# Special last characters of ordinary plates: trailer, learner, police, and the
# cross-border plates for Hong Kong and Macao vehicles.
PLATE_SUFFIXES = "挂学警港澳"

# Province-level divisions by their full names, as addresses begin with them (GB/T 2260,
# province-level names), and the short forms they are also written in.
PROVINCE_NAMES: tuple[str, ...] = (
    "北京市", "天津市", "河北省", "山西省", "内蒙古自治区", "辽宁省", "吉林省", "黑龙江省",
    "上海市", "江苏省", "浙江省", "安徽省", "福建省", "江西省", "山东省", "河南省", "湖北省",
    "湖南省", "广东省", "广西壮族自治区", "海南省", "重庆市", "四川省", "贵州省", "云南省",
    "西藏自治区", "陕西省", "甘肃省", "青海省", "宁夏回族自治区", "新疆维吾尔自治区",
    "台湾省", "香港特别行政区", "澳门特别行政区",
)  # fmt: skip
PROVINCE_SHORT_NAMES: tuple[str, ...] = tuple(
    name.removesuffix("省").removesuffix("市").split("自治区")[0].split("特别行政区")[0]
    .removesuffix("壮族").removesuffix("回族").removesuffix("维吾尔")
    for name in PROVINCE_NAMES
)
# Suffixes of the levels below the province: prefecture (市, 州, 盟, 地区), county
# (区, 县, 旗, 自治县), township (镇, 乡, 街道) - GB/T 2260 and the township codes of
# GB/T 10114.
ADMIN_SUFFIXES = "省市区县旗镇乡州盟"
