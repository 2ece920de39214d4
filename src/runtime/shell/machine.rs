//! The shell machine: runs a compiled program against a `Sys`. It stops when the script
//! ends (`Exited`) or when a child must run for a while (`Blocked`: `sleep`, or a program
//! modelled as running until stopped); the caller moves time on and `resume`s it, or
//! delivers a signal to the child. The whole state is a cloneable value.

use super::arith;
use super::compile::{compile, compile_argv, Op, Program};
use super::lexer::RedirOp;
use super::parser::{parse, ParseError};
use super::programs::{self, Ctx, Outcome, Output};
use super::sys::{KillResult, ProcInfo, Sys};
use super::vars::Vars;
use crate::sim::{SimDuration, SimTime};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use std::sync::Arc;

/// Where the shell runs, which decides what an unknown program does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// A container's main process: a program klab does not know runs until stopped.
    Main,
    /// `kubectl exec`: a program klab does not know is `sh: NAME: not found` (127).
    Exec,
}

/// How a shell process starts.
#[derive(Clone, Debug)]
pub struct Start {
    pub pid: u32,
    pub ppid: u32,
    /// The command line `ps` shows for the shell itself.
    pub cmdline: String,
    pub mode: Mode,
    pub env: Vars,
    pub cwd: String,
    /// `$0`, `$1`, …
    pub positional: Vec<String>,
    /// Seeds the shell's own random stream (`date +%N`).
    pub seed: u64,
    pub started: SimTime,
}

/// Why `run` returned.
#[derive(Clone, Debug, PartialEq)]
pub enum Yield {
    Exited(i32),
    Blocked(Block),
    /// The script ran `budget` operations without waiting on anything: a busy loop.
    Busy,
}

/// The child the shell waits on.
#[derive(Clone, Debug, PartialEq)]
pub struct Block {
    /// How long the child runs; `None` = until it is killed.
    pub duration: Option<SimDuration>,
    pub child: ProcInfo,
    /// Set when the child is a program klab does not simulate (its name).
    pub unknown: Option<String>,
}

/// What a signal sent to one of the shell's processes did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Signalled {
    /// The process died; the shell carries on (call `run`).
    Killed,
    /// PID 1 without a handler: nothing happens.
    Ignored,
    /// Not one of this shell's processes.
    NotMine,
}

#[derive(Clone, Debug, Default)]
struct CmdBuilder {
    args: Vec<String>,
    assigns: Vec<(String, String)>,
    redirs: Vec<(u32, RedirOp, String)>,
    error: Option<String>,
}

#[derive(Clone, Debug, Default)]
struct WordBuilder {
    /// Finished fields and whether each is subject to pathname expansion.
    fields: Vec<(String, bool)>,
    cur: String,
    cur_glob: bool,
    /// The current field exists even if empty (`""`).
    has: bool,
}

impl WordBuilder {
    fn push_text(&mut self, s: &str) {
        self.cur.push_str(s);
        self.has = true;
    }
    fn finish_field(&mut self) {
        if self.has {
            self.fields
                .push((std::mem::take(&mut self.cur), self.cur_glob));
        }
        self.cur_glob = false;
        self.has = false;
    }
    /// Unquoted expansion: split on blanks (the default IFS).
    fn push_split(&mut self, s: &str) {
        if s.is_empty() {
            return;
        }
        let blank = |c: char| c == ' ' || c == '\t' || c == '\n';
        if s.starts_with(blank) {
            self.finish_field();
        }
        let mut pieces = s.split(blank).filter(|p| !p.is_empty()).peekable();
        while let Some(p) = pieces.next() {
            self.push_text(p);
            if pieces.peek().is_some() {
                self.finish_field();
            }
        }
        if s.ends_with(blank) {
            self.finish_field();
        }
    }
    fn into_fields(mut self) -> Vec<(String, bool)> {
        self.finish_field();
        self.fields
    }
}

/// A subshell: what to restore when it ends, and where `exit` jumps.
#[derive(Clone, Debug)]
struct Frame {
    end: usize,
    vars: Vars,
    cwd: String,
    depths: Depths,
}

#[derive(Clone, Copy, Debug)]
struct Depths {
    out: usize,
    input: usize,
    cmds: usize,
    words: usize,
    loops: usize,
    scopes: usize,
    procs: usize,
}

#[derive(Clone, Debug)]
struct LoopFrame {
    cont: usize,
    brk: usize,
    items: Vec<String>,
    next: usize,
    body_status: i32,
    depths: Depths,
}

#[derive(Clone, Debug)]
struct Scope {
    redirs: Vec<(u32, RedirOp, String)>,
    captured: bool,
    stdin: bool,
}

#[derive(Clone, Debug)]
struct Waiting {
    redirs: Vec<(u32, RedirOp, String)>,
    child: ProcInfo,
}

#[derive(Clone, Debug)]
pub struct Machine {
    prog: Arc<Program>,
    pc: usize,
    status: i32,
    vars: Vars,
    positional: Vec<String>,
    cwd: String,
    cmds: Vec<CmdBuilder>,
    words: Vec<WordBuilder>,
    out: Vec<String>,
    input: Vec<String>,
    frames: Vec<Frame>,
    loops: Vec<LoopFrame>,
    scopes: Vec<Scope>,
    /// This shell's processes: the shell itself, then live subshells.
    procs: Vec<ProcInfo>,
    waiting: Option<Waiting>,
    subst_status: Option<i32>,
    rng: ChaCha8Rng,
    mode: Mode,
    exited: Option<i32>,
}

/// `$( … )` output loses its trailing newlines.
fn strip_newlines(s: &str) -> &str {
    s.trim_end_matches('\n')
}

impl Machine {
    /// A shell running `script` (`sh -c SCRIPT`).
    pub fn script(script: &str, start: Start) -> Result<Machine, ParseError> {
        let prog = compile(&parse(script)?);
        Ok(Machine::with_program(prog, start))
    }

    /// One program run directly, without a shell (a container `command`, `exec -- ls`).
    pub fn argv(argv: &[String], start: Start) -> Machine {
        Machine::with_program(compile_argv(argv), start)
    }

    fn with_program(prog: Program, s: Start) -> Machine {
        Machine {
            prog: Arc::new(prog),
            pc: 0,
            status: 0,
            vars: s.env,
            positional: if s.positional.is_empty() {
                vec!["sh".into()]
            } else {
                s.positional
            },
            cwd: s.cwd,
            cmds: Vec::new(),
            words: Vec::new(),
            out: Vec::new(),
            input: Vec::new(),
            frames: Vec::new(),
            loops: Vec::new(),
            scopes: Vec::new(),
            procs: vec![ProcInfo {
                pid: s.pid,
                ppid: s.ppid,
                cmdline: s.cmdline,
                started: s.started,
            }],
            waiting: None,
            subst_status: None,
            rng: ChaCha8Rng::seed_from_u64(s.seed),
            mode: s.mode,
            exited: None,
        }
    }

    pub fn pid(&self) -> u32 {
        self.procs[0].pid
    }

    /// The shell's live processes, the child it waits on last.
    pub fn processes(&self) -> Vec<ProcInfo> {
        let mut v = self.procs.clone();
        if let Some(w) = &self.waiting {
            if !v.iter().any(|p| p.pid == w.child.pid) {
                v.push(w.child.clone());
            } else if let Some(p) = v.iter_mut().find(|p| p.pid == w.child.pid) {
                *p = w.child.clone();
            }
        }
        v
    }

    pub fn exit_status(&self) -> Option<i32> {
        self.exited
    }

    /// Runs until the script ends or waits on a child, for at most `budget` operations.
    pub fn run(&mut self, sys: &mut dyn Sys, budget: u64) -> Yield {
        if let Some(code) = self.exited {
            return Yield::Exited(code);
        }
        if let Some(w) = &self.waiting {
            return Yield::Blocked(Block {
                duration: Some(SimDuration::ZERO),
                child: w.child.clone(),
                unknown: None,
            });
        }
        let prog = self.prog.clone();
        let mut steps = 0u64;
        loop {
            steps += 1;
            if steps > budget {
                return Yield::Busy;
            }
            let Some(op) = prog.ops.get(self.pc) else {
                return self.halt();
            };
            self.pc += 1;
            match op {
                Op::Halt => return self.halt(),
                Op::CmdBegin => {
                    self.cmds.push(CmdBuilder::default());
                    self.subst_status = None;
                }
                Op::WordBegin => self.words.push(WordBuilder::default()),
                Op::Lit(s) => {
                    let s = self.tilde(s);
                    if let Some(w) = self.words.last_mut() {
                        if s.contains(['*', '?', '[']) {
                            w.cur_glob = true;
                        }
                        w.push_text(&s);
                    }
                }
                Op::Quoted(s) => {
                    if let Some(w) = self.words.last_mut() {
                        w.push_text(s);
                    }
                }
                Op::Param { name, quoted } => {
                    let v = self.param(name);
                    self.append(&v, *quoted);
                }
                Op::Arith { src, quoted } => {
                    let expanded = self.expand_dollars(src);
                    match arith::eval(&expanded, &mut |n| self.vars.get(n).map(str::to_string)) {
                        Ok(v) => self.append(&v.to_string(), *quoted),
                        Err(e) => {
                            sys.stderr(&format!("sh: arithmetic syntax error: {e}\n"));
                            self.append("0", *quoted);
                        }
                    }
                }
                Op::SubstBegin { end } => {
                    self.out.push(String::new());
                    self.enter_frame(*end, sys);
                }
                Op::SubstEnd { quoted } => {
                    self.leave_frame();
                    let text = self.out.pop().unwrap_or_default();
                    self.append(strip_newlines(&text), *quoted);
                    self.subst_status = Some(self.status);
                }
                Op::WordToArgs => {
                    let w = self.words.pop().unwrap_or_default();
                    let mut fields = Vec::new();
                    for (f, glob) in w.into_fields() {
                        if glob {
                            fields.extend(self.glob(&f, sys));
                        } else {
                            fields.push(f);
                        }
                    }
                    if let Some(c) = self.cmds.last_mut() {
                        c.args.extend(fields);
                    }
                }
                Op::WordToAssign(name) => {
                    let w = self.words.pop().unwrap_or_default();
                    let value = w
                        .into_fields()
                        .into_iter()
                        .map(|f| f.0)
                        .collect::<Vec<_>>()
                        .join(" ");
                    if let Some(c) = self.cmds.last_mut() {
                        c.assigns.push((name.clone(), value));
                    }
                }
                Op::WordToRedir { fd, op } => {
                    let w = self.words.pop().unwrap_or_default();
                    let raw: Vec<(String, bool)> = w.into_fields();
                    let mut fields = Vec::new();
                    for (f, glob) in raw {
                        if glob {
                            fields.extend(self.glob(&f, sys));
                        } else {
                            fields.push(f);
                        }
                    }
                    if let Some(c) = self.cmds.last_mut() {
                        if fields.len() == 1 {
                            c.redirs.push((*fd, *op, fields.remove(0)));
                        } else {
                            c.error.get_or_insert_with(|| "ambiguous redirect".into());
                        }
                    }
                }
                Op::Run { in_place } => {
                    if let Some(y) = self.run_command(*in_place, sys) {
                        return y;
                    }
                }
                Op::Jump(t) => self.pc = *t,
                Op::JumpIfZero(t) => {
                    if self.status == 0 {
                        self.pc = *t;
                    }
                }
                Op::JumpIfNonZero(t) => {
                    if self.status != 0 {
                        self.pc = *t;
                    }
                }
                Op::Not => self.status = i32::from(self.status == 0),
                Op::SetStatus(s) => self.status = *s,
                Op::SubshellBegin { end } => self.enter_frame(*end, sys),
                Op::SubshellEnd => self.leave_frame(),
                Op::CaptureBegin => self.out.push(String::new()),
                Op::CaptureToStdin { replace } => {
                    let text = self.out.pop().unwrap_or_default();
                    if *replace {
                        self.input.pop();
                    }
                    self.input.push(text);
                }
                Op::StdinEnd => {
                    self.input.pop();
                }
                Op::RedirScopeBegin => self.scope_begin(sys),
                Op::RedirScopeEnd => self.scope_end(sys),
                Op::LoopBegin { cont, brk } => {
                    let depths = self.depths();
                    self.loops.push(LoopFrame {
                        cont: *cont,
                        brk: *brk,
                        items: Vec::new(),
                        next: 0,
                        body_status: 0,
                        depths,
                    });
                }
                Op::ForItems => {
                    let c = self.cmds.pop().unwrap_or_default();
                    if let Some(l) = self.loops.last_mut() {
                        l.items = c.args;
                    }
                }
                Op::ForPositional => {
                    let items = self.positional.iter().skip(1).cloned().collect();
                    if let Some(l) = self.loops.last_mut() {
                        l.items = items;
                    }
                }
                Op::ForNext { var, done } => {
                    let next = self.loops.last_mut().and_then(|l| {
                        let item = l.items.get(l.next).cloned();
                        l.next += 1;
                        item
                    });
                    match next {
                        Some(v) => self.vars.set(var, &v),
                        None => self.pc = *done,
                    }
                }
                Op::LoopBodyDone => {
                    if let Some(l) = self.loops.last_mut() {
                        l.body_status = self.status;
                    }
                }
                Op::LoopEnd => {
                    if let Some(l) = self.loops.pop() {
                        self.status = l.body_status;
                    }
                }
            }
        }
    }

    /// The child the shell waited on has finished with `status`.
    pub fn resume(&mut self, status: i32, sys: &mut dyn Sys) {
        if let Some(w) = self.waiting.take() {
            self.status = status;
            let redirs = w.redirs;
            self.route(
                Output {
                    stdout: String::new(),
                    stderr: String::new(),
                    status,
                },
                &redirs,
                sys,
            );
        }
    }

    /// Delivers `signal` to one of the shell's processes (from another process in the
    /// container: a PID 1 without a handler ignores it).
    pub fn signal(&mut self, pid: u32, signal: i32, sys: &mut dyn Sys) -> Signalled {
        if self.waiting.as_ref().is_some_and(|w| w.child.pid == pid) {
            if pid == 1 {
                return Signalled::Ignored;
            }
            self.resume(128 + signal, sys);
            return Signalled::Killed;
        }
        match self.procs.iter().position(|p| p.pid == pid) {
            None => Signalled::NotMine,
            Some(0) if pid == 1 => Signalled::Ignored,
            Some(0) => {
                self.waiting = None;
                self.exited = Some(128 + signal);
                Signalled::Killed
            }
            Some(i) => {
                // A subshell dies: its parent sees 128+signal where the subshell ended.
                let Some(frame) = self.frames.iter().position(|f| f.depths.procs == i) else {
                    return Signalled::NotMine;
                };
                self.waiting = None;
                self.frames.truncate(frame + 1);
                self.pc = self.frames[frame].end;
                self.status = 128 + signal;
                Signalled::Killed
            }
        }
    }

    fn halt(&mut self) -> Yield {
        self.exited = Some(self.status);
        Yield::Exited(self.status)
    }

    fn depths(&self) -> Depths {
        Depths {
            out: self.out.len(),
            input: self.input.len(),
            cmds: self.cmds.len(),
            words: self.words.len(),
            loops: self.loops.len(),
            scopes: self.scopes.len(),
            procs: self.procs.len(),
        }
    }

    fn enter_frame(&mut self, end: usize, sys: &mut dyn Sys) {
        let depths = self.depths();
        self.frames.push(Frame {
            end,
            vars: self.vars.clone(),
            cwd: self.cwd.clone(),
            depths,
        });
        let parent = self
            .procs
            .last()
            .cloned()
            .unwrap_or_else(|| self.procs[0].clone());
        let pid = sys.spawn_pid();
        self.procs.push(ProcInfo {
            pid,
            ppid: parent.pid,
            cmdline: parent.cmdline,
            started: sys.now(),
        });
    }

    fn leave_frame(&mut self) {
        let Some(f) = self.frames.pop() else { return };
        self.vars = f.vars;
        self.cwd = f.cwd;
        let d = f.depths;
        self.out.truncate(d.out);
        self.input.truncate(d.input);
        self.cmds.truncate(d.cmds);
        self.words.truncate(d.words);
        self.loops.truncate(d.loops);
        self.scopes.truncate(d.scopes);
        self.procs.truncate(d.procs);
    }

    fn tilde(&self, s: &str) -> String {
        match s.strip_prefix('~') {
            Some(rest) if rest.is_empty() || rest.starts_with('/') => {
                format!("{}{rest}", self.vars.get("HOME").unwrap_or("/root"))
            }
            _ => s.to_string(),
        }
    }

    fn param(&self, name: &str) -> String {
        match name {
            "?" => self.status.to_string(),
            "$" => self.procs[0].pid.to_string(),
            "#" => (self.positional.len().saturating_sub(1)).to_string(),
            "@" | "*" => self
                .positional
                .iter()
                .skip(1)
                .cloned()
                .collect::<Vec<_>>()
                .join(" "),
            "!" | "-" => String::new(),
            n if n.chars().all(|c| c.is_ascii_digit()) => n
                .parse::<usize>()
                .ok()
                .and_then(|i| self.positional.get(i))
                .cloned()
                .unwrap_or_default(),
            n => self.vars.get(n).unwrap_or("").to_string(),
        }
    }

    /// `$NAME` inside `$(( … ))` is replaced before the expression is read.
    fn expand_dollars(&self, src: &str) -> String {
        let mut out = String::new();
        let mut cs = src.chars().peekable();
        while let Some(c) = cs.next() {
            if c != '$' {
                out.push(c);
                continue;
            }
            let mut name = String::new();
            if cs.peek() == Some(&'{') {
                cs.next();
                for c in cs.by_ref() {
                    if c == '}' {
                        break;
                    }
                    name.push(c);
                }
            } else {
                while let Some(&c) = cs.peek() {
                    if c.is_ascii_alphanumeric()
                        || c == '_'
                        || (name.is_empty() && "?#$".contains(c))
                    {
                        name.push(c);
                        cs.next();
                        if "?#$".contains(c) {
                            break;
                        }
                    } else {
                        break;
                    }
                }
            }
            out.push_str(&self.param(&name));
        }
        out
    }

    fn append(&mut self, text: &str, quoted: bool) {
        if let Some(w) = self.words.last_mut() {
            if quoted {
                w.push_text(text);
            } else {
                w.push_split(text);
            }
        }
    }

    fn abs(&self, path: &str) -> String {
        super::path::absolute(&self.cwd, path)
    }

    /// Pathname expansion of the last component (`/data/*.html`); no match keeps the word.
    fn glob(&self, word: &str, sys: &mut dyn Sys) -> Vec<String> {
        let (dir, pattern) = match word.rsplit_once('/') {
            Some((d, p)) => (if d.is_empty() { "/" } else { d }, p),
            None => (".", word),
        };
        if dir.contains(['*', '?', '[']) || !pattern.contains(['*', '?', '[']) {
            return vec![word.to_string()];
        }
        let Ok(entries) = sys.list_dir(&self.abs(dir)) else {
            return vec![word.to_string()];
        };
        let mut names: Vec<String> = entries
            .into_iter()
            .map(|e| e.name)
            .filter(|n| {
                (!n.starts_with('.') || pattern.starts_with('.'))
                    && super::regex::glob_match(pattern, n)
            })
            .collect();
        if names.is_empty() {
            return vec![word.to_string()];
        }
        names.sort();
        names
            .into_iter()
            .map(|n| match word.rsplit_once('/') {
                Some((d, _)) => format!("{d}/{n}"),
                None => n,
            })
            .collect()
    }

    fn scope_begin(&mut self, sys: &mut dyn Sys) {
        let c = self.cmds.pop().unwrap_or_default();
        let mut scope = Scope {
            redirs: c.redirs.clone(),
            captured: false,
            stdin: false,
        };
        for (fd, op, target) in &c.redirs {
            if *op == RedirOp::In && *fd == 0 {
                match sys.read_file(&self.abs(target)) {
                    Ok(text) => {
                        self.input.push(text);
                        scope.stdin = true;
                    }
                    Err(e) => sys.stderr(&format!("sh: can't open '{target}': {}\n", e.text())),
                }
            }
        }
        if c.redirs
            .iter()
            .any(|(fd, op, _)| *fd == 1 && *op != RedirOp::In || *op == RedirOp::BothOut)
        {
            self.out.push(String::new());
            scope.captured = true;
        }
        self.scopes.push(scope);
    }

    fn scope_end(&mut self, sys: &mut dyn Sys) {
        let Some(scope) = self.scopes.pop() else {
            return;
        };
        let captured = if scope.captured {
            self.out.pop().unwrap_or_default()
        } else {
            String::new()
        };
        if scope.stdin {
            self.input.pop();
        }
        if scope.captured {
            let status = self.status;
            self.route(
                Output {
                    stdout: captured,
                    stderr: String::new(),
                    status,
                },
                &scope.redirs,
                sys,
            );
            self.status = status;
        }
    }

    fn emit_stdout(&mut self, text: &str, sys: &mut dyn Sys) {
        if text.is_empty() {
            return;
        }
        match self.out.last_mut() {
            Some(buf) => buf.push_str(text),
            None => sys.stdout(text),
        }
    }

    /// Sends a command's output where its redirections say. Returns false (after
    /// reporting) when a target cannot be opened.
    fn route(&mut self, o: Output, redirs: &[(u32, RedirOp, String)], sys: &mut dyn Sys) -> bool {
        #[derive(Clone, PartialEq)]
        enum Target {
            Out,
            Err,
            Null,
            File(String),
        }
        let mut out_t = Target::Out;
        let mut err_t = Target::Err;
        let mut opened: Vec<String> = Vec::new();
        for (fd, op, target) in redirs {
            let t = match op {
                RedirOp::In => continue,
                RedirOp::DupOut => match target.as_str() {
                    "1" => out_t.clone(),
                    "2" => err_t.clone(),
                    "-" => Target::Null,
                    other => {
                        sys.stderr(&format!("sh: {other}: bad file descriptor\n"));
                        self.status = 1;
                        return false;
                    }
                },
                RedirOp::Out | RedirOp::Append | RedirOp::BothOut => {
                    if target == "/dev/null" {
                        Target::Null
                    } else if target == "/dev/stdout" {
                        Target::Out
                    } else if target == "/dev/stderr" {
                        Target::Err
                    } else {
                        let path = self.abs(target);
                        let append = *op == RedirOp::Append;
                        if !opened.contains(&path) {
                            if let Err(e) = sys.write_file(&path, "", append) {
                                let why = match e {
                                    super::sys::FsError::NotFound => {
                                        "nonexistent directory".to_string()
                                    }
                                    other => other.text().to_string(),
                                };
                                sys.stderr(&format!("sh: can't create {target}: {why}\n"));
                                self.status = 1;
                                return false;
                            }
                            opened.push(path.clone());
                        }
                        Target::File(path)
                    }
                }
            };
            match (op, fd) {
                (RedirOp::BothOut, _) => {
                    out_t = t.clone();
                    err_t = t;
                }
                (_, 2) => err_t = t,
                (_, 1) => out_t = t,
                _ => {}
            }
        }
        for (text, t) in [(o.stdout, out_t), (o.stderr, err_t)] {
            if text.is_empty() {
                continue;
            }
            match t {
                Target::Out => self.emit_stdout(&text, sys),
                Target::Err => sys.stderr(&text),
                Target::Null => {}
                Target::File(p) => {
                    let _ = sys.write_file(&p, &text, true);
                }
            }
        }
        true
    }

    /// Runs the collected command. `Some` when the shell must stop (exit or wait).
    fn run_command(&mut self, in_place: bool, sys: &mut dyn Sys) -> Option<Yield> {
        let cmd = self.cmds.pop().unwrap_or_default();
        if let Some(e) = &cmd.error {
            sys.stderr(&format!("sh: {e}\n"));
            self.status = 1;
            return None;
        }
        if cmd.args.is_empty() {
            for (k, v) in &cmd.assigns {
                self.vars.set(k, v);
            }
            let status = self.subst_status.take().unwrap_or(0);
            if self.route(Output::default(), &cmd.redirs, sys) {
                self.status = status;
            }
            return None;
        }
        let mut stdin = self.input.last().cloned().unwrap_or_default();
        for (fd, op, target) in &cmd.redirs {
            if *op == RedirOp::In && *fd == 0 {
                match sys.read_file(&self.abs(target)) {
                    Ok(t) => stdin = t,
                    Err(e) => {
                        sys.stderr(&format!("sh: can't open '{target}': {}\n", e.text()));
                        self.status = 1;
                        return None;
                    }
                }
            }
        }
        let name = cmd.args[0].clone();
        // Builtins that act on the shell itself.
        match name.as_str() {
            "exit" => return self.exit_builtin(&cmd.args, sys),
            "break" | "continue" => {
                self.loop_control(name == "break", &cmd.args);
                return None;
            }
            "cd" => {
                let target = cmd
                    .args
                    .get(1)
                    .cloned()
                    .unwrap_or_else(|| self.vars.get("HOME").unwrap_or("/").to_string());
                let path = self.abs(&target);
                let o = match sys.stat(&path) {
                    Some(s) if s.is_dir => {
                        self.cwd = path;
                        Output::ok(String::new())
                    }
                    Some(_) => Output::err(
                        format!("sh: cd: can't cd to {target}: Not a directory\n"),
                        2,
                    ),
                    None => Output::err(
                        format!("sh: cd: can't cd to {target}: No such file or directory\n"),
                        2,
                    ),
                };
                self.finish(o, &cmd.redirs, sys);
                return None;
            }
            "export" | "readonly" | "local" => {
                for a in &cmd.args[1..] {
                    match a.split_once('=') {
                        Some((k, v)) => self.vars.set(k, v),
                        None => {
                            if self.vars.get(a).is_none() {
                                self.vars.set(a, "");
                            }
                        }
                    }
                }
                self.finish(Output::ok(String::new()), &cmd.redirs, sys);
                return None;
            }
            "unset" => {
                for a in &cmd.args[1..] {
                    self.vars.unset(a);
                }
                self.finish(Output::ok(String::new()), &cmd.redirs, sys);
                return None;
            }
            "kill" => {
                let o = self.kill_builtin(&cmd.args, sys);
                self.finish(o, &cmd.redirs, sys);
                return None;
            }
            "wait" => {
                self.finish(Output::ok(String::new()), &cmd.redirs, sys);
                return None;
            }
            "exec" if cmd.args.len() == 1 => {
                self.finish(Output::ok(String::new()), &cmd.redirs, sys);
                return None;
            }
            _ => {}
        }
        // `exec CMD` replaces the shell: run CMD in place.
        let (args, in_place) = if name == "exec" {
            (cmd.args[1..].to_vec(), true)
        } else {
            (cmd.args.clone(), in_place)
        };
        let mut env = self.vars.clone();
        for (k, v) in &cmd.assigns {
            env.set(k, v);
        }
        let program = programs::find(&args[0]);
        let pid = match program {
            Some(p) if p.builtin => None,
            _ if in_place => None,
            _ => Some(sys.spawn_pid()),
        };
        let me = self
            .procs
            .last()
            .cloned()
            .unwrap_or_else(|| self.procs[0].clone());
        let child = ProcInfo {
            pid: pid.unwrap_or(me.pid),
            ppid: if pid.is_some() { me.pid } else { me.ppid },
            cmdline: args.join(" "),
            started: sys.now(),
        };
        if in_place && !program.is_some_and(|p| p.builtin) {
            // The program takes over the shell's process: `ps` shows it under the shell's PID.
            if let Some(p) = self.procs.last_mut() {
                p.cmdline = child.cmdline.clone();
            }
        }
        let outcome = match program {
            Some(p) => {
                let mut own = self.procs.clone();
                if pid.is_some() {
                    own.push(child.clone());
                }
                let mut ctx = Ctx {
                    sys: &mut *sys,
                    rng: &mut self.rng,
                    env: &env,
                    cwd: &self.cwd,
                    stdin: &stdin,
                    own,
                };
                (p.run)(&args, &mut ctx)
            }
            None => match self.mode {
                Mode::Exec => {
                    Outcome::Done(Output::err(format!("sh: {}: not found\n", args[0]), 127))
                }
                Mode::Main => {
                    self.waiting = Some(Waiting {
                        redirs: cmd.redirs.clone(),
                        child: child.clone(),
                    });
                    return Some(Yield::Blocked(Block {
                        duration: None,
                        child,
                        unknown: Some(args.join(" ")),
                    }));
                }
            },
        };
        match outcome {
            Outcome::Done(o) => {
                self.finish(o, &cmd.redirs, sys);
                None
            }
            Outcome::Block { duration } => {
                self.waiting = Some(Waiting {
                    redirs: cmd.redirs.clone(),
                    child: child.clone(),
                });
                Some(Yield::Blocked(Block {
                    duration,
                    child,
                    unknown: None,
                }))
            }
        }
    }

    fn finish(&mut self, o: Output, redirs: &[(u32, RedirOp, String)], sys: &mut dyn Sys) {
        let status = o.status;
        if self.route(o, redirs, sys) {
            self.status = status;
        }
    }

    fn exit_builtin(&mut self, args: &[String], sys: &mut dyn Sys) -> Option<Yield> {
        let code = match args.get(1) {
            None => self.status,
            Some(a) => match a.parse::<i64>() {
                Ok(n) => (n & 0xff) as i32,
                Err(_) => {
                    sys.stderr(&format!("sh: exit: Illegal number: {a}\n"));
                    2
                }
            },
        };
        self.status = code;
        match self.frames.last() {
            Some(f) => {
                self.pc = f.end;
                let d = f.depths;
                // Drop what the subshell had open; the frame's end restores the rest.
                self.loops.truncate(d.loops);
                self.scopes.truncate(d.scopes);
                self.out.truncate(d.out);
                self.input.truncate(d.input);
                self.cmds.truncate(d.cmds);
                self.words.truncate(d.words);
                None
            }
            None => Some(self.halt()),
        }
    }

    fn loop_control(&mut self, is_break: bool, args: &[String]) {
        let floor = self.frames.last().map_or(0, |f| f.depths.loops);
        let n: usize = args
            .get(1)
            .and_then(|a| a.parse().ok())
            .filter(|n| *n > 0)
            .unwrap_or(1);
        let available = self.loops.len().saturating_sub(floor);
        if available == 0 {
            self.status = 0;
            return;
        }
        let idx = self.loops.len() - n.min(available);
        self.loops.truncate(idx + 1);
        let l = self.loops[idx].clone();
        self.out.truncate(l.depths.out);
        self.input.truncate(l.depths.input);
        self.cmds.truncate(l.depths.cmds);
        self.words.truncate(l.depths.words);
        self.scopes.truncate(l.depths.scopes);
        self.status = 0;
        if is_break {
            if let Some(last) = self.loops.last_mut() {
                last.body_status = 0;
            }
            self.pc = l.brk;
        } else {
            self.pc = l.cont;
        }
    }

    fn kill_builtin(&mut self, args: &[String], sys: &mut dyn Sys) -> Output {
        let mut signal = 15;
        let mut rest = &args[1..];
        match rest.first().map(String::as_str) {
            Some("-l") => {
                let names: Vec<&str> = programs::signals::NAMES.iter().map(|(n, _)| *n).collect();
                return Output::ok(format!("{}\n", names.join(" ")));
            }
            Some("-s") => match rest.get(1).and_then(|s| programs::signals::parse(s)) {
                Some(s) => {
                    signal = s;
                    rest = &rest[2..];
                }
                None => {
                    return Output::err(
                        format!(
                            "sh: kill: bad signal name '{}'\n",
                            rest.get(1).map_or("", |s| s)
                        ),
                        1,
                    )
                }
            },
            Some(a) if a.starts_with('-') && a.len() > 1 && a != "--" => {
                match programs::signals::parse(&a[1..]) {
                    Some(s) => {
                        signal = s;
                        rest = &rest[1..];
                    }
                    None => {
                        return Output::err(format!("sh: kill: bad signal name '{}'\n", &a[1..]), 1)
                    }
                }
            }
            Some("--") => rest = &rest[1..],
            _ => {}
        }
        if rest.is_empty() {
            return Output::err("kill: usage: kill [-s sigspec | -signum | -sigspec] pid | jobspec ... or kill -l [sigspec]\n".into(), 1);
        }
        let mut o = Output::ok(String::new());
        for target in rest {
            let Ok(pid) = target.parse::<u32>() else {
                o.stderr
                    .push_str(&format!("sh: kill: illegal number: {target}\n"));
                o.status = 1;
                continue;
            };
            let own = self.procs.iter().any(|p| p.pid == pid);
            let result = if own {
                KillResult::Delivered
            } else {
                sys.kill(pid, signal)
            };
            if result == KillResult::NoSuchProcess {
                o.stderr
                    .push_str(&format!("sh: can't kill pid {pid}: No such process\n"));
                o.status = 1;
            }
        }
        o
    }
}

#[cfg(test)]
mod tests;
