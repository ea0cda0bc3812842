"""The diary's charts drawn as inline SVG: ``{% weekly_distance_chart weeks user.units %}``.

The geometry is computed in `legs.charts`; each tag hands it to its template.
"""

from __future__ import annotations

from collections.abc import Sequence

from django import template

from legs.charts import (
    Chart,
    RatioPoint,
    SleepPoint,
    WeekTotal,
    ratio_chart,
    sleep_chart,
    weekly_chart,
)

register = template.Library()


@register.inclusion_tag("legs/diary/charts/weekly.html")
def weekly_distance_chart(weeks: Sequence[WeekTotal], unit: str) -> dict[str, Chart]:
    return {"chart": weekly_chart(weeks, unit)}


@register.inclusion_tag("legs/diary/charts/ratio.html")
def workload_ratio_chart(points: Sequence[RatioPoint]) -> dict[str, Chart]:
    return {"chart": ratio_chart(points)}


@register.inclusion_tag("legs/diary/charts/sleep.html")
def sleep_heaviness_chart(points: Sequence[SleepPoint]) -> dict[str, Chart]:
    return {"chart": sleep_chart(points)}
