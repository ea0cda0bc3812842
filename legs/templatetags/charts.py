"""The diary's charts drawn as inline SVG: ``{% distance_chart totals user.units %}``.

The geometry is computed in `legs.charts`; each tag draws it here with ``format_html``, which
escapes every value (only numbers and dates reach a chart, nothing a member typed, but the
escaping holds anyway). A chart is its SVG with a text alternative (title + desc) and the same
numbers as a table. Each bar or point that carries a value (.chart-mark) takes the focus and
names its value; static/js/charts.js shows that value beside it on a tap, a hover or the
keyboard's focus. Drawn in Python rather than in templates: a chart has hundreds of marks.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from legs import charts
from legs.charts import Chart, PeriodTotal, RatioPoint, SleepPoint
from legs.insights import ACWR_SWEET_SPOT, ACWR_WARNING, SLEEP_TARGET_HOURS

register = template.Library()

# A mark that takes the focus and names its value (see above).
_MARK = 'class="chart-mark" tabindex="0" role="graphics-symbol" aria-label="{0}"'


def _join(pattern: str, rows: Iterable[Sequence[object]]) -> SafeString:
    return format_html_join("", pattern, rows)


def _axes(chart: Chart) -> SafeString:
    second = SafeString("")
    if chart.y2_ticks:
        second = format_html(
            '<line x1="{}" x2="{}" y1="{}" y2="{}"/>{}',
            chart.right,
            chart.right,
            chart.top,
            chart.baseline,
            _join(
                '<text class="chart-axis-2" x="{}" dx="8" y="{}" dominant-baseline="middle">'
                "{}</text>",
                ((chart.right, tick.position, tick.label) for tick in chart.y2_ticks),
            ),
        )
    second_title = SafeString("")
    if chart.y2_title:
        second_title = format_html(
            '<text class="chart-axis-title chart-axis-2" transform="translate({} {}) rotate(90)"'
            ' text-anchor="middle">{}</text>',
            chart.width - 20,
            chart.mid_y,
            chart.y2_title,
        )
    return format_html(
        '<g class="chart-axis">'
        '<line x1="{left}" x2="{right}" y1="{baseline}" y2="{baseline}"/>'
        '<line x1="{left}" x2="{left}" y1="{top}" y2="{baseline}"/>'
        "{y_ticks}{x_ticks}{second}"
        '<text class="chart-axis-title" x="{mid_x}" y="{bottom}" text-anchor="middle">'
        "{x_title}</text>"
        '<text class="chart-axis-title" transform="translate(20 {mid_y}) rotate(-90)"'
        ' text-anchor="middle">{y_title}</text>{second_title}</g>',
        left=chart.left,
        right=chart.right,
        top=chart.top,
        baseline=chart.baseline,
        y_ticks=_join(
            '<text x="{}" y="{}" text-anchor="end" dominant-baseline="middle">{}</text>',
            ((chart.left - 8, tick.position, tick.label) for tick in chart.y_ticks),
        ),
        x_ticks=_join(
            '<line x1="{0}" x2="{0}" y1="{1}" y2="{2}"/>'
            '<text x="{0}" y="{3}" text-anchor="middle">{4}</text>',
            (
                (tick.position, chart.baseline, chart.baseline + 5, chart.baseline + 24, tick.label)
                for tick in chart.x_ticks
            ),
        ),
        second=second,
        mid_x=chart.mid_x,
        bottom=chart.height - 8,
        x_title=chart.x_title,
        mid_y=chart.mid_y,
        y_title=chart.y_title,
        second_title=second_title,
    )


def _table(chart: Chart) -> SafeString:
    return format_html(
        '<details class="chart-table mt-1"><summary>Show the numbers as a table</summary>'
        '<div class="table-responsive"><table class="table table-sm mb-0">'
        '<caption class="visually-hidden">{}</caption><thead><tr>{}</tr></thead>'
        "<tbody>{}</tbody></table></div></details>",
        chart.title,
        _join('<th scope="col">{}</th>', ((head,) for head in chart.table_head)),
        # One pattern for every row (they are as long as the head): a format_html per row,
        # not one per cell, as the long spans' tables have hundreds of cells.
        format_html_join(
            "\n",
            '<tr><th scope="row">{}</th>' + "<td>{}</td>" * (len(chart.table_head) - 1) + "</tr>",
            chart.table_rows,
        ),
    )


def _figure(chart: Chart, marks: SafeString, legend: SafeString) -> SafeString:
    """A chart: its SVG (grid, `marks`, axes), the `legend` and the table, or what it lacks."""
    if chart.empty:
        body = format_html(
            '<p class="chart-empty text-body-secondary border rounded p-3 mb-0">{}</p>',
            chart.empty,
        )
    else:
        body = format_html(
            '<svg class="chart" role="img" viewBox="0 0 {width} {height}"'
            ' aria-labelledby="chart-{key}-title chart-{key}-desc"'
            ' preserveAspectRatio="xMidYMid meet">'
            '<title id="chart-{key}-title">{title}</title>'
            '<desc id="chart-{key}-desc">{description}</desc>'
            '<g class="chart-grid">{grid}</g>{marks}{axes}</svg>'
            '\n<p class="chart-legend small text-body-secondary mb-0">{legend}</p>\n{table}',
            width=chart.width,
            height=chart.height,
            key=chart.key,
            title=chart.title,
            description=chart.description,
            grid=_join(
                '<line x1="{0}" x2="{1}" y1="{2}" y2="{2}"/>',
                ((chart.left, chart.right, tick.position) for tick in chart.y_ticks),
            ),
            marks=marks,
            axes=_axes(chart),
            legend=legend,
            table=_table(chart),
        )
    return format_html(
        '<figure class="diary-chart mb-0" id="chart-{}">'
        '<figcaption class="h6">{}</figcaption>\n{}\n</figure>\n',
        chart.key,
        chart.title,
        body,
    )


def _dots(points: list[dict[str, str]], radius: str) -> SafeString:
    return _join(
        f'<circle {_MARK} cx="{{1}}" cy="{{2}}" r="{radius}"><title>{{0}}</title></circle>',
        ((point["label"], point["cx"], point["cy"]) for point in points),
    )


def _line(paths: list[str], points: list[dict[str, str]], radius: str) -> SafeString:
    return format_html(
        "{}{}",
        _join('<path d="{}"/>', ((path,) for path in paths)),
        _join(
            f'<circle cx="{{}}" cy="{{}}" r="{radius}"><title>{{}}</title></circle>',
            ((point["cx"], point["cy"], point["label"]) for point in points),
        ),
    )


_LEGEND_SWATCH = '<span class="legend-swatch {}" aria-hidden="true"></span>'


@register.simple_tag
def distance_chart(
    totals: Sequence[PeriodTotal],
    unit: str,
    period: str = "week",
    span_title: str = charts.DEFAULT_SPAN.title,
    key: str = "weekly",
) -> SafeString:
    chart = charts.distance_chart(totals, unit, period=period, span_title=span_title, key=key)
    marks = SafeString("")
    if not chart.empty:
        found = chart.marks
        marks = format_html(
            '<g class="chart-bars">{}</g>'
            '<g class="chart-line chart-line-heaviness">{}</g>'
            '<g class="chart-line chart-line-waking">{}</g>',
            _join(
                f'<rect {_MARK} x="{{1}}" y="{{2}}" width="{{3}}" height="{{4}}"><title>{{0}}'
                "</title></rect>",
                (
                    (bar["label"], bar["x"], bar["y"], bar["width"], bar["height"])
                    for bar in found["bars"]
                ),
            ),
            _line(found["runs_paths"], found["runs_points"], "4"),
            _line(found["waking_paths"], found["waking_points"], "3.5"),
        )
    legend = format_html(
        "{} distance · {} heaviness during runs · {} heaviness on waking (both on the "
        "right-hand scale)",
        format_html(_LEGEND_SWATCH, "legend-bar"),
        format_html(_LEGEND_SWATCH, "legend-line"),
        format_html(_LEGEND_SWATCH, "legend-line legend-waking"),
    )
    return _figure(chart, marks, legend)


@register.simple_tag
def workload_ratio_chart(
    points: Sequence[RatioPoint], span_title: str = charts.DEFAULT_SPAN.title
) -> SafeString:
    chart = charts.ratio_chart(points, span_title)
    marks = SafeString("")
    if not chart.empty:
        found = chart.marks
        band, warning, last = found["band"], found["warning"], found["last"]
        latest = SafeString("")
        if last:
            latest = format_html(
                '<circle cx="{}" cy="{}" r="4"><title>Latest: {}</title></circle>',
                last["cx"],
                last["cy"],
                last["label"],
            )
        marks = format_html(
            '<g class="chart-band"><rect x="{left}" y="{band_y}" width="{width}"'
            ' height="{band_height}"/><text x="{left}" dx="6" y="{band_label_y}">{band_label}'
            '</text></g><g class="chart-danger"><line x1="{left}" x2="{right}" y1="{warning_y}"'
            ' y2="{warning_y}"/><text x="{right}" dx="6" y="{warning_y}"'
            ' dominant-baseline="middle">{warning_label}</text></g>'
            '<g class="chart-line chart-line-ratio">{paths}{latest}</g>'
            '<g class="chart-ratio-points">{points}</g>',
            left=chart.left,
            right=chart.right,
            width=chart.plot_width,
            band_y=band["y"],
            band_height=band["height"],
            band_label_y=band["label_y"],
            band_label=band["label"],
            warning_y=warning["y"],
            warning_label=warning["label"],
            paths=_join('<path d="{}"/>', ((path,) for path in found["paths"])),
            latest=latest,
            points=_dots(found["points"], "5"),
        )
    low, high = ACWR_SWEET_SPOT
    legend = format_html(
        "The ratio is your last 7 days' load (effort × minutes) against your average week over "
        "the last 4 weeks. Shaded: the {}-{} sweet spot, often associated with fewer "
        "injuries. Dashed: {}, above which injuries are more common in studies. (The note "
        '"Heavy-leg days follow hard weeks" uses another yardstick: your median week over 12 '
        "weeks.)",
        f"{low:g}",
        f"{high:g}",
        f"{ACWR_WARNING:g}",
    )
    return _figure(chart, marks, legend)


@register.simple_tag
def sleep_heaviness_chart(
    points: Sequence[SleepPoint], span_title: str = charts.DEFAULT_SPAN.title
) -> SafeString:
    chart = charts.sleep_chart(points, span_title)
    marks = SafeString("")
    if not chart.empty:
        target = chart.marks["target"]
        marks = format_html(
            '<g class="chart-target"><line x1="{x}" x2="{x}" y1="{top}" y2="{baseline}"/>'
            '<text x="{x}" dx="6" y="{label_y}">{label}</text></g>'
            '<g class="chart-points">{points}</g>',
            x=target["x"],
            top=chart.top,
            baseline=chart.baseline,
            label_y=chart.top + 16,
            label=target["label"],
            points=_dots(chart.marks["points"], "5"),
        )
    legend = format_html(
        "Each dot is a morning; the upright line marks {} hours, the least most athletes need.",
        SLEEP_TARGET_HOURS,
    )
    return _figure(chart, marks, legend)
