//! What happened to each pod over simulated time, for `timeline()`, `:timeline`,
//! `klab run --timeline` and the HTML notebook's SVG.
//!
//! `Recorder` is fed every change of the store's watch log (one call in the cluster loop)
//! and keeps, per pod name, the instants its state changed. It is bounded: past
//! `MAX_CHANGES` transitions it stops taking new pods (and says so), so a long CronJob run
//! cannot grow it without limit. Rendering reads it and never touches the store.

use crate::api::Object;
use crate::cluster::Cluster;
use crate::sim::SimTime;
use crate::store::{WatchEvent, WatchType};
use std::collections::BTreeMap;

/// Transitions kept in all; new pods past this are not recorded.
pub const MAX_CHANGES: usize = 50_000;

/// A pod's state as the timeline draws it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum State {
    Pending,
    Creating,
    Running,
    Ready,
    Terminating,
    Succeeded,
    Failed,
    /// The pod object is gone (a StatefulSet may bring the name back).
    Gone,
}

pub const STATES: [State; 7] = [
    State::Pending,
    State::Creating,
    State::Running,
    State::Ready,
    State::Terminating,
    State::Succeeded,
    State::Failed,
];

impl State {
    pub fn label(self) -> &'static str {
        match self {
            State::Pending => "Pending",
            State::Creating => "creating",
            State::Running => "running",
            State::Ready => "ready",
            State::Terminating => "terminating",
            State::Succeeded => "succeeded",
            State::Failed => "failed",
            State::Gone => "gone",
        }
    }

    pub fn glyph(self, plain: bool) -> char {
        match (self, plain) {
            (State::Pending, false) => '·',
            (State::Creating, false) => '░',
            (State::Running, false) => '▒',
            (State::Ready, false) => '█',
            (State::Terminating, false) => '▚',
            (State::Succeeded, false) => '▁',
            (State::Failed, false) => '╳',
            (State::Pending, true) => '.',
            (State::Creating, true) => '-',
            (State::Running, true) => '=',
            (State::Ready, true) => '#',
            (State::Terminating, true) => '~',
            (State::Succeeded, true) => '_',
            (State::Failed, true) => 'X',
            (State::Gone, _) => ' ',
        }
    }

    /// ANSI colour for the terminal, and the SVG fill.
    pub fn ansi(self) -> &'static str {
        match self {
            State::Pending => "\x1b[33m",
            State::Creating => "\x1b[36m",
            State::Running => "\x1b[34m",
            State::Ready => "\x1b[32m",
            State::Terminating => "\x1b[35m",
            State::Succeeded => "\x1b[90m",
            State::Failed => "\x1b[31m",
            State::Gone => "",
        }
    }

    pub fn fill(self) -> &'static str {
        match self {
            State::Pending => "#e0b400",
            State::Creating => "#7fc8e8",
            State::Running => "#3b7dd8",
            State::Ready => "#2e9e4f",
            State::Terminating => "#b05cc8",
            State::Succeeded => "#9aa0a6",
            State::Failed => "#d93025",
            State::Gone => "none",
        }
    }

    /// The state a pod object is in.
    pub fn of(pod: &Object) -> State {
        let Object::Pod(p) = pod else {
            return State::Gone;
        };
        if p.metadata.deletion_timestamp.is_some() {
            return State::Terminating;
        }
        let status = p.status.as_ref();
        match status.and_then(|s| s.phase.as_deref()) {
            Some("Succeeded") => State::Succeeded,
            Some("Failed") => State::Failed,
            Some("Running") => {
                let ready = status
                    .and_then(|s| s.conditions.as_ref())
                    .is_some_and(|c| c.iter().any(|c| c.type_ == "Ready" && c.status == "True"));
                if ready {
                    State::Ready
                } else {
                    State::Running
                }
            }
            _ => {
                let scheduled = p.spec.as_ref().is_some_and(|s| s.node_name.is_some());
                if scheduled {
                    State::Creating
                } else {
                    State::Pending
                }
            }
        }
    }
}

/// One pod name's history.
#[derive(Clone, Debug, Default)]
pub struct Lane {
    /// (when, state from then on), in time order; consecutive states differ.
    pub changes: Vec<(SimTime, State)>,
    /// The controller that owns it (`statefulset/web`), or empty.
    pub owner: String,
    /// The node it last ran on, or empty.
    pub node: String,
}

/// The per-pod history, fed from the watch log.
#[derive(Clone, Debug, Default)]
pub struct Recorder {
    /// namespace → pod name → lane: looked up by `&str`, so a change allocates nothing.
    lanes: BTreeMap<String, BTreeMap<String, Lane>>,
    total: usize,
    pub truncated: bool,
}

/// `kind/name` of the controller, kind lower-cased, compared without building it.
fn is_owner(owner: &str, kind: &str, name: &str) -> bool {
    let o = owner.as_bytes();
    kind.is_ascii()
        && o.len() == kind.len() + 1 + name.len()
        && o[kind.len()] == b'/'
        && o[kind.len() + 1..] == *name.as_bytes()
        && o.iter()
            .zip(kind.bytes())
            .all(|(a, k)| *a == k.to_ascii_lowercase())
}

impl Recorder {
    /// Looks at one change of the watch log; only pods matter.
    pub fn record(&mut self, change: &WatchEvent) {
        let obj = &change.object;
        let Object::Pod(p) = &**obj else {
            return;
        };
        let state = if change.kind == WatchType::Deleted {
            State::Gone
        } else {
            State::of(obj)
        };
        let (ns, name) = (obj.namespace(), obj.name());
        let known = self.lanes.get(ns).is_some_and(|m| m.contains_key(name));
        if !known && self.total >= MAX_CHANGES {
            self.truncated = true;
            return;
        }
        if !known {
            self.lanes
                .entry(ns.to_string())
                .or_default()
                .insert(name.to_string(), Lane::default());
        }
        let lane = self
            .lanes
            .get_mut(ns)
            .and_then(|m| m.get_mut(name))
            .expect("inserted above");
        if lane.changes.last().map(|(_, s)| *s) != Some(state) {
            lane.changes.push((change.at, state));
            self.total += 1;
        }
        if let Some(owner) = p
            .metadata
            .owner_references
            .as_ref()
            .and_then(|r| r.iter().find(|r| r.controller == Some(true)))
        {
            if !is_owner(&lane.owner, &owner.kind, &owner.name) {
                lane.owner = format!("{}/{}", owner.kind.to_lowercase(), owner.name);
            }
        }
        if let Some(node) = p.spec.as_ref().and_then(|s| s.node_name.as_deref()) {
            if lane.node != node {
                lane.node = node.to_string();
            }
        }
    }

    /// Lanes by (namespace, name).
    pub fn lanes(&self) -> impl Iterator<Item = ((&str, &str), &Lane)> {
        self.lanes.iter().flat_map(|(ns, m)| {
            m.iter()
                .map(move |(name, lane)| ((ns.as_str(), name.as_str()), lane))
        })
    }

    pub fn is_empty(&self) -> bool {
        self.lanes.is_empty()
    }
}

/// How lanes are grouped.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Group {
    Owner,
    Node,
}

/// The lanes in drawing order: grouped (groups sorted, "no owner" last), names sorted
/// within a group. Each is (group, lane name, lane).
pub fn grouped(rec: &Recorder, group: Group) -> Vec<(String, String, &Lane)> {
    let mut rows: Vec<(String, String, &Lane)> = rec
        .lanes()
        .map(|((ns, name), lane)| {
            let g = match group {
                Group::Owner if lane.owner.is_empty() => "(no owner)".to_string(),
                Group::Owner => lane.owner.clone(),
                Group::Node if lane.node.is_empty() => "(not scheduled)".to_string(),
                Group::Node => lane.node.clone(),
            };
            (g, lane_label(ns, name), lane)
        })
        .collect();
    rows.sort_by(|a, b| {
        (a.0.starts_with('('), &a.0, &a.1).cmp(&(b.0.starts_with('('), &b.0, &b.1))
    });
    rows
}

/// A lane's name: the pod's, with its namespace outside `default`.
pub fn lane_label(ns: &str, name: &str) -> String {
    if ns == "default" {
        name.to_string()
    } else {
        format!("{ns}/{name}")
    }
}

/// The state of `lane` at `t` (Gone before its first change).
pub fn state_at(lane: &Lane, t: SimTime) -> State {
    let i = lane.changes.partition_point(|(at, _)| *at <= t);
    if i == 0 {
        State::Gone
    } else {
        lane.changes[i - 1].1
    }
}

/// The state that covers most of [from, to) in the lane; a state that starts inside the
/// interval wins over one only carried in, so short phases stay visible.
fn dominant(lane: &Lane, from: SimTime, to: SimTime) -> State {
    let start = state_at(lane, from);
    let inside: Vec<State> = lane
        .changes
        .iter()
        .filter(|(at, _)| *at > from && *at < to)
        .map(|(_, s)| *s)
        .filter(|s| *s != State::Gone)
        .collect();
    match inside.first() {
        Some(s) if start == State::Gone || inside.len() > 1 => *s,
        Some(_) | None => start,
    }
}

/// `1m30s`, `2h`, `0s`: elapsed time for the axis.
pub fn short_duration(secs: i64) -> String {
    let (h, m, s) = (secs / 3600, secs / 60 % 60, secs % 60);
    let mut t = String::new();
    if h > 0 {
        t.push_str(&format!("{h}h"));
    }
    if m > 0 {
        t.push_str(&format!("{m}m"));
    }
    if s > 0 || t.is_empty() {
        t.push_str(&format!("{s}s"));
    }
    t
}

/// Options for drawing.
#[derive(Clone, Debug)]
pub struct Style {
    pub width: usize,
    /// ASCII glyphs.
    pub plain: bool,
    /// ANSI colours (only ever with Unicode glyphs on a terminal).
    pub colour: bool,
    pub group: Group,
}

/// The swimlanes of `cluster`'s pods, from the cluster's start to now, as text.
pub fn render_text(cluster: &Cluster, width: usize, plain: bool) -> String {
    render(
        &cluster.timeline,
        cluster.world.start,
        cluster.now(),
        &Style {
            width,
            plain,
            colour: false,
            group: Group::Owner,
        },
    )
}

/// Draws `rec` between `start` and `end` (elapsed times are shown from `start`).
pub fn render(rec: &Recorder, start: SimTime, end: SimTime, style: &Style) -> String {
    if rec.is_empty() {
        return "timeline: no pods so far".to_string();
    }
    let rows = grouped(rec, style.group);
    let label_w = rows
        .iter()
        .map(|(_, l, _)| l.chars().count() + 2)
        .max()
        .unwrap_or(4)
        .clamp(6, 28);
    let cols = style.width.saturating_sub(label_w + 1).max(10);
    let span = (end - start).secs().max(1);
    let at = |c: usize| start + crate::sim::SimDuration::from_secs(span * c as i64 / cols as i64);
    let mut out = String::new();
    let mut current_group = None;
    for (group, label, lane) in &rows {
        if current_group != Some(group) {
            out.push_str(group);
            out.push('\n');
            current_group = Some(group);
        }
        let shown: String = fit(label, label_w - 2);
        out.push_str(&format!("  {shown:<w$} ", w = label_w - 2));
        let mut last_colour = "";
        for c in 0..cols {
            let s = dominant(lane, at(c), at(c + 1));
            if style.colour && !style.plain {
                let colour = s.ansi();
                if colour != last_colour {
                    out.push_str(if colour.is_empty() { "\x1b[0m" } else { colour });
                    last_colour = colour;
                }
            }
            out.push(s.glyph(style.plain));
        }
        if style.colour && !last_colour.is_empty() {
            out.push_str("\x1b[0m");
        }
        // Trailing blanks carry nothing.
        let trimmed = out.trim_end_matches(' ').len();
        out.truncate(trimmed);
        out.push('\n');
    }
    out.push_str(&axis(label_w, cols, span, style.plain));
    out.push('\n');
    let legend: Vec<String> = STATES
        .iter()
        .map(|s| format!("{} {}", s.glyph(style.plain), s.label()))
        .collect();
    // The legend wraps at the width like the lanes.
    let mut line = String::new();
    for item in legend {
        if !line.is_empty() && line.chars().count() + 2 + item.chars().count() > style.width {
            out.push_str(&line);
            out.push('\n');
            line.clear();
        }
        if !line.is_empty() {
            line.push_str("  ");
        }
        line.push_str(&item);
    }
    out.push_str(&line);
    if rec.truncated {
        out.push_str(&format!(
            "\n(only the first {MAX_CHANGES} changes were recorded)"
        ));
    }
    out
}

fn fit(label: &str, w: usize) -> String {
    if label.chars().count() <= w {
        label.to_string()
    } else {
        let head: String = label.chars().take(w.saturating_sub(1)).collect();
        format!("{head}~")
    }
}

/// `|0s       |30s   1m|` under the lanes: ticks at round durations, at least 12
/// columns apart. The line is no wider than the lanes: a label that would run past the
/// last column is written to the left of its tick, so the picture never wraps.
fn axis(label_w: usize, cols: usize, span: i64, plain: bool) -> String {
    const STEPS: &[i64] = &[
        1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400,
    ];
    let tick = if plain { '|' } else { '╵' };
    let per_col = span as f64 / cols as f64;
    let step = STEPS
        .iter()
        .copied()
        .find(|s| *s as f64 / per_col >= 12.0)
        .unwrap_or(span.max(1));
    let mut line: Vec<char> = vec![' '; label_w + 1 + cols];
    let mut t = 0;
    while t <= span {
        // The end of the span is the right edge of the last column.
        let c = ((t as f64 / per_col).round() as usize).min(cols - 1);
        let label: Vec<char> = short_duration(t).chars().collect();
        let mut text = vec![tick];
        let start = if c + 1 + label.len() <= cols {
            text.extend(&label);
            label_w + 1 + c
        } else {
            text.splice(0..0, label.iter().copied());
            (label_w + 1 + c + 1).saturating_sub(text.len())
        };
        // Written only where it keeps a blank after the previous label.
        let free = start > label_w
            && line[start - 1..(start + text.len()).min(line.len())]
                .iter()
                .all(|ch| *ch == ' ');
        if free {
            for (i, ch) in text.into_iter().enumerate() {
                line[start + i] = ch;
            }
        }
        t += step;
    }
    let s: String = line.into_iter().collect();
    s.trim_end().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ClusterConfig;

    fn cluster_with(yaml: &str) -> Cluster {
        let mut c = Cluster::new(ClusterConfig::default());
        let env = crate::kubectl::Env {
            base_dir: std::env::temp_dir(),
            stdin: Some(yaml.to_string()),
            ..Default::default()
        };
        crate::kubectl::run(&mut c, "apply -f -", &env).unwrap();
        c
    }

    const JOB: &str = "apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: count\nspec:\n  completions: 2\n  parallelism: 1\n  template:\n    spec:\n      restartPolicy: Never\n      containers:\n      - name: c\n        image: busybox\n        command: [\"sleep\", \"10\"]\n";
    const POD: &str = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n  - name: c\n    image: nginx\n";

    fn run(c: &mut Cluster, line: &str) {
        let env = crate::kubectl::Env {
            base_dir: std::env::temp_dir(),
            stdin: None,
            ..Default::default()
        };
        crate::kubectl::run(c, line, &env).unwrap();
    }

    #[test]
    fn a_job_with_parallelism_one_shows_its_pods_one_after_another_under_their_owner() {
        let mut c = cluster_with(JOB);
        c.advance(crate::sim::SimDuration::from_secs(60)).unwrap();
        let text = render_text(&c, 60, true);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[0], "job/count", "{text}");
        assert!(lines[1].starts_with("  count-"), "{text}");
        assert!(lines[2].starts_with("  count-"), "{text}");
        // Each pod runs, then stays Succeeded; the second starts after the first ended.
        let first = |l: &str, ch: char| l.find(ch).unwrap();
        let (a, b) = if first(lines[1], '#') < first(lines[2], '#') {
            (lines[1], lines[2])
        } else {
            (lines[2], lines[1])
        };
        assert!(first(a, '_') <= first(b, '#'), "{text}");
        assert!(text.contains("|0s") && text.contains("|30s"), "{text}");
        assert!(text.contains("_ succeeded"));
        assert!(text.lines().all(|l| l.chars().count() <= 60), "{text}");
        assert!(text.is_ascii());
    }

    #[test]
    fn deletion_shows_terminating_then_the_lane_ends() {
        let mut c = cluster_with(POD);
        c.advance(crate::sim::SimDuration::from_secs(30)).unwrap();
        run(&mut c, "delete pod web --wait=false");
        c.advance(crate::sim::SimDuration::from_secs(60)).unwrap();
        let lane = &c.timeline.lanes().find(|(k, _)| k.1 == "web").unwrap().1;
        let states: Vec<State> = lane.changes.iter().map(|(_, s)| *s).collect();
        assert_eq!(
            states,
            [
                State::Pending,
                State::Creating,
                State::Ready,
                State::Terminating,
                State::Gone
            ],
            "{:?}",
            lane.changes
        );
        let unicode = render_text(&c, 80, false);
        assert!(unicode.starts_with("(no owner)\n  web "), "{unicode}");
        assert!(unicode.contains('█'));
    }

    #[test]
    fn the_axis_ends_inside_the_width_with_the_span_labelled() {
        for (cols, span) in [(40, 30), (45, 30), (60, 300), (10, 5), (97, 3600)] {
            let line = axis(18, cols, span, true);
            assert!(
                line.chars().count() <= 18 + 1 + cols,
                "{cols} {span}: {line}"
            );
            assert!(line.contains("|0s"), "{line}");
            let end = format!("{}|", short_duration(span));
            let end_right = format!("|{}", short_duration(span));
            // The span's end is labelled, unless an earlier label holds its place.
            assert!(
                line.ends_with(&end) || line.ends_with(&end_right) || cols < 20,
                "{cols} {span}: {line}"
            );
        }
    }

    #[test]
    fn an_empty_cluster_says_so() {
        let c = Cluster::new(ClusterConfig::default());
        assert_eq!(render_text(&c, 80, true), "timeline: no pods so far");
    }
}
