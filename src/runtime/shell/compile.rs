//! The script tree → a flat list of operations with jumps. A shell that is waiting on a
//! child (`sleep`) is then just a program counter and a few stacks: a value that can be
//! cloned, kept as a snapshot, and resumed later — which is how klab runs a container's
//! shell ahead in virtual time and rewinds it when `kill` or `exec` intervenes.

use super::lexer::RedirOp;
use super::parser::{AndOr, Command, Logic, Pipeline, Redir, Script, XPart, XWord};

#[derive(Clone, Debug, PartialEq)]
pub enum Op {
    /// Start collecting a command's words, assignments and redirections.
    CmdBegin,
    /// Start a word.
    WordBegin,
    /// Unquoted text (pathname expansion applies).
    Lit(String),
    /// Quoted text.
    Quoted(String),
    Param {
        name: String,
        quoted: bool,
    },
    Arith {
        src: String,
        quoted: bool,
    },
    /// Start `$(…)`: capture output, enter a subshell whose `exit` jumps to `end`.
    SubstBegin {
        end: usize,
    },
    /// End `$(…)`: the captured output (trailing newlines removed) joins the word.
    SubstEnd {
        quoted: bool,
    },
    /// The finished word becomes arguments (fields).
    WordToArgs,
    WordToAssign(String),
    WordToRedir {
        fd: u32,
        op: RedirOp,
    },
    /// Run the collected command; `in_place` when it replaces the (sub)shell process.
    Run {
        in_place: bool,
    },
    Jump(usize),
    JumpIfZero(usize),
    JumpIfNonZero(usize),
    Not,
    SetStatus(i32),
    /// Enter a subshell (`( … )`, a pipeline stage) whose `exit` jumps to `end`.
    SubshellBegin {
        end: usize,
    },
    SubshellEnd,
    /// Capture standard output (a pipeline stage).
    CaptureBegin,
    /// The captured output becomes the next stage's standard input (replacing the
    /// previous stage's when `replace`).
    CaptureToStdin {
        replace: bool,
    },
    StdinEnd,
    /// Apply the collected redirections to a compound command's output.
    RedirScopeBegin,
    RedirScopeEnd,
    LoopBegin {
        cont: usize,
        brk: usize,
    },
    /// The collected words become the `for` loop's items.
    ForItems,
    /// `for` without `in`: the positional parameters.
    ForPositional,
    ForNext {
        var: String,
        done: usize,
    },
    LoopBodyDone,
    LoopEnd,
    /// End of the script.
    Halt,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Program {
    pub ops: Vec<Op>,
}

pub fn compile(script: &Script) -> Program {
    let mut c = Compiler { ops: Vec::new() };
    c.script(script, single_simple(script));
    c.emit(Op::Halt);
    Program { ops: c.ops }
}

/// A command given as an argument vector (a container's `command`, or `exec` without a
/// shell): one simple command, words taken literally, run in place of the process.
pub fn compile_argv(argv: &[String]) -> Program {
    let mut ops = vec![Op::CmdBegin];
    for a in argv {
        ops.push(Op::WordBegin);
        ops.push(Op::Quoted(a.clone()));
        ops.push(Op::WordToArgs);
    }
    ops.push(Op::Run { in_place: true });
    ops.push(Op::Halt);
    Program { ops }
}

/// A (sub)shell whose whole body is one simple command runs it in its own place (`exec`),
/// as sh does for `sh -c "sleep 3600"`: PID 1 is then `sleep` itself.
fn single_simple(s: &Script) -> bool {
    matches!(s.items.as_slice(), [AndOr { first: Pipeline { negate: false, cmds }, rest }]
        if rest.is_empty() && cmds.len() == 1 && matches!(cmds[0], Command::Simple { .. }))
}

struct Compiler {
    ops: Vec<Op>,
}

impl Compiler {
    fn emit(&mut self, op: Op) -> usize {
        self.ops.push(op);
        self.ops.len() - 1
    }
    fn here(&self) -> usize {
        self.ops.len()
    }
    /// Points a jump emitted earlier at `to`.
    fn patch(&mut self, at: usize, to: usize) {
        match &mut self.ops[at] {
            Op::Jump(t) | Op::JumpIfZero(t) | Op::JumpIfNonZero(t) => *t = to,
            Op::SubstBegin { end } | Op::SubshellBegin { end } => *end = to,
            Op::LoopBegin { brk, .. } => *brk = to,
            Op::ForNext { done, .. } => *done = to,
            _ => {}
        }
    }

    fn script(&mut self, s: &Script, in_place: bool) {
        if s.items.is_empty() {
            self.emit(Op::SetStatus(0));
        }
        for item in &s.items {
            self.and_or(item, in_place);
        }
    }

    fn and_or(&mut self, a: &AndOr, in_place: bool) {
        self.pipeline(&a.first, in_place);
        for (logic, p) in &a.rest {
            let skip = match logic {
                Logic::And => self.emit(Op::JumpIfNonZero(0)),
                Logic::Or => self.emit(Op::JumpIfZero(0)),
            };
            self.pipeline(p, false);
            let after = self.here();
            self.patch(skip, after);
        }
    }

    fn pipeline(&mut self, p: &Pipeline, in_place: bool) {
        if p.cmds.len() == 1 {
            self.command(&p.cmds[0], in_place && !p.negate);
        } else {
            let last = p.cmds.len() - 1;
            for (i, cmd) in p.cmds.iter().enumerate() {
                if i < last {
                    self.emit(Op::CaptureBegin);
                }
                self.subshell(|c| c.command(cmd, matches!(cmd, Command::Simple { .. })));
                if i < last {
                    self.emit(Op::CaptureToStdin { replace: i > 0 });
                } else {
                    self.emit(Op::StdinEnd);
                }
            }
        }
        if p.negate {
            self.emit(Op::Not);
        }
    }

    fn subshell(&mut self, body: impl FnOnce(&mut Compiler)) {
        let begin = self.emit(Op::SubshellBegin { end: 0 });
        body(self);
        let end = self.emit(Op::SubshellEnd);
        self.patch(begin, end);
    }

    fn command(&mut self, cmd: &Command, in_place: bool) {
        match cmd {
            Command::Simple {
                assigns,
                words,
                redirs,
            } => {
                self.emit(Op::CmdBegin);
                for (name, value) in assigns {
                    self.word(value);
                    self.emit(Op::WordToAssign(name.clone()));
                }
                for w in words {
                    self.word(w);
                    self.emit(Op::WordToArgs);
                }
                self.redirs(redirs);
                self.emit(Op::Run { in_place });
            }
            Command::Subshell { body, redirs } => self.scoped(redirs, |c| {
                c.subshell(|c| c.script(body, single_simple(body)));
            }),
            Command::Group { body, redirs } => self.scoped(redirs, |c| c.script(body, false)),
            Command::If {
                arms,
                otherwise,
                redirs,
            } => self.scoped(redirs, |c| {
                let mut to_end = Vec::new();
                for (cond, body) in arms {
                    c.script(cond, false);
                    let next = c.emit(Op::JumpIfNonZero(0));
                    c.script(body, false);
                    to_end.push(c.emit(Op::Jump(0)));
                    let here = c.here();
                    c.patch(next, here);
                }
                match otherwise {
                    Some(body) => c.script(body, false),
                    None => {
                        c.emit(Op::SetStatus(0));
                    }
                }
                let end = c.here();
                for j in to_end {
                    c.patch(j, end);
                }
            }),
            Command::Loop {
                until,
                cond,
                body,
                redirs,
            } => self.scoped(redirs, |c| {
                let begin = c.emit(Op::LoopBegin { cont: 0, brk: 0 });
                let top = c.here();
                if let Op::LoopBegin { cont, .. } = &mut c.ops[begin] {
                    *cont = top;
                }
                c.script(cond, false);
                let exit = if *until {
                    c.emit(Op::JumpIfZero(0))
                } else {
                    c.emit(Op::JumpIfNonZero(0))
                };
                c.script(body, false);
                c.emit(Op::LoopBodyDone);
                c.emit(Op::Jump(top));
                let end = c.emit(Op::LoopEnd);
                c.patch(exit, end);
                c.patch(begin, end);
            }),
            Command::For {
                var,
                items,
                body,
                redirs,
            } => self.scoped(redirs, |c| {
                let begin = c.emit(Op::LoopBegin { cont: 0, brk: 0 });
                match items {
                    Some(words) => {
                        c.emit(Op::CmdBegin);
                        for w in words {
                            c.word(w);
                            c.emit(Op::WordToArgs);
                        }
                        c.emit(Op::ForItems);
                    }
                    None => {
                        c.emit(Op::ForPositional);
                    }
                }
                let next = c.emit(Op::ForNext {
                    var: var.clone(),
                    done: 0,
                });
                if let Op::LoopBegin { cont, .. } = &mut c.ops[begin] {
                    *cont = next;
                }
                c.script(body, false);
                c.emit(Op::LoopBodyDone);
                c.emit(Op::Jump(next));
                let end = c.emit(Op::LoopEnd);
                c.patch(next, end);
                c.patch(begin, end);
            }),
        }
    }

    /// A compound command with redirections applies them around its body.
    fn scoped(&mut self, redirs: &[Redir], body: impl FnOnce(&mut Compiler)) {
        if redirs.is_empty() {
            body(self);
            return;
        }
        self.emit(Op::CmdBegin);
        self.redirs(redirs);
        self.emit(Op::RedirScopeBegin);
        body(self);
        self.emit(Op::RedirScopeEnd);
    }

    fn redirs(&mut self, redirs: &[Redir]) {
        for r in redirs {
            self.word(&r.target);
            self.emit(Op::WordToRedir { fd: r.fd, op: r.op });
        }
    }

    fn word(&mut self, w: &XWord) {
        self.emit(Op::WordBegin);
        for p in &w.parts {
            match p {
                XPart::Lit(s) => {
                    self.emit(Op::Lit(s.clone()));
                }
                XPart::Quoted(s) => {
                    self.emit(Op::Quoted(s.clone()));
                }
                XPart::Param { name, quoted } => {
                    self.emit(Op::Param {
                        name: name.clone(),
                        quoted: *quoted,
                    });
                }
                XPart::Arith { src, quoted } => {
                    self.emit(Op::Arith {
                        src: src.clone(),
                        quoted: *quoted,
                    });
                }
                XPart::Subst { script, quoted } => {
                    let begin = self.emit(Op::SubstBegin { end: 0 });
                    self.script(script, single_simple(script));
                    let end = self.emit(Op::SubstEnd { quoted: *quoted });
                    self.patch(begin, end);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::parser::parse;
    use super::*;

    #[test]
    fn a_lone_simple_command_runs_in_place_of_the_shell() {
        let p = compile(&parse("sleep 3600").unwrap());
        assert!(p.ops.contains(&Op::Run { in_place: true }));
        let p = compile(&parse("sleep 1; sleep 2").unwrap());
        assert!(!p.ops.contains(&Op::Run { in_place: true }));
        // Inside `$(…)` the lone command replaces the substitution's subshell (the outer,
        // empty command replaces nothing).
        let p = compile(&parse("$(sleep 3600)").unwrap());
        assert_eq!(
            p.ops
                .iter()
                .filter(|o| **o == Op::Run { in_place: true })
                .count(),
            2
        );
    }

    #[test]
    fn every_jump_lands_inside_the_program() {
        let src = "for i in 1 2; do if [ $i = 1 ]; then echo a; elif true; then echo b; else echo c; fi; done; \
                   while false; do :; done | cat && echo $(echo x) || (exit 2)";
        let p = compile(&parse(src).unwrap());
        for op in &p.ops {
            let target = match op {
                Op::Jump(t) | Op::JumpIfZero(t) | Op::JumpIfNonZero(t) => *t,
                Op::SubstBegin { end } | Op::SubshellBegin { end } => *end,
                Op::LoopBegin { cont, brk } => (*cont).max(*brk),
                Op::ForNext { done, .. } => *done,
                _ => continue,
            };
            assert!(target > 0 && target < p.ops.len(), "{op:?}");
        }
    }
}
