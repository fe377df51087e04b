"""进度 charts painted with QPainter: the running count against the task, a bar per village."""

# QtCharts is not in PySide6-Essentials, and two plain charts need little: each widget keeps the
# series it paints as attributes (the tests read them) and lays itself out from the font.

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import (
    QColor,
    QFontMetrics,
    QPainter,
    QPaintEvent,
    QPalette,
    QPen,
    QPolygonF,
)
from PySide6.QtWidgets import QSizePolicy, QWidget

from app.reports import DailyCount, ProgressRow

LINE = QColor(25, 90, 170)
FILL = QColor(25, 90, 170, 40)
TASK = QColor(176, 0, 32)
GRID = QColor(222, 222, 222)
AXIS = QColor(120, 120, 120)
COMPLETION = QColor(25, 90, 170)
PARTICIPATION = QColor(120, 150, 185)
DONE = QColor(27, 127, 42)  # a village at or past its task
NO_FIGURE = "—"


def nice_step(top: float, ticks: int = 5) -> int:
    """A round step (1, 2 or 5 × 10ⁿ) that cuts 0..`top` into about `ticks` gridlines."""
    raw = max(top / ticks, 1.0)
    power = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 5, 10):
        if raw <= factor * power:
            return int(factor * power)
    return int(10 * power)  # pragma: no cover - the loop always returns


class _Chart(QWidget):
    """A chart painted by `_paint` on the view's base colour, antialiased."""

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        try:
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            painter.fillRect(self.rect(), self.palette().color(QPalette.ColorRole.Base))
            self._paint(painter)
        finally:
            painter.end()

    def _paint(self, painter: QPainter) -> None:
        raise NotImplementedError


class DailyChart(_Chart):
    """累计缴款人数 by business day as a step line, against the task (任务数) as a dashed line.

    Days without receipts keep the count of the day before; the line runs on flat to the
    business date, so a week with nobody collected shows as a week."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.days: list[date] = []  # days with receipts, in order
        self.collected: list[int] = []  # people collected on each of those days
        self.cumulative: list[int] = []  # the running total the line draws
        self.target: int | None = None  # the task line; None: no task set
        self.until: date | None = None
        self.setObjectName("daily-chart")
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(280, 180)

    def set_data(
        self, daily: Sequence[DailyCount], target: int | None, until: date | None = None
    ) -> None:
        self.days = [d.day for d in daily]
        self.collected = [d.collected for d in daily]
        self.cumulative = [d.cumulative for d in daily]
        self.target = target or None
        self.until = until
        self.update()

    def sizeHint(self) -> QSize:
        return QSize(420, 260)

    @property
    def span(self) -> tuple[date, date] | None:
        """The first and last day on the x axis."""
        if not self.days:
            return None
        last = max(self.days[-1], self.until) if self.until else self.days[-1]
        return self.days[0], last

    def _paint(self, painter: QPainter) -> None:
        metrics = QFontMetrics(self.font())
        line = metrics.height()
        span = self.span
        top_value = max([self.target or 0, *self.cumulative, 1])
        step = nice_step(top_value * 1.1)
        y_max = step * math.ceil(top_value * 1.1 / step)
        left = metrics.horizontalAdvance(str(y_max)) + 12
        # Room on the right for half the last date's label.
        right = metrics.horizontalAdvance("00-00") // 2 + 12
        plot = QRectF(left, line * 2.2, self.width() - left - right, self.height() - line * 4.0)
        if plot.width() < 40 or plot.height() < 40:
            return

        def y_of(value: float) -> float:
            return plot.bottom() - value / y_max * plot.height()

        # Legend first: it says what the two lines are before the eye reaches them.
        self._legend(painter, metrics, plot.left(), line * 0.2)
        for value in range(0, y_max + 1, step):
            y = y_of(value)
            painter.setPen(QPen(GRID, 1))
            painter.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y))
            painter.setPen(AXIS)
            painter.drawText(
                QRectF(0, y - line / 2, left - 6, line),
                int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter),
                str(value),
            )
        painter.setPen(QPen(AXIS, 1))
        painter.drawLine(plot.bottomLeft(), plot.bottomRight())
        painter.drawLine(plot.bottomLeft(), plot.topLeft())
        if self.target is not None:
            y = y_of(self.target)
            pen = QPen(TASK, 2, Qt.PenStyle.DashLine)
            painter.setPen(pen)
            painter.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y))
            painter.drawText(
                QRectF(plot.left(), y - line - 2, plot.width() - 4, line),
                int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignBottom),
                self.tr("Task {target}").format(target=self.target),
            )
        if span is None:
            painter.setPen(AXIS)
            painter.drawText(plot, int(Qt.AlignmentFlag.AlignCenter), self.tr("No payments yet"))
            return
        first, last = span
        days = max((last - first).days, 1)

        def x_of(day: date) -> float:
            return plot.left() + (day - first).days / days * plot.width()

        self._dates(painter, metrics, plot, first, last, x_of)
        points = [QPointF(x_of(first), y_of(0))]
        for i, day in enumerate(self.days):
            x = x_of(day)
            if i:
                points.append(QPointF(x, y_of(self.cumulative[i - 1])))
            points.append(QPointF(x, y_of(self.cumulative[i])))
        points.append(QPointF(x_of(last), y_of(self.cumulative[-1])))
        area = QPolygonF([*points, QPointF(x_of(last), y_of(0))])
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(FILL)
        painter.drawPolygon(area)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.setPen(QPen(LINE, 2))
        painter.drawPolyline(QPolygonF(points))
        painter.setBrush(LINE)
        for day, value in zip(self.days, self.cumulative, strict=True):
            painter.drawEllipse(QPointF(x_of(day), y_of(value)), 2.5, 2.5)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        end = self.tr("{count} people").format(count=self.cumulative[-1])
        width = metrics.horizontalAdvance(end) + 6
        x = min(x_of(last) - width, plot.right() - width)
        painter.setPen(LINE)
        painter.drawText(
            QRectF(x, y_of(self.cumulative[-1]) - line - 2, width, line),
            int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignBottom),
            end,
        )

    def _legend(self, painter: QPainter, metrics: QFontMetrics, x: float, y: float) -> None:
        line = metrics.height()
        items = [(QPen(LINE, 2), self.tr("Collected to date"))]
        if self.target is not None:
            items.append((QPen(TASK, 2, Qt.PenStyle.DashLine), self.tr("Task (total)")))
        else:
            items.append((QPen(AXIS, 1), self.tr("No task set")))
        for pen, text in items:
            painter.setPen(pen)
            if pen.color() != AXIS:
                painter.drawLine(QPointF(x, y + line / 2), QPointF(x + 22, y + line / 2))
                x += 28
            painter.setPen(AXIS if pen.color() == AXIS else QColor(40, 40, 40))
            painter.drawText(QPointF(x, y + metrics.ascent()), text)
            x += metrics.horizontalAdvance(text) + 18

    @staticmethod
    def _dates(
        painter: QPainter,
        metrics: QFontMetrics,
        plot: QRectF,
        first: date,
        last: date,
        x_of: Callable[[date], float],
    ) -> None:
        """Day labels under the axis, as many as fit without touching (always the first and
        the last)."""
        label = metrics.horizontalAdvance("00-00") + 16
        days = (last - first).days
        fit = max(int(plot.width() // label), 2)
        every = max(math.ceil(days / (fit - 1)), 1) if days else 1
        marks = list(range(0, days + 1, every))
        if marks[-1] != days:
            # The last day always shows; the mark before it goes if the two would touch.
            near = (days - marks[-1]) / max(days, 1) * plot.width() < label
            if near and len(marks) > 1:
                marks.pop()
            marks.append(days)
        painter.setPen(AXIS)
        for offset in marks:
            day = date.fromordinal(first.toordinal() + offset)
            x = x_of(day)
            painter.drawLine(QPointF(x, plot.bottom()), QPointF(x, plot.bottom() + 4))
            painter.drawText(
                QRectF(x - label / 2, plot.bottom() + 5, label, metrics.height()),
                int(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop),
                f"{day.month:02d}-{day.day:02d}",
            )


@dataclass(frozen=True, slots=True)
class Bar:
    """One village's bar: completion against its task, or participation when it has none."""

    name: str
    percent: float | None
    basis: str  # "completion" (已参保 ÷ 任务数) or "participation" (已参保 ÷ 实际人数)


def bars_of(villages: Sequence[ProgressRow]) -> list[Bar]:
    return [
        Bar(v.name, v.completion, "completion")
        if v.target
        else Bar(v.name, v.participation, "participation")
        for v in villages
    ]


class VillageBars(_Chart):
    """A horizontal bar per village, the percent at the bar's end and a dashed line at 100%.
    Grows tall with the villages (it sits in a scroll area); `current` is the village selected
    in the table, shaded. (The participation target is not drawn: most bars are completion,
    against the task, and the table colours a participation below target.)"""

    NAME_CHARS = 8  # longer village names are elided

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.bars: list[Bar] = []
        self.current = -1
        self.setObjectName("village-bars")
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)

    def set_data(self, bars: Sequence[Bar]) -> None:
        self.bars = list(bars)
        self.current = -1
        self.setFixedHeight(self._height())
        self.update()

    def set_current(self, index: int) -> None:
        if index != self.current:
            self.current = index
            self.update()

    @property
    def row_height(self) -> int:
        return QFontMetrics(self.font()).height() + 10

    @property
    def header_height(self) -> int:
        # The legend's two lines, then the 100% mark's label over the bars.
        return QFontMetrics(self.font()).height() * 3 + 10

    def row_top(self, index: int) -> int:
        return self.header_height + index * self.row_height

    def _height(self) -> int:
        return self.header_height + max(len(self.bars), 1) * self.row_height + 6

    def sizeHint(self) -> QSize:
        return QSize(420, self._height())

    def _paint(self, painter: QPainter) -> None:
        metrics = QFontMetrics(self.font())
        line = metrics.height()
        self._legend(painter, metrics)
        if not self.bars:
            painter.setPen(AXIS)
            painter.drawText(
                QRectF(0, self.header_height, self.width(), self.row_height),
                int(Qt.AlignmentFlag.AlignCenter),
                self.tr("No villages"),
            )
            return
        name_width = min(
            max(metrics.horizontalAdvance(b.name) for b in self.bars),
            metrics.horizontalAdvance("村" * self.NAME_CHARS),
        )
        label_width = metrics.horizontalAdvance("100.0%") + 10
        x0 = name_width + 16
        room = max(self.width() - x0 - label_width - 8, 20)
        scale = max(100.0, *(b.percent or 0.0 for b in self.bars))
        top, bottom = self.row_top(0), self.row_top(len(self.bars))
        for i, bar in enumerate(self.bars):
            y = self.row_top(i)
            if i == self.current:
                painter.fillRect(
                    QRectF(0, y, self.width(), self.row_height),
                    self.palette().color(QPalette.ColorRole.Highlight).lighter(180),
                )
            painter.setPen(QColor(40, 40, 40))
            painter.drawText(
                QRectF(4, y, name_width + 4, self.row_height),
                int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter),
                metrics.elidedText(bar.name, Qt.TextElideMode.ElideRight, name_width + 4),
            )
            width = (bar.percent or 0.0) / scale * room
            color = COMPLETION if bar.basis == "completion" else PARTICIPATION
            if bar.basis == "completion" and (bar.percent or 0.0) >= 100:
                color = DONE
            bar_rect = QRectF(x0, y + 4, width, self.row_height - 8)
            painter.fillRect(bar_rect, color)
            text = NO_FIGURE if bar.percent is None else f"{bar.percent:.1f}%"
            painter.setPen(color if bar.percent is not None else AXIS)
            painter.drawText(
                QRectF(x0 + width + 4, y, label_width, self.row_height),
                int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
                text,
            )
        # The task's mark over the bars.
        x100 = x0 + 100 / scale * room
        painter.setPen(QPen(TASK, 1, Qt.PenStyle.DashLine))
        painter.drawLine(QPointF(x100, top - 2), QPointF(x100, bottom))
        painter.drawText(
            QRectF(x100 - 40, top - line - 2, 80, line),
            int(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignBottom),
            "100%",
        )

    def _legend(self, painter: QPainter, metrics: QFontMetrics) -> None:
        # One item a line: the chart is narrow beside the day chart and the special list.
        y = 2.0
        box = metrics.ascent() - 2
        for color, text in (
            (COMPLETION, self.tr("Completion (enrolled ÷ task)")),
            (PARTICIPATION, self.tr("Participation (villages without a task)")),
        ):
            painter.fillRect(QRectF(4, y + metrics.ascent() - box, box, box), color)
            painter.setPen(QColor(40, 40, 40))
            painter.drawText(QPointF(8 + box, y + metrics.ascent()), text)
            y += metrics.height() + 2
