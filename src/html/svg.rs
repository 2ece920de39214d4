//! One cell's pods as an SVG swimlane picture: a lane per pod under its owner's name,
//! coloured by state (the colours of `timeline::State::fill`), with a time axis of elapsed
//! simulated time. Bars and ticks are placed in percent of the figure's width and names
//! sit above their bars, so the picture fills a phone's screen or a desktop column
//! alike while its text keeps its size.

use super::escape;
use crate::lesson::{CellLane, CellRun};
use crate::sim::SimTime;
use crate::timeline::{self, State};
use std::fmt::Write;

/// A group's heading row, and a lane: its name, then its bar.
const GROUP_H: i64 = 20;
const LANE_H: i64 = 28;
const BAR_H: i64 = 10;
const AXIS_H: i64 = 26;
/// The narrowest the figure gets (`min-width` in html.rs's STYLE): tick spacing assumes it.
const MIN_WIDTH: i64 = 300;

/// The picture of `cell`'s pods over [from, to]; in a cell where no simulated time passed,
/// each pod's state at that instant fills the width.
pub fn cell_timeline(cell: &CellRun) -> String {
    let span = (cell.to - cell.from).secs();
    let mut body = String::new();
    let mut y = 0;
    let mut group = None;
    for lane in &cell.lanes {
        let (g, label) = (&lane.group, &lane.label);
        if group != Some(g) {
            let _ = write!(
                body,
                "<text x=\"0\" y=\"{}\" class=\"group\">{}</text>",
                y + GROUP_H - 6,
                escape(g)
            );
            group = Some(g);
            y += GROUP_H;
        }
        let _ = write!(
            body,
            "<g class=\"lane\"><text x=\"8\" y=\"{}\">{}</text>",
            y + 11,
            escape(label)
        );
        let bar_y = y + LANE_H - BAR_H - 4;
        let _ = write!(
            body,
            "<rect class=\"track\" x=\"0\" y=\"{bar_y}\" width=\"100%\" height=\"{BAR_H}\"/>"
        );
        let pct = |t: SimTime| -> f64 {
            if span <= 0 {
                0.0
            } else {
                100.0 * (t - cell.from).secs() as f64 / span as f64
            }
        };
        let mut rects: Vec<(f64, f64, bool, SimTime, SimTime, State)> = Vec::new();
        let segments = segments(lane, cell.from, cell.to);
        if span <= 0 {
            // No time passed: the state the pod is left in fills the lane.
            if let Some((start, end, state)) = segments.last() {
                rects.push((0.0, 100.0, false, *start, *end, *state));
            }
        }
        for (start, end, state) in segments.iter().filter(|_| span > 0) {
            // A phase shorter than the picture can show (or one that begins just as the
            // cell ends) keeps a sliver, inside the figure.
            let (x0, x1) = (pct(*start), pct(*end));
            let w = (x1 - x0).max(0.8);
            let shifted = x0 > 100.0 - w;
            rects.push((x0.min(100.0 - w), w, shifted, *start, *end, *state));
        }
        // Later segments first, so a sliver widened to the right is drawn over the start
        // of the segment after it; slivers moved left (at the cell's end) come last.
        let order = rects
            .iter()
            .rev()
            .filter(|r| !r.2)
            .chain(rects.iter().filter(|r| r.2));
        for (x0, w, _, start, end, state) in order {
            let _ = write!(
                body,
                "<rect x=\"{x0:.2}%\" y=\"{bar_y}\" width=\"{w:.2}%\" height=\"{BAR_H}\" fill=\"{}\"><title>{} {} {}–{}</title></rect>",
                state.fill(),
                escape(label),
                state.label(),
                timeline::short_duration((*start - cell.origin).secs()),
                timeline::short_duration((*end - cell.origin).secs()),
            );
        }
        body.push_str("</g>");
        y += LANE_H;
    }
    if cell.lanes.is_empty() {
        let _ = write!(
            body,
            "<text x=\"0\" y=\"14\" class=\"none\">no pods at {}</text>",
            timeline::short_duration((cell.to - cell.origin).secs())
        );
        let height = GROUP_H;
        return format!(
            "<svg class=\"lanes\" width=\"100%\" height=\"{height}\" role=\"img\" aria-label=\"{}\">{body}</svg>",
            escape(&summary(cell))
        );
    }
    axis(&mut body, cell, y);
    let height = y + AXIS_H;
    format!(
        "<svg class=\"lanes\" width=\"100%\" height=\"{height}\" role=\"img\" aria-label=\"{}\">{body}</svg>",
        escape(&summary(cell))
    )
}

/// The lane's states through the cell: (start, end, state), Gone left out. The state in
/// force at the end is always there, even if it began only then.
fn segments(lane: &CellLane, from: SimTime, to: SimTime) -> Vec<(SimTime, SimTime, State)> {
    let mut out = Vec::new();
    let mut state = lane.entry;
    let mut start = from;
    for (at, next) in &lane.changes {
        if state != State::Gone {
            out.push((start, *at, state));
        }
        state = *next;
        start = *at;
    }
    if state != State::Gone {
        out.push((start, to, state));
    }
    out
}

/// Ticks at round elapsed times, at least 60 pixels apart at the narrowest width; the
/// first and last labels lean inwards so they stay inside the figure.
fn axis(svg: &mut String, cell: &CellRun, y: i64) {
    const STEPS: &[i64] = &[
        1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400,
    ];
    let top = y + 2;
    let _ = write!(
        svg,
        "<g class=\"axis\"><line x1=\"0\" y1=\"{top}\" x2=\"100%\" y2=\"{top}\"/>"
    );
    let span = (cell.to - cell.from).secs();
    let from = (cell.from - cell.origin).secs();
    if span <= 0 {
        let _ = write!(
            svg,
            "<text x=\"0\" y=\"{}\">at {} (no simulated time passed)</text></g>",
            top + 16,
            timeline::short_duration(from)
        );
        return;
    }
    let step = STEPS
        .iter()
        .copied()
        .find(|s| *s * MIN_WIDTH >= 60 * span)
        .unwrap_or(span);
    let mut t = (from + step - 1) / step * step;
    while t <= from + span {
        let x = 100.0 * (t - from) as f64 / span as f64;
        let anchor = if x < 8.0 {
            "start"
        } else if x > 92.0 {
            "end"
        } else {
            "middle"
        };
        let _ = write!(
            svg,
            "<line x1=\"{x:.2}%\" y1=\"{top}\" x2=\"{x:.2}%\" y2=\"{}\"/><text x=\"{x:.2}%\" y=\"{}\" text-anchor=\"{anchor}\">{}</text>",
            top + 5,
            top + 18,
            timeline::short_duration(t)
        );
        t += step;
    }
    svg.push_str("</g>");
}

/// What the picture shows, for screen readers.
fn summary(cell: &CellRun) -> String {
    let n = cell.lanes.len();
    format!(
        "{n} pod{} from {} to {} of simulated time",
        if n == 1 { "" } else { "s" },
        timeline::short_duration((cell.from - cell.origin).secs()),
        timeline::short_duration((cell.to - cell.origin).secs())
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::SimDuration;

    fn at(secs: i64) -> SimTime {
        SimTime::default() + SimDuration::from_secs(secs)
    }

    fn cell(lanes: Vec<CellLane>, from: i64, to: i64) -> CellRun {
        CellRun {
            prose: Some(0),
            output: String::new(),
            from: at(from),
            to: at(to),
            origin: at(0),
            lanes,
        }
    }

    fn lane(entry: State, changes: &[(i64, State)]) -> CellLane {
        CellLane {
            group: "job/pi".to_string(),
            label: "pi-abcde".to_string(),
            entry,
            changes: changes.iter().map(|(t, s)| (at(*t), *s)).collect(),
        }
    }

    #[test]
    fn a_state_reached_as_the_cell_ends_is_drawn_last_as_a_sliver() {
        let svg = cell_timeline(&cell(
            vec![lane(State::Creating, &[(20, State::Ready)])],
            10,
            20,
        ));
        let ready = svg.find(State::Ready.fill()).unwrap();
        let creating = svg.find(State::Creating.fill()).unwrap();
        assert!(creating < ready, "{svg}");
        assert!(svg.contains("<rect x=\"99.20%\""), "{svg}");
        assert!(svg.contains("aria-label=\"1 pod from 10s to 20s of simulated time\""));
        assert!(
            svg.contains(">10s</text>") && svg.contains(">20s</text>"),
            "{svg}"
        );
    }

    #[test]
    fn with_no_time_passed_the_final_state_fills_the_lane() {
        let svg = cell_timeline(&cell(
            vec![lane(State::Ready, &[(5, State::Terminating)])],
            5,
            5,
        ));
        assert!(
            svg.contains(&format!(
                "<rect x=\"0.00%\" y=\"34\" width=\"100.00%\" height=\"10\" fill=\"{}\">",
                State::Terminating.fill()
            )),
            "{svg}"
        );
        assert!(!svg.contains(State::Ready.fill()), "{svg}");
        assert!(svg.contains("at 5s (no simulated time passed)"));
    }

    #[test]
    fn a_pod_gone_before_the_cell_has_no_bar_and_an_empty_cell_says_so() {
        let svg = cell_timeline(&cell(vec![], 0, 60));
        assert!(svg.contains(">no pods at 1m</text>"), "{svg}");
        assert!(!svg.contains("<rect"));
    }
}
