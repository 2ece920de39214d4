//! The parser: tokens → a script tree. The grammar is POSIX sh's core: lists with `;`,
//! newlines, `&&`, `||`; pipelines with `!`; simple commands with assignments and
//! redirections; `( … )`, `{ …; }`, `if`, `while`, `until` and `for`. `case`, functions
//! and background jobs are recognised and reported as not simulated.

use super::lexer::{tokenize, Part, RedirOp, Tok, Word};

#[derive(Clone, Debug, PartialEq)]
pub struct Script {
    pub items: Vec<AndOr>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Logic {
    And,
    Or,
}

#[derive(Clone, Debug, PartialEq)]
pub struct AndOr {
    pub first: Pipeline,
    pub rest: Vec<(Logic, Pipeline)>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Pipeline {
    pub negate: bool,
    pub cmds: Vec<Command>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Redir {
    /// The file descriptor redirected (1 for `>`, 0 for `<`).
    pub fd: u32,
    pub op: RedirOp,
    pub target: XWord,
}

/// A word whose command substitutions are parsed.
#[derive(Clone, Debug, PartialEq)]
pub struct XWord {
    pub parts: Vec<XPart>,
}

#[derive(Clone, Debug, PartialEq)]
pub enum XPart {
    Lit(String),
    Quoted(String),
    Param { name: String, quoted: bool },
    Subst { script: Script, quoted: bool },
    Arith { src: String, quoted: bool },
}

#[derive(Clone, Debug, PartialEq)]
pub enum Command {
    Simple {
        assigns: Vec<(String, XWord)>,
        words: Vec<XWord>,
        redirs: Vec<Redir>,
    },
    Subshell {
        body: Script,
        redirs: Vec<Redir>,
    },
    Group {
        body: Script,
        redirs: Vec<Redir>,
    },
    If {
        arms: Vec<(Script, Script)>,
        otherwise: Option<Script>,
        redirs: Vec<Redir>,
    },
    Loop {
        until: bool,
        cond: Script,
        body: Script,
        redirs: Vec<Redir>,
    },
    For {
        var: String,
        items: Option<Vec<XWord>>,
        body: Script,
        redirs: Vec<Redir>,
    },
}

/// Why a script cannot run.
#[derive(Clone, Debug, PartialEq)]
pub enum ParseError {
    /// What busybox ash would say after `sh: syntax error: `.
    Syntax(String),
    /// Valid shell that klab's small shell does not simulate (names the feature).
    Unsupported(String),
}

pub fn parse(src: &str) -> Result<Script, ParseError> {
    let toks = tokenize(src).map_err(ParseError::Syntax)?;
    let mut p = Parser {
        toks,
        i: 0,
        depth: 0,
    };
    let script = p.script(&[])?;
    match p.peek() {
        None => Ok(script),
        Some(t) => Err(p.unexpected(t.clone())),
    }
}

const RESERVED: &[&str] = &[
    "then", "else", "elif", "fi", "do", "done", "}", "esac", "in",
];
/// How deeply command substitutions may nest before the script is refused.
const MAX_DEPTH: usize = 32;

struct Parser {
    toks: Vec<Tok>,
    i: usize,
    depth: usize,
}

fn tok_text(t: &Tok) -> String {
    match t {
        Tok::Op("\n") => "newline".into(),
        Tok::Op(o) => o.to_string(),
        Tok::Redir { .. } => "redirection".into(),
        Tok::Word(w) => w
            .plain()
            .map(str::to_string)
            .unwrap_or_else(|| "word".into()),
    }
}

impl Parser {
    fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.i)
    }

    fn peek_word(&self) -> Option<&str> {
        match self.peek() {
            Some(Tok::Word(w)) => w.plain(),
            _ => None,
        }
    }

    fn is_op(&self, op: &str) -> bool {
        matches!(self.peek(), Some(Tok::Op(o)) if *o == op)
    }

    fn unexpected(&self, t: Tok) -> ParseError {
        ParseError::Syntax(format!("unexpected \"{}\"", tok_text(&t)))
    }

    fn skip_newlines(&mut self) {
        while self.is_op("\n") {
            self.i += 1;
        }
    }

    fn expect_word(&mut self, w: &str) -> Result<(), ParseError> {
        self.skip_newlines();
        match self.peek() {
            Some(Tok::Word(x)) if x.plain() == Some(w) => {
                self.i += 1;
                Ok(())
            }
            Some(t) => Err(self.unexpected(t.clone())),
            None => Err(ParseError::Syntax(format!(
                "unexpected end of file (expecting \"{w}\")"
            ))),
        }
    }

    /// A list of and-or items, up to a closing reserved word, `)` or the end.
    fn script(&mut self, closers: &[&str]) -> Result<Script, ParseError> {
        let mut items = Vec::new();
        loop {
            while self.is_op("\n") || self.is_op(";") {
                if self.is_op(";") && items.is_empty() {
                    return Err(self.unexpected(Tok::Op(";")));
                }
                self.i += 1;
            }
            match self.peek() {
                None => break,
                Some(Tok::Op(")")) => break,
                Some(Tok::Op(";;")) => return Err(ParseError::Unsupported("case".into())),
                Some(Tok::Word(w))
                    if w.plain()
                        .is_some_and(|p| closers.contains(&p) || RESERVED.contains(&p)) =>
                {
                    break
                }
                _ => {}
            }
            items.push(self.and_or()?);
            match self.peek() {
                Some(Tok::Op("&")) => {
                    return Err(ParseError::Unsupported("background jobs (&)".into()))
                }
                Some(Tok::Op(";")) | Some(Tok::Op("\n")) => self.i += 1,
                _ => {}
            }
        }
        Ok(Script { items })
    }

    fn and_or(&mut self) -> Result<AndOr, ParseError> {
        let first = self.pipeline()?;
        let mut rest = Vec::new();
        loop {
            let logic = if self.is_op("&&") {
                Logic::And
            } else if self.is_op("||") {
                Logic::Or
            } else {
                break;
            };
            self.i += 1;
            self.skip_newlines();
            rest.push((logic, self.pipeline()?));
        }
        Ok(AndOr { first, rest })
    }

    fn pipeline(&mut self) -> Result<Pipeline, ParseError> {
        let negate = self.peek_word() == Some("!");
        if negate {
            self.i += 1;
        }
        let mut cmds = vec![self.command()?];
        while self.is_op("|") {
            self.i += 1;
            self.skip_newlines();
            cmds.push(self.command()?);
        }
        Ok(Pipeline { negate, cmds })
    }

    fn command(&mut self) -> Result<Command, ParseError> {
        match self.peek() {
            None => Err(ParseError::Syntax("unexpected end of file".into())),
            Some(Tok::Op("(")) => {
                self.i += 1;
                let body = self.script(&[])?;
                if !self.is_op(")") {
                    return Err(ParseError::Syntax(
                        "unexpected end of file (expecting \")\")".into(),
                    ));
                }
                self.i += 1;
                let redirs = self.redirs()?;
                Ok(Command::Subshell { body, redirs })
            }
            Some(Tok::Op(_)) => Err(self.unexpected(self.peek().cloned().unwrap_or(Tok::Op(";")))),
            Some(Tok::Word(w)) => match w.plain() {
                Some("{") => {
                    self.i += 1;
                    let body = self.script(&["}"])?;
                    self.expect_word("}")?;
                    let redirs = self.redirs()?;
                    Ok(Command::Group { body, redirs })
                }
                Some("if") => self.if_command(),
                Some("while") | Some("until") => {
                    let until = w.plain() == Some("until");
                    self.i += 1;
                    let cond = self.script(&["do"])?;
                    self.expect_word("do")?;
                    let body = self.script(&["done"])?;
                    self.expect_word("done")?;
                    let redirs = self.redirs()?;
                    Ok(Command::Loop {
                        until,
                        cond,
                        body,
                        redirs,
                    })
                }
                Some("for") => self.for_command(),
                Some("case") => Err(ParseError::Unsupported("case".into())),
                Some("function") => Err(ParseError::Unsupported("functions".into())),
                Some(p) if RESERVED.contains(&p) => Err(self.unexpected(Tok::Word(w.clone()))),
                _ => self.simple(),
            },
            Some(Tok::Redir { .. }) => self.simple(),
        }
    }

    fn if_command(&mut self) -> Result<Command, ParseError> {
        self.i += 1; // if
        let mut arms = Vec::new();
        let mut otherwise = None;
        loop {
            let cond = self.script(&["then"])?;
            self.expect_word("then")?;
            let body = self.script(&["elif", "else", "fi"])?;
            arms.push((cond, body));
            self.skip_newlines();
            match self.peek_word() {
                Some("elif") => {
                    self.i += 1;
                }
                Some("else") => {
                    self.i += 1;
                    otherwise = Some(self.script(&["fi"])?);
                    self.expect_word("fi")?;
                    break;
                }
                _ => {
                    self.expect_word("fi")?;
                    break;
                }
            }
        }
        let redirs = self.redirs()?;
        Ok(Command::If {
            arms,
            otherwise,
            redirs,
        })
    }

    fn for_command(&mut self) -> Result<Command, ParseError> {
        self.i += 1; // for
        let var = match self.peek() {
            Some(Tok::Word(w)) if w.plain().is_some_and(is_name) => {
                w.plain().unwrap_or_default().to_string()
            }
            Some(t) => return Err(self.unexpected(t.clone())),
            None => return Err(ParseError::Syntax("unexpected end of file".into())),
        };
        self.i += 1;
        self.skip_newlines();
        let mut items = None;
        if self.peek_word() == Some("in") {
            self.i += 1;
            let mut ws = Vec::new();
            while let Some(Tok::Word(w)) = self.peek() {
                let w = w.clone();
                self.i += 1;
                ws.push(self.xword(&w)?);
            }
            items = Some(ws);
        }
        if self.is_op(";") || self.is_op("\n") {
            self.i += 1;
        }
        self.expect_word("do")?;
        let body = self.script(&["done"])?;
        self.expect_word("done")?;
        let redirs = self.redirs()?;
        Ok(Command::For {
            var,
            items,
            body,
            redirs,
        })
    }

    fn redirs(&mut self) -> Result<Vec<Redir>, ParseError> {
        let mut out = Vec::new();
        while let Some(Tok::Redir { fd, op }) = self.peek().cloned() {
            self.i += 1;
            out.push(self.redir_target(fd, op)?);
        }
        Ok(out)
    }

    fn redir_target(&mut self, fd: Option<u32>, op: RedirOp) -> Result<Redir, ParseError> {
        let target = match self.peek() {
            Some(Tok::Word(w)) => w.clone(),
            Some(t) => return Err(self.unexpected(t.clone())),
            None => return Err(ParseError::Syntax("unexpected end of file".into())),
        };
        self.i += 1;
        let fd = fd.unwrap_or(if op == RedirOp::In { 0 } else { 1 });
        Ok(Redir {
            fd,
            op,
            target: self.xword(&target)?,
        })
    }

    fn simple(&mut self) -> Result<Command, ParseError> {
        let mut assigns = Vec::new();
        let mut words: Vec<XWord> = Vec::new();
        let mut redirs = Vec::new();
        loop {
            match self.peek().cloned() {
                Some(Tok::Redir { fd, op }) => {
                    self.i += 1;
                    redirs.push(self.redir_target(fd, op)?);
                }
                Some(Tok::Word(w)) => {
                    if words.is_empty() {
                        if let Some((name, value)) = split_assignment(&w) {
                            self.i += 1;
                            assigns.push((name, self.xword(&value)?));
                            continue;
                        }
                    }
                    if words.is_empty() && self.is_op_after_word("(") {
                        return Err(ParseError::Unsupported("functions".into()));
                    }
                    self.i += 1;
                    words.push(self.xword(&w)?);
                }
                _ => break,
            }
        }
        Ok(Command::Simple {
            assigns,
            words,
            redirs,
        })
    }

    /// `name (` starts a function definition.
    fn is_op_after_word(&self, op: &str) -> bool {
        matches!(self.toks.get(self.i + 1), Some(Tok::Op(o)) if *o == op)
    }

    fn xword(&mut self, w: &Word) -> Result<XWord, ParseError> {
        let mut parts = Vec::new();
        for p in &w.parts {
            parts.push(match p {
                Part::Lit(s) => XPart::Lit(s.clone()),
                Part::Quoted(s) => XPart::Quoted(s.clone()),
                Part::Param { name, quoted } => XPart::Param {
                    name: name.clone(),
                    quoted: *quoted,
                },
                Part::Arith { src, quoted } => XPart::Arith {
                    src: src.clone(),
                    quoted: *quoted,
                },
                Part::Subst { src, quoted } => {
                    if self.depth >= MAX_DEPTH {
                        return Err(ParseError::Unsupported(
                            "command substitution nested this deeply".into(),
                        ));
                    }
                    let toks = tokenize(src).map_err(ParseError::Syntax)?;
                    let mut inner = Parser {
                        toks,
                        i: 0,
                        depth: self.depth + 1,
                    };
                    let script = inner.script(&[])?;
                    if let Some(t) = inner.peek() {
                        return Err(inner.unexpected(t.clone()));
                    }
                    XPart::Subst {
                        script,
                        quoted: *quoted,
                    }
                }
            });
        }
        Ok(XWord { parts })
    }
}

pub fn is_name(s: &str) -> bool {
    let mut cs = s.chars();
    cs.next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && cs.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// `NAME=value` at the start of a simple command: the name and the value's parts.
fn split_assignment(w: &Word) -> Option<(String, Word)> {
    let Some(Part::Lit(first)) = w.parts.first() else {
        return None;
    };
    let (name, rest) = first.split_once('=')?;
    if !is_name(name) {
        return None;
    }
    let mut parts = Vec::new();
    if !rest.is_empty() {
        parts.push(Part::Lit(rest.to_string()));
    }
    parts.extend(w.parts[1..].iter().cloned());
    Some((name.to_string(), Word { parts }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn simple_words(c: &Command) -> Vec<String> {
        match c {
            Command::Simple { words, .. } => words
                .iter()
                .map(|w| {
                    w.parts
                        .iter()
                        .map(|p| match p {
                            XPart::Lit(s) | XPart::Quoted(s) => s.clone(),
                            _ => "<x>".into(),
                        })
                        .collect()
                })
                .collect(),
            _ => vec![],
        }
    }

    #[test]
    fn lists_and_or_and_pipelines() {
        let s = parse("sleep 40; date +'%N' | cut -c 9 | egrep '[1|3|5|7|9]'").unwrap();
        assert_eq!(s.items.len(), 2);
        let p = &s.items[1].first;
        assert_eq!(p.cmds.len(), 3);
        assert_eq!(simple_words(&p.cmds[2]), vec!["egrep", "[1|3|5|7|9]"]);
        let s = parse("false && echo a || echo b").unwrap();
        assert_eq!(
            s.items[0].rest.iter().map(|r| r.0).collect::<Vec<_>>(),
            vec![Logic::And, Logic::Or]
        );
    }

    #[test]
    fn command_substitution_is_parsed_as_a_script() {
        let s = parse("$(sleep 3600)").unwrap();
        let Command::Simple { words, .. } = &s.items[0].first.cmds[0] else {
            panic!()
        };
        let XPart::Subst { script, .. } = &words[0].parts[0] else {
            panic!()
        };
        assert_eq!(
            simple_words(&script.items[0].first.cmds[0]),
            vec!["sleep", "3600"]
        );
    }

    #[test]
    fn compound_commands() {
        assert!(matches!(
            parse("if true; then echo y; else echo n; fi")
                .unwrap()
                .items[0]
                .first
                .cmds[0],
            Command::If { .. }
        ));
        assert!(matches!(
            parse("while true; do sleep 1; done").unwrap().items[0]
                .first
                .cmds[0],
            Command::Loop { .. }
        ));
        assert!(matches!(
            parse("for i in 1 2 3; do echo $i; done").unwrap().items[0]
                .first
                .cmds[0],
            Command::For { .. }
        ));
        assert!(matches!(
            parse("(exit 3)").unwrap().items[0].first.cmds[0],
            Command::Subshell { .. }
        ));
        assert!(matches!(
            parse("{ echo a; echo b; } > f").unwrap().items[0]
                .first
                .cmds[0],
            Command::Group { .. }
        ));
    }

    #[test]
    fn assignments_come_before_the_command_name() {
        let s = parse("A=1 B=\"x y\" env").unwrap();
        let Command::Simple { assigns, words, .. } = &s.items[0].first.cmds[0] else {
            panic!()
        };
        assert_eq!(assigns.len(), 2);
        assert_eq!(words.len(), 1);
    }

    #[test]
    fn syntax_errors_and_unsupported_features() {
        assert_eq!(
            parse("if true; then echo").unwrap_err(),
            ParseError::Syntax("unexpected end of file (expecting \"fi\")".into())
        );
        assert_eq!(
            parse("echo a; fi").unwrap_err(),
            ParseError::Syntax("unexpected \"fi\"".into())
        );
        assert_eq!(
            parse("; echo").unwrap_err(),
            ParseError::Syntax("unexpected \";\"".into())
        );
        assert!(matches!(
            parse("sleep 10 &").unwrap_err(),
            ParseError::Unsupported(_)
        ));
        assert!(matches!(
            parse("f() { echo; }").unwrap_err(),
            ParseError::Unsupported(_)
        ));
        assert!(matches!(
            parse("case x in a) ;; esac").unwrap_err(),
            ParseError::Unsupported(_)
        ));
    }
}
