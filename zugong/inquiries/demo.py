"""Demo 大调研 for the demo county: one plan with its activities and about ten opinions (some
answered), and a published problem list in progress — a county item with township children
(one of them 销号 approved), dated milestones (some done), and one overdue item. Everything is
written through the services, as a user's work would be."""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

from zugong.accounts.models import Role, User
from zugong.inquiries import services
from zugong.inquiries.models import ActivityKind, InvestigationPlan, OpinionSource
from zugong.orgs.models import Organization, OrgKind, OrgStatus

OPINIONS = [
    (OpinionSource.ACTIVITY, "村务公开", "村务公开栏内容更新不及时，群众看不到最新的收支情况"),
    (OpinionSource.ACTIVITY, "便民服务", "便民服务中心午间无人值守，办事要跑两趟"),
    (OpinionSource.ACTIVITY, "党员教育", "流动党员参加组织生活不方便，希望开展线上学习"),
    (OpinionSource.ACTIVITY, "作风建设", "个别村干部坐班时间不固定"),
    (OpinionSource.LETTER, "村务公开", "希望把惠农补贴发放名单在村里公示"),
    (OpinionSource.LETTER, "阵地建设", "村党群服务中心活动室长期闲置"),
    (OpinionSource.PHONE, "便民服务", "社保业务能否在村里代办"),
    (OpinionSource.PHONE, "基层减负", "村里填报的表格太多，重复报送"),
    (OpinionSource.OTHER, "人才振兴", "返乡创业青年缺少对接渠道"),
    (OpinionSource.ACTIVITY, "作风建设", "建议公开村干部联系电话"),
]


def _actors() -> tuple[User | None, User | None]:
    admin = (
        User.objects.filter(
            role=Role.DEPARTMENT_ADMIN, anchor_org__parent__isnull=True, is_active=True
        )
        .order_by("pk")
        .first()
    )
    tracker = User.objects.filter(role=Role.PROBLEM_TRACKER, is_active=True).order_by("pk").first()
    return admin, tracker


def seed_inquiries(*, today: date, seed: int = 2026) -> int:
    """Returns the number of records written; a second run adds nothing."""
    if InvestigationPlan.objects.exists():
        return 0
    admin, tracker = _actors()
    if admin is None:
        return 0
    rng = random.Random(seed)
    county = admin.anchor_org
    towns = list(
        Organization.objects.filter(
            parent=county, status=OrgStatus.ACTIVE, kind=OrgKind.PARTY_COMMITTEE
        ).order_by("path")[:3]
    )
    if tracker is not None and tracker.anchor_org in towns:
        # The demo tracker's township goes first: its item is the one closed by 销号.
        towns.remove(tracker.anchor_org)
        towns.insert(0, tracker.anchor_org)
    if len(towns) < 2:
        return 0
    written = 0
    start = today - timedelta(days=120)
    plan = services.save_plan(
        actor=admin,
        plan=None,
        topic=f"{today.year}年基层党建“大调研”",
        description="围绕村务公开、便民服务和党员教育管理，走访农户、召开座谈会、征求群众意见。",
        start_on=start,
        end_on=today - timedelta(days=30),
        targets=towns,
        team_users=[admin],
        team_names=["组织部调研组 李明", "老干部代表 王建国"],
    )
    written += 1
    activities = []
    for i, (kind, place) in enumerate(
        [
            (ActivityKind.VISIT, f"{towns[0].short_name or towns[0].name}各村"),
            (ActivityKind.FORUM, f"{towns[1].short_name or towns[1].name}党群服务中心"),
            (ActivityKind.CONSULT, "县委组织部"),
        ]
    ):
        activities.append(
            services.add_activity(
                actor=admin,
                plan=plan,
                kind=kind,
                held_on=start + timedelta(days=10 + 15 * i),
                place=place,
                participants=rng.randint(12, 60),
                minutes="围绕调研主题听取意见，逐条记录，会后梳理形成问题清单。",
            )
        )
        written += 1
    opinions = []
    for i, (source, topic, text) in enumerate(OPINIONS):
        opinion = services.add_opinion(
            actor=admin,
            plan=plan,
            source=source,
            activity=activities[i % len(activities)] if source == OpinionSource.ACTIVITY else None,
            topic=topic,
            org=towns[i % len(towns)],
            text=text,
            received_on=start + timedelta(days=12 + 5 * i),
        )
        if i % 3 != 2:  # about two in three are answered
            services.answer_opinion(
                actor=admin,
                opinion=opinion,
                answer="已转责任单位研究办理，将在问题清单中跟踪整改。",
                answered_on=opinion.received_on + timedelta(days=7),
            )
        opinions.append(opinion)
        written += 1

    problem_list = services.create_problem_list(
        actor=admin, title=f"{plan.topic}问题清单", plan=plan, published=True
    )
    written += 1
    county_item = services.promote_opinion(
        actor=admin,
        opinion=opinions[0],
        problem_list=problem_list,
        title="村务公开不及时、不规范",
        description="部分村村务公开栏更新滞后，财务收支公开不够细。",
        topic="村务公开",
        responsible_org=county,
        owner_name="县委组织部基层组织科",
        measures="统一村务公开目录，按月公开，乡镇每季度检查。",
        deadline=today + timedelta(days=60),
    )
    written += 1
    children = []
    for town, weight in zip(towns, (2, 1, 1), strict=False):
        children.append(
            services.create_problem(
                actor=admin,
                problem_list=problem_list,
                parent=county_item,
                title=f"{town.short_name or town.name}村务公开整改",
                description="按统一目录整改本乡镇各村村务公开栏。",
                topic="村务公开",
                responsible_org=town,
                owner_name="乡镇组织委员",
                measures="逐村检查，按月公开。",
                deadline=today + timedelta(days=45),
                weight=weight,
            )
        )
        written += 1
    worker = tracker if tracker is not None else admin
    for child, progress in zip(
        children, (Decimal("100"), Decimal("60"), Decimal("30")), strict=False
    ):
        actor = worker if services.can_track(worker, child) else admin
        milestone = services.add_milestone(
            actor=actor, problem=child, title="完成逐村检查", planned_on=today - timedelta(days=20)
        )
        if progress >= 60:
            services.complete_milestone(
                actor=actor, milestone=milestone, done_on=today - timedelta(days=22)
            )
        services.add_milestone(
            actor=actor,
            problem=child,
            title="建立按月公开制度",
            planned_on=today + timedelta(days=30),
        )
        services.set_progress(actor=actor, problem=child, progress=progress)
        written += 3
    # The first township is done: its milestones are completed and its 销号 approved.
    done = children[0]
    actor = worker if services.can_track(worker, done) else admin
    for milestone in done.milestones.filter(done_on__isnull=True):
        services.complete_milestone(
            actor=actor, milestone=milestone, done_on=today - timedelta(days=3)
        )
    services.request_closure(
        actor=actor, problem=done, reason="各村公开栏已按统一目录更新，制度已印发。"
    )
    services.decide_closure(
        actor=admin, problem=done, approve=True, reason="经实地抽查，整改到位，同意销号。"
    )
    written += 2

    overdue = services.promote_opinion(
        actor=admin,
        opinion=opinions[1],
        problem_list=problem_list,
        title="便民服务中心午间服务空档",
        description="便民服务中心午间无人值守，群众办事需往返。",
        topic="便民服务",
        responsible_org=towns[1],
        owner_name="便民服务中心主任",
        measures="实行午间轮流值班和预约服务。",
        deadline=today - timedelta(days=10),
    )
    services.add_milestone(
        actor=admin, problem=overdue, title="制定午间值班表", planned_on=today - timedelta(days=25)
    )
    services.set_progress(actor=admin, problem=overdue, progress=Decimal("40"))
    written += 3
    return written
