//! The interactive loop (`klab`): kubectl lines and Rhai over one script session.
//!
//! Lines starting with `kubectl ` or `k ` run as kubectl commands; `:commands` control the
//! session (`:help`); anything else is Rhai, evaluated in a scope that persists. An
//! unfinished block (an open brace, bracket or backtick string, as Rhai's parser decides)
//! continues on the next line. The prompt shows the simulated time since the cluster
//! started. Tab completes from what the cursor is in (complete.rs); the line is coloured
//! on a terminal without `NO_COLOR` (highlight.rs).

pub mod complete;
pub mod highlight;

use crate::output::Output;
use crate::script::{convert, docs, ScriptLimits, Session, SessionOptions};
use complete::{Candidate, Snapshot};
use rhai::Dynamic;
use rustyline::completion::{Completer, Pair};
use rustyline::error::ReadlineError;
use rustyline::highlight::Highlighter;
use rustyline::hint::{Hinter, HistoryHinter};
use rustyline::history::DefaultHistory;
use rustyline::validate::{ValidationContext, ValidationResult, Validator};
use rustyline::{Context, Editor, Helper};
use std::borrow::Cow;
use std::cell::RefCell;
use std::path::{Path, PathBuf};
use std::rc::Rc;
use std::sync::atomic::{AtomicUsize, Ordering};

pub const HELP: &str = "\
klab REPL — a simulated Kubernetes 1.32 cluster in virtual time.

  kubectl get pods        run a kubectl command (also: k get pods)
  apply(read_file(\"x.yaml\"))   any Rhai expression using the script API
  Tab completes functions, kubectl verbs, kinds, flags, object names and paths.
  :help NAME shows one function or command.";

#[derive(Clone)]
pub struct ReplOptions {
    pub seed: u64,
    pub limits: ScriptLimits,
}

/// What the loop does after a line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Flow {
    Continue,
    Quit,
}

/// A REPL session: the script session plus the inputs that ran, for `:save`.
pub struct Repl {
    pub session: Session,
    /// Inputs that ran without error since the last `:reset`, as script lines.
    inputs: Vec<String>,
    /// Parses inputs for `:save` (no functions needed to parse).
    parser: rhai::Engine,
}

impl Repl {
    pub fn new(session: Session) -> Repl {
        Repl {
            session,
            inputs: Vec::new(),
            parser: rhai::Engine::new_raw(),
        }
    }

    /// Handles one complete input: a command, a kubectl line or Rhai. Errors are shown,
    /// never raised; a panic (a bug) is reported and the session goes on.
    pub fn handle_line(&mut self, input: &str) -> Flow {
        let out = self.session.output().clone();
        let trimmed = input.trim();
        if trimmed.is_empty() {
            return Flow::Continue;
        }
        let result =
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| self.dispatch(trimmed)));
        match result {
            Ok(flow) => flow,
            Err(_) => {
                out.error(
                    "internal error (a bug in klab): the command panicked; the session goes on",
                );
                Flow::Continue
            }
        }
    }

    fn dispatch(&mut self, input: &str) -> Flow {
        let out = self.session.output().clone();
        if input.starts_with(':') {
            return self.command(input);
        }
        if let Some(line) = kubectl_line(input) {
            match self.session.kubectl(line) {
                Ok(_) => self.inputs.push(format!("kubectl({});", rhai_string(line))),
                Err(e) => out.error(&e),
            }
            return Flow::Continue;
        }
        let before = out.written();
        match self.session.eval_input(input) {
            Ok(value) => {
                self.inputs.push(input.to_string());
                // A string that was just printed (kubectl(...) returns what it printed) is
                // not shown twice.
                let printed = out.written() != before;
                if !(value.is_unit() || printed && value.is_string()) {
                    out.text(&render_value(&value));
                }
            }
            Err(failure) => out.error(&failure.to_string()),
        }
        Flow::Continue
    }

    fn command(&mut self, input: &str) -> Flow {
        let out = self.session.output().clone();
        let (command, arg) = match input.split_once(char::is_whitespace) {
            Some((c, a)) => (c, a.trim()),
            None => (input, ""),
        };
        match (command, arg) {
            (":quit" | ":q" | ":exit", "") => return Flow::Quit,
            (":help" | ":h", "") => out.text(&help_text()),
            (":help" | ":h", name) => out.text(&help_for(name)),
            (":reset", "") => {
                self.session.reset();
                self.inputs.clear();
                out.text("a fresh default cluster; the scope is empty");
            }
            (":reset", n) => match n.parse::<usize>() {
                Ok(n) if (1..=100).contains(&n) => {
                    self.session.reset_with_nodes(n);
                    self.inputs.clear();
                    self.inputs.push(format!("cluster(#{{nodes: {n}}});"));
                    out.text(&format!(
                        "a fresh cluster with {n} nodes; the scope is empty"
                    ));
                }
                _ => out.error(&format!(
                    "error: :reset takes a number of nodes from 1 to 100, got {n:?}"
                )),
            },
            (":load", "") | (":save", "") => {
                out.error(&format!("error: {command} needs a FILE"));
            }
            (":load", file) => match self.session.load(Path::new(file)) {
                Ok(()) => self.inputs.push(format!(
                    "// :load {file}\n{}",
                    load_source(&self.session, file)
                )),
                Err(failure) => out.error(&failure.to_string()),
            },
            (":save", file) => {
                let path = self.session.base_dir().join(file);
                let mut text =
                    String::from("// Saved from the klab REPL: the inputs that ran, in order.\n");
                for input in &self.inputs {
                    text.push_str(&as_statement(&self.parser, input));
                    text.push('\n');
                }
                match std::fs::write(&path, text) {
                    Ok(()) => out.text(&format!(
                        "saved {} inputs to {}",
                        self.inputs.len(),
                        path.display()
                    )),
                    Err(e) => out.error(&format!("error: cannot write {}: {e}", path.display())),
                }
            }
            (":time", "") => out.text(&format!(
                "{} ({} since the cluster started)",
                self.session.now(),
                clock(self.session.elapsed().secs())
            )),
            (":seed", "") => out.text(&format!(
                "seed {} (replay with: klab --seed {})",
                self.session.seed(),
                self.session.seed()
            )),
            (":events", "") => {
                if let Err(e) = self.session.kubectl("get events") {
                    out.error(&e);
                }
            }
            (":images", "") => {
                let rules = self
                    .session
                    .with_cluster(|c| crate::runtime::describe_rules(&c.world.runtime.images));
                let mut text = String::new();
                for (what, does) in rules {
                    text.push_str(&format!("{what}\n    {does}\n"));
                }
                out.text(&text);
            }
            (":timeline", "") => {
                if let Err(e) = self.session.eval_input("timeline()") {
                    out.error(&e.to_string());
                }
            }
            _ if complete::COMMANDS.iter().any(|(c, _)| *c == command) => {
                out.error(&format!(
                    "error: {command} takes no argument {arg:?} (try :help {command})"
                ));
            }
            _ => out.error(&format!("error: unknown command {input} (try :help)")),
        }
        Flow::Continue
    }

    /// What completion needs to know, taken after each input.
    pub fn snapshot(&self) -> Snapshot {
        let names = self.session.with_cluster(|c| {
            let mut names = std::collections::BTreeMap::new();
            for info in crate::api::kinds::KINDS {
                let ns = info.namespaced.then_some("default");
                let list: Vec<String> = c
                    .world
                    .store
                    .list(info.kind, ns)
                    .map(|o| o.name().to_string())
                    .collect();
                names.insert(info.kind, list);
            }
            names
        });
        Snapshot {
            names,
            variables: self.session.variable_names(),
            base_dir: self.session.base_dir(),
        }
    }
}

/// `input` as a statement a script can continue after: the REPL runs `advance(60)` on its
/// own, but in a file the next line needs a `;` between them (after a trailing comment,
/// on a line of its own).
fn as_statement(parser: &rhai::Engine, input: &str) -> String {
    let continues = |text: &str| parser.compile(format!("{text}\n0")).is_ok();
    if continues(input) {
        input.to_string()
    } else if continues(&format!("{input};")) {
        format!("{input};")
    } else {
        format!("{input}\n;")
    }
}

/// The file's text for `:save` (so the saved script runs without the file's folder).
fn load_source(session: &Session, file: &str) -> String {
    std::fs::read_to_string(session.base_dir().join(file)).unwrap_or_default()
}

/// A Rhai string literal for `text`.
fn rhai_string(text: &str) -> String {
    serde_json::to_string(text).unwrap_or_else(|_| format!("{text:?}"))
}

/// `:help`: the commands, then every script function with its first call form, wrapped
/// to the terminal.
pub fn help_text() -> String {
    help_text_for(terminal_width())
}

/// `:help` for a terminal `width` columns wide: a function's description wraps under
/// itself instead of running into the next screen line.
pub fn help_text_for(width: usize) -> String {
    let mut t = String::from(HELP);
    t.push_str("\n\nCommands:\n");
    for (c, what) in complete::COMMANDS {
        t.push_str(&format!("  {c} {what}\n"));
    }
    t.push_str("\nScript functions (Durations: \"90s\", \"5m\", \"1h30m\" or seconds):\n");
    const FORM: usize = 44;
    for d in docs::FUNCTIONS {
        let form = format!("  {:<FORM$} ", d.forms[0]);
        let lines = wrap(
            first_sentence(d.does),
            width.saturating_sub(FORM + 3).max(24),
        );
        for (i, line) in lines.iter().enumerate() {
            if i == 0 && form.chars().count() <= FORM + 3 {
                t.push_str(&form);
            } else {
                // A long form gets its own line; the description goes under the column.
                if i == 0 {
                    t.push_str(form.trim_end());
                    t.push('\n');
                }
                t.push_str(&" ".repeat(FORM + 3));
            }
            t.push_str(line);
            t.push('\n');
        }
    }
    t.push_str(
        "\nThe prompt shows simulated time since the cluster started. It moves only\n\
         when you advance it (advance, settle, wait_for, or kubectl commands that wait).\n\
         Ctrl-C clears the line, Ctrl-D leaves.",
    );
    t
}

/// Words of `text` in lines of at most `width` characters (a longer word stays whole).
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = vec![String::new()];
    for word in text.split_whitespace() {
        let line = lines.last_mut().expect("one line at least");
        if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > width {
            lines.push(word.to_string());
        } else {
            if !line.is_empty() {
                line.push(' ');
            }
            line.push_str(word);
        }
    }
    lines
}

fn first_sentence(text: &str) -> &str {
    match text.find(". ") {
        Some(i) => &text[..=i],
        None => text,
    }
}

/// `:help NAME`: a script function, a command, or a kubectl verb.
pub fn help_for(name: &str) -> String {
    let bare = name.trim_end_matches("()");
    if let Some(d) = docs::lookup(bare) {
        return docs::describe(d);
    }
    let command = if name.starts_with(':') {
        name.to_string()
    } else {
        format!(":{name}")
    };
    if let Some((c, what)) = complete::COMMANDS.iter().find(|(c, _)| *c == command) {
        return format!("{c} {what}");
    }
    if let Some((verb, flags)) = complete::VERBS.iter().find(|(v, _)| *v == bare) {
        return format!(
            "kubectl {verb}: runs as kubectl 1.32 would (kubectl {verb} --help on a real kubectl for the full text)\n  flags klab knows: {}",
            flags.join(" ")
        );
    }
    let close: Vec<&str> = docs::FUNCTIONS
        .iter()
        .map(|d| d.name)
        .filter(|n| n.contains(bare) || bare.contains(n))
        .collect();
    if close.is_empty() {
        format!("no help for {name:?}; :help lists every function and command")
    } else {
        format!("no help for {name:?}; did you mean {}?", close.join(", "))
    }
}

fn clock(secs: i64) -> String {
    let secs = secs.max(0);
    format!("{:02}:{:02}:{:02}", secs / 3600, secs / 60 % 60, secs % 60)
}

/// Colour on the terminal: only when stdout is one and `NO_COLOR` is unset or empty.
pub fn colour_enabled() -> bool {
    crate::output::colour_terminal()
}

/// The terminal's width in columns as the REPL last measured it (0: not measured).
static MEASURED_WIDTH: AtomicUsize = AtomicUsize::new(0);

/// The width pictures and help are drawn for: `COLUMNS` if set, else the terminal's own
/// width when stdout is one (shells rarely export `COLUMNS`), else 100.
pub fn terminal_width() -> usize {
    let usable = |w: &usize| *w >= 40;
    if let Some(w) = std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.parse().ok())
        .filter(usable)
    {
        return w;
    }
    let measured = match MEASURED_WIDTH.load(Ordering::Relaxed) {
        0 => measure_width(),
        w => Some(w),
    };
    measured.filter(usable).unwrap_or(100)
}

/// Asks the terminal on stdout for its width (`klab run --timeline`); None off a terminal.
fn measure_width() -> Option<usize> {
    use std::io::IsTerminal;
    if !std::io::stdout().is_terminal() {
        return None;
    }
    let width = Editor::<(), DefaultHistory>::new().ok()?.dimensions()?.0;
    MEASURED_WIDTH.store(width, Ordering::Relaxed);
    Some(width)
}

/// `kubectl get pods` / `k get pods` → `get pods`.
fn kubectl_line(input: &str) -> Option<&str> {
    ["kubectl ", "k "]
        .iter()
        .find_map(|p| input.strip_prefix(p))
        .or((input == "kubectl").then_some(""))
}

/// A value as the REPL shows it: maps and arrays as indented JSON, strings as they are.
pub fn render_value(value: &Dynamic) -> String {
    if value.is_string() {
        return value.clone().into_string().unwrap_or_default();
    }
    if value.is_map() || value.is_array() {
        if let Ok(json) = convert::dynamic_to_json(value) {
            if let Ok(text) = serde_json::to_string_pretty(&json) {
                return text;
            }
        }
    }
    value.to_string()
}

/// `klab 00:02:30> `: hours, minutes and seconds since the cluster started.
pub fn prompt(session: &Session) -> String {
    let secs = session.elapsed().secs().max(0);
    format!(
        "klab {:02}:{:02}:{:02}> ",
        secs / 3600,
        secs / 60 % 60,
        secs % 60
    )
}

/// Where the history lives: `$XDG_STATE_HOME/klab/history`, or `~/.local/state/klab/history`.
pub fn history_path() -> Option<PathBuf> {
    let state = std::env::var_os("XDG_STATE_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".local/state")))?;
    Some(state.join("klab").join("history"))
}

/// The line editor's helper: completion, hints, colours, and asking for another line
/// while the Rhai input is unfinished.
struct ReplHelper {
    parser: rhai::Engine,
    snapshot: Rc<RefCell<Snapshot>>,
    history: HistoryHinter,
    colour: bool,
}

impl Helper for ReplHelper {}

impl Completer for ReplHelper {
    type Candidate = Pair;
    fn complete(
        &self,
        line: &str,
        pos: usize,
        _ctx: &Context<'_>,
    ) -> rustyline::Result<(usize, Vec<Pair>)> {
        let (start, candidates) = complete::complete(&self.snapshot.borrow(), line, pos);
        Ok((
            start,
            candidates
                .into_iter()
                .map(
                    |Candidate {
                         display,
                         replacement,
                     }| Pair {
                        display,
                        replacement,
                    },
                )
                .collect(),
        ))
    }
}

impl Hinter for ReplHelper {
    type Hint = String;
    /// After `name(`: the function's parameters; otherwise the newest matching history line.
    fn hint(&self, line: &str, pos: usize, ctx: &Context<'_>) -> Option<String> {
        if pos < line.len() {
            return None;
        }
        signature_hint(line).or_else(|| self.history.hint(line, pos, ctx))
    }
}

/// `get(` → `kind, name) -> map or ()`.
pub fn signature_hint(line: &str) -> Option<String> {
    let head = line.strip_suffix('(')?;
    let start = head
        .char_indices()
        .rev()
        .find(|(_, c)| !(c.is_alphanumeric() || *c == '_'))
        .map_or(0, |(i, c)| i + c.len_utf8());
    let doc = docs::lookup(&head[start..])?;
    let form = doc.forms.iter().max_by_key(|f| f.len())?;
    form.split_once('(').map(|(_, rest)| rest.to_string())
}

impl Highlighter for ReplHelper {
    fn highlight<'l>(&self, line: &'l str, _pos: usize) -> Cow<'l, str> {
        if self.colour {
            Cow::Owned(highlight::highlight(line))
        } else {
            Cow::Borrowed(line)
        }
    }
    fn highlight_hint<'h>(&self, hint: &'h str) -> Cow<'h, str> {
        if self.colour {
            Cow::Owned(format!("{}{hint}\x1b[0m", highlight::HINT))
        } else {
            Cow::Borrowed(hint)
        }
    }
    fn highlight_char(&self, _line: &str, _pos: usize, _forced: bool) -> bool {
        self.colour
    }
}

impl Validator for ReplHelper {
    fn validate(&self, ctx: &mut ValidationContext<'_>) -> rustyline::Result<ValidationResult> {
        let input = ctx.input();
        if needs_more(&self.parser, input) {
            Ok(ValidationResult::Incomplete)
        } else {
            Ok(ValidationResult::Valid(None))
        }
    }
}

fn needs_more(parser: &rhai::Engine, input: &str) -> bool {
    let trimmed = input.trim_start();
    !(trimmed.starts_with(':') || kubectl_line(trimmed).is_some())
        && crate::script::is_incomplete(parser, input)
}

/// Runs the REPL on the terminal until `:quit` or Ctrl-D, on a fresh session.
pub fn run(options: &ReplOptions) -> Result<(), String> {
    let cwd =
        std::env::current_dir().map_err(|e| format!("cannot read the current directory: {e}"))?;
    let mut session_options = SessionOptions::new(options.seed, cwd, Output::terminal());
    session_options.limits = options.limits.clone();
    let session = Session::new(session_options);
    session
        .output()
        .text("klab — type :help for help, Tab to complete, :quit to leave");
    run_session(session).map(|_| ())
}

/// Runs the REPL on an existing session (`klab run --then-repl`, `r` in `--step`) until
/// `:quit` or Ctrl-D; returns the session.
pub fn run_session(session: Session) -> Result<Session, String> {
    let mut repl = Repl::new(session);
    // Bash-like Tab: complete the common prefix, then list the candidates (with call forms).
    let config = rustyline::Config::builder()
        .completion_type(rustyline::CompletionType::List)
        .auto_add_history(false)
        .build();
    let mut editor: Editor<ReplHelper, DefaultHistory> =
        Editor::with_config(config).map_err(|e| format!("cannot start the line editor: {e}"))?;
    let snapshot = Rc::new(RefCell::new(repl.snapshot()));
    editor.set_helper(Some(ReplHelper {
        parser: rhai::Engine::new_raw(),
        snapshot: snapshot.clone(),
        history: HistoryHinter::new(),
        colour: colour_enabled(),
    }));
    let history = history_path();
    if let Some(path) = &history {
        let _ = editor.load_history(path);
    }
    let parser = rhai::Engine::new_raw();
    let mut pending = String::new();
    loop {
        let prompt = if pending.is_empty() {
            prompt(&repl.session)
        } else {
            "...> ".to_string()
        };
        match editor.readline(&prompt) {
            Ok(line) => {
                // Without a terminal the editor does not validate: gather unfinished input here.
                pending.push_str(&line);
                if needs_more(&parser, &pending) {
                    pending.push('\n');
                    continue;
                }
                let input = std::mem::take(&mut pending);
                if !input.trim().is_empty() {
                    let _ = editor.add_history_entry(input.as_str());
                    if let Some(path) = &history {
                        save_history(&mut editor, path);
                    }
                }
                // The terminal may have been resized since the last input.
                if let Some((width, _)) = editor.dimensions() {
                    MEASURED_WIDTH.store(width, Ordering::Relaxed);
                }
                let flow = repl.handle_line(&input);
                *snapshot.borrow_mut() = repl.snapshot();
                if flow == Flow::Quit {
                    break;
                }
            }
            Err(ReadlineError::Interrupted) => pending.clear(),
            Err(ReadlineError::Eof) => break,
            Err(e) => {
                repl.session
                    .output()
                    .error(&format!("error: cannot read input: {e}"));
                break;
            }
        }
    }
    Ok(repl.session)
}

/// Saves after every input, so a session that ends abruptly keeps its history.
fn save_history(editor: &mut Editor<ReplHelper, DefaultHistory>, path: &Path) {
    if let Some(dir) = path.parent() {
        let _ = std::fs::create_dir_all(dir);
    }
    let _ = editor.save_history(path);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn session() -> Repl {
        Repl::new(Session::new(SessionOptions::new(
            0,
            std::env::temp_dir(),
            Output::capture(),
        )))
    }

    fn handle_line(repl: &mut Repl, input: &str) -> Flow {
        repl.handle_line(input)
    }

    #[test]
    fn the_prompt_shows_simulated_time_since_start() {
        let mut s = session();
        assert_eq!(prompt(&s.session), "klab 00:00:00> ");
        handle_line(&mut s, "advance(\"2m30s\")");
        assert_eq!(prompt(&s.session), "klab 00:02:30> ");
        handle_line(&mut s, "advance(\"25h\")");
        assert_eq!(prompt(&s.session), "klab 25:02:30> ");
    }

    #[test]
    fn values_are_shown_and_errors_reported_without_stopping() {
        let mut s = session();
        assert_eq!(handle_line(&mut s, "let x = 20;"), Flow::Continue);
        handle_line(&mut s, "x * 2");
        handle_line(&mut s, "assert_eq(x, 3)");
        handle_line(&mut s, "[1, #{a: \"b\"}]");
        let t = s.session.output().transcript();
        assert!(
            t.starts_with("40\nerror: assert_eq failed\n  actual:   20\n  expected: 3\n"),
            "{t}"
        );
        assert!(t.contains("<repl>:1:1"), "{t}");
        assert!(
            t.ends_with("[\n  1,\n  {\n    \"a\": \"b\"\n  }\n]\n"),
            "{t}"
        );
    }

    #[test]
    fn commands_reset_quit_and_reject_unknown_ones() {
        let mut s = session();
        handle_line(&mut s, "advance(60)");
        handle_line(&mut s, ":reset");
        assert_eq!(s.session.elapsed().secs(), 0);
        handle_line(&mut s, ":frobnicate");
        assert!(s
            .session
            .output()
            .transcript()
            .contains("error: unknown command :frobnicate (try :help)"));
        assert_eq!(handle_line(&mut s, ":quit"), Flow::Quit);
    }

    #[test]
    fn bad_command_arguments_are_errors_and_the_session_goes_on() {
        let mut s = session();
        for input in [
            ":reset 0",
            ":reset 100000",
            ":reset 99999999999999999999999",
            ":load",
            ":load /",
            ":save",
            ":save /proc/no-such-dir/x.rhai",
            ":timeline now",
            "advance(9223372036854775807)",
            "let 변수 = 1",
        ] {
            assert_eq!(handle_line(&mut s, input), Flow::Continue, "{input}");
        }
        let t = s.session.output().transcript();
        for expected in [
            "error: :reset takes a number of nodes from 1 to 100, got \"0\"\n",
            "error: :reset takes a number of nodes from 1 to 100, got \"100000\"\n",
            "error: :load needs a FILE\n",
            "error: :save needs a FILE\n",
            "error: cannot write /proc/no-such-dir/x.rhai: ",
            "error: :timeline takes no argument \"now\"",
        ] {
            assert!(t.contains(expected), "{expected}\n{t}");
        }
        assert!(!t.contains("internal error"), "{t}");
        handle_line(&mut s, ":reset 2");
        assert_eq!(
            s.session.kubectl("get nodes -o name").unwrap(),
            "node/node-1\nnode/node-2\n"
        );
    }

    #[test]
    fn kubectl_lines_are_recognised_with_either_prefix() {
        assert_eq!(kubectl_line("kubectl get pods"), Some("get pods"));
        assert_eq!(kubectl_line("k get pods"), Some("get pods"));
        assert_eq!(kubectl_line("kubectl"), Some(""));
        assert_eq!(kubectl_line("kubectl(\"get pods\")"), None);
        assert_eq!(kubectl_line("kx = 1"), None);
    }

    #[test]
    fn unfinished_rhai_asks_for_more_but_commands_never_do() {
        let parser = rhai::Engine::new_raw();
        assert!(needs_more(&parser, "if true {"));
        assert!(!needs_more(&parser, "kubectl get pods -l 'app in (a,b'"));
        assert!(!needs_more(&parser, ":help"));
    }

    #[test]
    fn save_writes_the_inputs_that_ran_as_a_script_that_load_replays() {
        let dir = std::env::temp_dir().join(format!("klab-save-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let mut r = Repl::new(Session::new(SessionOptions::new(
            0,
            &dir,
            Output::capture(),
        )));
        r.handle_line("let n = 2;");
        r.handle_line("no_such_function()");
        r.handle_line("kubectl get nodes");
        r.handle_line("advance(n * 30)");
        r.handle_line(":save saved.rhai");
        let saved = std::fs::read_to_string(dir.join("saved.rhai")).unwrap();
        assert!(
            saved.contains("let n = 2;\nkubectl(\"get nodes\");\nadvance(n * 30);\n"),
            "{saved}"
        );
        assert!(!saved.contains("no_such_function"), "{saved}");
        r.handle_line(":reset");
        r.handle_line(":load saved.rhai");
        assert_eq!(r.session.elapsed().secs(), 60);
        r.handle_line(":time");
        assert!(r
            .session
            .output()
            .transcript()
            .contains("(00:01:00 since the cluster started)"));
    }

    #[test]
    fn a_saved_session_runs_back_with_klab_run_to_the_same_cluster() {
        let dir = std::env::temp_dir().join(format!("klab-save-run-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let mut r = Repl::new(Session::new(SessionOptions::new(
            0,
            &dir,
            Output::capture(),
        )));
        // Inputs the REPL accepts without a `;`: a call, a trailing comment, a map, a
        // block, a multi-line function, a kubectl line.
        for input in [
            "let n = 2",
            "advance(n * 30) // a minute",
            "let m = #{a: 1}",
            "if m.a == 1 { advance(5) }",
            "fn twice(x) {\nx * 2\n}",
            "kubectl create job pi --image=busybox -- sleep 10",
            "advance(twice(n))",
            ":save replay.rhai",
        ] {
            r.handle_line(input);
        }
        let saved = std::fs::read_to_string(dir.join("replay.rhai")).unwrap();
        let output = Output::capture();
        let result = crate::lesson::run_file(
            &dir.join("replay.rhai"),
            &crate::lesson::RunOptions::new(0, output.clone()),
        );
        assert!(
            result.is_ok(),
            "{saved}\n{:?}",
            result.err().map(|f| f.to_string())
        );
        assert_eq!(output.transcript(), "job.batch/pi created\n", "{saved}");
        let (mut session, _) = crate::lesson::run_file_session(
            &dir.join("replay.rhai"),
            &crate::lesson::RunOptions::new(0, Output::capture()),
        )
        .unwrap();
        assert_eq!(session.elapsed().secs(), r.session.elapsed().secs());
        assert_eq!(session.elapsed().secs(), 69);
        let pods = |s: &mut Session| s.kubectl("get pods").unwrap();
        assert_eq!(pods(&mut session), pods(&mut r.session));
    }

    #[test]
    fn help_covers_every_function_and_one_function_in_detail() {
        let all = help_text();
        for d in docs::FUNCTIONS {
            assert!(all.contains(d.forms[0]), "{} missing from :help", d.name);
        }
        for width in [60, 100, 200] {
            let text = help_text_for(width);
            // Only a call form longer than the line may stick out (it cannot wrap).
            let long = text.lines().find(|l| {
                l.chars().count() > width.max(80)
                    && !docs::FUNCTIONS.iter().any(|d| l.trim() == d.forms[0])
            });
            assert_eq!(long, None, "wider than {width}:\n{text}");
        }
        assert!(help_text_for(80).contains(
            "  kubectl(line) -> string                      Run a kubectl command line (with\n"
        ));
        assert!(help_for("wait_for").starts_with("wait_for(f, timeout) -> int\n"));
        assert!(help_for("reset").starts_with(":reset"));
        assert!(help_for("waitfor").contains("no help"));
        assert_eq!(
            signature_hint("let x = get(").as_deref(),
            Some("kind, name) -> map or ()")
        );
    }
}
