"""A terminal plot of a schedule: plain text, no dependencies."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

__all__ = ["text_plot"]


def text_plot(
    values: Sequence[float],
    *,
    first_step: int = 0,
    last_step: int | None = None,
    width: int = 64,
    height: int = 12,
    marks: Iterable[int] = (),
) -> str:
    """Draw ``values`` (sampled evenly from ``first_step`` to ``last_step``) as text.

    Each column shows the range of the values that fall in it, so fast oscillations show
    as a band rather than as a few arbitrary samples. ``marks`` are steps (phase
    switches) flagged with ``^`` under the axis.

    Examples:
        >>> print(text_plot([0.0, 0.5, 1.0, 0.5, 0.0], width=5, height=3, marks=[2]))
        1       |  *
                | * *
        0       |*   *
                 0 ^ 4
    """
    if not values:
        raise ValueError("values must not be empty")
    if not all(map(math.isfinite, values)):  # inf or NaN has no row: the scale breaks
        raise ValueError("values must be finite numbers (no inf or NaN)")
    if last_step is None:
        last_step = first_step + len(values) - 1
    n = len(values)
    width = max(min(width, n), 1)
    low, high = min(values), max(values)
    span = high - low or 1.0
    rows = [[" "] * width for _ in range(height)]

    def row_of(value: float) -> int:
        return round((value - low) / span * (height - 1))

    for x in range(width):
        if width == n:
            bucket = values[x : x + 1]
        else:
            lo = x * n // width
            bucket = values[lo : max((x + 1) * n // width, lo + 1)]
        for y in range(row_of(min(bucket)), row_of(max(bucket)) + 1):
            rows[height - 1 - y][x] = "*"
    label_width = 8
    lines: list[str] = []
    for i, row in enumerate(rows):
        label = f"{high:.3g}" if i == 0 else f"{low:.3g}" if i == height - 1 else ""
        lines.append(f"{label:<{label_width}}|{''.join(row)}".rstrip())
    half = max(width // 2, 1)
    axis = list(f"{first_step:<{half}}{last_step:>{width - half}}")
    length = last_step - first_step
    for step in marks:
        if length > 0 and first_step < step < last_step:
            x = round((step - first_step) / length * (width - 1))
            if 0 <= x < len(axis) and axis[x] == " ":
                axis[x] = "^"
    lines.append(" " * (label_width + 1) + "".join(axis).rstrip())
    return "\n".join(lines)
