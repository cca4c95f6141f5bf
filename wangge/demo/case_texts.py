"""What the demo's cases say: titles, descriptions, handling notes, reasons, ratings, partners.

Kept apart from the generator in ``cases.py`` for the same reason as ``city.py``:
a reader checks the wording at a glance. Placeholders are filled from the place
of the case: {estate} {building} {unit} {address} {name} {age} {company}
{community} {partner}.
"""
from dataclasses import dataclass

# Where a problem is: in a home (a household and its resident), at a building, or in the open.
HOME, BUILDING, OPEN_AIR = "household", "building", "public"


@dataclass(frozen=True)
class Subject:
    category: str
    place: str
    title: str
    description: str
    handled: str
    # Which places fit: "old" estates, "abandoned" ones, estates with a property "company",
    # "high" buildings (a lift), an "elderly" resident, the "top" floor.
    needs: tuple[str, ...] = ()


def _s(category, place, title, description, handled, *needs):
    return Subject(category, place, title, description, handled, needs)


SUBJECTS = (
    # --- 民生服务 -------------------------------------------------------------
    _s("elderly_care", HOME, "{name}老人高龄补贴认证",
       "{name}老人今年{age}岁，子女在外地，不会用手机做高龄补贴认证，本月认证就要到期。",
       "网格员上门用手机协助老人完成高龄补贴人脸认证，并告知下次认证时间。", "elderly"),
    _s("elderly_care", HOME, "独居老人{name}希望有人定期上门",
       "{address}独居老人{name}（{age}岁）腿脚不便，买菜、取药都困难，希望有人定期上门看看。",
       "已将老人列入关爱走访名单，对接“红色代办”志愿者每周上门代购、代取药。", "elderly"),
    _s("elderly_care", HOME, "{name}老人申请居家养老服务",
       "{name}老人{age}岁，老伴住院，自己做饭洗澡都不方便，想申请居家养老上门服务。",
       "协助老人提交居家养老服务申请，已审核通过，服务人员每周上门两次。", "elderly"),
    _s("elderly_care", BUILDING, "{building}楼梯加装扶手",
       "{estate}{building}住的多是老年人，楼梯没有扶手，老人上下楼很吃力。",
       "协调维修单位在{building}各单元楼梯加装扶手，已完工并回访老人。", "old"),
    _s("social_assistance", HOME, "{name}家咨询低保申请",
       "{name}家里主要劳动力因病没了收入，生活困难，询问低保怎么申请。",
       "讲解低保申请条件和材料，协助填写申请表，已报街道民政审核。"),
    _s("social_assistance", HOME, "{name}家申请临时救助",
       "{address}住户{name}家中突发变故，看病花光积蓄，申请临时救助。",
       "协助办理临时救助，救助金已发放，并送去米面油。"),
    _s("social_assistance", HOME, "{name}残疾人补贴办理",
       "{name}持有残疾证，不清楚残疾人两项补贴怎么办理。",
       "帮助准备材料并代为提交两项补贴申请，已审核通过。"),
    _s("medical_health", HOME, "卧床老人{name}需要上门体检",
       "{name}老人{age}岁，卧床多年，没法去医院做年度体检。",
       "联系{partner}家庭医生团队上门体检，建立健康档案。", "elderly"),
    _s("medical_health", HOME, "{name}慢病药品取药困难",
       "{name}患高血压、糖尿病，每月要到医院取药，家里没人陪同。",
       "办理家庭医生签约，药品由志愿者每月代取送到家。"),
    _s("employment", HOME, "{name}求职帮助",
       "{name}原单位效益不好下岗，一直没有稳定工作，希望社区推荐岗位或技能培训。",
       "登记就业意向，推荐参加技能培训，推送了三个公益性岗位信息，已上岗。"),
    _s("certificates", HOME, "{name}开具居住证明",
       "{name}给孩子办入学需要居住证明，不知道要带哪些材料。",
       "告知所需材料，网格员核实居住情况后当天开具证明。"),
    _s("certificates", HOME, "{name}老人养老金资格认证",
       "{name}老人{age}岁，行动不便，去不了社保大厅做养老金资格认证。",
       "网格员上门协助完成养老金资格认证。", "elderly"),
    # --- 基础设施/工程 ---------------------------------------------------------
    _s("road_damage", OPEN_AIR, "{estate}院内道路坑洼",
       "{estate}院内主路有一处坑洼，两平方米左右，雨天积水，老人经过容易摔倒。",
       "协调{partner}对破损路面进行修补，已恢复通行。"),
    _s("road_damage", OPEN_AIR, "{estate}门前道路翻浆",
       "开春后{estate}门前道路翻浆，车辆进出困难，行人只能绕行。",
       "{partner}对翻浆路段换填碎石并重新铺筑，已通车。"),
    _s("drainage", OPEN_AIR, "{estate}下水井堵塞返水",
       "{estate}{building}前的下水井堵了，污水漫到路上，气味很大。",
       "联系{partner}用清淘车疏通管道、清理淤泥，已排水通畅。"),
    _s("drainage", OPEN_AIR, "{estate}雨后积水排不出去",
       "{estate}一下雨院里就积水，没过脚面，好几天排不出去。",
       "{partner}疏通雨水管网并加设一处雨水篦子，雨后已无积水。"),
    _s("street_light", OPEN_AIR, "{estate}路灯不亮",
       "{estate}门口到{building}之间的路灯坏了好几盏，晚上一片漆黑。",
       "{partner}更换灯泡并检修线路，路灯已恢复照明。"),
    _s("water_supply", BUILDING, "{building}水压低",
       "{estate}{building}水压低，五楼以上白天经常没水。",
       "协调{partner}检修二次加压泵，水压已恢复正常。"),
    _s("water_supply", BUILDING, "{building}自来水发黄",
       "{estate}{building}这几天放出来的自来水发黄，住户不敢喝。",
       "{partner}冲洗管道并取样检测，水质合格，已告知住户。"),
    _s("heating", HOME, "{name}家暖气不热",
       "{address}暖气不热，屋里只有十三四度，家里有老人。",
       "联系{partner}上门排气、清洗过滤网，复测室温19度。"),
    _s("heating", BUILDING, "{building}供暖管道漏水",
       "{estate}{building}地下室供暖管道漏水，楼道里全是水汽。",
       "{partner}关阀抢修，更换破损管段，已恢复供暖。"),
    # --- 公共安全 -------------------------------------------------------------
    _s("fire_hazard", BUILDING, "{building}{unit}单元楼道堆放杂物",
       "{estate}{building}{unit}单元楼道堆满纸壳和旧家具，堵住了消防通道。",
       "上门劝导住户清理楼道杂物，清出杂物两车，消防通道已畅通。"),
    _s("fire_hazard", OPEN_AIR, "{estate}消火栓损坏",
       "{estate}院内消火栓被车撞歪了，阀门拧不动。",
       "联系{partner}检查，消火栓已更换并试水。"),
    _s("ebike_charging", BUILDING, "{building}有人飞线给电动车充电",
       "{estate}{building}有住户从窗户拉电线给楼下电动车充电，有火灾隐患。",
       "劝导住户拆除飞线，告知小区集中充电桩位置，已整改。"),
    _s("ebike_charging", BUILDING, "电动车推进楼道充电",
       "{estate}{building}{unit}单元有人把电动车推进楼道充电，晚上也不拔。",
       "会同{partner}上门宣传消防安全，车主已改到充电桩充电。"),
    _s("manhole_cover", OPEN_AIR, "{estate}井盖缺失",
       "{estate}{building}旁边的井盖丢了，只用树枝挡着，晚上很危险。",
       "先设置警示围挡，协调{partner}更换新井盖。"),
    _s("falling_objects", BUILDING, "{building}外墙皮脱落",
       "{estate}{building}外墙保温层松了，刮风时有碎块往下掉。",
       "拉设警戒线，协调{partner}清除松动墙皮并加固。", "old"),
    _s("falling_objects", BUILDING, "{building}屋檐冰溜子",
       "{estate}{building}屋檐挂着很长的冰溜子，下面就是单元门口。",
       "组织人员敲除冰溜子并设置警示牌。"),
    # --- 环境卫生 -------------------------------------------------------------
    _s("garbage", OPEN_AIR, "{estate}垃圾清运不及时",
       "{estate}垃圾箱满了好几天没人清运，气味很大，招苍蝇。",
       "协调{partner}清运垃圾，并约定每天定时清运。"),
    _s("construction_waste", OPEN_AIR, "{estate}建筑垃圾堆积",
       "{estate}{building}旁有住户装修后的建筑垃圾堆了多日，占着通道。",
       "联系装修户和{partner}，清运建筑垃圾两车，已清扫干净。"),
    _s("sanitation_blackspot", OPEN_AIR, "{estate}后院卫生死角",
       "{estate}后院长期堆放生活垃圾和杂物，成了卫生死角。",
       "组织网格员、志愿者和{partner}清理卫生死角，清运垃圾三车。"),
    _s("noise", HOME, "楼上深夜噪音扰民",
       "{address}住户反映楼上邻居经常深夜装修、挪家具，影响老人休息。",
       "上门与邻居沟通，对方承诺晚十点后不再施工，回访反映人确认已改善。"),
    _s("noise", OPEN_AIR, "{estate}广场舞音响声音太大",
       "{estate}晚上跳广场舞音响声音太大，一直到九点多，孩子没法写作业。",
       "与广场舞队协商降低音量、九点前结束，已执行。"),
    # --- 矛盾纠纷 -------------------------------------------------------------
    _s("neighbour_dispute", HOME, "楼上漏水引发邻里纠纷",
       "{address}住户{name}反映楼上漏水泡坏了自家棚顶，双方对赔偿谈不拢。",
       "组织双方和{partner}调解，楼上住户修复防水并赔偿损失，双方签订调解协议。"),
    _s("neighbour_dispute", BUILDING, "占用楼道引发邻里纠纷",
       "{estate}{building}{unit}单元两户因楼道堆放杂物发生争吵，互不相让。",
       "网格员和{partner}上门调解，双方同意各自清理，楼道已恢复通畅。"),
    _s("family_dispute", HOME, "{name}老人赡养纠纷",
       "{name}老人（{age}岁）反映子女不履行赡养义务，生活费没有着落。",
       "联系子女到社区，经{partner}调解签订赡养协议，约定每月赡养费和探望时间。", "elderly"),
    _s("family_dispute", HOME, "{name}家庭矛盾调解",
       "{name}夫妻因家务和孩子教育经常争吵，邻居担心出事。",
       "{partner}上门做心理疏导和调解，双方情绪平稳，约定定期回访。"),
    _s("property_dispute", BUILDING, "{estate}物业费纠纷",
       "{estate}部分住户对物业服务不满拒交物业费，与{company}发生争执。",
       "社区组织业主代表和{company}座谈，物业承诺整改服务，住户同意补交物业费。", "company"),
    _s("wage_dispute", HOME, "{name}被拖欠工资",
       "{name}在工地打工，被拖欠工资三个月，找老板要不回来。",
       "{partner}提供法律咨询并协助向劳动监察部门投诉，工资已追回。"),
    # --- 物业管理 -------------------------------------------------------------
    _s("roof_leak", HOME, "{building}顶层棚顶漏水",
       "{address}（顶层）一下雨棚顶就渗水，墙皮脱落，用盆接水。",
       "协调{partner}对楼顶防水层进行修补，雨后回访不再渗漏。", "old", "top"),
    _s("roof_leak", HOME, "{name}家外墙渗水",
       "{address}外墙渗水，屋里墙角发霉。",
       "{partner}对外墙裂缝进行封堵，已不再渗水。", "old"),
    _s("unit_door", BUILDING, "{building}{unit}单元门关不上",
       "{estate}{building}{unit}单元门闭门器坏了，门关不上，冬天楼道灌风。",
       "更换闭门器并调整门锁，单元门已能正常关闭。"),
    _s("unit_door", BUILDING, "{building}{unit}单元门钥匙卡扣",
       "{estate}{building}{unit}单元换了新门禁，老人不会用，也没有钥匙卡扣。",
       "为该单元住户制作单元门钥匙卡扣，已逐户发放并教会老人使用。"),
    _s("corridor_light", BUILDING, "{building}{unit}单元楼道灯不亮",
       "{estate}{building}{unit}单元楼道灯坏了，晚上上下楼看不清。",
       "更换声控灯，楼道照明已恢复。"),
    _s("elevator", BUILDING, "{building}电梯经常停运",
       "{estate}{building}电梯经常停运，高层的老人下不了楼。",
       "督促{company}联系维保单位检修电梯，已恢复运行。", "company", "high"),
    _s("parking", OPEN_AIR, "{estate}车辆乱停堵住通道",
       "{estate}院内车辆乱停，堵住消防通道，早晚出行困难。",
       "协调{partner}施划停车位，劝导车主规范停放。"),
    # --- 其他 -----------------------------------------------------------------
    _s("other", OPEN_AIR, "{estate}流浪犬出没",
       "{estate}最近有几只流浪犬在院里转，孩子上学害怕。",
       "联系相关部门收容流浪犬，并提醒居民文明养犬。"),
    _s("other", OPEN_AIR, "{estate}树木遮挡采光",
       "{estate}{building}前的杨树太高，挡住低层住户采光，杨絮也多。",
       "协调园林部门对树木进行修剪。"),
)

# The article's stories, told as cases (see cases.py for when and where).
LIU_YIRUI = _s("roof_leak", HOME, "刘伊蕊家棚顶渗水",
               "走访时刘伊蕊反映：{address}一下雨棚顶就渗水，屋里墙皮脱落，老两口拿盆接水。",
               "主动上门查看后协调{partner}修补楼顶防水层，雨后再次入户查看，已不再渗水。", "old")
LIU_YIRUI_RATING = "网格员主动上门，把漏了好几年的棚顶修好了，太感谢了！"

# 京华社区 after the course: 棚顶漏水、单元门损坏、建筑垃圾堆积, found on the grid worker's rounds.
JINGHUA_AFTER_COURSE = ("roof_leak", "unit_door", "construction_waste")

# 东洼社区: "特事上报街道——推动解决16个工程难题".
DONGWA_ENGINEERING = (
    _s("road_damage", OPEN_AIR, "{estate}主干道破损需整体翻修",
       "{estate}主干道多年失修，路面大面积破损，雨天积水成片。",
       "街道协调{partner}对主干道整体翻修，已竣工通车。"),
    _s("drainage", OPEN_AIR, "{estate}雨污管网老化堵塞",
       "{estate}雨污管网老化，经常堵塞返水，疏通后不久又堵。",
       "街道协调{partner}更换老化管网，已完工。"),
    _s("water_supply", BUILDING, "{estate}供水管网老化爆管",
       "{estate}供水管网老化，这个月已经爆管两次，整片停水。",
       "街道协调{partner}更换主供水管，供水已恢复稳定。"),
    _s("street_light", OPEN_AIR, "{estate}路灯线路老化整条路不亮",
       "{estate}路灯线路老化，整条路的路灯都不亮，居民晚上出行不便。",
       "街道协调{partner}重新敷设线路、更换灯具，已亮灯。"),
    _s("heating", BUILDING, "{estate}供暖管线老化室温不达标",
       "{estate}供暖管线老化，整栋楼室温不达标，居民多次反映。",
       "街道协调{partner}改造供暖管线，室温已达标。"),
)
DONGWA_TO_STREET = ("涉及资金和专业施工，社区无力解决，提请街道协调",
                    "涉及多个小区和产权单位，需街道统一协调",
                    "需街道协调住建、城管等部门共同解决")

# 东洼社区: "大事不出网格——协调党建联建单位清理弃管小区卫生24次".
DONGWA_CLEANUP = _s("sanitation_blackspot", OPEN_AIR, "{estate}弃管小区卫生清理",
                    "{estate}无物业管理，院内垃圾杂物堆积，需要集中清理。",
                    "协调党建联建单位{partner}党员志愿者清理{estate}卫生，清运垃圾杂物。", "abandoned")
DONGWA_PARTY_PARTNERS = ("公主岭市住建局机关党支部", "国网公主岭市供电公司党支部", "公主岭市城管执法局党支部")

# 金融社区: "一心两化" — psychological counsellors and pro bono lawyers settled 32 disputes this year.
JINRONG_MEDIATORS = ("“一心两化”心理咨询师工作室", "公益律师服务团", "金融社区人民调解委员会")
# 金融社区: 红心物业联盟 eased the parking of 城区中队小区.
JINRONG_PARKING = _s("parking", OPEN_AIR, "{estate}停车难",
                     "{estate}车位少车多，晚上车辆停到单元门口，救护车都进不来。",
                     "红心物业联盟协同网格党小组重新规划车位、错时共享周边单位车位，停车秩序好转。")
JINRONG_PARKING_ESTATE = "城区中队小区"
JINRONG_PARTNER = "红心物业联盟"
# ... and completed 适老化改造 in 老国税小区.
JINRONG_AGE_FRIENDLY = _s("elderly_care", BUILDING, "{estate}适老化改造",
                          "{estate}老年住户多，楼梯没有扶手、单元门口有台阶，老人出行不便，希望进行适老化改造。",
                          "红心物业联盟为{estate}各单元加装扶手、修建无障碍坡道，已完工。")
JINRONG_AGE_FRIENDLY_ESTATE = "老国税小区"

# Who a case may be dispatched to, by sub-class ("company": the estate's property company).
PARTNER_KINDS = {
    "roof_leak": "repair", "unit_door": "company", "corridor_light": "company", "elevator": "company",
    "parking": "company", "road_damage": "municipal", "drainage": "municipal", "street_light": "municipal",
    "manhole_cover": "municipal", "water_supply": "water", "heating": "heating", "fire_hazard": "fire",
    "ebike_charging": "police", "falling_objects": "repair", "garbage": "sanitation",
    "construction_waste": "sanitation", "sanitation_blackspot": "sanitation", "noise": "police",
    "neighbour_dispute": "mediation", "family_dispute": "mediation", "property_dispute": "mediation",
    "wage_dispute": "lawyer", "medical_health": "medical",
}
PARTNERS = {
    "repair": "公主岭市房屋维修中心",
    "municipal": "公主岭市市政设施维护中心",
    "water": "公主岭市供水有限公司",
    "heating": "公主岭市热力有限公司",
    "fire": "公主岭市消防救援大队",
    "sanitation": "公主岭市环境卫生管理中心",
    "mediation": "{community}人民调解委员会",
    "lawyer": "公益律师服务团",
    "medical": "公主岭市中医院",
}
POLICE = {"河北街道": "公主岭市公安局河北派出所", "铁北街道": "公主岭市公安局铁北派出所",
          "河南街道": "公主岭市公安局河南派出所"}
# 曙光社区 brought in a professional refuse company for its 三无小区.
SHUGUANG_REFUSE = "公主岭市洁美垃圾清运有限公司"

# Where the partner comes from when a case came in through one (source "partner").
PARTNER_SOURCES = {
    "municipal": "市政设施维护中心巡查时发现：", "water": "供水公司抄表时发现：", "heating": "热力公司入户测温时发现：",
    "fire": "消防救援大队检查时发现：", "police": "派出所民警巡逻时发现：", "sanitation": "环卫工人反映：",
    "medical": "中医院义诊时了解到：",
}

ACCEPT_NOTES = ("", "", "", "已电话联系反映人", "已到现场核实", "情况属实，予以受理")
DISPATCH_USER_NOTES = ("请尽快上门处理", "请今天到现场查看", "")
DISPATCH_PARTNER_NOTES = ("请{partner}派人处理", "已电话沟通，请尽快处理", "")
DISPATCH_OFFICE_NOTES = ("请组织处理，及时反馈", "请属地社区牵头处理")
START_NOTES = ("", "", "已到现场查看", "已联系反映人约定上门时间")
VERIFY_NOTES = ("现场核查，问题已解决", "电话回访反映人，确认已处理", "", "")
CLOSE_NOTES = ("", "", "办结")
REJECT_REASONS = (
    "经核实，该问题已由物业自行处理完毕，无需立案",
    "不属于本辖区，已告知反映人向所在社区反映",
    "经现场核实，反映情况与实际不符",
)
# Reasons that fit only some cases: a problem inside a home, a dispute.
REJECT_REASONS_HOME = ("属于个人房屋内部维修，由产权人自行负责，已告知维修渠道",)
REJECT_REASONS_DISPUTE = ("属于民事合同纠纷，已引导当事人通过诉讼途径解决",)
ESCALATE_REASONS = {
    "community": ("需要社区协调物业和施工队", "涉及多户居民，需社区组织协调", "网格无法解决，需社区协调相关部门"),
    "street": DONGWA_TO_STREET,
    "city": ("需市级部门协调解决",),
}
REOPEN_REASONS = ("现场查看问题未彻底解决", "只做了临时处理，仍有隐患", "反映人表示问题依旧，需重新处理",
                  "处置情况与现场不符")
SATISFIED_COMMENTS = ("", "", "", "网格员很负责，谢谢！", "处理很及时", "感谢社区", "问题解决了，很满意")
BASIC_COMMENTS = ("", "基本解决了，希望以后多来看看", "处理得还行，就是慢了点")
DISSATISFIED_COMMENTS = ("修完没几天又坏了", "问题没有真正解决", "只来看了一下就走了", "处理太慢了")

# --- 民生项目: "社区每月将居民诉求转化为具体项目，联动志愿者、联建单位和居民共同解决" ---------------------
# A project's cases are first made safe (临时处置, recorded as the handling) within their deadline; the
# community checks and closes them when the project is done, with its result (see cases.Planner._projects).


@dataclass(frozen=True)
class ProjectText:
    title: str
    plan: str
    result: str  # {buildings}: the buildings of the linked cases, 1号楼、3号楼
    rating: str = ""


# 金融社区, May 2025: the rainy season's leaking roofs of 老国税小区 become one roof repair with 红心物业联盟.
JINRONG_ROOF = _s("roof_leak", HOME, "{building}顶层棚顶漏水",
                  "{address}（顶层）一下雨棚顶就渗水，墙皮脱落，用盆接水。",
                  "红心物业联盟上门临时封堵漏点；{building}屋面防水层整体老化，需统一翻修，已报社区纳入民生项目。",
                  "old", "top")
JINRONG_ROOF_PROJECT = ProjectText(
    "老国税小区楼顶防水维修",
    "老国税小区顶层住户集中反映棚顶漏水。由红心物业联盟牵头，对漏水楼栋屋面铲除老化防水层、重做卷材防水；"
    "网格党小组和志愿者提前逐户告知施工时间，帮助老人挪放物品；完工后逢雨逐户回访。",
    "红心物业联盟完成{buildings}屋面防水翻修；雨后逐户回访，顶层住户均不再渗漏。",
    "楼顶重新做了防水，下大雨也不漏了，谢谢社区和物业！",
)
# 东风社区, April 2025: the dark stairwells of 东风小区, with 红卫士's governance partners.
DONGFENG_LIGHTS = _s("corridor_light", BUILDING, "{building}{unit}单元楼道灯不亮",
                     "{estate}{building}{unit}单元楼道灯坏了，晚上上下楼看不清。",
                     "已临时更换损坏的灯泡；{estate}楼道照明线路老化，需统一改造，已报社区纳入民生项目。")
DONGFENG_LIGHTS_PROJECT = ProjectText(
    "东风小区楼道照明改造",
    "治理合伙人议事会把东风小区楼道灯不亮的诉求转为项目：房屋维修中心更换老化线路、改装声控灯，"
    "“红卫士”治理合伙人逐单元排查、登记，施工时协助照看老人出行。",
    "房屋维修中心更换{buildings}楼道老化线路，全部改装LED声控灯；红卫士逐单元复查，楼道照明已恢复。",
)
# 金融社区, open at the time of loading: the broken unit doors of 工行小区, an abandoned estate that
# 红心物业联盟 looks after (弃管小区兜底托管).
JINRONG_DOORS = _s("unit_door", BUILDING, "{building}{unit}单元门关不上",
                   "{estate}{building}{unit}单元门闭门器坏了，门关不上，楼道灌风。",
                   "红心物业联盟临时加固门扇、更换闭门器；{estate}单元门普遍老化，已报社区纳入民生项目统一更换。")
JINRONG_DOORS_PROJECT = ProjectText(
    "工行小区单元门更换",
    "工行小区无物业管理，单元门普遍老化损坏。由红心物业联盟兜底，统一更换单元门和闭门器；"
    "志愿者帮助老人登记门禁、发放钥匙卡扣。",
    "",
)
