//! Geometry of a Gantt: one row per bar, x from day offsets at the zoom's scale, links as
//! orthogonal paths, and which rows a viewport shows.

use std::collections::HashMap;

use api::{Gantt, LinkKind};

/// Height of one row, px.
pub const ROW: f64 = 30.0;
/// Height of a bar inside its row, px.
pub const BAR: f64 = 16.0;
/// Rows drawn beyond the viewport on each side, so a fling does not show blanks.
pub const OVERSCAN: usize = 10;

/// Flags of a bar, as the API sets them.
pub const CRITICAL: u8 = 1;
/// A milestone.
pub const MILESTONE: u8 = 2;
/// A phase.
pub const SUMMARY: u8 = 4;
/// Late.
pub const OVERDUE: u8 = 8;

/// Whole pixels for the SVG: shorter attributes and paths than fractions.
pub fn px(v: f64) -> i64 {
    v.round() as i64
}

/// How much time a screen shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Zoom {
    /// Days.
    Day,
    /// Weeks.
    Week,
    /// Months.
    Month,
}

impl Zoom {
    /// Pixels per day.
    pub fn px_per_day(self) -> f64 {
        match self {
            Self::Day => 28.0,
            Self::Week => 8.0,
            Self::Month => 2.5,
        }
    }

    /// Days between grid lines.
    pub fn grid_days(self) -> i32 {
        match self {
            Self::Day => 1,
            Self::Week => 7,
            Self::Month => 30,
        }
    }
}

/// One bar placed.
#[derive(Debug, Clone, PartialEq)]
pub struct Placed {
    /// Index into `Gantt::bars`.
    pub index: usize,
    /// Left edge, px.
    pub x: f64,
    /// Width, px (a milestone is a diamond of the bar's height).
    pub width: f64,
    /// Top of the row, px.
    pub y: f64,
    /// Baseline's left edge and width, px.
    pub baseline: Option<(f64, f64)>,
}

/// A dependency drawn as a polyline.
#[derive(Debug, Clone, PartialEq)]
pub struct Arrow {
    /// SVG path data.
    pub path: String,
    /// Both ends critical.
    pub critical: bool,
}

/// A whole chart's geometry.
#[derive(Debug, Clone, PartialEq)]
pub struct Layout {
    /// Day offset at x = 0.
    pub first_day: i32,
    /// Scale.
    pub zoom: Zoom,
    /// Full width, px.
    pub width: f64,
    /// Full height, px.
    pub height: f64,
    /// Today's x, px.
    pub today_x: f64,
    /// Row of each task id.
    pub rows: HashMap<i64, usize>,
}

impl Layout {
    /// Lays out `gantt` at `zoom`, with a margin of days before the first bar and after the
    /// last (room for labels).
    pub fn new(gantt: &Gantt, zoom: Zoom) -> Self {
        let mut first = gantt.today;
        let mut last = gantt.today;
        for bar in &gantt.bars {
            first = first.min(bar.s);
            last = last.max(bar.s + bar.d.max(1));
            if let Some((bs, bd)) = bar.b {
                first = first.min(bs);
                last = last.max(bs + bd.max(1));
            }
        }
        let first_day = first - 3;
        let per_day = zoom.px_per_day();
        let label_room = 160.0;
        Self {
            first_day,
            zoom,
            width: f64::from(last + 3 - first_day) * per_day + label_room,
            height: ROW * gantt.bars.len() as f64,
            today_x: f64::from(gantt.today - first_day) * per_day,
            rows: gantt
                .bars
                .iter()
                .enumerate()
                .map(|(i, b)| (b.id, i))
                .collect(),
        }
    }

    /// The x of day offset `day`.
    pub fn x(&self, day: i32) -> f64 {
        f64::from(day - self.first_day) * self.zoom.px_per_day()
    }

    /// Bar `index` of `gantt` placed.
    pub fn place(&self, gantt: &Gantt, index: usize) -> Placed {
        let bar = &gantt.bars[index];
        let per_day = self.zoom.px_per_day();
        let width = if bar.f & MILESTONE != 0 {
            BAR
        } else {
            (f64::from(bar.d.max(1)) * per_day).max(2.0)
        };
        Placed {
            index,
            x: self.x(bar.s),
            width,
            y: ROW * index as f64,
            baseline: bar
                .b
                .map(|(s, d)| (self.x(s), (f64::from(d.max(1)) * per_day).max(2.0))),
        }
    }

    /// The rows `[first, last)` to draw for a viewport at `scroll_top` of `view_height`.
    pub fn visible(&self, rows: usize, scroll_top: f64, view_height: f64) -> (usize, usize) {
        let top = (scroll_top.max(0.0) / ROW).floor() as usize;
        let shown = (view_height.max(ROW) / ROW).ceil() as usize + 1;
        let first = top.saturating_sub(OVERSCAN).min(rows);
        let last = (top + shown + OVERSCAN).min(rows);
        (first, last)
    }

    /// The links with an end in rows `[first, last)` or passing through them.
    pub fn arrows(&self, gantt: &Gantt, first: usize, last: usize) -> Vec<Arrow> {
        let per_day = self.zoom.px_per_day();
        gantt
            .links
            .iter()
            .filter_map(|(from, to, kind, _lag)| {
                let (&a, &b) = (self.rows.get(from)?, self.rows.get(to)?);
                if a.max(b) < first || a.min(b) >= last {
                    return None;
                }
                let (pa, pb) = (&gantt.bars[a], &gantt.bars[b]);
                let end = |bar: &api::GanttBar| self.x(bar.s) + f64::from(bar.d.max(1)) * per_day;
                // Where the arrow leaves the predecessor and enters the successor.
                let (x1, x2, into_start) = match kind {
                    LinkKind::StartStart => (self.x(pa.s), self.x(pb.s), true),
                    LinkKind::FinishFinish => (end(pa), end(pb), false),
                    LinkKind::StartFinish => (self.x(pa.s), end(pb), false),
                    LinkKind::FinishStart => (end(pa), self.x(pb.s), true),
                };
                let y1 = ROW * a as f64 + ROW / 2.0;
                let y2 = ROW * b as f64 + ROW / 2.0;
                let step = 6.0;
                let path = if into_start && x2 - step >= x1 + step {
                    let mid = x2 - step;
                    format!("M{},{}H{}V{}H{}", px(x1), px(y1), px(mid), px(y2), px(x2))
                } else {
                    // Around: out, down between the rows, back, in.
                    let out = x1 + step;
                    let back = if into_start { x2 - step } else { x2 + step };
                    let between = if y2 > y1 {
                        y2 - ROW / 2.0
                    } else {
                        y2 + ROW / 2.0
                    };
                    format!(
                        "M{},{}H{}V{}H{}V{}H{}",
                        px(x1),
                        px(y1),
                        px(out),
                        px(between),
                        px(back),
                        px(y2),
                        px(x2)
                    )
                };
                Some(Arrow {
                    path,
                    critical: pa.f & CRITICAL != 0 && pb.f & CRITICAL != 0,
                })
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use api::{GanttBar, TaskStatus};

    fn bar(id: i64, s: i32, d: i32, f: u8) -> GanttBar {
        GanttBar {
            id,
            p: None,
            t: format!("任务{id}"),
            s,
            d,
            pr: 0,
            st: TaskStatus::Todo,
            f,
            fl: 0,
            b: None,
            o: None,
        }
    }

    fn gantt(bars: Vec<GanttBar>, links: Vec<(i64, i64, LinkKind, i32)>) -> Gantt {
        Gantt {
            project_id: 1,
            origin: "2026-12-01".into(),
            today: 5,
            bars,
            links,
            finish: None,
            forecast_finish: None,
            lag_days: 0,
        }
    }

    #[test]
    fn bars_sit_on_their_days_at_each_zoom() {
        let mut with_baseline = bar(2, 4, 3, 0);
        with_baseline.b = Some((2, 3));
        let g = gantt(
            vec![
                bar(1, 0, 4, CRITICAL),
                with_baseline,
                bar(3, 7, 0, MILESTONE),
            ],
            vec![],
        );
        let day = Layout::new(&g, Zoom::Day);
        assert_eq!(day.first_day, -3);
        let p = day.place(&g, 1);
        assert_eq!((p.x, p.width, p.y), (7.0 * 28.0, 3.0 * 28.0, ROW));
        assert_eq!(p.baseline, Some((5.0 * 28.0, 3.0 * 28.0)));
        assert_eq!(day.place(&g, 2).width, BAR, "a milestone is a diamond");
        assert_eq!(day.today_x, 8.0 * 28.0);
        let month = Layout::new(&g, Zoom::Month);
        assert!(month.width < day.width);
        assert_eq!(month.height, 3.0 * ROW);
    }

    #[test]
    fn only_rows_in_sight_and_a_margin_are_drawn() {
        let g = gantt((0..10_000).map(|i| bar(i, 0, 1, 0)).collect(), vec![]);
        let l = Layout::new(&g, Zoom::Week);
        assert_eq!(l.visible(10_000, 0.0, 600.0), (0, 31));
        let (first, last) = l.visible(10_000, ROW * 5_000.0, 600.0);
        assert_eq!((first, last), (4_990, 5_031));
        assert_eq!(l.visible(10_000, ROW * 20_000.0, 600.0), (10_000, 10_000));
        assert_eq!(l.visible(3, 0.0, 600.0), (0, 3));
    }

    #[test]
    fn links_are_drawn_when_they_touch_the_view() {
        let bars = (0..100).map(|i| bar(i, i as i32, 2, CRITICAL)).collect();
        let links = vec![
            (0, 1, LinkKind::FinishStart, 0),
            (2, 90, LinkKind::StartStart, 0),
            (50, 51, LinkKind::FinishFinish, 1),
        ];
        let g = gantt(bars, links);
        let l = Layout::new(&g, Zoom::Day);
        assert_eq!(
            l.arrows(&g, 0, 10).len(),
            2,
            "the one in view and the one passing through"
        );
        assert_eq!(l.arrows(&g, 40, 60).len(), 2);
        let fs = &l.arrows(&g, 0, 2)[0];
        assert!(fs.critical);
        assert!(fs.path.starts_with("M"), "{}", fs.path);
    }

    #[test]
    fn links_to_unknown_tasks_are_skipped() {
        let g = gantt(
            vec![bar(1, 0, 1, 0)],
            vec![(1, 99, LinkKind::FinishStart, 0)],
        );
        assert!(Layout::new(&g, Zoom::Day).arrows(&g, 0, 1).is_empty());
    }
}
