"""表间核对: the totals the tables share must agree, and the year's change must be explained by
the year's flows (第一表: 上年末 + 增加 − 减少 = 本年末), row by row."""

from __future__ import annotations

from dataclasses import dataclass

from zugong.stats.tables import (
    AGE_BANDS,
    EDUCATION_GROUPS,
    JOB_CLASSES,
    JOINED_PERIODS,
    T1_DECREASES,
    T1_INCREASES,
    Report,
    Table,
)


@dataclass
class Check:
    title: str
    ok: bool
    detail: str


def _sum(table: Table, keys: list[str], row: int = 0) -> int:
    return sum(table.rows[row].values.get(k, 0) for k in keys)


def _row_checks(table: Table, title: str, parts: list[str], whole: str) -> Check:
    bad = [
        f"{row.label}：{whole_value}≠{part_value}"
        for row in table.rows
        if (whole_value := row.values.get(whole, 0))
        != (part_value := sum(row.values.get(k, 0) for k in parts))
    ]
    return Check(title, not bad, "；".join(bad) if bad else "各行相符")


def consistency(report: Report, previous: Report | None = None) -> list[Check]:
    t1, t2, t3, t4 = (report.table(c) for c in ("t1", "t2", "t3", "t4"))
    checks: list[Check] = []
    bad = []
    for row in t1.rows:
        v = row.values
        flows = sum(v.get(k, 0) for k, _ in T1_INCREASES) - sum(
            v.get(k, 0) for k, _ in T1_DECREASES
        )
        if v["start"] + flows != v["end"]:
            bad.append(f"{row.label}：{v['start']}+({flows})≠{v['end']}")
    checks.append(
        Check(
            "第一表：上年末党员数＋本年增加－本年减少＝本年末党员数",
            not bad,
            "；".join(bad) if bad else "各行相符，本年变化全部由本年增减说明",
        )
    )
    end_rows = [r.values["end"] for r in t1.rows]
    for table in (t2, t3, t4):
        totals = [r.values["total"] for r in table.rows]
        checks.append(
            Check(
                f"第一表本年末党员数＝{table.title.split(' ')[0]}党员总数",
                totals == end_rows,
                f"第一表{t1.total('end')}，{table.title.split(' ')[0]}{table.total('total')}"
                if totals != end_rows
                else f"均为{t1.total('end')}（各行相符）",
            )
        )
    checks.append(
        _row_checks(t2, "第二表：正式党员＋预备党员＝党员总数", ["full", "probationary"], "total")
    )
    checks.append(
        _row_checks(t2, "第二表：各年龄段之和＝党员总数", [k for k, *_ in AGE_BANDS], "total")
    )
    checks.append(
        _row_checks(
            t2,
            "第二表：各职业之和（含未填）＝党员总数",
            [f"job_{c}" for c, _ in JOB_CLASSES] + ["job_none"],
            "total",
        )
    )
    checks.append(
        _row_checks(
            t3,
            "第三表：各入党时间段之和＝党员总数",
            [k for k, *_ in JOINED_PERIODS] + ["joined_unknown"],
            "total",
        )
    )
    checks.append(
        _row_checks(
            t4,
            "第四表：各学历之和＝党员总数",
            [k for k, *_ in EDUCATION_GROUPS] + ["edu_none"],
            "total",
        )
    )
    t8 = report.table("t8")
    checks.append(
        Check(
            "第八表年末党员数＝第二表党员总数",
            t8.total("members") == t2.total("total"),
            f"第八表{t8.total('members')}，第二表{t2.total('total')}",
        )
    )
    t7 = report.table("t7")
    checks.append(
        Check(
            "第七表学生党员总数＝第二表“学生”",
            t7.total("total") == t2.total("job_06"),
            f"第七表{t7.total('total')}，第二表{t2.total('job_06')}",
        )
    )
    if previous is not None:
        last_end = previous.table("t1").total("end")
        checks.append(
            Check(
                f"第一表上年末党员数＝{previous.year}年报本年末党员数",
                last_end == t1.total("start"),
                f"本年报{t1.total('start')}，上年年报{last_end}"
                + (
                    "（差额来自上年年报之后补录或更正的历史记录）"
                    if last_end != t1.total("start")
                    else ""
                ),
            )
        )
    return checks
