"""Server-rendered SVG charts: geometry here, markup in the template."""
from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    height: float
    label: str
    value: int


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    bars: list[Bar]
    bar_width: float
    peak: int


def bar_chart(series: list[tuple[date, int]], width: int = 600, height: int = 160) -> Chart:
    """Bars for a daily series, scaled to the highest day."""
    peak = max((value for _, value in series), default=0) or 1
    step = width / max(len(series), 1)
    bars = [Bar(x=i * step, y=height - value / peak * height, height=value / peak * height,
                label=f"{day:%d %b}", value=value) for i, (day, value) in enumerate(series)]
    return Chart(width=width, height=height, bars=bars, bar_width=max(step - 2, 1), peak=peak)
