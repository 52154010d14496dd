"""Charts drawn on the server as inline SVG: no JavaScript, readable by screen readers, printable.

Each chart is an ``<svg role="img">`` labelled by its own ``<title>`` and ``<desc>`` (the desc
summarises what it shows in words), with every value written next to its mark as text, so the
chart reads the same in grey print as on screen. Series differ by shade *and* by shape or dash,
never by colour alone. The table behind each chart is rendered beside it by the template.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

WIDTH = 680
# Dark to light, so series stay apart in greyscale print; the highlight is amber with a border.
SHADES = ["#1f4e8c", "#7a9cc6", "#c4d3e6", "#1b6e3a", "#8a5a00"]
# Lines need darker inks than bar fills to show on white.
LINE_COLOURS = ["#1f4e8c", "#4f81bd", "#6b7785", "#1b6e3a", "#8a5a00"]
HIGHLIGHT = "#e0a100"
INK = "#1d2733"
MUTED = "#5b6673"
GRID = "#d5dbe1"
DASHES = ["", "6 3", "2 3", "8 3 2 3", "1 4"]
MARKERS = ["circle", "square", "triangle", "diamond", "square"]

Number = Decimal | int | float


@dataclass(frozen=True)
class Series:
    name: str
    values: Sequence[Number | None]


def _f(value: Number) -> str:
    """Coordinates with one decimal: small markup, exact enough."""
    return f"{float(value):.1f}"


def _text(x: Number, y: Number, text: str, **attrs: str) -> str:
    extra = "".join(f' {k.replace("_", "-")}="{escape(v)}"' for k, v in attrs.items())
    return f'<text x="{_f(x)}" y="{_f(y)}"{extra}>{escape(text)}</text>'


def _svg(key: str, height: int, title: str, desc: str, body: list[str]) -> SafeString:
    return mark_safe(
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {WIDTH} {height}" '
        f'width="100%" role="img" aria-labelledby="{key}-title {key}-desc" '
        f'font-size="13" fill="{INK}">'
        f'<title id="{key}-title">{escape(title)}</title>'
        f'<desc id="{key}-desc">{escape(desc)}</desc>' + "".join(body) + "</svg>"
    )


def _dash(dash: str) -> str:
    return f' stroke-dasharray="{dash}"' if dash else ""


def _outline(marked: bool) -> str:
    return f' stroke="{INK}" stroke-width="2"' if marked else ""


def _marker(kind: str, x: float, y: float, colour: str) -> str:
    if kind == "square":
        return f'<rect x="{_f(x - 4)}" y="{_f(y - 4)}" width="8" height="8" fill="{colour}"/>'
    if kind == "triangle":
        points = f"{_f(x)},{_f(y - 5)} {_f(x - 5)},{_f(y + 4)} {_f(x + 5)},{_f(y + 4)}"
        return f'<polygon points="{points}" fill="{colour}"/>'
    if kind == "diamond":
        points = f"{_f(x)},{_f(y - 5)} {_f(x + 5)},{_f(y)} {_f(x)},{_f(y + 5)} {_f(x - 5)},{_f(y)}"
        return f'<polygon points="{points}" fill="{colour}"/>'
    return f'<circle cx="{_f(x)}" cy="{_f(y)}" r="4" fill="{colour}"/>'


def _legend(names: Sequence[str], y: float, *, lines: bool) -> list[str]:
    out, x = [], 10.0
    for k, name in enumerate(names):
        colour = (LINE_COLOURS if lines else SHADES)[k % len(SHADES)]
        if lines:
            dash = DASHES[k % len(DASHES)]
            out.append(
                f'<line x1="{_f(x)}" y1="{_f(y)}" x2="{_f(x + 24)}" y2="{_f(y)}" stroke="{colour}" '
                f'stroke-width="2.5"{_dash(dash)}/>'
            )
            out.append(_marker(MARKERS[k % len(MARKERS)], x + 12, y, colour))
        else:
            out.append(
                f'<rect x="{_f(x)}" y="{_f(y - 6)}" width="18" height="12" fill="{colour}" '
                f'stroke="{INK}" stroke-width="0.5"/>'
            )
        out.append(_text(x + 30, y + 4, name))
        x += 40 + 8 * len(name)
    return out


def columns(
    *,
    key: str,
    title: str,
    desc: str,
    labels: Sequence[str],
    values: Sequence[int],
    highlight: int | None = None,
    highlight_note: str = "",
) -> SafeString:
    """Vertical bars (a histogram), each with its count above it and its band below."""
    height, top, bottom, left = 260, 24, 52 if highlight_note else 34, 12
    plot_h = height - top - bottom
    slot = (WIDTH - 2 * left) / max(1, len(values))
    peak = max([*values, 1])
    body = [
        f'<line x1="{left}" y1="{top + plot_h}" x2="{WIDTH - left}" y2="{top + plot_h}" '
        f'stroke="{MUTED}"/>'
    ]
    for k, (label, value) in enumerate(zip(labels, values, strict=True)):
        h = plot_h * value / peak
        x = left + k * slot + slot * 0.12
        y = top + plot_h - h
        marked = k == highlight
        body.append(
            f'<rect x="{_f(x)}" y="{_f(y)}" width="{_f(slot * 0.76)}" height="{_f(h)}" '
            f'fill="{HIGHLIGHT if marked else SHADES[0]}"'
            f"{_outline(marked)}/>"
        )
        centre = left + k * slot + slot / 2
        body.append(
            _text(centre, y - 5, ("★ " if marked else "") + str(value), text_anchor="middle")
        )
        body.append(_text(centre, top + plot_h + 16, label, text_anchor="middle", font_size="11"))
    if highlight_note:
        body.append(_text(left, height - 8, f"★ {highlight_note}", font_weight="bold"))
    return _svg(key, height, title, desc, body)


@dataclass(frozen=True)
class Bar:
    label: str
    value: Number | None
    text: str
    highlight: bool = False


def bars(
    *,
    key: str,
    title: str,
    desc: str,
    rows: Sequence[Bar],
    scale: Number = 100,
    reference: tuple[Number, str] | None = None,
    label_w: int = 200,
) -> SafeString:
    """Horizontal bars with their label on the left and their value written on the right."""
    row_h, top, text_w = 24, 10, 110
    height = top + row_h * max(1, len(rows)) + (30 if reference else 12)
    plot_w = WIDTH - label_w - text_w
    scale = float(scale) or 1.0
    body: list[str] = []
    for k, row in enumerate(rows):
        y = top + k * row_h
        w = 0.0 if row.value is None else plot_w * float(row.value) / scale
        weight = {"font_weight": "bold"} if row.highlight else {}
        label = ("★ " if row.highlight else "") + row.label
        body.append(
            _text(label_w - 8, y + 16, _clip(label, label_w // 7), text_anchor="end", **weight)
        )
        body.append(
            f'<rect x="{label_w}" y="{_f(y + 4)}" width="{_f(w)}" height="{row_h - 8}" '
            f'fill="{HIGHLIGHT if row.highlight else SHADES[0]}"'
            f"{_outline(row.highlight)}/>"
        )
        body.append(_text(label_w + w + 6, y + 16, row.text, **weight))
    if reference is not None:
        value, name = reference
        x = label_w + plot_w * float(value) / scale
        bottom = top + row_h * len(rows)
        body.append(
            f'<line x1="{_f(x)}" y1="{top}" x2="{_f(x)}" y2="{_f(bottom + 4)}" stroke="{INK}" '
            f'stroke-dasharray="4 3"/>'
        )
        body.append(_text(x, bottom + 20, name, text_anchor="middle", font_size="12"))
    return _svg(key, height, title, desc, body)


def _clip(text: str, length: int) -> str:
    return text if len(text) <= length else text[: length - 1] + "…"


def lines(
    *,
    key: str,
    title: str,
    desc: str,
    x_labels: Sequence[str],
    series: Sequence[Series],
    low: Number,
    high: Number,
    invert: bool = False,
    ticks: Sequence[Number] = (),
) -> SafeString:
    """Lines over the years; the first series has its values written at its points.

    ``invert`` puts ``low`` at the top (rank 1 is best)."""
    height, top, bottom, left, right, pad = 300, 24, 64, 52, 24, 36
    plot_h, plot_w = height - top - bottom, WIDTH - left - right - 2 * pad
    low_f, high_f = float(low), float(high)
    span = (high_f - low_f) or 1.0
    step = plot_w / (len(x_labels) - 1) if len(x_labels) > 1 else 0.0

    def y_of(v: Number) -> float:
        share = (float(v) - low_f) / span
        return top + (share if invert else 1 - share) * plot_h

    def x_of(k: int) -> float:
        # Points sit ``pad`` inside the axis so their labels clear the tick labels.
        return left + pad + (k * step if len(x_labels) > 1 else plot_w / 2)

    body: list[str] = []
    for tick in ticks or (low, high):
        y = y_of(tick)
        body.append(
            f'<line x1="{left}" y1="{_f(y)}" x2="{WIDTH - right}" y2="{_f(y)}" stroke="{GRID}"/>'
        )
        body.append(_text(left - 6, y + 4, f"{float(tick):g}", text_anchor="end", fill=MUTED))
    for k, label in enumerate(x_labels):
        body.append(_text(x_of(k), top + plot_h + 22, label, text_anchor="middle"))
    for n, s in enumerate(series):
        colour = LINE_COLOURS[n % len(LINE_COLOURS)]
        points = [(x_of(k), y_of(v), v) for k, v in enumerate(s.values) if v is not None]
        if len(points) > 1:
            dash = DASHES[n % len(DASHES)]
            path = " ".join(f"{_f(x)},{_f(y)}" for x, y, _ in points)
            body.append(
                f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2.5"'
                f"{_dash(dash)}/>"
            )
        for x, y, v in points:
            body.append(_marker(MARKERS[n % len(MARKERS)], x, y, colour))
            if n == 0:
                text = f"{v:.2f}" if isinstance(v, Decimal | float) else str(v)
                body.append(_text(x, y - 9, text, text_anchor="middle", font_weight="bold"))
    body += _legend([s.name for s in series], height - 18, lines=True)
    return _svg(key, height, title, desc, body)


def grouped_bars(
    *,
    key: str,
    title: str,
    desc: str,
    categories: Sequence[str],
    series: Sequence[Series],
    scale: Number = 100,
) -> SafeString:
    """For each category, one horizontal bar per series, each with its value written after it."""
    bar_h, gap, top, label_w, text_w = 11, 10, 34, 200, 60
    group_h = bar_h * len(series) + gap
    height = top + group_h * max(1, len(categories)) + 6
    plot_w = WIDTH - label_w - text_w
    body = _legend([s.name for s in series], 14, lines=False)
    for k, category in enumerate(categories):
        y0 = top + k * group_h
        body.append(_text(label_w - 8, y0 + group_h / 2, _clip(category, 28), text_anchor="end"))
        for n, s in enumerate(series):
            v = s.values[k]
            y = y0 + n * bar_h
            w = 0.0 if v is None else plot_w * float(v) / float(scale)
            body.append(
                f'<rect x="{label_w}" y="{_f(y)}" width="{_f(w)}" height="{bar_h - 1}" '
                f'fill="{SHADES[n % len(SHADES)]}" stroke="{INK}" stroke-width="0.5"/>'
            )
            body.append(
                _text(
                    label_w + w + 4, y + bar_h - 2, "–" if v is None else f"{v:.2f}", font_size="10"
                )
            )
    return _svg(key, height, title, desc, body)
