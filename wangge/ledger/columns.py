"""The columns of each ledger sheet: the one place that knows their headers, the
header variants offices use, which are required, their notes, an example, and
the coded values offered as drop-downs.

Headers and coded values stay Chinese whatever the interface language: the
sheets are exchanged with street offices and other systems that expect them.
"""
import functools
import re
from dataclasses import dataclass

from django.utils import translation

from wangge.cases.selectors import categories
from wangge.partners.models import PartnerKind, PointKind
from wangge.people.models import Gender, Relation, ResidenceType, Tag
from wangge.volunteers.models import Skill

from .models import Kind

ROW_NUMBER_HEADER = "序号"
ERROR_HEADER = "错误原因"
# Offices number their rows and re-upload our error sheets: both columns are read past.
PASSED_OVER_HEADERS = {"序号", "编号", "行号", ERROR_HEADER}
# In the 序号 column of a template, these mark the notes row and the example row,
# which are never imported (an example resident must not become a real one).
NOTES_MARK = "说明"
EXAMPLE_MARK = "示例"
# Several key-population tags (or skills) share one cell, separated by any of these.
TAG_SEPARATORS = re.compile(r"[、,，;；/\s]+")
# Category names hold a slash (基础设施/工程), so several categories are separated by these only.
LIST_SEPARATORS = re.compile(r"[、,，;；\n]+")
YES, NO = "是", "否"


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    variants: tuple[str, ...] = ()
    required: bool = False
    note: str = ""
    example: object = ""
    width: int = 12
    # Kept as text in Excel, so long digit strings are not turned into numbers.
    text: bool = False
    # Name of a coded list (see ``choice_labels``) offered as a drop-down.
    choices: str = ""
    # Several values of the list in one cell; the drop-down is then only a help.
    multi: bool = False


@dataclass(frozen=True)
class Spec:
    kind: str
    title: str
    sheet: str
    columns: tuple[Column, ...]

    def column(self, key: str) -> Column:
        return next(c for c in self.columns if c.key == key)

    def key_of(self, header) -> str | None:
        """The column a header cell names, forgiving spaces, * marks and (notes)."""
        return _header_keys(self.kind).get(normalize_header(header))


def normalize_header(value) -> str:
    text = "" if value is None else str(value)
    text = re.sub(r"（[^）]*）|\([^)]*\)", "", text)
    return re.sub(r"[\s*＊:：]", "", text).lower()


_KEYS_CACHE: dict[str, dict[str, str]] = {}


def _header_keys(kind: str) -> dict[str, str]:
    if kind not in _KEYS_CACHE:
        _KEYS_CACHE[kind] = {
            normalize_header(name): column.key
            for column in SPECS[kind].columns
            for name in (column.header, *column.variants)
        }
    return _KEYS_CACHE[kind]


# --- coded values ------------------------------------------------------------
# Words offices write for the coded values besides their labels.
_SYNONYMS = {
    "gender": {"男性": "M", "女性": "F"},
    "relation": {
        "本人": "head", "户主本人": "head", "妻": "spouse", "妻子": "spouse", "夫": "spouse", "丈夫": "spouse",
        "子": "child", "女": "child", "儿子": "child", "女儿": "child", "长子": "child", "长女": "child",
        "次子": "child", "次女": "child", "父亲": "parent", "母亲": "parent", "父": "parent", "母": "parent",
        "孙子": "grandchild", "孙女": "grandchild", "外孙": "grandchild", "外孙女": "grandchild",
        "兄": "sibling", "弟": "sibling", "姐": "sibling", "妹": "sibling", "租客": "tenant",
    },
}
_SYNONYMS.update({
    "skills": {"急救": "cpr", "心肺复苏": "cpr", "医护": "medical", "医生": "medical", "护士": "medical",
               "律师": "legal", "法律咨询": "legal", "水电维修": "repair", "电工": "repair", "开车": "driving",
               "司机": "driving", "做饭": "cooking", "心理": "psychological", "心理咨询": "psychological",
               "跑腿": "errands", "代办": "errands", "红色代办": "errands", "教学": "teaching", "辅导": "teaching",
               "家教": "teaching", "课业辅导": "teaching"},
    "partner_kind": {"党建联建": "party_building", "联建单位": "party_building", "机关": "party_building",
                     "事业单位": "party_building", "卫生院": "clinic", "社区卫生服务中心": "clinic", "公安": "police",
                     "律所": "law_firm", "心理咨询机构": "counselling", "物业": "property", "公司": "enterprise",
                     "社会团体": "social_org", "社团": "social_org"},
    "point_kind": {"药房": "pharmacy", "食堂": "canteen", "助餐": "canteen", "老年餐桌": "canteen",
                   "商店": "store", "维修": "repair", "社区服务中心": "office", "党群服务中心": "office"},
})
_CHOICES = {"gender": Gender, "residence_type": ResidenceType, "relation": Relation, "skills": Skill,
            "partner_kind": PartnerKind, "point_kind": PointKind}
_BOOLEANS = {YES: True, NO: False, "Y": True, "N": False, "y": True, "n": False, "√": True, "×": False,
             "1": True, "0": False, "是的": True, "不是": False, "TRUE": True, "FALSE": False}


def choice_labels(name: str) -> list[str]:
    """The labels a drop-down offers, in their usual order."""
    if name == "tags":
        return list(Tag.objects.order_by("sort_order", "code").values_list("name", flat=True))
    if name == "categories":
        return [category.name for top in categories() for category in (top, *top.active_children)]
    if name == "yes_no":
        return [YES, NO]
    with translation.override("zh-hans"):
        return [str(label) for label in _CHOICES[name].labels]


@functools.cache
def choice_label(name: str, value) -> str:
    """The Chinese label of a stored coded value (for exports)."""
    if name == "yes_no":
        return YES if value else NO
    with translation.override("zh-hans"):
        return str(_CHOICES[name](value).label)


@functools.cache
def choice_values(name: str) -> dict:
    """Label (or synonym, or the stored value itself) → stored value.

    A label with a slash or a bracket is also known by its parts: 诊所/卫生服务站
    by 诊所 and by 卫生服务站, 急救（心肺复苏） by 急救.
    """
    if name == "yes_no":
        return dict(_BOOLEANS)
    choices = _CHOICES[name]
    with translation.override("zh-hans"):
        labels = {str(label): value for value, label in choices.choices}
    parts = {part: value for label, value in labels.items()
             for part in re.split(r"[/（）()]", label) if part and part != label}
    return {**{value: value for value in choices.values}, **parts, **_SYNONYMS.get(name, {}), **labels}


# --- the sheets ----------------------------------------------------------------
GRID = Column(
    "grid", "网格代码", ("所属网格代码", "网格编码", "网格编号", "所属网格编码"), required=True, text=True, width=18,
    note="必填；15位网格区划代码", example="220184001001001",
)
ESTATE = Column("estate", "小区", ("小区名称", "所属小区", "院落"), width=14,
                note="所属小区名称", example="老国税小区")
BUILDING_NAME = Column("building", "楼栋", ("楼栋名称", "楼栋号", "楼号", "所在楼栋"), width=10,
                       note="如 3号楼", example="3号楼")
UNIT = Column("unit", "单元", ("单元号",), width=8, text=True, note="如 2 或 2单元", example="2")
ID_NUMBER_VARIANTS = ("身份证号码", "公民身份号码", "居民身份证号", "居民身份证号码", "身份证", "证件号码", "身份证件号码")
PHONE_VARIANTS = ("手机号", "电话", "手机", "手机号码", "联系方式", "电话号码", "联系电话号码")
ROOM = Column("room", "门牌号", ("房号", "室号", "房间号", "门牌", "户号"), width=10, text=True,
              note="如 501", example="501")

SPECS: dict[str, Spec] = {
    Kind.BUILDINGS: Spec(Kind.BUILDINGS, "楼栋信息台账", "楼栋", (
        GRID,
        ESTATE,
        Column("name", BUILDING_NAME.header, BUILDING_NAME.variants, required=True, width=10,
               note="必填；同一网格、小区内不重名", example="3号楼"),
        Column("address", "地址", ("楼栋地址", "门牌地址"), width=26,
               note="户地址的前半部分，空则用小区名", example="京华社区老国税小区"),
        Column("floors", "层数", ("楼层数", "总层数"), width=8, note="整数", example=6),
        Column("lat", "纬度", (), width=11, note="如 43.5028", example=43.5028),
        Column("lng", "经度", (), width=11, note="如 124.8263", example=124.8263),
    )),
    Kind.HOUSEHOLDS: Spec(Kind.HOUSEHOLDS, "住户信息台账", "住户", (
        GRID,
        ESTATE,
        Column("building", BUILDING_NAME.header, BUILDING_NAME.variants, required=True, width=10,
               note="必填；须已在楼栋台账中", example="3号楼"),
        UNIT,
        Column("floor", "楼层", ("所在楼层", "层"), width=6, note="整数", example=5),
        Column("room", ROOM.header, ROOM.variants, required=True, width=10, text=True, note="必填；如 501",
               example="501"),
        Column("address", "完整地址", ("地址", "户地址", "家庭住址", "住址"), width=34,
               note="空则由楼栋地址、楼栋、单元、门牌号生成", example="京华社区老国税小区3号楼2单元501"),
    )),
    Kind.RESIDENTS: Spec(Kind.RESIDENTS, "居民信息台账", "居民", (
        Column("name", "姓名", ("居民姓名", "人员姓名"), required=True, width=10, note="必填", example="刘伊蕊"),
        Column("id_number", "身份证号", ID_NUMBER_VARIANTS,
               required=True, text=True, width=22,
               note="必填；18位，末位可为X；本列须为文本格式，以免Excel改成科学计数法", example="220184199003120249"),
        Column("gender", "性别", (), width=6, choices="gender", note="可空，按身份证号判定；填写时须与之一致",
               example="女"),
        Column("birth_date", "出生日期", ("出生年月日", "出生年月", "生日"), width=12,
               note="可空，按身份证号判定；如 1990-03-12", example="1990-03-12"),
        Column("phone", "联系电话", PHONE_VARIANTS,
               text=True, width=15, note="11位手机号，或带区号的固定电话", example="13904341234"),
        Column("residence_type", "居住类型", ("人口类型", "户籍类型", "居住状态", "人户状态"), width=9,
               choices="residence_type", note="空为户籍", example="户籍"),
        Column("relation", "与户主关系", ("与户主的关系", "关系", "家庭关系"), width=10, choices="relation",
               note="空为户主", example="户主"),
        Column("tags", "重点人群", ("人群类别", "人员类别", "重点人群类别", "标签"), width=16, choices="tags",
               multi=True, note="可填多个，用顿号分隔；高龄老人按出生日期自动判定", example="独居老人"),
        Column("area", "所属区域代码", ("区域代码", "所属网格代码", "网格代码", "区划代码", "所属区划代码"),
               text=True, width=18, note="居民所在网格（或社区）的区划代码；不在户中的居民必填",
               example="220184001001001"),
        Column("address", "完整地址", ("家庭住址", "住址", "现住址", "居住地址", "地址", "户地址"), width=34,
               note="须与住户台账的完整地址一致；或改填下面四列", example="京华社区老国税小区3号楼2单元501"),
        Column("estate", ESTATE.header, ESTATE.variants, width=12, note="按楼栋找户时填写，并在所属区域代码填网格代码"),
        Column("building", BUILDING_NAME.header, BUILDING_NAME.variants, width=10, note="按楼栋找户时填写"),
        Column("unit", UNIT.header, UNIT.variants, width=8, text=True, note="按楼栋找户时填写"),
        Column("room", ROOM.header, ROOM.variants, width=10, text=True, note="按楼栋找户时填写"),
        Column("note", "备注", (), width=20, note="", example=""),
    )),
    Kind.VOLUNTEERS: Spec(Kind.VOLUNTEERS, "志愿者信息台账", "志愿者", (
        Column("name", "姓名", ("志愿者姓名",), required=True, width=10, note="必填", example="刘伊蕊"),
        Column("id_number", "身份证号", ID_NUMBER_VARIANTS, text=True, width=22,
               note="本社区居民填写，按身份证号关联居民（须已在居民台账中）；可空", example="220184199003120249"),
        Column("phone", "联系电话", PHONE_VARIANTS, text=True, width=15,
               note="11位手机号，或带区号的固定电话", example="13904341234"),
        Column("area", "所在社区代码", ("社区代码", "所属社区代码", "社区编码", "所在社区编码", "区域代码", "所属区域代码"),
               text=True, width=15, note="12位社区区划代码；填了身份证号时可空，按居民所在社区登记",
               example="220184001001"),
        Column("skills", "技能", ("特长", "技能特长", "专业技能", "专长"), width=18, choices="skills", multi=True,
               note="可填多个，用顿号分隔", example="急救（心肺复苏）、代办跑腿"),
        Column("availability", "可服务时间", ("服务时间", "空闲时间", "可服务时段"), width=16,
               note="如 周三、周五下午", example="周三、周五下午"),
        Column("is_governance_partner", "治理合伙人", ("是否治理合伙人",), width=10, choices="yes_no",
               note="是/否，空为否", example="否"),
        Column("is_active", "在册", ("是否在册",), width=6, choices="yes_no", note="是/否，空为是", example="是"),
    )),
    Kind.PARTNERS: Spec(Kind.PARTNERS, "联建单位台账", "联建单位", (
        Column("name", "单位名称", ("名称", "联建单位", "联建单位名称", "单位"), required=True, width=22,
               note="必填；同一区域内不重名", example="公主岭市中医院"),
        Column("kind", "单位类型", ("类型", "联建单位类型", "类别"), required=True, width=16, choices="partner_kind",
               note="必填", example="医院"),
        Column("area", "联建区域代码", ("联建区域", "区域代码", "所属区域代码", "社区代码", "街道代码"), required=True,
               text=True, width=15, note="必填；联建的社区、街道或市的区划代码", example="220184001001"),
        Column("contact_name", "联系人", ("负责人", "联系人姓名"), width=10, example="王主任"),
        Column("contact_phone", "联系电话", PHONE_VARIANTS, text=True, width=15,
               note="手机号、带区号的固定电话或400/800电话", example="0434-6212345"),
        Column("address", "地址", ("单位地址",), width=24, example="公主岭市河北街道"),
        Column("services", "服务内容", ("服务项目", "资源清单", "可提供服务", "服务"), width=30,
               note="如 义诊、健康讲座", example="义诊、健康讲座"),
        Column("categories", "可承接的问题分类", ("问题分类", "承接分类", "可承接问题"), width=20, choices="categories",
               multi=True, note="可填多个，用顿号分隔", example="医疗健康"),
        Column("is_active", "启用", ("是否启用",), width=6, choices="yes_no", note="是/否，空为是", example="是"),
    )),
    Kind.SERVICE_POINTS: Spec(Kind.SERVICE_POINTS, "便民服务点台账", "服务点", (
        Column("name", "名称", ("服务点名称", "网点名称", "服务点"), required=True, width=20,
               note="必填；同一区域内名称和类型不重复", example="京华社区卫生服务站"),
        Column("kind", "类型", ("服务点类型", "类别"), required=True, width=16, choices="point_kind",
               note="必填", example="卫生服务站/诊所"),
        Column("area", "所在区域代码", ("区域代码", "所属区域代码", "网格代码", "社区代码", "所在网格代码"), required=True,
               text=True, width=18, note="必填；所在网格或社区的区划代码", example="220184001001001"),
        Column("lat", "纬度", (), width=11, note="新增时必填，如 43.5028", example=43.5028),
        Column("lng", "经度", (), width=11, note="新增时必填，如 124.8263", example=124.8263),
        Column("address", "地址", ("服务点地址",), width=24, example="京华社区老国税小区1号楼"),
        Column("opening_hours", "营业时间", ("开放时间", "服务时间", "营业时段"), width=14, example="8:00-17:00"),
        Column("phone", "联系电话", PHONE_VARIANTS, text=True, width=15,
               note="手机号、带区号的固定电话或400/800电话", example="0434-6212345"),
        Column("partner", "所属联建单位", ("联建单位", "所属单位"), width=20,
               note="联建单位台账中的单位名称；可空", example=""),
        Column("is_active", "启用", ("是否启用",), width=6, choices="yes_no", note="是/否，空为是", example="是"),
    )),
}
