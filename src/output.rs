//! The one output sink. The REPL, the lesson runner, `klab test` and the cargo tests all
//! write through an `Output`, so what a test checks is exactly what a learner sees.
//!
//! Three kinds of text reach it: program output (kubectl tables, `print`), prose (a
//! lesson's `//!` cells) and errors. Where each goes depends on how the sink was made:
//! `terminal()` shows everything (errors on stderr), `quiet()` shows only errors, and
//! `capture()` shows nothing. Every sink keeps a transcript of what it received, so a
//! failing `klab test` file can show its last lines.

use std::cell::RefCell;
use std::io::Write;
use std::rc::Rc;

/// How much transcript a sink keeps; older text is dropped first (a REPL session can run
/// for hours, a test only needs its tail).
pub const TRANSCRIPT_LIMIT: usize = 8 * 1024 * 1024;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Show {
    /// Output and prose on stdout, errors on stderr.
    All,
    /// Errors on stderr only.
    ErrorsOnly,
    /// Nothing: the transcript is the only record.
    Nothing,
}

struct Sink {
    show: Show,
    transcript: String,
    /// Whether anything was written yet, and whether the text so far ends with a blank
    /// line: prose is set off from what came before by exactly one blank line.
    started: bool,
    ends_blank: bool,
    ends_newline: bool,
    /// Bytes received so far (the transcript may have dropped some).
    written: u64,
    /// ASCII pictures and undecorated prose (`--plain`, captured output).
    plain: bool,
    /// ANSI colours allowed (a terminal without `NO_COLOR`, and not plain).
    colour: bool,
}

/// A cheap, cloneable handle: every clone writes to the same sink.
#[derive(Clone)]
pub struct Output(Rc<RefCell<Sink>>);

impl Output {
    fn new(show: Show) -> Output {
        Output(Rc::new(RefCell::new(Sink {
            show,
            transcript: String::new(),
            started: false,
            ends_blank: false,
            ends_newline: true,
            written: 0,
            plain: show != Show::All,
            colour: show == Show::All && colour_terminal(),
        })))
    }

    /// Shows everything: program output and prose on stdout, errors on stderr.
    pub fn terminal() -> Output {
        Output::new(Show::All)
    }

    /// Shows only errors (on stderr): `klab run --quiet`.
    pub fn quiet() -> Output {
        Output::new(Show::ErrorsOnly)
    }

    /// Shows nothing; read the transcript afterwards (`klab test`, cargo tests).
    pub fn capture() -> Output {
        Output::new(Show::Nothing)
    }

    /// Program output: what kubectl printed, `print(...)`. A missing final newline is added.
    pub fn text(&self, text: &str) {
        if text.is_empty() {
            return;
        }
        if text.ends_with('\n') {
            self.write(text, Stream::Out);
        } else {
            self.write(&format!("{text}\n"), Stream::Out);
        }
    }

    /// A lesson's prose block, set off by one blank line before (unless it opens the
    /// output) and one after.
    pub fn prose(&self, prose: &str) {
        let body = prose.trim_matches('\n');
        let styled;
        let body = if self.colour() {
            styled = crate::prose::render(body);
            styled.as_str()
        } else {
            body
        };
        let mut text = String::new();
        {
            let sink = self.0.borrow();
            if sink.started && !sink.ends_blank {
                if !sink.ends_newline {
                    text.push('\n');
                }
                text.push('\n');
            }
        }
        text.push_str(body);
        text.push_str("\n\n");
        self.write(&text, Stream::Out);
    }

    /// An error as the learner should see it (a failure report, a REPL error).
    pub fn error(&self, text: &str) {
        let mut text = text.to_string();
        if !text.ends_with('\n') {
            text.push('\n');
        }
        self.write(&text, Stream::Err);
    }

    /// Forces plain text: ASCII pictures, prose as written, no colour (`--plain`).
    pub fn set_plain(&self, plain: bool) {
        let mut sink = self.0.borrow_mut();
        sink.plain = plain;
        if plain {
            sink.colour = false;
        }
    }

    /// Whether pictures are ASCII and prose is left as written.
    pub fn is_plain(&self) -> bool {
        self.0.borrow().plain
    }

    /// Whether ANSI colour may be written.
    pub fn colour(&self) -> bool {
        self.0.borrow().colour
    }

    /// Everything written so far (within `TRANSCRIPT_LIMIT`).
    pub fn transcript(&self) -> String {
        self.0.borrow().transcript.clone()
    }

    /// How many bytes were written so far: whether something was printed in between.
    pub fn written(&self) -> u64 {
        self.0.borrow().written
    }

    /// The last `n` lines of the transcript.
    pub fn transcript_tail(&self, n: usize) -> String {
        let sink = self.0.borrow();
        let lines: Vec<&str> = sink.transcript.lines().collect();
        let start = lines.len().saturating_sub(n);
        lines[start..].iter().map(|l| format!("{l}\n")).collect()
    }

    fn write(&self, text: &str, stream: Stream) {
        let mut sink = self.0.borrow_mut();
        let shown = match (sink.show, stream) {
            (Show::All, _) | (Show::ErrorsOnly, Stream::Err) => true,
            (Show::ErrorsOnly, Stream::Out) | (Show::Nothing, _) => false,
        };
        if shown {
            // A closed pipe (`klab run x | head`) must not turn into a panic.
            let _ = match stream {
                Stream::Out => {
                    let mut out = std::io::stdout().lock();
                    out.write_all(text.as_bytes()).and_then(|_| out.flush())
                }
                Stream::Err => std::io::stderr().lock().write_all(text.as_bytes()),
            };
        }
        sink.transcript.push_str(text);
        sink.written += text.len() as u64;
        if sink.transcript.len() > TRANSCRIPT_LIMIT {
            let cut = sink.transcript.len() - TRANSCRIPT_LIMIT / 2;
            let cut = sink.transcript[cut..]
                .find('\n')
                .map_or(cut, |i| cut + i + 1);
            sink.transcript.drain(..cut);
        }
        sink.started = true;
        sink.ends_newline = sink.transcript.ends_with('\n');
        sink.ends_blank = sink.transcript.ends_with("\n\n");
    }
}

/// Colour only on a terminal, and never with `NO_COLOR` set (no-color.org).
pub fn colour_terminal() -> bool {
    use std::io::IsTerminal;
    std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

#[derive(Clone, Copy)]
enum Stream {
    Out,
    Err,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn captured_output_keeps_every_kind_of_text_in_order() {
        let out = Output::capture();
        out.text("NAME   STATUS\nnode-1 Ready");
        out.error("error: boom");
        assert_eq!(
            out.transcript(),
            "NAME   STATUS\nnode-1 Ready\nerror: boom\n"
        );
    }

    #[test]
    fn prose_is_set_off_by_exactly_one_blank_line() {
        let out = Output::capture();
        out.prose("# Title\n");
        out.text("a\n");
        out.prose("More prose");
        out.prose("Even more");
        assert_eq!(
            out.transcript(),
            "# Title\n\na\n\nMore prose\n\nEven more\n\n"
        );
    }

    #[test]
    fn clones_write_to_the_same_sink_and_the_tail_is_the_last_lines() {
        let out = Output::capture();
        let other = out.clone();
        for i in 0..5 {
            other.text(&format!("line {i}"));
        }
        assert_eq!(out.transcript_tail(2), "line 3\nline 4\n");
    }
}
