"""A terminal plot of a schedule: plain text, no dependencies."""

from __future__ import annotations

from collections.abc import Sequence

__all__ = ["text_plot"]


def text_plot(
    values: Sequence[float],
    *,
    first_step: int = 0,
    last_step: int | None = None,
    width: int = 64,
    height: int = 12,
) -> str:
    """Draw ``values`` (sampled evenly from ``first_step`` to ``last_step``) as text.

    Examples:
        >>> print(text_plot([0.0, 0.5, 1.0, 0.5, 0.0], width=5, height=3))
        1       |  *
                | * *
        0       |*   *
                 0   4
    """
    if not values:
        raise ValueError("values must not be empty")
    if last_step is None:
        last_step = first_step + len(values) - 1
    width = min(width, len(values))
    columns = [values[round(i * (len(values) - 1) / max(width - 1, 1))] for i in range(width)]
    low, high = min(values), max(values)
    span = high - low or 1.0
    rows = [[" "] * width for _ in range(height)]
    for x, value in enumerate(columns):
        y = round((value - low) / span * (height - 1))
        rows[height - 1 - y][x] = "*"
    label_width = 8
    lines = []
    for i, row in enumerate(rows):
        label = f"{high:.3g}" if i == 0 else f"{low:.3g}" if i == height - 1 else ""
        lines.append(f"{label:<{label_width}}|{''.join(row)}".rstrip())
    axis = f"{first_step:<{max(width // 2, 1)}}{last_step:>{width - max(width // 2, 1)}}"
    lines.append(" " * (label_width + 1) + axis)
    return "\n".join(lines)
