"""Seeds the 25 canonical steps of the 2014 细则 and the deployment's first rule-set period.

The rows are frozen here (not imported) so that later edits of the catalog module never change
what this migration did.
"""

from datetime import date

from django.db import migrations

# (number, stage, code, name, date label, people roles, vote, training, notice, review, documents,
#  repeatable)
STEPS = [
    (1, 1, 'application', '递交入党申请书', '收到申请书日期', [], False, False, False, False, ['入党申请书'], False),
    (2, 1, 'applicant_talk', '党组织派人谈话', '谈话日期', ['talker'], False, False, False, False, ['谈话记录'], False),
    (3, 2, 'activist', '推荐和确定入党积极分子', '支委会确定日期', [], False, False, False, False, ['推荐材料', '支委会会议记录'], False),
    (4, 2, 'activist_filing', '上级党委备案', '备案日期', [], False, False, False, False, ['入党积极分子备案表'], False),
    (5, 2, 'cultivation_contact', '指定培养联系人', '指定日期', ['cultivation_contact'], False, False, False, False, [], False),
    (6, 2, 'activist_examination', '培养教育考察', '考察日期', [], False, False, False, False, ['培养教育考察登记表'], True),
    (7, 3, 'development_candidate', '确定发展对象', '支委会确定日期', [], False, False, True, False, ['征求意见记录', '支委会会议记录'], False),
    (8, 3, 'candidate_filing', '报上级党委备案', '备案日期', [], False, False, False, False, ['发展对象备案表'], False),
    (9, 3, 'sponsors', '确定入党介绍人', '确定日期', ['sponsor'], False, False, False, False, [], False),
    (10, 3, 'political_review', '进行政治审查', '政审结论日期', [], False, False, False, True, ['政治审查综合材料'], False),
    (11, 3, 'concentrated_training', '开展集中培训', '培训结业日期', [], False, True, False, False, ['培训结业证书'], False),
    (12, 4, 'branch_committee_review', '支部委员会审查', '支委会审查日期', [], False, False, False, False, ['支委会会议记录'], False),
    (13, 4, 'pre_review', '上级党委预审', '预审日期', [], False, False, False, False, ['预审意见'], False),
    (14, 4, 'admission_form', '填写入党志愿书', '发放志愿书日期', [], False, False, False, False, ['入党志愿书'], False),
    (15, 4, 'admission_meeting', '支部大会讨论', '支部大会日期', [], True, False, True, False, ['支部大会会议记录', '公示材料'], False),
    (16, 4, 'approval_talk', '上级党委派人谈话', '谈话日期', ['talker'], False, False, False, False, ['谈话记录'], False),
    (17, 4, 'admission_approval', '上级党委审批', '审批日期', [], False, False, False, False, ['党委会议记录', '审批意见'], False),
    (18, 4, 'admission_filing', '再上一级党委组织部门备案', '备案日期', [], False, False, False, False, ['备案材料'], False),
    (19, 5, 'placement', '编入党支部和党小组', '编入日期', [], False, False, False, False, [], False),
    (20, 5, 'oath_taking', '入党宣誓', '宣誓日期', [], False, False, False, False, [], False),
    (21, 5, 'probation_examination', '继续教育考察', '考察日期', [], False, False, False, False, ['预备党员考察登记表'], True),
    (22, 5, 'conversion_request', '提出转正申请', '申请日期', [], False, False, False, False, ['转正申请书'], False),
    (23, 5, 'conversion_meeting', '支部大会讨论', '支部大会日期', [], True, False, True, False, ['支部大会会议记录', '公示材料'], False),
    (24, 5, 'conversion_approval', '上级党委审批', '审批日期', [], False, False, False, False, ['党委会议记录', '审批意见'], False),
    (25, 5, 'archiving', '材料归档', '归档日期', [], False, False, False, False, ['归档清单'], False),
]


def seed(apps, schema_editor):
    StepDefinition = apps.get_model("development", "StepDefinition")
    RuleSetPeriod = apps.get_model("development", "RuleSetPeriod")
    for n, stage, code, name, label, people, vote, training, notice, review, docs, rep in STEPS:
        StepDefinition.objects.update_or_create(
            code=code,
            defaults=dict(
                number=n,
                stage=stage,
                sort_order=n * 10,
                name=name,
                is_canonical=True,
                date_label=label,
                people_roles=people,
                records_vote=vote,
                records_training=training,
                records_notice=notice,
                records_review=review,
                documents=docs,
                repeatable=rep,
            ),
        )
    RuleSetPeriod.objects.get_or_create(
        effective_from=date(2014, 5, 28),
        defaults=dict(
            rule_set="national-2014",
            source="中共中央办公厅印发《中国共产党发展党员工作细则》（2014年5月28日）",
        ),
    )


def unseed(apps, schema_editor):
    apps.get_model("development", "StepDefinition").objects.filter(is_canonical=True).delete()
    apps.get_model("development", "RuleSetPeriod").objects.filter(
        effective_from=date(2014, 5, 28)
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("development", "0001_development_cases")]

    operations = [migrations.RunPython(seed, unseed)]
