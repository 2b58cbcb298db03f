"""Words the demo data is made of: Dongcheng's streets, name characters, fund names."""

from __future__ import annotations

import random
from dataclasses import dataclass

from models.demo.common import Point, Weighted
from models.enums import Gender

DISTRICT_NAME = "东城区"
DISTRICT_CODE = "110101"  # GB/T 2260 code of Dongcheng District


@dataclass(frozen=True)
class StreetSpec:
    name: str
    centre: Point
    """Rough centre of the street's area; its communities cluster around it."""
    spread_m: float
    communities: int
    business_weight: float
    """How likely a business-building or enterprise station lies here (office districts)."""
    elder_weight: float
    """Relative share of elders and needy households (old hutong areas weigh more)."""
    flats: float
    """Share of addresses in blocks of flats rather than hutong courtyards."""


# The 17 streets in the order of the official division list (codes 110101001..017). Centres are
# approximate positions inside the district box, north to south; community counts sum to 182.
STREETS: tuple[StreetSpec, ...] = (
    StreetSpec("东华门街道", Point(39.9130, 116.4020), 700, 9, 3.0, 1.0, 0.2),
    StreetSpec("景山街道", Point(39.9270, 116.3950), 600, 8, 1.0, 1.2, 0.15),
    StreetSpec("交道口街道", Point(39.9380, 116.4020), 600, 9, 1.0, 1.3, 0.15),
    StreetSpec("安定门街道", Point(39.9460, 116.4080), 600, 9, 1.0, 1.2, 0.3),
    StreetSpec("北新桥街道", Point(39.9420, 116.4190), 700, 13, 1.5, 1.2, 0.3),
    StreetSpec("东四街道", Point(39.9290, 116.4170), 600, 10, 1.5, 1.3, 0.2),
    StreetSpec("朝阳门街道", Point(39.9220, 116.4300), 600, 9, 3.0, 1.0, 0.4),
    StreetSpec("建国门街道", Point(39.9060, 116.4300), 800, 12, 4.0, 0.9, 0.6),
    StreetSpec("东直门街道", Point(39.9400, 116.4330), 700, 12, 3.0, 1.0, 0.5),
    StreetSpec("和平里街道", Point(39.9520, 116.4220), 900, 21, 1.5, 1.1, 0.85),
    StreetSpec("前门街道", Point(39.8960, 116.3980), 500, 8, 2.0, 1.0, 0.2),
    StreetSpec("崇文门外街道", Point(39.8970, 116.4180), 600, 10, 2.5, 1.0, 0.5),
    StreetSpec("东花市街道", Point(39.8940, 116.4340), 600, 10, 1.5, 0.9, 0.7),
    StreetSpec("龙潭街道", Point(39.8820, 116.4380), 700, 11, 1.0, 1.0, 0.8),
    StreetSpec("体育馆路街道", Point(39.8850, 116.4240), 600, 9, 1.0, 1.0, 0.75),
    StreetSpec("天坛街道", Point(39.8790, 116.4060), 700, 10, 1.0, 1.1, 0.5),
    StreetSpec("永定门外街道", Point(39.8680, 116.4020), 800, 12, 1.0, 1.1, 0.8),
)

COMMUNITY_COUNT = 182

# Community names are two auspicious characters + 社区, the commonest pattern in Beijing.
_COMMUNITY_FIRST = "安福康和新兴永宝吉祥德清文华光明春平泰东西南北红"
_COMMUNITY_SECOND = "安平宁乐顺和泰祥丰盛园苑里华景明兴康源苗"

# Hutong names: two characters + 胡同.
_HUTONG_FIRST = "钱灯石花椿帽箭炒豆牛羊马鼓钟砖瓦柳槐枣菊府史演礼"
_HUTONG_SECOND = "粮草雀枝树儿厂杆芽角圈市楼塔房台湾林园巷井坊营桥寺"

# Office buildings and companies: two characters + a kind of building or business.
_FIRM_FIRST = "东华金银鼎恒嘉汇宏盛新鑫国瑞博远中天"
_FIRM_SECOND = "泰源城隆达融邦航晟丰信通和润科宇"
BUILDING_KINDS = ("大厦", "中心", "商务楼", "广场", "写字楼")
INDUSTRIES = (
    "科技",
    "商贸",
    "物业管理",
    "餐饮",
    "文化传媒",
    "建筑工程",
    "医药",
    "物流",
    "金融服务",
)
ROADS = ("大街", "北大街", "南大街", "东街", "西街", "路")

SOCIAL_WORK_AGENCIES = (
    "东城区益民社会工作事务所",
    "东城区阳光社工服务中心",
    "东城区同心社会工作事务所",
    "东城区和善社工服务中心",
)


def _pairs(first: str, second: str) -> list[str]:
    return [a + b for a in first for b in second if a != b]


def community_names(rng: random.Random, count: int) -> list[str]:
    """``count`` distinct community names (unique across the district, not only per street)."""
    return [
        name + "社区" for name in rng.sample(_pairs(_COMMUNITY_FIRST, _COMMUNITY_SECOND), count)
    ]


def hutong_names(rng: random.Random, count: int) -> list[str]:
    """``count`` distinct hutong names."""
    return [name + "胡同" for name in rng.sample(_pairs(_HUTONG_FIRST, _HUTONG_SECOND), count)]


def firm_names(rng: random.Random, count: int) -> list[str]:
    """``count`` distinct two-character trade names."""
    return rng.sample(_pairs(_FIRM_FIRST, _FIRM_SECOND), count)


# Surnames, commonest first; the weights fall off roughly as they do in the population.
_SURNAMES = (
    "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕"
    "苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史"
)
SURNAMES = Weighted(list(_SURNAMES), [1.0 / (1 + i / 8) for i in range(len(_SURNAMES))])

# Given-name characters change with the generations; a name drawn for someone born in 1935
# should not sound like one given in 2005.
_GIVEN: dict[Gender, tuple[tuple[int, str], ...]] = {
    Gender.MALE: (
        (1950, "福德文国富贵财忠明玉树宝山春殿振永广有长金庆海成志俊"),
        (1980, "建国军伟强华平明勇东斌卫新志刚立永杰峰海波红民"),
        (2000, "磊鹏超晨飞浩宇涛鑫洋帅博旭凯亮健昊龙阳"),
        (9999, "子轩浩宇梓睿博文泽铭皓辰俊航嘉一然宸"),
    ),
    Gender.FEMALE: (
        (1950, "淑秀桂兰英凤珍芳玉华琴云荣芬霞素梅敏翠雅"),
        (1980, "红丽霞梅燕静萍艳玲娟敏英慧芳华秀琳颖"),
        (2000, "婷丹雪莉璐倩佳悦蕾晶欣琪娜颖薇洁"),
        (9999, "子涵梓欣怡诗雨萱可馨语思佳彤若一"),
    ),
}


def given_name(rng: random.Random, sex: Gender, birth_year: int) -> str:
    """A one- or two-character given name in the fashion of ``birth_year``."""
    chars = next(c for until, c in _GIVEN[sex] if birth_year < until)
    if rng.random() < 0.3:
        return rng.choice(chars)
    return rng.choice(chars) + rng.choice(chars)


def person_name(
    rng: random.Random, sex: Gender, birth_year: int, surname: str | None = None
) -> str:
    """A full name; pass ``surname`` to keep a family's name."""
    return (surname or SURNAMES.draw(rng)) + given_name(rng, sex, birth_year)


@dataclass(frozen=True)
class FundSpec:
    name: str
    purpose: str
    budget_yuan: int


CHARITY_TOTAL_FEN = 315_530_000
"""What the district charity association spent in a year: 3,155,300 yuan (from the seed)."""
BUDGET_YEAR = 2026

# The 18 special funds; the budgets add up to CHARITY_TOTAL_FEN (a test checks it).
FUNDS: tuple[FundSpec, ...] = (
    FundSpec(
        "老年人慈善医疗卡专项基金", "为困难老年人办理慈善医疗卡，报销门诊和住院自付费用。", 520_000
    ),
    FundSpec(
        "携手梦想助学专项基金", "资助困难家庭学生的学费、教材和生活费，从小学到大学。", 380_000
    ),
    FundSpec(
        "困难家庭救助专项基金", "对低保、低收入和边缘困难家庭的基本生活困难给予补充救助。", 450_000
    ),
    FundSpec("重大疾病救助专项基金", "资助患重大疾病的困难居民，减轻医疗费用负担。", 300_000),
    FundSpec("残疾人帮扶专项基金", "为困难残疾人提供康复器具、康复训练和生活补助。", 180_000),
    FundSpec(
        "困境儿童关爱专项基金", "为困境儿童和留守儿童提供个案服务、成长小组和生活补助。", 150_000
    ),
    FundSpec("高龄老人关爱专项基金", "支持80岁以上老人一帮一结对、探访和日常照料服务。", 210_000),
    FundSpec(
        "特困供养人员帮扶专项基金", "为特困供养人员提供生活照料、节日慰问和临时补助。", 95_000
    ),
    FundSpec("临时救助专项基金", "对突发事件和意外造成生活暂时困难的家庭给予应急救助。", 160_000),
    FundSpec("社区志愿服务专项基金", "支持社区志愿服务站开展培训、保险和志愿活动。", 80_000),
    FundSpec("助老餐桌专项基金", "补贴困难老年人在社区助老餐桌用餐的费用。", 120_000),
    FundSpec("居家养老服务专项基金", "为失能、半失能困难老人购买居家照护和家政服务。", 110_000),
    FundSpec("心理关爱专项基金", "为困难群众提供心理咨询和心理疏导服务。", 60_000),
    FundSpec(
        "就业技能培训专项基金", "资助有劳动能力的困难居民参加职业技能培训，变输血为造血。", 90_000
    ),
    FundSpec("冬季送温暖专项基金", "冬季为困难家庭送去取暖补贴、棉衣棉被等物资。", 70_000),
    FundSpec("失独家庭关爱专项基金", "为失独家庭提供精神慰藉、陪伴和生活帮扶。", 50_000),
    FundSpec("精神康复帮扶专项基金", "资助困难精神障碍患者的康复治疗和社区康复活动。", 55_000),
    FundSpec("住房修缮帮扶专项基金", "资助困难家庭修缮危旧住房、改善居住条件。", 75_300),
)

FUND_RULES: dict[str, tuple[tuple[str, ...], int | None, int]] = {
    # name: (household tags it may pay for (none: any household), cap per household per year
    # in yuan (None: no cap), minimum grant in yuan)
    "老年人慈善医疗卡专项基金": (("elder_80",), 3_000, 200),
    "携手梦想助学专项基金": (("school_age_child",), 5_000, 500),
    "困难家庭救助专项基金": (("dibao", "low_income", "edge"), 4_000, 300),
    "重大疾病救助专项基金": (("serious_illness",), 20_000, 1_000),
    "残疾人帮扶专项基金": (("disability",), 6_000, 300),
    "困境儿童关爱专项基金": (("school_age_child",), 3_000, 200),
    "高龄老人关爱专项基金": (("elder_80",), 2_000, 100),
    "特困供养人员帮扶专项基金": (("special_hardship",), 5_000, 200),
    "临时救助专项基金": ((), 5_000, 200),
    "社区志愿服务专项基金": ((), 1_000, 100),
    "助老餐桌专项基金": (("elder_80",), 1_500, 100),
    "居家养老服务专项基金": (("elder_80", "disability"), 6_000, 500),
    "心理关爱专项基金": ((), 2_000, 200),
    "就业技能培训专项基金": (("dibao", "low_income", "edge"), 3_000, 300),
    "冬季送温暖专项基金": (("dibao", "special_hardship", "low_income"), 800, 100),
    "失独家庭关爱专项基金": ((), 3_000, 300),
    "精神康复帮扶专项基金": (("serious_illness", "disability"), 8_000, 500),
    "住房修缮帮扶专项基金": (("dibao", "special_hardship", "low_income"), 10_000, 1_000),
}
