"""manage.py seed_demo: load the demo county (组织、党员、班子) and one account per role."""

from __future__ import annotations

import time
from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils import timezone

from zugong.core.rules.engine import RuleContext
from zugong.core.rules.registry import DAILY_JOBS, SUBJECT_KINDS
from zugong.core.services import FINDING_BATCH, refresh_findings
from zugong.demo.accounts import create_demo_accounts, existing_demo_accounts, logins_table
from zugong.demo.generator import DEFAULT_MEMBERS, DEFAULT_SEED, MIN_MEMBERS, generate
from zugong.demo.loader import load
from zugong.orgs.models import Organization

# Subject kinds whose findings the demo loader stores itself.
LOADER_KINDS = frozenset({"member", "organization"})


class Command(BaseCommand):
    help = "载入演示县（党组织、党员、领导班子和发现的问题）并创建各角色的演示账号。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="数据库中已有党组织时不做任何改动（仍打印已有的演示账号）",
        )
        parser.add_argument(
            "--members",
            type=int,
            default=DEFAULT_MEMBERS,
            help=f"党员人数（默认 {DEFAULT_MEMBERS}）",
        )
        parser.add_argument(
            "--seed", type=int, default=DEFAULT_SEED, help=f"随机种子（默认 {DEFAULT_SEED}）"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if Organization.objects.exists():
            if options["if_empty"]:
                self.stdout.write("数据库中已有党组织数据，未载入演示数据。")
                users = existing_demo_accounts()
                if users:
                    self.stdout.write("\n演示账号：\n" + logins_table(users, check_passwords=True))
                return
            # Demo accounts with a published password must never land on a real database.
            raise CommandError(
                "数据库中已有党组织数据：演示数据只能载入空数据库。"
                "如确需重建，请先清空数据库（manage.py flush），或加 --if-empty 跳过。"
            )
        if options["members"] < MIN_MEMBERS:
            raise CommandError(f"--members 至少为 {MIN_MEMBERS}。")

        started = time.perf_counter()
        data = generate(
            seed=options["seed"], members=options["members"], today=timezone.localdate()
        )
        self.stdout.write(
            f"已生成演示数据（种子 {data.seed}，{len(data.members)} 名党员），正在写入……"
        )
        with transaction.atomic():
            result = load(data, progress=lambda msg: self.stdout.write(f"  {msg}"))
            anchors = {name: result.org(key) for name, key in data.plan.anchors.items()}
            users = create_demo_accounts(anchors)
        self._seed_records(timezone.localdate(), options["seed"])
        elapsed = time.perf_counter() - started
        self.stdout.write(self.style.SUCCESS(f"演示数据载入完成，用时 {elapsed:.1f} 秒。"))
        self.stdout.write("\n演示账号：\n" + logins_table(users))

    def _seed_records(self, today: date, seed: int) -> None:
        """A year of 组织生活, 民主评议, 党费 and transfers with realistic gaps, each part in one
        transaction."""
        from zugong.cadres.demo import seed_cadre_side
        from zugong.campaigns.demo import seed_campaigns
        from zugong.development.demo import seed_development
        from zugong.dues.demo import seed_dues
        from zugong.inquiries.demo import seed_inquiries
        from zugong.life.demo_appraisal import seed_appraisals
        from zugong.life.demo_meetings import seed_meetings
        from zugong.orgs.standardization.demo import seed_standardization
        from zugong.supervision.demo import seed_supervision
        from zugong.surveys.demo import seed_surveys
        from zugong.talents.demo import seed_talents
        from zugong.talents.demo_services import seed_talent_services
        from zugong.transfers.demo import seed_transfers

        parts = [
            ("组织生活会议", seed_meetings),
            ("民主评议", seed_appraisals),
            ("党费", seed_dues),
            # After the dues: members who owe dues are not picked for transfers out of the county.
            ("组织关系转接", seed_transfers),
            ("发展党员", seed_development),
            ("干部", seed_cadre_side),
            # After the cadres: reports name cadres and 任前公示 notices.
            ("群众监督举报", seed_supervision),
            ("群众评绩", seed_surveys),
            ("大调研与问题清单", seed_inquiries),
            ("人才库与人才政策", seed_talents),
            # After the talents and policy items: service requests and the fund's year.
            ("人才服务与专项资金", seed_talent_services),
            ("示范创建", seed_campaigns),
            # Last: the scores read the meetings, dues and terms made above.
            ("标准化考评与星级", seed_standardization),
        ]
        for label, seed_part in parts:
            started = time.perf_counter()
            with transaction.atomic():
                count = seed_part(today=today, seed=seed)
            self.stdout.write(f"  {label}：{count} 条，用时 {time.perf_counter() - started:.1f} 秒")
        # The loader judged members and organizations; the records feed the other kinds.
        started = time.perf_counter()
        ctx = RuleContext(today)
        found = 0
        for name, kind in SUBJECT_KINDS.items():
            if name in LOADER_KINDS or kind.queryset is None:
                continue
            subjects = list(kind.queryset())
            with transaction.atomic():
                for start in range(0, len(subjects), FINDING_BATCH):
                    found += refresh_findings(name, subjects[start : start + FINDING_BATCH], ctx)
        self.stdout.write(f"  发现的问题：{found} 条，用时 {time.perf_counter() - started:.1f} 秒")
        # What a day's run of refresh_findings does after the findings: reminders, escalations.
        for job in DAILY_JOBS.values():
            with transaction.atomic():
                self.stdout.write(f"  {job.name}：{job.run(today)}")
