//! How a script failure reads: the message, `file:line:col`, the source line with a caret
//! under the column, the call chain, the simulated time and the command that replays it.
//!
//! ```text
//! error: assert_eq failed: three replicas
//!   actual:   2
//!   expected: 3
//!   --> scripts/sts.rhai:12:1
//!    |
//! 12 | assert_eq(pods("app=web").len(), 3, "three replicas");
//!    | ^
//!    = simulated time: 2026-01-01T00:01:30Z (1m30s after start)
//!    = replay: klab run scripts/sts.rhai --seed 0
//! ```

use crate::sim::{SimDuration, SimTime};
use rhai::{EvalAltResult, ParseError, Position};
use std::fmt;

/// Where in a script something went wrong.
#[derive(Clone, Debug, PartialEq)]
pub struct Location {
    /// The script as the user named it (`scripts/x.rhai`, `<repl>`).
    pub file: String,
    /// 1-based.
    pub line: usize,
    /// 1-based, in characters.
    pub column: usize,
    /// The text of that line, if the source is at hand.
    pub source_line: Option<String>,
}

/// A script that stopped: a syntax error, a failed assertion or an uncaught error.
#[derive(Clone, Debug, PartialEq)]
pub struct Failure {
    /// What went wrong; may span lines (assertions show actual and expected on their own).
    pub message: String,
    pub location: Option<Box<Location>>,
    /// Outer calls, innermost first: `in call to function 'check' at line 20`.
    pub trace: Vec<String>,
    /// The simulated time when it stopped, and how long after the cluster started.
    pub time: Option<(SimTime, SimDuration)>,
    /// The command that runs the script again with the same seed.
    pub replay: Option<String>,
}

impl Failure {
    pub fn message(message: impl Into<String>) -> Failure {
        Failure {
            message: message.into(),
            location: None,
            trace: Vec::new(),
            time: None,
            replay: None,
        }
    }

    /// A Rhai syntax error in `source`.
    pub fn from_parse(err: &ParseError, file: &str, source: &str) -> Failure {
        let message = format!("syntax error: {}", err.0);
        Failure {
            location: locate(err.1, file, source),
            ..Failure::message(message)
        }
    }

    /// A runtime error: the innermost error gives the message and the location; the calls
    /// around it become the trace.
    pub fn from_eval(
        err: &EvalAltResult,
        file: &str,
        source: &str,
        max_operations: u64,
    ) -> Failure {
        let mut trace = Vec::new();
        let mut current = err;
        loop {
            match current {
                EvalAltResult::ErrorInFunctionCall(name, _, inner, pos) => {
                    let what = if name.starts_with("anon$") {
                        "closure".to_string()
                    } else {
                        format!("function '{name}'")
                    };
                    trace.push(format!(
                        "in {what} called at line {}",
                        pos.line().unwrap_or(0)
                    ));
                    current = inner;
                }
                EvalAltResult::ErrorInModule(name, inner, pos) => {
                    trace.push(format!(
                        "in module '{name}' at line {}",
                        pos.line().unwrap_or(0)
                    ));
                    current = inner;
                }
                _ => break,
            }
        }
        let message = error_message(current, max_operations);
        Failure {
            location: locate(current.position(), file, source),
            trace,
            ..Failure::message(message)
        }
    }
}

/// The message of an error without its position: a thrown value as the script threw it
/// (kubectl's text, an assertion's), Rhai's own errors in its words, limits by name.
pub fn error_message(err: &EvalAltResult, max_operations: u64) -> String {
    match err {
        EvalAltResult::ErrorRuntime(value, _) if value.is_string() => value.clone().into_string().unwrap_or_default(),
        EvalAltResult::ErrorRuntime(value, _) if value.is_unit() => "error thrown (no message)".to_string(),
        EvalAltResult::ErrorRuntime(value, _) => format!("error thrown: {value}"),
        EvalAltResult::ErrorTooManyOperations(_) => format!(
            "operation limit reached: the script ran more than {max_operations} operations (an endless loop?); \
             the limit is max_operations, see `klab --help`"
        ),
        EvalAltResult::ErrorStackOverflow(_) => {
            "call depth limit reached: functions nest too deeply (endless recursion?); see `klab --help`".to_string()
        }
        EvalAltResult::ErrorDataTooLarge(what, _) => {
            format!("size limit reached: {what} too large; see `klab --help` for the limits")
        }
        EvalAltResult::ErrorInFunctionCall(_, _, inner, _) | EvalAltResult::ErrorInModule(_, inner, _) => {
            error_message(inner, max_operations)
        }
        other => {
            // Rhai's own wording, without the " (line L, position C)" it appends.
            let text = other.to_string();
            match text.rfind(" (line ") {
                Some(i) if text.ends_with(')') && !other.position().is_none() => text[..i].to_string(),
                _ => text,
            }
        }
    }
}

fn locate(pos: Position, file: &str, source: &str) -> Option<Box<Location>> {
    let line = pos.line()?;
    let column = pos.position().unwrap_or(1);
    let source_line = source
        .lines()
        .nth(line.saturating_sub(1))
        .map(|l| l.trim_end_matches('\r').to_string());
    Some(Box::new(Location {
        file: file.to_string(),
        line,
        column,
        source_line,
    }))
}

/// How many terminal cells a character takes: Hangul, CJK and full-width forms take two
/// (the lessons' strings are Korean), so the caret lands under the right character.
pub fn cell_width(c: char) -> usize {
    let wide = matches!(c as u32,
        0x1100..=0x115F | 0x2E80..=0x303E | 0x3041..=0x33FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF |
        0xA960..=0xA97F | 0xAC00..=0xD7A3 | 0xF900..=0xFAFF | 0xFE30..=0xFE4F | 0xFF00..=0xFF60 | 0xFFE0..=0xFFE6);
    if wide {
        2
    } else {
        1
    }
}

/// The text before the caret: the line's first `column - 1` characters turned into
/// spaces, tabs kept as tabs so the caret lines up however the terminal expands them.
fn caret_indent(line: &str, column: usize) -> String {
    line.chars()
        .take(column.saturating_sub(1))
        .map(|c| {
            if c == '\t' {
                "\t".to_string()
            } else {
                " ".repeat(cell_width(c))
            }
        })
        .collect()
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut lines = self.message.lines();
        let first = lines.next().unwrap_or("");
        // kubectl's own errors already start with "error: ".
        if first.starts_with("error: ") {
            writeln!(f, "{first}")?;
        } else {
            writeln!(f, "error: {first}")?;
        }
        for line in lines {
            writeln!(f, "{line}")?;
        }
        let gutter = self
            .location
            .as_ref()
            .map_or(1, |l| l.line.to_string().len());
        let pad = " ".repeat(gutter);
        if let Some(loc) = &self.location {
            writeln!(f, "{pad}--> {}:{}:{}", loc.file, loc.line, loc.column)?;
            if let Some(src) = &loc.source_line {
                writeln!(f, "{pad} |")?;
                writeln!(f, "{} | {src}", loc.line)?;
                writeln!(f, "{pad} | {}^", caret_indent(src, loc.column))?;
            }
        }
        for t in &self.trace {
            writeln!(f, "{pad} = {t}")?;
        }
        if let Some((at, since)) = self.time {
            writeln!(f, "{pad} = simulated time: {at} ({since} after start)")?;
        }
        if let Some(replay) = &self.replay {
            writeln!(f, "{pad} = replay: {replay}")?;
        }
        Ok(())
    }
}

/// `klab run FILE --seed N`, with the path quoted if a shell would split it.
pub fn replay_command(file: &str, seed: u64) -> String {
    let plain = file
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || "-_./+:@%".contains(c))
        && !file.is_empty();
    let path = if plain {
        file.to_string()
    } else {
        format!("'{}'", file.replace('\'', r"'\''"))
    };
    format!("klab run {path} --seed {seed}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Failure {
        Failure {
            message: "assert_eq failed: three replicas\n  actual:   2\n  expected: 3".into(),
            location: Some(Box::new(Location {
                file: "scripts/sts.rhai".into(),
                line: 12,
                column: 5,
                source_line: Some("    assert_eq(n, 3, \"three replicas\");".into()),
            })),
            trace: vec!["in function 'check' called at line 20".into()],
            time: Some((
                SimTime::parse("2026-01-01T00:01:30Z").unwrap(),
                SimDuration::from_secs(90),
            )),
            replay: Some(replay_command("scripts/sts.rhai", 0)),
        }
    }

    #[test]
    fn a_failure_shows_location_caret_time_and_replay() {
        let expected = "\
error: assert_eq failed: three replicas
  actual:   2
  expected: 3
  --> scripts/sts.rhai:12:5
   |
12 |     assert_eq(n, 3, \"three replicas\");
   |     ^
   = in function 'check' called at line 20
   = simulated time: 2026-01-01T00:01:30Z (1m30s after start)
   = replay: klab run scripts/sts.rhai --seed 0
";
        assert_eq!(sample().to_string(), expected);
    }

    #[test]
    fn the_caret_follows_tabs_and_wide_characters() {
        assert_eq!(caret_indent("\tlet x", 3), "\t ");
        // "파드" is two wide characters: the caret after them sits four cells in.
        assert_eq!(caret_indent("파드 = 1", 3), "    ");
    }

    #[test]
    fn syntax_errors_point_at_line_and_column() {
        let engine = rhai::Engine::new();
        let source = "let a = 1;\nlet b = (2 + ;\n";
        let err = engine.compile(source).unwrap_err();
        let failure = Failure::from_parse(&err, "x.rhai", source);
        let text = failure.to_string();
        assert!(text.starts_with("error: syntax error: "), "{text}");
        assert!(text.contains(" --> x.rhai:2:"), "{text}");
        assert!(text.contains("2 | let b = (2 + ;\n"), "{text}");
    }

    #[test]
    fn runtime_errors_report_the_innermost_position_and_the_calls_around_it() {
        let engine = rhai::Engine::new();
        let source = "fn check(n) {\n    throw \"boom\";\n}\ncheck(1);\n";
        let err = engine.run(source).unwrap_err();
        let failure = Failure::from_eval(&err, "x.rhai", source, 1000);
        assert_eq!(failure.message, "boom");
        let loc = failure.location.unwrap();
        assert_eq!((loc.line, loc.column), (2, 5));
        assert_eq!(
            failure.trace,
            vec!["in function 'check' called at line 4".to_string()]
        );
    }

    #[test]
    fn paths_with_spaces_are_quoted_in_the_replay_command() {
        assert_eq!(
            replay_command("my lessons/a.rhai", 7),
            "klab run 'my lessons/a.rhai' --seed 7"
        );
    }
}
