"""The national meeting types and required frequencies (支部工作条例 2018), and the common local
rule of a quarterly branch 党课 as an overlay that ships switched off."""

from django.db import migrations

# code, name, category, holder, quorum, has_lecturer
TYPES = [
    ("branch_general_meeting", "支部党员大会", "three_meetings_one_lesson", "branch", "voting_members", False),
    ("branch_committee_meeting", "支部委员会会议", "three_meetings_one_lesson", "branch", "committee", False),
    ("branch_group_meeting", "党小组会", "three_meetings_one_lesson", "branch_group", "none", False),
    ("party_lecture", "党课", "three_meetings_one_lesson", "any", "none", True),
    ("theme_party_day", "主题党日", "org_life", "branch", "none", False),
    ("org_life_meeting", "组织生活会", "org_life", "branch", "none", False),
    ("democratic_appraisal", "民主评议党员", "org_life", "branch", "voting_members", False),
    ("democratic_life_meeting", "民主生活会", "org_life", "committee", "none", False),
    ("heart_to_heart_talk", "谈心谈话", "org_life", "any", "none", False),
    ("first_topic", "第一议题", "study", "any", "none", False),
    ("central_group_study", "理论学习中心组学习", "study", "committee", "none", False),
    ("weekly_study", "每周一学", "study", "any", "none", False),
    ("zugong_forum", "组工论坛", "study", "any", "none", False),
]

BRANCH_RULES = "中国共产党支部工作条例（试行）"
LECTURE_OVERLAY = "local.branch_lecture_quarterly"

# code, type, period, applies_to, rule_set, document, article, status
REQUIREMENTS = [
    ("branch_general_meeting_quarterly", "branch_general_meeting", "quarter", "branch", "national",
     BRANCH_RULES, "第十一条：党员大会一般每季度召开1次", "confirmed"),
    ("branch_committee_meeting_monthly", "branch_committee_meeting", "month", "branch_with_committee",
     "national", BRANCH_RULES, "第十二条：支部委员会会议一般每月召开1次", "confirmed"),
    ("branch_group_meeting_monthly", "branch_group_meeting", "month", "branch_group", "national",
     BRANCH_RULES, "第十三条：党小组会一般每月召开1次", "confirmed"),
    ("theme_party_day_monthly", "theme_party_day", "month", "branch", "national",
     BRANCH_RULES, "第十六条：党支部每月相对固定1天开展主题党日", "confirmed"),
    ("org_life_meeting_yearly", "org_life_meeting", "year", "branch", "national",
     BRANCH_RULES, "第十七条：组织生活会一般每年召开1次", "confirmed"),
    ("democratic_appraisal_yearly", "democratic_appraisal", "year", "branch", "national",
     BRANCH_RULES, "民主评议党员一般每年开展1次", "confirmed"),
    ("heart_to_heart_talk_yearly", "heart_to_heart_talk", "year", "branch", "national",
     BRANCH_RULES, "谈心谈话每年一般不少于1次", "secondary"),
    ("party_lecture_secretary_yearly", "party_lecture", "year", "committee", "national",
     BRANCH_RULES, "第十六条：党委（党组）书记每年至少讲1次党课", "confirmed"),
    ("democratic_life_meeting_yearly", "democratic_life_meeting", "year", "committee", "national",
     "县以上党和国家机关党员领导干部民主生活会若干规定", "民主生活会一般每年召开1次", "secondary"),
    ("party_lecture_branch_quarterly", "party_lecture", "quarter", "branch", LECTURE_OVERLAY,
     "地方规定（常见做法）", "党支部每季度至少上1次党课", "local"),
]


def seed(apps, schema_editor):
    MeetingType = apps.get_model("life", "MeetingType")
    MeetingRequirement = apps.get_model("life", "MeetingRequirement")
    RuleSetting = apps.get_model("core", "RuleSetting")
    types = {}
    for order, (code, name, category, holder, quorum, lecturer) in enumerate(TYPES, start=1):
        types[code] = MeetingType.objects.create(
            code=code,
            name=name,
            category=category,
            holder=holder,
            quorum=quorum,
            has_lecturer=lecturer,
            sort_order=order * 10,
        )
    for code, type_code, period, applies, rule_set, document, article, status in REQUIREMENTS:
        MeetingRequirement.objects.create(
            code=code,
            meeting_type=types[type_code],
            period=period,
            applies_to=applies,
            rule_set=rule_set,
            citation_document=document,
            citation_article=article,
            citation_status=status,
        )
    RuleSetting.objects.get_or_create(rule_set=LECTURE_OVERLAY, defaults={"enabled": False})


def unseed(apps, schema_editor):
    apps.get_model("life", "MeetingRequirement").objects.all().delete()
    apps.get_model("life", "MeetingType").objects.all().delete()
    apps.get_model("core", "RuleSetting").objects.filter(rule_set=LECTURE_OVERLAY).delete()


class Migration(migrations.Migration):
    dependencies = [("life", "0001_initial"), ("core", "0002_seed_code_tables")]

    operations = [migrations.RunPython(seed, unseed)]
