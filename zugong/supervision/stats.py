"""Statistics of the 举报 cases: by channel, result, subject unit and month received, and the
working days from receipt to 办结 (median and mean). Counts only, never content."""

from __future__ import annotations

import statistics as pystats
from collections import Counter
from dataclasses import dataclass, field

from zugong.cadres.models import Unit
from zugong.core.selectors import workday_calendar
from zugong.supervision.models import Channel, Report, ReportResult, ReportState


@dataclass
class CaseStatistics:
    total: int = 0
    by_state: list[tuple[str, int]] = field(default_factory=list)
    by_channel: list[tuple[str, int]] = field(default_factory=list)
    by_result: list[tuple[str, int]] = field(default_factory=list)
    by_unit: list[tuple[str, int]] = field(default_factory=list)
    by_month: list[tuple[str, int]] = field(default_factory=list)
    closed: int = 0
    median_workdays: float | None = None
    mean_workdays: float | None = None

    def sections(self) -> list[tuple[str, list[tuple[str, int]]]]:
        return [
            ("按状态", self.by_state),
            ("按渠道", self.by_channel),
            ("按办结结果", self.by_result),
            ("按被反映单位", self.by_unit),
            ("按收到月份", self.by_month),
        ]


def case_statistics(year: int | None = None) -> CaseStatistics:
    qs = Report.objects.all()
    if year:
        qs = qs.filter(received_on__year=year)
    rows = list(
        qs.values_list("state", "channel", "result", "unit_path", "received_on", "closed_on")
    )
    s = CaseStatistics(total=len(rows))
    states = Counter(r[0] for r in rows)
    s.by_state = [(label, states[value]) for value, label in ReportState.choices if states[value]]
    channels = Counter(r[1] for r in rows)
    s.by_channel = [(label, channels[value]) for value, label in Channel.choices if channels[value]]
    results = Counter(r[2] for r in rows if r[0] == ReportState.CLOSED)
    s.by_result = [
        (label, results[value]) for value, label in ReportResult.choices if results[value]
    ]
    units = Counter(r[3] for r in rows)
    names = dict(Unit.objects.filter(path__in=[p for p in units if p]).values_list("path", "name"))
    s.by_unit = sorted(
        ((names.get(path, "未指明单位") if path else "未指明单位", n) for path, n in units.items()),
        key=lambda item: (-item[1], item[0]),
    )
    months = Counter(r[4].strftime("%Y-%m") for r in rows)
    s.by_month = sorted(months.items())
    cal = workday_calendar()
    # Working days from the day after receipt to the day of 办结 (a case closed the next working
    # day took 1).
    spans = [
        int(cal.workdays_between(r[4], r[5]).value) - int(cal.is_workday(r[4]).value)
        for r in rows
        if r[0] == ReportState.CLOSED and r[5]
    ]
    s.closed = len(spans)
    if spans:
        s.median_workdays = float(pystats.median(spans))
        s.mean_workdays = round(pystats.fmean(spans), 1)
    return s
