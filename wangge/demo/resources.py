"""The demo city's resources: partners, service points, volunteers and a year of activities.

Called by the loader before the cases (they are dispatched to these partners and projects take these
volunteers) and the visits, in the same transaction.
Everything is written through the public services of wangge.partners,
wangge.volunteers and wangge.activities, acting as the demo account whose
office would register it (the city administrator for city-wide partners,
street staff for a street's, each community's head for the rest), so the demo
passes the same checks as anything typed in. What it writes:

- **Partners** (联建单位): the article's 中医院, 派出所, 红心物业联盟, 公益律师,
  “一心两化”心理咨询师 and the refuse company of 曙光社区, and the other
  organisations the case history already sends cases to (the house-repair
  centre, 金融社区's mediation committee, 东洼社区's three party-building
  partners), each under the name the cases use; and a partner staff account
  (``demo_partner``, 红心物业联盟).
- **Service points** of the 15-minute circle, placed community by community,
  with real gaps: no clinic in 东洼社区 or 阳光社区, elderly canteens in only
  five communities.
- **Volunteers**: about 800 registered in 金融社区's nine teams (the 1359
  system), most of them residents of the community; 180 governance partners
  (治理合伙人) in 东风社区's 红卫士 team, with 刘莉莉 among them; a few dozen
  elsewhere, with 永盛社区's 红色代办 team.
- **A year of activities** (the case history's year, fixed dates): 金融社区's
  50-odd activities with the quarterly 义诊 series of the 中医院 serving about
  600 people, 东风社区's CPR teaching after the course, 永红社区's five
  check-ups, 永兴社区's 暖心磨刀, 正阳社区's fire drill with the police station,
  clean-ups; and, relative to ``today``, the recent weeks' activities and the
  next check-up. Each volunteer who took part has a confirmed service record;
  永盛社区's 红色代办 errands are service records of their own.
- **Help tasks** (求助任务) of the recent weeks in 金融社区, 永盛社区 and 东风社区,
  mostly errands for residents of 80 or more: most done (accepted, completed,
  the hours recorded and confirmed through the task services, stamped with
  times before ``now``), a few under way, a few still waiting for a volunteer.

Projects (民生项目) are planned with the case history (cases.py), whose rows they
link and whose timelines they write into.

Counts of people (volunteers, people served, errands) follow the scale, at
least one of each; activities and partners do not. Everything comes from the
``rng`` passed in, in a fixed order, so the same seed gives the same resources.
"""
from __future__ import annotations

import datetime
import random
from collections import Counter, defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone

from wangge.accounts.models import Post, User
from wangge.accounts.roles import Role
from wangge.accounts.scope import Scope
from wangge.activities import services as activities
from wangge.activities.models import ActivityKind
from wangge.areas.codes import Level
from wangge.areas.models import Area, Estate
from wangge.partners import services as partners
from wangge.partners.models import Partner, PartnerKind, PointKind
from wangge.people.models import Resident
from wangge.volunteers import services as volunteers
from wangge.volunteers.models import Skill, Team, Volunteer

from . import names, population
from .cases import HISTORY_END, HISTORY_START
from .geometry import Rect

RECENT_DAYS = 120
BATCH_SIZE = 1000


def scaled(n: int, scale: float) -> int:
    """``n`` at scale 1.0, scaled; at least one."""
    return max(1, round(n * scale))


# --- partners -------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class PartnerSpec:
    name: str
    kind: str
    area: str  # the name of the city, a street or a community
    contact: str
    phone: str
    address: str
    services: str
    categories: tuple[str, ...]


CITY = "公主岭市"
HOSPITAL = "公主岭市中医院"
POLICE = {"河北街道": "公主岭市公安局河北派出所", "铁北街道": "公主岭市公安局铁北派出所",
          "河南街道": "公主岭市公安局河南派出所"}
PROPERTY_ALLIANCE = "红心物业联盟"
LAWYERS = "公益律师服务团"
COUNSELLORS = "“一心两化”心理咨询师工作室"
REFUSE_COMPANY = "公主岭市洁美垃圾清运有限公司"
HOUSE_REPAIR = "公主岭市房屋维修中心"

PARTNERS = (
    # The article's: "引入中医院等专业力量，常态化开展基础检测和季度大型诊疗".
    PartnerSpec(HOSPITAL, PartnerKind.HOSPITAL, CITY, "孙建华", "0434-6212120", "公主岭市河北街道中医院路88号",
                "“健康我先行”：基础检测、季度大型诊疗、贫血和慢病筛查、家庭医生签约、心肺复苏培训",
                ("medical_health", "elderly_care")),
    # "正阳社区联合派出所组织商户消防演练"; each street has its station, as the case history has.
    *(PartnerSpec(name, PartnerKind.POLICE, street, contact, phone, f"公主岭市{street}{road}",
                  "治安巡逻、电动车违规充电和噪声治理、商户消防检查和演练、矛盾纠纷联调",
                  ("ebike_charging", "noise", "fire_hazard"))
      for (street, name), contact, phone, road in zip(
          POLICE.items(), ("刘振宇", "高立军", "于海涛"), ("0434-6213110", "0434-6251110", "0434-6231110"),
          ("民主路16号", "铁北大街120号", "南环路9号"))),
    # "创新‘红心物业联盟’协同网格党小组模式": the street's property companies working as one.
    PartnerSpec(PROPERTY_ALLIANCE, PartnerKind.PROPERTY, "河北街道", "韩秀梅", "0434-6226688",
                "河北街道党工委（京华物业、金诚物业等成员单位）",
                "弃管小区兜底托管、适老化改造、停车秩序、小修小补、物业纠纷协调",
                ("parking", "unit_door", "corridor_light", "elevator", "roof_leak", "property_dispute",
                 "elderly_care")),
    # "整合心理咨询师、公益律师等专业力量，今年已成功化解各类纠纷32起".
    PartnerSpec(LAWYERS, PartnerKind.LAW_FIRM, CITY, "曲文斌", "0434-6235148", "公主岭市岭东路吉林正平律师事务所",
                "律师驻社区：每月法律咨询日、纠纷调解、劳资纠纷维权、法律援助申请",
                ("wage_dispute", "family_dispute", "property_dispute", "neighbour_dispute")),
    PartnerSpec(COUNSELLORS, PartnerKind.COUNSELLING, "金融社区", "林晓燕", "0434-6258520", "金融社区党群服务中心二楼",
                "心理咨询师驻社区：心理疏导、家庭矛盾调解、心理危机干预",
                ("family_dispute", "neighbour_dispute")),
    # "曙光社区引入专业垃圾清运公司，改善‘三无小区’环境面貌".
    PartnerSpec(REFUSE_COMPANY, PartnerKind.ENTERPRISE, "曙光社区", "董立新", "0434-6267799", "公主岭市河南街道南环路52号",
                "三无小区生活垃圾、建筑垃圾定时清运", ("garbage", "construction_waste", "sanitation_blackspot")),
    # The organisations the case history already dispatches to, under the same names.
    PartnerSpec(HOUSE_REPAIR, PartnerKind.ENTERPRISE, CITY, "马国栋", "0434-6219631", "公主岭市河北街道建设路31号",
                "老旧小区房屋维修：屋面防水、外墙和楼梯修补", ("roof_leak", "falling_objects")),
    PartnerSpec("金融社区人民调解委员会", PartnerKind.SOCIAL_ORG, "金融社区", "王淑珍", "0434-6258100",
                "金融社区党群服务中心", "人民调解：邻里、家庭和物业纠纷",
                ("neighbour_dispute", "family_dispute", "property_dispute")),
    # 东洼社区: "协调党建联建单位清理弃管小区卫生24次".
    *(PartnerSpec(name, PartnerKind.PARTY_BUILDING, "东洼社区", contact, phone, address,
                  "党建联建：党员志愿者清理弃管小区卫生、共驻共建", categories)
      for name, contact, phone, address, categories in (
          ("公主岭市住建局机关党支部", "赵长山", "0434-6211256", "公主岭市住房和城乡建设局",
           ("sanitation_blackspot", "construction_waste")),
          ("国网公主岭市供电公司党支部", "徐立华", "0434-6214953", "国网公主岭市供电公司",
           ("sanitation_blackspot", "street_light")),
          ("公主岭市城管执法局党支部", "姜海波", "0434-6216612", "公主岭市城市管理行政执法局",
           ("sanitation_blackspot", "construction_waste")),
      )),
)

# Partner staff accounts (see city.HEADLINE_ACCOUNTS) and the partner each acts for.
PARTNER_STAFF = {"demo_partner": PROPERTY_ALLIANCE}


# --- service points -------------------------------------------------------------------------------------

# How many points of each kind stand in each community. The gaps are on purpose: 东洼社区 and 阳光社区 have
# no clinic of their own, and only five communities have an elderly canteen (老年助餐点) yet.
POINTS = {
    "京华社区": {PointKind.CLINIC: 1, PointKind.PHARMACY: 1, PointKind.CANTEEN: 1, PointKind.STORE: 2,
                 PointKind.REPAIR: 1},
    "金融社区": {PointKind.CLINIC: 1, PointKind.PHARMACY: 2, PointKind.CANTEEN: 1, PointKind.STORE: 3,
                 PointKind.REPAIR: 1, PointKind.POLICE: 1},
    "东洼社区": {PointKind.PHARMACY: 1, PointKind.STORE: 1, PointKind.POLICE: 1},
    "东风社区": {PointKind.CLINIC: 1, PointKind.PHARMACY: 1, PointKind.CANTEEN: 1, PointKind.STORE: 2,
                 PointKind.REPAIR: 1},
    "曙光社区": {PointKind.CLINIC: 1, PointKind.STORE: 2, PointKind.REPAIR: 1},
    "永红社区": {PointKind.CLINIC: 2, PointKind.PHARMACY: 1, PointKind.CANTEEN: 1, PointKind.STORE: 2},
    "永盛社区": {PointKind.CLINIC: 1, PointKind.PHARMACY: 1, PointKind.STORE: 2},
    "永兴社区": {PointKind.CLINIC: 1, PointKind.PHARMACY: 1, PointKind.STORE: 2, PointKind.REPAIR: 1},
    "正阳社区": {PointKind.CLINIC: 1, PointKind.PHARMACY: 1, PointKind.CANTEEN: 1, PointKind.STORE: 2},
    "阳光社区": {PointKind.STORE: 1, PointKind.POLICE: 1},
}
# The police stations and the hospital stand in these communities.
POLICE_STATION_IN = {"河北街道": "京华社区", "铁北街道": "东风社区", "河南街道": "正阳社区"}
HOSPITAL_IN = "金融社区"
PHARMACIES = ("益丰大药房", "老百姓大药房", "吉林大药房", "国大药房")
STORES = ("欧亚便利店", "红旗超市", "家乐福便利店", "好邻居超市", "万家福超市")
REPAIRS = ("家电维修部", "便民修理铺", "开锁修鞋配钥匙")
HOURS = {
    PointKind.CLINIC: "8:00—17:00", PointKind.PHARMACY: "7:30—21:00", PointKind.CANTEEN: "午餐 11:00—12:30",
    PointKind.STORE: "6:30—22:00", PointKind.REPAIR: "8:30—18:00", PointKind.POLICE: "24小时",
    PointKind.OFFICE: "8:30—17:00",
}


# --- volunteers -----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class TeamSpec:
    name: str
    size: int  # members at scale 1.0
    skills: tuple[str, ...]  # what its members can do, the first the most common
    description: str


# "1359"工作体系：建强9支志愿服务队伍，800余名注册志愿者.
JINRONG_TEAMS = (
    TeamSpec("党员先锋队", 130, (Skill.OTHER, Skill.ERRANDS, Skill.DRIVING), "在职和退休党员，认领网格微心愿"),
    TeamSpec("健康我先行医疗队", 70, (Skill.MEDICAL, Skill.CPR), "医护人员和退休医生，配合中医院开展基础检测和季度诊疗"),
    TeamSpec("红色代办服务队", 110, (Skill.ERRANDS, Skill.DRIVING), "为高龄、独居老人跑腿代办"),
    TeamSpec("“一心两化”心理关爱队", 40, (Skill.PSYCHOLOGICAL,), "心理咨询师带领的心理疏导志愿者"),
    TeamSpec("公益法律服务队", 30, (Skill.LEGAL,), "律师和法律工作者，协助法律咨询日和纠纷调解"),
    TeamSpec("平安守护队", 120, (Skill.OTHER, Skill.CPR, Skill.DRIVING), "夜间巡逻、消防宣传、文明劝导"),
    TeamSpec("环境美化队", 150, (Skill.OTHER, Skill.REPAIR), "楼院清理、绿化养护、弃管小区卫生"),
    TeamSpec("适老助老服务队", 100, (Skill.COOKING, Skill.REPAIR, Skill.ERRANDS), "上门关爱、助餐、小修小补"),
    TeamSpec("四点半课堂助学队", 50, (Skill.TEACHING,), "放学后课业辅导和暑期托管"),
)
JINRONG = "金融社区"
DONGFENG = "东风社区"
YONGSHENG = "永盛社区"
# "180余名由党员、医护人员、热心老人等组成的志愿者队伍，被赋予‘治理合伙人’角色".
DONGFENG_TEAM = TeamSpec("红卫士", 180, (Skill.OTHER, Skill.MEDICAL, Skill.CPR, Skill.REPAIR),
                         "“红卫士在行动”：治理合伙人参与诉求转项目、进家庭关爱服务")
DONGFENG_OTHERS = 20  # registered volunteers of 东风社区 who are not governance partners
# "永盛社区‘红色代办’服务队为高龄老人提供跑腿服务50余次".
YONGSHENG_TEAM = TeamSpec("红色代办服务队", 24, (Skill.ERRANDS, Skill.DRIVING), "为高龄老人跑腿代办")
YONGSHENG_ERRANDS = 52
ERRANDS = ("代购常用药", "代缴水电燃气费", "代取快递", "代办高龄补贴认证", "陪同就医取药", "代买米面粮油",
           "代交医保费")
# Registered volunteers in the other communities, at scale 1.0: sparser, one team each.
OTHERS = {"京华社区": 30, "东洼社区": 25, "曙光社区": 15, "永红社区": 25, "永兴社区": 20, "正阳社区": 20,
          "阳光社区": 15}
GENERAL_SKILLS = (Skill.OTHER, Skill.ERRANDS, Skill.REPAIR, Skill.COOKING)
AVAILABILITY = ("工作日白天", "工作日晚上", "周末", "周六上午", "每周三、周五下午", "随叫随到", "节假日", "工作日午后")
# Share of volunteers who are residents of their community (the rest work or study there).
RESIDENT_SHARE = 0.75


# --- activities -----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class ActivitySpec:
    community: str
    kind: str
    title: str
    months: tuple[int, ...]  # months after HISTORY_START (0: July 2024 … 11: June 2025)
    participants: tuple[int, int]  # people served (服务人次) at scale 1.0, per occurrence
    teams: tuple[str, ...] = ()  # where its volunteers come from ("": any volunteer of the community)
    volunteers: int = 0  # how many take part, at scale 1.0
    hours: tuple[str, ...] = ("2", "2.5", "3")
    partners: tuple[str, ...] = ()
    place: str = ""  # "{estate}" takes one of the community's estates
    outcome: str = ""
    category: str = ""
    serves: str = ""  # residents named as served: "elderly", "carers"


HEALTH_SERIES = "健康我先行·季度大型义诊"
HEALTH_SERIES_PARTICIPANTS = (148, 156, 142, 162)  # "惠及居民600余人次"
CENTRE = "{community}党群服务中心"

HISTORY_ACTIVITIES = (
    # 金融社区: "800余名注册志愿者年均开展活动50余次". The quarterly check-ups are a series of their own (below).
    ActivitySpec(JINRONG, ActivityKind.LEGAL_ADVICE, "公益法律咨询日", tuple(range(12)), (8, 20),
                 ("公益法律服务队",), 3, ("2", "2.5", "3"), (LAWYERS,), CENTRE,
                 "律师现场解答婚姻家庭、房产、劳资等法律问题，对需要的居民引导申请法律援助。"),
    ActivitySpec(JINRONG, ActivityKind.COUNSELLING, "“一心两化”心理疏导进家庭", (1, 3, 5, 7, 9, 11), (5, 12),
                 ("“一心两化”心理关爱队",), 3, ("1.5", "2"), (COUNSELLORS,), "{estate}",
                 "心理咨询师带领志愿者入户，为独居老人和矛盾家庭做心理疏导。", "family_dispute"),
    ActivitySpec(JINRONG, ActivityKind.CLEAN_UP, "环境美化·楼院清理", (0, 1, 2, 3, 3, 9, 10, 10, 11, 11), (30, 80),
                 ("环境美化队", "党员先锋队"), 12, ("2", "2.5", "3"), (PROPERTY_ALLIANCE,), "{estate}",
                 "清理楼道杂物和院内卫生死角，清运垃圾。", "sanitation_blackspot"),
    ActivitySpec(JINRONG, ActivityKind.OTHER, "适老助老·上门关爱", (0, 2, 4, 6, 8, 10), (15, 30),
                 ("适老助老服务队",), 6, ("1.5", "2", "2.5"), (), "{estate}",
                 "为高龄、独居老人上门送餐、打扫卫生、检查水电燃气。", "elderly_care", "elderly"),
    ActivitySpec(JINRONG, ActivityKind.OTHER, "平安守护·夜间巡逻", (0, 2, 4, 6, 8, 10), (0, 0),
                 ("平安守护队",), 8, ("2", "3"), (POLICE["河北街道"],), "金融社区各小区",
                 "巡查楼院安全隐患，劝导电动车进楼充电。"),
    ActivitySpec(JINRONG, ActivityKind.FIRE_DRILL, "消防安全演练", (4, 10), (60, 120),
                 ("平安守护队",), 8, ("2", "2.5"), (POLICE["河北街道"],), "{estate}",
                 "民警讲解灭火器使用和楼道疏散，居民现场实操。", "fire_hazard"),
    ActivitySpec(JINRONG, ActivityKind.FIRST_AID, "心肺复苏急救培训", (3, 11), (30, 50),
                 ("健康我先行医疗队",), 5, ("2", "3"), (HOSPITAL,), CENTRE,
                 "中医院医生示范心肺复苏和海姆立克急救法，居民在模拟人上逐一练习。", "medical_health"),
    ActivitySpec(JINRONG, ActivityKind.KNIFE_SHARPENING, "暖心磨刀进小区", (1, 5, 8, 11), (40, 70),
                 ("适老助老服务队",), 4, ("2", "3"), (), "{estate}",
                 "为居民免费磨菜刀、剪刀，顺带修理小家电。"),
    ActivitySpec(JINRONG, ActivityKind.OTHER, "四点半课堂·暑期托管", (0, 1), (20, 35),
                 ("四点半课堂助学队",), 4, ("3", "3.5"), (), CENTRE,
                 "为双职工家庭孩子辅导暑假作业，开展安全教育。"),
    # 东风社区: "红卫士在行动"; CPR taught one to one to the carers of elderly families after the course.
    ActivitySpec(DONGFENG, ActivityKind.FIRST_AID, "红卫士在行动·进家庭心肺复苏教学", (11, 11, 11, 11), (6, 12),
                 ("红卫士",), 4, ("2", "2.5"), (), "{estate}",
                 "医疗志愿者入户，为老年家庭监护人一对一教学心肺复苏，逐人实操过关。", "medical_health", "carers"),
    ActivitySpec(DONGFENG, ActivityKind.CLEAN_UP, "红卫士在行动·环境整治", (0, 1, 2, 3, 4, 8, 9, 10, 11), (40, 90),
                 ("红卫士",), 15, ("2", "2.5", "3"), (), "{estate}",
                 "治理合伙人带领居民清理楼道和院落，清运杂物。", "sanitation_blackspot"),
    ActivitySpec(DONGFENG, ActivityKind.OTHER, "治理合伙人议事会", (2, 5, 8, 11), (20, 40),
                 ("红卫士",), 12, ("1.5", "2"), (), CENTRE,
                 "治理合伙人和居民代表把本月居民诉求梳理成项目，认领分工。"),
    ActivitySpec(DONGFENG, ActivityKind.FIRE_DRILL, "冬季消防安全宣传演练", (4,), (50, 80),
                 ("红卫士",), 6, ("2",), (POLICE["铁北街道"],), "{estate}", "讲解冬季取暖和电动车充电防火知识。",
                 "fire_hazard"),
    # The article's other communities.
    ActivitySpec("京华社区", ActivityKind.FIRE_DRILL, "消防安全演练", (4,), (50, 80), ("",), 3, ("2",),
                 (POLICE["河北街道"],), "{estate}", "居民现场练习使用灭火器。", "fire_hazard"),
    ActivitySpec("京华社区", ActivityKind.HEALTH_CHECK, "中医院义诊进社区", (8,), (60, 90), ("",), 3, ("3",),
                 (HOSPITAL,), CENTRE, "测血压血糖，中医问诊。", "medical_health", "elderly"),
    ActivitySpec("东洼社区", ActivityKind.HEALTH_CHECK, "中医院义诊进社区", (9,), (50, 80), ("",), 3, ("3",),
                 (HOSPITAL,), CENTRE, "测血压血糖，中医问诊。", "medical_health", "elderly"),
    ActivitySpec("曙光社区", ActivityKind.CLEAN_UP, "三无小区环境整治", (8, 9, 10, 11), (100, 200), ("",), 3,
                 ("3",), (REFUSE_COMPANY,), "农机厂小区", "专业清运公司清运积存垃圾，约定每日定时清运。",
                 "garbage"),
    *(ActivitySpec("永红社区", ActivityKind.HEALTH_CHECK, title, (month,), (40, 90), ("",), 3, ("3",),
                   (HOSPITAL,), CENTRE, outcome, "medical_health", "elderly")
      for title, month, outcome in (
          ("贫血筛查义诊", 6, "为中老年居民和孕产妇免费检测血红蛋白，对贫血居民给出饮食指导。"),
          ("高血压糖尿病筛查义诊", 7, "测血压、血糖，为慢病居民建立随访档案。"),
          ("中医义诊", 8, "中医问诊、把脉，免费推拿理疗。"),
          ("骨密度检测义诊", 9, "为老年居民检测骨密度，讲解防跌倒知识。"),
          ("眼科义诊", 11, "检查视力和白内障，对需要手术的老人联系医院。"),
      )),
    ActivitySpec("永兴社区", ActivityKind.KNIFE_SHARPENING, "暖心磨刀便民活动", (7, 9, 11), (50, 90), ("",), 3,
                 ("2", "3"), (), "{estate}", "志愿者为居民免费磨刀磨剪。"),
    ActivitySpec("正阳社区", ActivityKind.FIRE_DRILL, "商户消防演练", (9,), (40, 60), ("",), 2, ("2",),
                 (POLICE["河南街道"],), "正阳社区临街商铺", "派出所民警指导商户检查灭火器、演练初起火灾扑救和疏散。",
                 "fire_hazard"),
    ActivitySpec("阳光社区", ActivityKind.CLEAN_UP, "弃管小区换新颜", (8, 9, 10, 11), (80, 150), ("",), 4,
                 ("2.5", "3"), (), "{estate}", "清理弃管小区积存垃圾，补种绿植，粉刷单元门。", "sanitation_blackspot"),
)

# The recent weeks before ``today``: (community, kind, title, days before today, …) as above.
RECENT_ACTIVITIES = (
    *(ActivitySpec(JINRONG, ActivityKind.LEGAL_ADVICE, "公益法律咨询日", (days,), (8, 20), ("公益法律服务队",), 3,
                   ("2", "2.5"), (LAWYERS,), CENTRE, "律师现场解答法律问题。")
      for days in (104, 76, 48, 20)),
    *(ActivitySpec(JINRONG, ActivityKind.CLEAN_UP, "环境美化·楼院清理", (days,), (30, 80),
                   ("环境美化队", "党员先锋队"), 12, ("2", "3"), (PROPERTY_ALLIANCE,), "{estate}",
                   "清理楼道杂物和院内卫生死角。", "sanitation_blackspot")
      for days in (90, 33)),
    ActivitySpec(JINRONG, ActivityKind.OTHER, "适老助老·上门关爱", (12,), (15, 30), ("适老助老服务队",), 6,
                 ("1.5", "2"), (), "{estate}", "为高龄、独居老人上门关爱。", "elderly_care", "elderly"),
    *(ActivitySpec(DONGFENG, ActivityKind.FIRST_AID, "红卫士在行动·进家庭心肺复苏教学", (days,), (6, 12),
                   ("红卫士",), 4, ("2", "2.5"), (), "{estate}", "一对一教学心肺复苏。", "medical_health", "carers")
      for days in (62, 27)),
    ActivitySpec(DONGFENG, ActivityKind.CLEAN_UP, "红卫士在行动·环境整治", (41,), (40, 90), ("红卫士",), 15,
                 ("2", "3"), (), "{estate}", "治理合伙人带领居民清理楼院。", "sanitation_blackspot"),
    ActivitySpec("永兴社区", ActivityKind.KNIFE_SHARPENING, "暖心磨刀便民活动", (55,), (50, 90), ("",), 3,
                 ("2", "3"), (), "{estate}", "志愿者为居民免费磨刀磨剪。"),
    ActivitySpec("阳光社区", ActivityKind.CLEAN_UP, "弃管小区换新颜", (70,), (80, 150), ("",), 4, ("2.5", "3"), (),
                 "{estate}", "清理弃管小区积存垃圾。", "sanitation_blackspot"),
)
# Help tasks (求助任务) of the recent weeks, per community: (team, done, accepted, open). Done ones were
# completed with their hours; accepted ones are under way; open ones wait for a volunteer.
TASKS = {JINRONG: ("红色代办服务队", 8, 2, 3), YONGSHENG: ("红色代办服务队", 4, 0, 1), DONGFENG: ("红卫士", 3, 1, 1)}
TASK_ERRANDS = (
    ("代购常用药", "老人腿脚不便，需要到药店代购降压药和降糖药。", Skill.ERRANDS, ("0.5", "1")),
    ("代缴水电燃气费", "老人不会用手机缴费，请帮忙到营业厅代缴。", Skill.ERRANDS, ("0.5", "1")),
    ("陪同就医", "老人需要到中医院复查，子女在外地，请陪同挂号、取药。", Skill.DRIVING, ("2", "2.5", "3")),
    ("代办高龄补贴认证", "帮老人在手机上完成高龄补贴年度认证。", Skill.ERRANDS, ("0.5",)),
    ("代买米面粮油", "老人独居，请帮忙买一袋米、一桶油送上楼。", Skill.ERRANDS, ("0.5", "1")),
    ("上门测血压", "老人血压不稳，请医疗志愿者上门测量并记录。", Skill.MEDICAL, ("0.5", "1")),
    ("更换灯泡和水龙头", "老人家里灯泡坏了、水龙头漏水，请帮忙更换。", Skill.REPAIR, ("1", "1.5")),
)

# The quarterly check-ups go on: the last one some weeks ago, the next one in a fortnight.
RECENT_HEALTH_CHECK_DAYS = (75, -15)  # days before today


def load(rng: random.Random, *, scale: float, now: datetime.datetime) -> dict[str, int]:
    """Write the demo's partners, service points, volunteers, activities, service records and help tasks;
    ``now`` places the recent activities and the tasks."""
    return _Loader(rng, scale, now).load()


def ensure_partner_staff(usernames=tuple(PARTNER_STAFF)) -> None:
    """Make each demo partner staff account a member of its partner (once the partners exist; before the
    cases, so that the partner's staff are told of the cases dispatched to it)."""
    city_admin = _Offices().city
    for username in usernames:
        partner = Partner.objects.filter(name=PARTNER_STAFF[username]).first()
        if partner is not None and User.objects.filter(username=username).exists():
            partners.add_member(scope=Scope.for_user(city_admin), partner=partner, username=username)


class _Offices:
    """The demo accounts that register things: the city administrator, each street's and community's first."""

    def __init__(self):
        self.heads: dict[str, User] = {}
        self.streets: dict[str, User] = {}
        self.city = None
        for post in Post.objects.select_related("user").order_by("pk"):
            if post.role == Role.CITY_ADMIN:
                self.city = self.city or post.user
            elif post.role == Role.STREET_STAFF:
                self.streets.setdefault(post.area_code, post.user)
            elif post.role == Role.COMMUNITY_HEAD:
                self.heads.setdefault(post.area_code, post.user)

    def for_area(self, code: str) -> User:
        level = {6: self.city, 9: self.streets.get(code), 12: self.heads.get(code)}
        return level[len(code)]


class _Loader:
    def __init__(self, rng: random.Random, scale: float, now: datetime.datetime):
        self.rng, self.scale, self.now = rng, scale, now
        self.today = today = timezone.localdate(now)
        # Service records may not lie in the future (by the real clock, whatever ``today`` the load was given).
        self.last_past_day = min(today - datetime.timedelta(days=1), timezone.localdate())
        self.offices = _Offices()
        self.areas = {a.name: a for a in Area.objects.filter(level__in=(Level.CITY, Level.STREET, Level.COMMUNITY))}
        self.grids: dict[str, list[Area]] = defaultdict(list)
        for grid in Area.objects.filter(level=Level.GRID).order_by("code"):
            self.grids[grid.code[:12]].append(grid)
        self.estates: dict[str, list[str]] = defaultdict(list)
        for code, name in Estate.objects.order_by("pk").values_list("area_code", "name"):
            self.estates[code].append(name)
        self.partners: dict[str, Partner] = {}
        self.volunteers: dict[str, list] = defaultdict(list)  # community name -> volunteers
        self.teams: dict[tuple[str, str], object] = {}  # (community name, team name) -> team
        self.team_members: dict[tuple[str, str], list] = defaultdict(list)
        self.linked: set[int] = set()  # residents already registered as volunteers
        self.point_names: Counter[tuple[str, str]] = Counter()
        self.served: dict[tuple[str, str], list[Resident]] = {}
        self.counts: Counter[str] = Counter()

    def load(self) -> dict[str, int]:
        self._partners()
        self._points()
        self._volunteers()
        self._history()
        self._recent()
        self._errands()
        self._tasks()
        return dict(self.counts)

    # --- who acts -------------------------------------------------------------------------------------
    def _actor(self, code: str) -> tuple[User, Scope]:
        user = self.offices.for_area(code)
        return user, Scope.for_user(user)

    # --- partners and service points ------------------------------------------------------------------
    def _partners(self) -> None:
        for spec in PARTNERS:
            area = self.areas[spec.area]
            _user, scope = self._actor(area.code)
            self.partners[spec.name] = partners.create_partner(scope=scope, data={
                "name": spec.name, "kind": spec.kind, "area": area.code, "contact_name": spec.contact,
                "contact_phone": spec.phone, "address": spec.address, "services": spec.services,
                "categories": list(spec.categories),
            })
            self.counts["partners"] += 1

    def _points(self) -> None:
        for community, kinds in POINTS.items():
            area = self.areas[community]
            _user, scope = self._actor(area.code)
            # The community office (党群服务中心) stands in the middle of the community.
            lat, lng = _rect(area).centre
            self._point(scope, area.code, PointKind.OFFICE, f"{community}党群服务中心", lat, lng,
                        address=f"{community}党群服务中心", phone=f"0434-62{_digits(self.rng, 5)}")
            for kind, count in kinds.items():
                for n in range(count):
                    grid = self.rng.choice(self.grids[area.code])
                    estate = self.rng.choice(self.estates[area.code])
                    name = self._point_name(kind, community, estate, n)
                    self._point(scope, grid.code, kind, name, *_rect(grid).random_point(self.rng),
                                address=f"{community}{estate}附近", phone=f"0434-62{_digits(self.rng, 5)}")
        for street, community in POLICE_STATION_IN.items():
            self._partner_point(POLICE[street], community, PointKind.POLICE)
        self._partner_point(HOSPITAL, HOSPITAL_IN, PointKind.CLINIC)

    def _point_name(self, kind: str, community: str, estate: str, n: int) -> str:
        ordinal = "" if n == 0 else f"第{'二三四'[n - 1]}"
        if kind == PointKind.CLINIC:
            return f"{community}{ordinal}卫生服务站"
        if kind == PointKind.PHARMACY:
            return f"{self.rng.choice(PHARMACIES)}（{estate}店）"
        if kind == PointKind.CANTEEN:
            return f"{community}老年助餐点"
        if kind == PointKind.STORE:
            return f"{self.rng.choice(STORES)}（{estate}店）"
        if kind == PointKind.REPAIR:
            return f"{estate}{self.rng.choice(REPAIRS)}"
        return f"{community}{ordinal}警务室"

    def _partner_point(self, partner_name: str, community: str, kind: str) -> None:
        """A partner's own premises on the map, in one of the community's grids."""
        partner = self.partners[partner_name]
        area = self.areas[community]
        grid = self.rng.choice(self.grids[area.code])
        _user, scope = self._actor(area.code)
        self._point(scope, grid.code, kind, partner_name, *_rect(grid).random_point(self.rng),
                    address=partner.address, phone=partner.contact_phone, partner=partner.pk)

    def _point(self, scope: Scope, code: str, kind: str, name: str, lat: float, lng: float, **data) -> None:
        # Two shops of one chain in one estate would clash on the unique name: the second gets a number.
        self.point_names[(code, name)] += 1
        if self.point_names[(code, name)] > 1:
            name = f"{name}{self.point_names[(code, name)]}号店"
        partners.create_point(scope=scope, data={
            "name": name, "kind": kind, "area": code, "lat": lat, "lng": lng, "opening_hours": HOURS[kind], **data,
        })
        self.counts["service_points"] += 1

    # --- volunteers and teams -------------------------------------------------------------------------
    def _volunteers(self) -> None:
        self._team_up(JINRONG, JINRONG_TEAMS)
        # 刘莉莉, the volunteer the article quotes, is one of 东风社区's governance partners and leads 红卫士.
        self._team_up(DONGFENG, (DONGFENG_TEAM,), governance_partner=True, first="刘莉莉")
        self._team_up(DONGFENG, (), size=DONGFENG_OTHERS)
        for community, size in OTHERS.items():
            self._team_up(community, (TeamSpec(f"{community}志愿服务队", size, GENERAL_SKILLS, "社区综合志愿服务"),))
        self._team_up(YONGSHENG, (YONGSHENG_TEAM,))

    def _team_up(self, community: str, specs: tuple[TeamSpec, ...], *, size: int = 0,
                 governance_partner: bool = False, first: str = "") -> None:
        """Register the teams' volunteers (scaled; each team at least one), most of them residents of the
        community, with their team's skills; then the teams, the first member leading. With no teams,
        ``size`` volunteers who belong to none.

        The volunteers and team memberships are bulk-inserted, not registered one by one through
        volunteers.services: at scale 1.0 (about 1,200 volunteers) register_volunteer and create_team's
        check of each member took about 8 s of CPU, two thirds of this module's time (measured: the
        module went from 11.8 s to 2.5 s of CPU, in a demo load of about 20 s). The rows are checked here as the services would check them (a community in the
        actor's scope, known skills, a resident of that community); the teams themselves, the activities
        and the service records still go through the services.
        """
        area = self.areas[community]
        _user, scope = self._actor(area.code)
        scope.require(area.code)
        count = scaled(sum(t.size for t in specs) or size, self.scale)
        shares = _shares(count, [t.size for t in specs]) if specs else [count]
        adults = [r for r in self._adults(area.code) if r.pk not in self.linked]
        self.rng.shuffle(adults)
        if first:
            adults.sort(key=lambda r: r.name != first)  # stable: the named resident first, the rest as shuffled
        linked = adults[:min(len(adults), round(count * RESIDENT_SHARE) or 1)]
        self.linked.update(r.pk for r in linked)
        groups = []
        for spec, share in zip(specs or (None,), shares):
            offset = sum(len(g) for _s, g in groups)
            groups.append((spec, [
                self._volunteer(area, spec, linked[n] if n < len(linked) else None, governance_partner)
                for n in range(offset, offset + share)
            ]))
        Volunteer.objects.bulk_create([v for _spec, group in groups for v in group], batch_size=BATCH_SIZE)
        for spec, group in groups:
            self.volunteers[community].extend(group)
            self.counts["volunteers"] += len(group)
            if spec is None:
                continue
            team = volunteers.create_team(scope=scope, data={
                "name": spec.name, "area": area.code, "description": spec.description,
                "leader": group[0].pk if group else None,
            })
            Membership = Team.members.through
            Membership.objects.bulk_create(
                [Membership(team_id=team.pk, volunteer_id=v.pk) for v in group[1:]], batch_size=BATCH_SIZE
            )
            self.teams[(community, spec.name)] = team
            self.team_members[(community, spec.name)] = group
            self.counts["teams"] += 1

    def _volunteer(self, area: Area, spec: TeamSpec | None, resident: Resident | None,
                   governance_partner: bool) -> Volunteer:
        skills = spec.skills if spec else GENERAL_SKILLS
        chosen = [skills[0]] + [s for s in skills[1:] if self.rng.random() < 0.35]
        if self.rng.random() < 0.15 and (extra := self.rng.choice(Skill.values)) not in chosen:
            chosen.append(extra)
        volunteer = Volunteer(
            area=area, area_code=area.code, skills=[str(s) for s in chosen],
            availability=self.rng.choice(AVAILABILITY), is_governance_partner=governance_partner,
        )
        if resident is not None:
            if not resident.area_code.startswith(area.code):
                raise ValueError(f"{resident.name} does not live in {area.name}")
            volunteer.resident, volunteer.name = resident, resident.name
            volunteer.phone = resident.phone or _mobile(self.rng)
        else:
            volunteer.name = names.full_name(self.rng, self.rng.choice("MFF"), self.rng.randint(1955, 2003))
            volunteer.phone = _mobile(self.rng)
        return volunteer


    def _adults(self, code: str) -> list[Resident]:
        """Residents aged 18 to 75 on the article's day, in the order they were written."""
        latest = population.REFERENCE_DATE.replace(year=population.REFERENCE_DATE.year - 18)
        earliest = population.REFERENCE_DATE.replace(year=population.REFERENCE_DATE.year - 76)
        return list(Resident.objects.filter(area_code__startswith=code, birth_date__lte=latest,
                                            birth_date__gt=earliest).order_by("pk").only("pk", "name", "phone", "area_code"))

    # --- activities and service records ---------------------------------------------------------------
    def _history(self) -> None:
        self._health_series()
        for spec in HISTORY_ACTIVITIES:
            for month in spec.months:
                self._activity(spec, self._day_in_month(month))

    def _recent(self) -> None:
        start = max(self.today - datetime.timedelta(days=RECENT_DAYS), HISTORY_END)
        for spec in RECENT_ACTIVITIES:
            day = self.today - datetime.timedelta(days=spec.months[0])
            if start <= day <= self.last_past_day:
                self._activity(spec, day)
        past, upcoming = (self.today - datetime.timedelta(days=d) for d in RECENT_HEALTH_CHECK_DAYS)
        if start <= past <= self.last_past_day:
            spec = _health_spec()
            # The next check-up is already planned: a series of two, the first done, the second to come.
            first, _second = self._create(spec, past, series=f"{HEALTH_SERIES} {past.year}",
                                          every=(upcoming - past).days // 30 or 1, count=2, fix_second=upcoming)
            self._took_place(spec, first, HEALTH_SERIES_PARTICIPANTS[0])

    def _health_series(self) -> None:
        """The 中医院's quarterly check-ups in 金融社区: one series of four, "惠及居民600余人次"."""
        spec = _health_spec()
        first_day = self._day_in_month(2)
        rows = self._create(spec, first_day, series=HEALTH_SERIES, every=3, count=4)
        for row, participants in zip(rows, HEALTH_SERIES_PARTICIPANTS):
            self._took_place(spec, row, participants)

    def _activity(self, spec: ActivitySpec, day: datetime.date) -> None:
        [row] = self._create(spec, day)
        low, high = spec.participants
        self._took_place(spec, row, self.rng.randint(low, high))

    def _create(self, spec: ActivitySpec, day: datetime.date, *, series: str = "", every: int = 0, count: int = 1,
                fix_second: datetime.date | None = None) -> list:
        area = self.areas[spec.community]
        user, scope = self._actor(area.code)
        estate = self.rng.choice(self.estates[area.code])
        data = {
            "title": spec.title, "kind": spec.kind, "date": day, "area": area.code,
            "place": spec.place.format(community=spec.community, estate=estate),
            "partners": [self.partners[name].pk for name in spec.partners], "category": spec.category or None,
        }
        if count > 1:
            data |= {"repeat_every_months": every, "repeat_count": count, "series": series}
        rows = activities.create_activity(scope=scope, actor=user, data=data)
        if fix_second is not None:
            # The planned next one falls on its own day, not a whole number of months on.
            activities.update_activity(scope=scope, activity=rows[1], data={"date": fix_second})
        self.counts["activities"] += len(rows)
        return rows

    def _took_place(self, spec: ActivitySpec, activity, participants: int) -> None:
        """What the organiser enters afterwards: people served, volunteers, residents served, the outcome;
        then each volunteer's hours, recorded and confirmed by the organiser."""
        area = self.areas[spec.community]
        user, scope = self._actor(area.code)
        taking_part = self._pick_volunteers(spec)
        served = self._served(spec, area.code)
        activities.update_activity(scope=scope, activity=activity, data={
            "participants": scaled(participants, self.scale) if participants else 0,
            "outcome": spec.outcome, "volunteers": [v.pk for v, _team in taking_part],
            "residents": [r.pk for r in served],
        })
        for volunteer, team in taking_part:
            volunteers.record_service(scope=scope, actor=user, volunteer=volunteer, data={
                "date": activity.date, "hours": Decimal(self.rng.choice(spec.hours)), "activity": activity.title,
                "team": team.pk if team else None, "confirm": True,
            })
            self.counts["service_records"] += 1

    def _pick_volunteers(self, spec: ActivitySpec) -> list[tuple[object, object]]:
        pool: list[tuple[object, object]] = []
        for name in spec.teams:
            if name:
                team = self.teams[(spec.community, name)]
                pool += [(v, team) for v in self.team_members[(spec.community, name)]]
            else:
                team = next((t for (c, _n), t in self.teams.items() if c == spec.community), None)
                pool += [(v, team) for v in self.team_members.get((spec.community, team.name), [])] if team else []
        seen, unique = set(), []
        for volunteer, team in pool:
            if volunteer.pk not in seen:
                seen.add(volunteer.pk)
                unique.append((volunteer, team))
        wanted = min(len(unique), scaled(spec.volunteers, self.scale)) if spec.volunteers else 0
        return self.rng.sample(unique, wanted)

    def _served(self, spec: ActivitySpec, code: str) -> list[Resident]:
        """A few of the residents served, named where the organiser knows them: elderly people at a check-up,
        the carers of elderly families (张云帆 among them) at CPR teaching."""
        if not spec.serves:
            return []
        if (code, spec.serves) not in self.served:
            self.served[(code, spec.serves)] = _candidates(code, spec.serves)
        candidates = self.served[(code, spec.serves)]
        if spec.serves == "elderly":
            return self.rng.sample(candidates, min(len(candidates), scaled(12, self.scale)))
        carers = candidates
        named = [r for r in carers if r.name == "张云帆"]
        others = [r for r in carers if r.name != "张云帆"]
        return named + self.rng.sample(others, min(len(others), scaled(6, self.scale) - len(named)))

    def _errands(self) -> None:
        """永盛社区's 红色代办: errands for the very old in the first half of 2025, each a confirmed record."""
        community = YONGSHENG
        team = self.teams[(community, YONGSHENG_TEAM.name)]
        members = self.team_members[(community, YONGSHENG_TEAM.name)]
        user, scope = self._actor(self.areas[community].code)
        first = datetime.date(2025, 1, 2)
        for _n in range(scaled(YONGSHENG_ERRANDS, self.scale)):
            day = first + datetime.timedelta(days=self.rng.randrange((HISTORY_END - first).days))
            volunteers.record_service(scope=scope, actor=user, volunteer=self.rng.choice(members), data={
                "date": day, "hours": Decimal(self.rng.choice(("0.5", "1", "1", "1.5", "2"))),
                "activity": f"红色代办：{self.rng.choice(ERRANDS)}", "team": team.pk, "confirm": True,
            })
            self.counts["service_records"] += 1

    def _tasks(self) -> None:
        """Help tasks of the last few weeks through the task services, as the community's head would enter
        them: for a very old resident where there is one, offered to the community's team; most done, with
        the hours recorded and confirmed on completion, a few under way, a few still waiting."""
        tz = timezone.get_current_timezone()
        for community, (team_name, done, accepted, waiting) in TASKS.items():
            area = self.areas[community]
            user, scope = self._actor(area.code)
            team = self.teams[(community, team_name)]
            members = self.team_members[(community, team_name)]
            very_old = list(Resident.objects.filter(
                area_code__startswith=area.code, birth_date__lte=self.today.replace(year=self.today.year - 80),
            ).order_by("pk").only("pk", "name", "area_code", "household_id"))
            for n in range(done + accepted + waiting):
                title, description, skill, hours = self.rng.choice(TASK_ERRANDS)
                resident = self.rng.choice(very_old) if very_old else None
                if n < done:
                    needed_on = self.last_past_day - datetime.timedelta(days=self.rng.randint(0, 40))
                    offered = datetime.datetime.combine(needed_on - datetime.timedelta(days=self.rng.randint(0, 2)),
                                                        datetime.time(self.rng.randint(8, 11), self.rng.randint(0, 59)), tz)
                else:
                    needed_on = self.today + datetime.timedelta(days=self.rng.randint(0, 3))
                    offered = self.now - datetime.timedelta(hours=self.rng.randint(2, 30), minutes=self.rng.randint(0, 59))
                task = volunteers.create_task(scope=scope, actor=user, now=offered, data={
                    "title": f"为{resident.name}{title}" if resident else title, "description": description,
                    "skill": skill, "team": team.pk, "needed_on": needed_on, "estimated_hours": hours[-1],
                    **({"resident": resident.pk} if resident else {"area": area.code}),
                })
                self.counts["tasks"] += 1
                if n >= done + accepted:
                    continue
                volunteer = self.rng.choice(members)
                taken = offered + datetime.timedelta(minutes=self.rng.randint(10, 180))
                volunteers.accept_task(scope=scope, actor=user, task=task, volunteer=volunteer, now=taken)
                if n < done:
                    finished = max(taken, datetime.datetime.combine(needed_on, datetime.time(17, 0), tz))
                    volunteers.complete_task(scope=scope, actor=user, task=task, now=finished, data={
                        "hours": Decimal(self.rng.choice(hours)), "date": needed_on,
                        "note": "已办妥，老人表示感谢。",
                    })
                    self.counts["service_records"] += 1

    def _day_in_month(self, month: int) -> datetime.date:
        """A day of the month ``month`` months after HISTORY_START; activities are held on working days
        and Saturdays."""
        year, month0 = divmod(HISTORY_START.month - 1 + month, 12)
        while True:
            day = datetime.date(HISTORY_START.year + year, month0 + 1, self.rng.randint(1, 28))
            if day.isoweekday() <= 6:
                return day


def _candidates(code: str, serves: str) -> list[Resident]:
    """Residents of the community who may be named as served: people of 60 or more ("elderly"), or the adults
    under 60 living with one ("carers")."""
    born_before = population.REFERENCE_DATE.replace(year=population.REFERENCE_DATE.year - 60)
    rows = Resident.objects.filter(area_code__startswith=code).order_by("pk").only("pk", "name", "birth_date")
    if serves == "elderly":
        return list(rows.filter(birth_date__lte=born_before))
    homes = set(rows.filter(birth_date__lte=born_before).values_list("household_id", flat=True))
    return [r for r in rows.filter(birth_date__gt=born_before, household_id__in=homes)
            if r.age(population.REFERENCE_DATE) >= 18]


def _health_spec() -> ActivitySpec:
    return ActivitySpec(JINRONG, ActivityKind.HEALTH_CHECK, HEALTH_SERIES, (), (0, 0), ("健康我先行医疗队",), 10,
                        ("3", "3.5", "4"), (HOSPITAL,), CENTRE,
                        "中医院医生问诊，测血压血糖、心电图，中医体质辨识；对异常居民预约复查并纳入家庭医生随访。",
                        "medical_health", "elderly")


def _rect(area: Area) -> Rect:
    ring = area.boundary["coordinates"][0]
    lngs, lats = [p[0] for p in ring], [p[1] for p in ring]
    return Rect(south=min(lats), west=min(lngs), north=max(lats), east=max(lngs))


def _shares(total: int, weights: list[int]) -> list[int]:
    """``total`` split in proportion to ``weights`` (largest remainders), each at least one while there are enough."""
    if total <= len(weights):
        return [1] * total + [0] * (len(weights) - total)
    exact = [total * w / sum(weights) for w in weights]
    shares = [max(1, int(x)) for x in exact]
    order = sorted(range(len(weights)), key=lambda i: exact[i] - int(exact[i]), reverse=True)
    i = 0
    while sum(shares) < total:
        shares[order[i % len(order)]] += 1
        i += 1
    while sum(shares) > total:
        largest = max(range(len(shares)), key=lambda j: shares[j])
        shares[largest] -= 1
    return shares


def _digits(rng: random.Random, n: int) -> str:
    return "".join(str(rng.randint(0, 9)) for _ in range(n))


MOBILE_PREFIXES = ("130", "131", "135", "138", "139", "150", "151", "155", "158", "159", "177", "186", "187", "189")


def _mobile(rng: random.Random) -> str:
    return rng.choice(MOBILE_PREFIXES) + _digits(rng, 8)
