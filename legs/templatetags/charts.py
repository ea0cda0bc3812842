"""The diary's charts drawn as inline SVG: ``{% distance_chart totals user.units %}``.

The geometry is computed in `legs.charts`; each tag hands it to its template.
"""

from __future__ import annotations

from collections.abc import Sequence

from django import template

from legs import charts
from legs.charts import Chart, PeriodTotal, RatioPoint, SleepPoint

register = template.Library()


@register.inclusion_tag("legs/diary/charts/distance.html")
def distance_chart(
    totals: Sequence[PeriodTotal],
    unit: str,
    period: str = "week",
    span_title: str = charts.DEFAULT_SPAN.title,
    key: str = "weekly",
) -> dict[str, Chart]:
    chart = charts.distance_chart(totals, unit, period=period, span_title=span_title, key=key)
    return {"chart": chart}


@register.inclusion_tag("legs/diary/charts/ratio.html")
def workload_ratio_chart(
    points: Sequence[RatioPoint], span_title: str = charts.DEFAULT_SPAN.title
) -> dict[str, Chart]:
    return {"chart": charts.ratio_chart(points, span_title)}


@register.inclusion_tag("legs/diary/charts/sleep.html")
def sleep_heaviness_chart(
    points: Sequence[SleepPoint], span_title: str = charts.DEFAULT_SPAN.title
) -> dict[str, Chart]:
    return {"chart": charts.sleep_chart(points, span_title)}
