//! Lessons: Rhai scripts whose prose lives in `//!` comment lines (Markdown). A prose block
//! and the code after it form a cell; `klab run` prints each block when execution first
//! reaches it, then the output of the code that follows, like a notebook run top to bottom.
//!
//! The file stays one Rhai program (variables flow between cells): each prose block's first
//! line becomes a `__cell(N);` call and its other lines become empty, so every code line
//! keeps its line and column for error messages.

use crate::cluster::Cluster;
use crate::output::Output;
use crate::script::{Failure, ScriptLimits, Session, SessionOptions};
use crate::sim::SimTime;
use crate::timeline::{self, Group, State};
use std::collections::BTreeMap;
use std::ops::RangeInclusive;
use std::path::Path;

/// The marker that starts a prose line.
pub const PROSE_MARKER: &str = "//!";

/// One prose block.
#[derive(Clone, Debug, PartialEq)]
pub struct Prose {
    /// 1-based lines of the file the block spans (blank lines inside included).
    pub lines: RangeInclusive<usize>,
    /// The text with the markers removed (Markdown).
    pub text: String,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Lesson {
    /// The program to run: the file with each prose block turned into `__cell(N);`.
    pub code: String,
    pub prose: Vec<Prose>,
}

impl Lesson {
    /// Splits a script into prose blocks and the program that runs them. A script without
    /// prose is a lesson with no cells: its code is the file unchanged.
    pub fn parse(source: &str) -> Lesson {
        let lines: Vec<&str> = source.split('\n').collect();
        let prose_at = prose_lines(&lines);
        let mut code: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
        let mut prose = Vec::new();
        let mut i = 0;
        while i < lines.len() {
            if !prose_at[i] {
                i += 1;
                continue;
            }
            // The block runs to its last prose line; blank lines between prose lines belong to it.
            let start = i;
            let mut end = i;
            let mut j = i + 1;
            while j < lines.len() && (prose_at[j] || lines[j].trim().is_empty()) {
                if prose_at[j] {
                    end = j;
                }
                j += 1;
            }
            let text: Vec<&str> = (start..=end)
                .map(|k| {
                    if prose_at[k] {
                        strip_marker(lines[k])
                    } else {
                        ""
                    }
                })
                .collect();
            for line in code.iter_mut().take(end + 1).skip(start) {
                line.clear();
            }
            code[start] = format!("__cell({});", prose.len());
            prose.push(Prose {
                lines: start + 1..=end + 1,
                text: text.join("\n"),
            });
            i = end + 1;
        }
        Lesson {
            code: code.join("\n"),
            prose,
        }
    }
}

impl Lesson {
    /// The code of each cell as the file shows it, blank lines around it dropped: first
    /// the code before the first prose block, then the code after each block up to the
    /// next one.
    pub fn cell_code(&self, source: &str) -> (String, Vec<String>) {
        let lines: Vec<&str> = source.split('\n').collect();
        let starts: Vec<usize> = self.prose.iter().map(|p| p.lines.start() - 1).collect();
        let preamble = code_between(&lines, 0, starts.first().copied().unwrap_or(lines.len()));
        let cells = self
            .prose
            .iter()
            .enumerate()
            .map(|(i, p)| {
                let end = starts.get(i + 1).copied().unwrap_or(lines.len());
                code_between(&lines, *p.lines.end(), end)
            })
            .collect();
        (preamble, cells)
    }
}

/// Lines [from, to) (0-based), without the blank lines around them.
fn code_between(lines: &[&str], from: usize, to: usize) -> String {
    let part = &lines[from.min(lines.len())..to.min(lines.len()).max(from.min(lines.len()))];
    let text: Vec<&str> = part.iter().map(|l| l.trim_end_matches('\r')).collect();
    text.join("\n").trim_matches('\n').trim_end().to_string()
}

/// The text of a prose line: after the marker and one space.
fn strip_marker(line: &str) -> &str {
    let rest = line.trim_start().strip_prefix(PROSE_MARKER).unwrap_or("");
    let rest = rest.strip_prefix(' ').unwrap_or(rest);
    rest.trim_end_matches('\r')
}

/// Which lines are prose: they start with the marker and do not sit inside a string
/// literal or a block comment (a YAML document in a backtick string may hold anything).
fn prose_lines(lines: &[&str]) -> Vec<bool> {
    let mut state = Lex::Code;
    lines
        .iter()
        .map(|line| {
            let is_prose = state == Lex::Code && line.trim_start().starts_with(PROSE_MARKER);
            if !is_prose {
                state = scan_line(line, state);
            }
            is_prose
        })
        .collect()
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Lex {
    Code,
    /// Inside `"…"` continued with a trailing backslash.
    Quoted,
    /// Inside a back-ticked multi-line string.
    Backtick,
    /// Inside `/* … */`, which nests in Rhai.
    Comment(u32),
}

/// The lexical state after `line`, starting in `state`.
fn scan_line(line: &str, mut state: Lex) -> Lex {
    let chars: Vec<char> = line.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let (c, next) = (chars[i], chars.get(i + 1).copied());
        match state {
            Lex::Code => match (c, next) {
                ('/', Some('/')) => return Lex::Code,
                ('/', Some('*')) => {
                    state = Lex::Comment(1);
                    i += 1;
                }
                ('"', _) => state = Lex::Quoted,
                ('`', _) => state = Lex::Backtick,
                ('\'', _) => {
                    // A character literal: skip to its closing quote.
                    i += 1;
                    while i < chars.len() && chars[i] != '\'' {
                        i += if chars[i] == '\\' { 2 } else { 1 };
                    }
                }
                _ => {}
            },
            Lex::Quoted => match c {
                '\\' => i += 1,
                '"' => state = Lex::Code,
                _ => {}
            },
            Lex::Backtick => {
                if c == '`' {
                    state = Lex::Code;
                }
            }
            Lex::Comment(depth) => match (c, next) {
                ('*', Some('/')) => {
                    state = if depth == 1 {
                        Lex::Code
                    } else {
                        Lex::Comment(depth - 1)
                    };
                    i += 1;
                }
                ('/', Some('*')) => {
                    state = Lex::Comment(depth + 1);
                    i += 1;
                }
                _ => {}
            },
        }
        i += 1;
    }
    // A quoted string continues only after a trailing backslash.
    if state == Lex::Quoted && !line.trim_end_matches('\r').ends_with('\\') {
        state = Lex::Code;
    }
    state
}

/// What one cell did when the lesson ran, for the HTML notebook: its output and the pods'
/// lanes over the simulated time it spanned.
#[derive(Clone, Debug)]
pub struct CellRun {
    /// The prose block that opened the cell; None for code before the first block.
    pub prose: Option<usize>,
    /// What the cell's code printed (kubectl tables, `print`, errors), as written.
    pub output: String,
    /// When the cell began and ended, and when its cluster started (the time axis shows
    /// time since then, as `timeline()` does).
    pub from: SimTime,
    pub to: SimTime,
    pub origin: SimTime,
    /// The pods that existed at some point of the cell, in `timeline::grouped` order.
    pub lanes: Vec<CellLane>,
}

/// One pod's part in a cell.
#[derive(Clone, Debug, PartialEq)]
pub struct CellLane {
    /// Its owner (`daemonset/web`) or `(no owner)`.
    pub group: String,
    /// Its name (with the namespace outside `default`).
    pub label: String,
    /// Its state when the cell began.
    pub entry: State,
    /// Its changes while the cell ran, in order (several may share an instant).
    pub changes: Vec<(SimTime, State)>,
}

/// The cell being run.
#[derive(Clone, Debug)]
struct OpenCell {
    prose: Option<usize>,
    /// `Output::written` when its output began.
    output_from: u64,
    from: SimTime,
    /// Store changes so far: fewer at the end means `cluster(...)` replaced the cluster.
    changes: u64,
    /// Each pod's recorded changes when the cell began: what came later is the cell's.
    seen: BTreeMap<(String, String), usize>,
}

/// Cell boundaries as a lesson runs (`Session::record_cells`). Each boundary closes the
/// open cell right away, so a later `cluster(...)` cannot take its pods' history with it.
#[derive(Clone, Debug, Default)]
pub struct CellLog {
    pub cells: Vec<CellRun>,
    open: Option<OpenCell>,
}

impl CellLog {
    /// Starts the cell of prose block `prose` (None: the code before any prose), closing
    /// the open one at `output_to`; the new cell's output begins at `output_from`.
    pub fn enter(
        &mut self,
        prose: Option<usize>,
        output_to: u64,
        output_from: u64,
        cluster: &Cluster,
        output: &Output,
    ) {
        self.close(output_to, cluster, output);
        self.open = Some(OpenCell {
            prose,
            output_from,
            from: cluster.now(),
            changes: cluster.stats.changes,
            seen: cluster
                .timeline
                .lanes()
                .map(|((ns, name), lane)| ((ns.to_string(), name.to_string()), lane.changes.len()))
                .collect(),
        });
    }

    /// Closes the open cell at the current end of the output (the run is over).
    pub fn finish(&mut self, cluster: &Cluster, output: &Output) {
        self.close(output.written(), cluster, output);
    }

    fn close(&mut self, output_to: u64, cluster: &Cluster, output: &Output) {
        let Some(open) = self.open.take() else {
            return;
        };
        let to = cluster.now();
        let replaced = cluster.stats.changes < open.changes || to < open.from;
        let (from, seen) = if replaced {
            (cluster.world.start, BTreeMap::new())
        } else {
            (open.from.max(cluster.world.start), open.seen)
        };
        let mut parts: BTreeMap<String, (State, Vec<(SimTime, State)>)> = BTreeMap::new();
        for ((ns, name), lane) in cluster.timeline.lanes() {
            let before = seen
                .get(&(ns.to_string(), name.to_string()))
                .copied()
                .unwrap_or(0)
                .min(lane.changes.len());
            let entry = before
                .checked_sub(1)
                .map_or(State::Gone, |i| lane.changes[i].1);
            let during = lane.changes[before..].to_vec();
            if entry != State::Gone || during.iter().any(|(_, s)| *s != State::Gone) {
                parts.insert(timeline::lane_label(ns, name), (entry, during));
            }
        }
        let lanes = timeline::grouped(&cluster.timeline, Group::Owner)
            .into_iter()
            .filter_map(|(group, label, _)| {
                let (entry, changes) = parts.remove(&label)?;
                Some(CellLane {
                    group,
                    label,
                    entry,
                    changes,
                })
            })
            .collect();
        self.cells.push(CellRun {
            prose: open.prose,
            output: written_between(output, open.output_from, output_to),
            from,
            to,
            origin: cluster.world.start,
            lanes,
        });
    }
}

/// The text written between two `Output::written` marks (what the transcript still holds).
fn written_between(output: &Output, from: u64, to: u64) -> String {
    let transcript = output.transcript();
    let end = output.written();
    let index = |mark: u64| {
        let back = usize::try_from(end.saturating_sub(mark)).unwrap_or(usize::MAX);
        transcript.len().saturating_sub(back)
    };
    transcript
        .get(index(from)..index(to.max(from)))
        .unwrap_or_default()
        .to_string()
}

/// How a run ended: Ok, or the failure that stopped it.
pub type RunResult = Result<(), Failure>;

/// How `klab run` and `klab test` run a file.
#[derive(Clone)]
pub struct RunOptions {
    pub seed: u64,
    pub output: Output,
    pub limits: ScriptLimits,
    /// Wait for Enter before each cell.
    pub step: bool,
    /// Folders beyond the file's own that it may read (`--allow-read`).
    pub allow_read: Vec<std::path::PathBuf>,
}

impl RunOptions {
    pub fn new(seed: u64, output: Output) -> Self {
        RunOptions {
            seed,
            output,
            limits: ScriptLimits::default(),
            step: false,
            allow_read: Vec::new(),
        }
    }
}

/// Runs one script or lesson file in a fresh session (a fresh default cluster seeded by
/// `options.seed`), with paths relative to the file's folder. Output goes to
/// `options.output`; the failure, if any, is returned for the caller to show.
pub fn run_file(path: &Path, options: &RunOptions) -> Result<(), Failure> {
    run_file_session(path, options)?.1
}

/// As `run_file`, keeping the session afterwards (for `--then-repl` and `--timeline`):
/// Err only if the file cannot be read; the run's own result is the second item.
pub fn run_file_session(
    path: &Path,
    options: &RunOptions,
) -> Result<(Session, Result<(), Failure>), Failure> {
    run_file_with(path, options, false)
}

/// As `run_file_session`, also keeping what each cell printed and its pods' lanes (for
/// `klab run --html`): the cells are the third item.
pub fn run_file_cells(
    path: &Path,
    options: &RunOptions,
) -> Result<(Session, RunResult, Vec<CellRun>), Failure> {
    let (session, result) = run_file_with(path, options, true)?;
    let cells = session.take_cells();
    Ok((session, result, cells))
}

fn run_file_with(
    path: &Path,
    options: &RunOptions,
    record_cells: bool,
) -> Result<(Session, Result<(), Failure>), Failure> {
    let source = std::fs::read_to_string(path)
        .map_err(|e| Failure::message(format!("cannot read {}: {e}", path.display())))?;
    let base_dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => std::path::PathBuf::from("."),
    };
    let mut session = Session::new(SessionOptions {
        seed: options.seed,
        base_dir,
        output: options.output.clone(),
        limits: options.limits.clone(),
        step: options.step,
        allow_read: options.allow_read.clone(),
    });
    if record_cells {
        session.record_cells();
    }
    let result = session
        .run(&path.display().to_string(), &source)
        .map(|_| ());
    Ok((session, result))
}

/// A lesson's title (its first `# ` heading) and section headings (`## `), for
/// `klab lessons`.
pub fn outline(source: &str) -> (Option<String>, Vec<String>) {
    let lesson = Lesson::parse(source);
    let mut title = None;
    let mut sections = Vec::new();
    for prose in &lesson.prose {
        for line in prose.text.lines() {
            if let Some(t) = line.strip_prefix("# ") {
                title.get_or_insert_with(|| t.trim().to_string());
            } else if let Some(t) = line.strip_prefix("## ") {
                sections.push(t.trim().to_string());
            }
        }
    }
    (title, sections)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prose_blocks_become_cell_calls_on_the_same_lines() {
        let source = "//! # Title\n//!\n//! Intro.\nlet x = 1;\n\n//! Next\n\nprint(x);\n";
        let lesson = Lesson::parse(source);
        assert_eq!(
            lesson.code,
            "__cell(0);\n\n\nlet x = 1;\n\n__cell(1);\n\nprint(x);\n"
        );
        assert_eq!(lesson.prose.len(), 2);
        assert_eq!(lesson.prose[0].text, "# Title\n\nIntro.");
        assert_eq!(lesson.prose[0].lines, 1..=3);
        assert_eq!(lesson.prose[1].text, "Next");
        assert_eq!(lesson.prose[1].lines, 6..=6);
    }

    #[test]
    fn each_cell_has_the_code_between_its_prose_and_the_next() {
        let source = "let a = 1;\n\n//! one\n\nlet b = 2;\nb += 1;\n\n//! two\n//! more\n";
        let lesson = Lesson::parse(source);
        assert_eq!(
            lesson.cell_code(source),
            (
                "let a = 1;".to_string(),
                vec!["let b = 2;\nb += 1;".to_string(), String::new()]
            )
        );
    }

    #[test]
    fn blank_lines_between_prose_lines_join_one_block() {
        let lesson = Lesson::parse("//! a\n\n//! b\nlet x = 1;");
        assert_eq!(lesson.prose.len(), 1);
        assert_eq!(lesson.prose[0].text, "a\n\nb");
    }

    #[test]
    fn markers_inside_strings_and_block_comments_are_not_prose() {
        let source = "let y = `\n//! not prose\n`;\n/* \n//! nor this\n*/\nlet s = \"a\\\n//! nor this\";\n//! prose";
        let lesson = Lesson::parse(source);
        assert_eq!(lesson.prose.len(), 1);
        assert_eq!(lesson.prose[0].text, "prose");
        assert_eq!(lesson.prose[0].lines, 9..=9);
    }

    #[test]
    fn the_outline_is_the_first_title_and_the_section_headings() {
        let source =
            "//! # StatefulSet\n//! Intro\nlet x = 1;\n//! ## Scale up\nx;\n//! ## Delete\n";
        assert_eq!(
            outline(source),
            (
                Some("StatefulSet".to_string()),
                vec!["Scale up".to_string(), "Delete".to_string()]
            )
        );
    }

    #[test]
    fn a_script_without_prose_is_unchanged() {
        let source = "let x = 1; // a comment\n/// doc\nfn f() {}\n";
        assert_eq!(Lesson::parse(source).code, source);
    }

    #[test]
    fn code_lines_keep_their_text_so_positions_stay_the_users() {
        let source = "  //! indented prose\n  let x = 1;\r\n";
        let lesson = Lesson::parse(source);
        assert_eq!(lesson.code.split('\n').nth(1), Some("  let x = 1;\r"));
        assert_eq!(lesson.prose[0].text, "indented prose");
    }
}
