"""Plausible Chinese names for generated residents and staff.

Surnames are weighted roughly as in Jilin (王, 李, 张, 刘 far ahead; 赵, 孙, 于
commoner than in the south). Given names follow the fashions of the decade a
person was born in (桂兰 and 国华 for the 1940s, 红梅 and 建军 for the 1960s,
子涵 for the 2010s), one or two characters, single characters most common
among people born 1960–1999.
"""
import random
from itertools import accumulate

_SURNAME_WEIGHTS = {
    "王": 80, "李": 80, "张": 70, "刘": 60, "赵": 40, "孙": 30, "杨": 30, "陈": 25, "于": 20, "高": 20,
    "徐": 15, "马": 15, "郭": 13, "吴": 12, "周": 12, "宋": 11, "韩": 11, "姜": 10, "朱": 10, "董": 10,
    "胡": 9, "田": 9, "冯": 9, "曹": 8, "许": 8, "孟": 8, "崔": 8, "付": 8, "黄": 8, "林": 7,
    "何": 6, "石": 6, "金": 6, "白": 6, "吕": 6, "曲": 5, "邢": 5, "常": 5, "范": 5, "袁": 5,
    "魏": 5, "贾": 5, "谢": 4, "邓": 4, "程": 4, "潘": 4, "杜": 4, "侯": 4, "郑": 4, "闫": 4,
    "丁": 4, "薛": 3, "尹": 3, "谷": 3, "隋": 2,
}
_SURNAMES = list(_SURNAME_WEIGHTS)
_SURNAME_CUMULATIVE = list(accumulate(_SURNAME_WEIGHTS.values()))

# (born before, share of single-character names, male names, female names)
_GIVEN_NAMES = (
    (1960, 0.12,
     "国华 建国 振华 德明 志刚 文华 玉林 长山 凤山 宝山 永昌 树林 福全 庆祥 景春 守义 广才 殿臣 洪恩 春生 "
     "双喜 连生 秀山 万有 金海 占山 俊峰 玉祥 德胜 桂林 明 华 林 山 海 军 福 祥 忠 贵",
     "淑珍 桂兰 秀英 玉兰 凤芝 淑兰 秀兰 桂芝 玉珍 淑芬 秀珍 凤英 桂荣 玉芝 素珍 翠花 丽华 淑琴 桂香 玉梅 "
     "秀芳 凤兰 淑华 桂英 玉凤 秀云 春兰 玉霞 金凤 淑贤 兰 英 珍 芳 霞 凤 梅 芬 荣 琴"),
    (1980, 0.25,
     "志强 建军 海涛 立新 卫东 红军 国庆 永刚 宏伟 建华 晓东 春雷 海军 学军 振宇 国栋 长春 铁军 大勇 明亮 "
     "立军 文斌 志勇 树军 海波 庆丰 继东 连军 宝军 长江 伟 军 勇 强 刚 斌 涛 峰 东 波",
     "红梅 海燕 丽娟 秀梅 春燕 晓红 艳华 丽萍 红霞 玉梅 凤霞 丽华 淑梅 彩霞 美玲 艳秋 晓梅 春梅 桂红 秀娟 "
     "丽艳 红艳 雅琴 冬梅 立华 秀丽 艳玲 晓燕 金玲 亚丽 丽 红 燕 艳 娟 梅 萍 静 玲 霞"),
    (2000, 0.22,
     "浩然 鹏飞 子轩 宇航 俊杰 博文 天宇 一鸣 明轩 晓峰 嘉伟 思远 志远 浩宇 文博 泽宇 昊天 振东 雨泽 家豪 "
     "晨阳 立群 子健 宏宇 佳明 东旭 海洋 磊 鑫 凯 鹏 超 宇 亮 帅 阳 旭",
     "丹丹 婷婷 晓丽 佳琪 思雨 雨欣 梦瑶 欣怡 慧敏 诗琪 佳慧 晓雪 海鑫 美琪 莉莉 丽丽 雅楠 琳琳 春晖 明月 "
     "晶晶 雪梅 文静 佳怡 雪 倩 璐 慧 娜 丹 琳 颖 莹 婷"),
    (9999, 0.08,
     "子涵 浩宇 梓轩 宇轩 一诺 子墨 沐阳 皓轩 奕辰 俊熙 梓睿 宇泽 博涵 子豪 明哲 思辰 天佑 景行 嘉懿 梓豪 "
     "铭泽 宸 煜 轩 浩 晨 睿 阳 泽 航",
     "梓萱 欣怡 一诺 雨桐 子涵 诗涵 梦琪 可馨 紫涵 语嫣 若汐 佳琪 思彤 欣妍 伊诺 梓涵 雨萱 芷若 沐晴 依依 "
     "悦 萱 琪 瑶 彤 涵 桐 妍 冉 然"),
)


def _split_pools(names: str) -> tuple[list[str], list[str]]:
    words = names.split()
    return [w for w in words if len(w) == 2], [w for w in words if len(w) == 1]


_POOLS = [
    (before, single_share, {"M": _split_pools(male), "F": _split_pools(female)})
    for before, single_share, male, female in _GIVEN_NAMES
]


def surname(rng: random.Random) -> str:
    return rng.choices(_SURNAMES, cum_weights=_SURNAME_CUMULATIVE)[0]


def given_name(rng: random.Random, gender: str, birth_year: int) -> str:
    """A given name in the fashion of the birth year: one character or two."""
    single_share, pools = next((share, pools) for before, share, pools in _POOLS if birth_year < before)
    double, single = pools[gender]
    return rng.choice(single if rng.random() < single_share else double)


def full_name(rng: random.Random, gender: str, birth_year: int, family_name: str | None = None,
              reserved: frozenset[str] = frozenset()) -> str:
    """A full name that is none of ``reserved`` (names that must stay unique, like the article's residents)."""
    family_name = family_name or surname(rng)
    while True:
        name = family_name + given_name(rng, gender, birth_year)
        if name not in reserved:
            return name
