//! The tokenizer: shell text → words and operators. Quotes, backslash escapes, `$VAR`,
//! `${VAR}`, `$(…)` and backticks are recognised here; what a `$(…)` holds is kept as text
//! and parsed by the parser (it is a script of its own).

/// One piece of a word, in order.
#[derive(Clone, Debug, PartialEq)]
pub enum Part {
    /// Unquoted text: subject to pathname expansion, never to field splitting.
    Lit(String),
    /// Quoted or escaped text: taken literally.
    Quoted(String),
    /// `$NAME`, `${NAME}`, `$?`, `$$`, `$#`, `$0`…; `quoted` inside double quotes.
    Param { name: String, quoted: bool },
    /// `$(…)` or `` `…` ``: the script's text.
    Subst { src: String, quoted: bool },
    /// `$((…))`: the expression's text.
    Arith { src: String, quoted: bool },
}

#[derive(Clone, Debug, PartialEq, Default)]
pub struct Word {
    pub parts: Vec<Part>,
}

impl Word {
    /// The word's text if it is a plain unquoted literal (reserved words, assignments).
    pub fn plain(&self) -> Option<&str> {
        match self.parts.as_slice() {
            [Part::Lit(s)] => Some(s),
            _ => None,
        }
    }
    pub fn lit(s: &str) -> Word {
        Word {
            parts: vec![Part::Lit(s.to_string())],
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RedirOp {
    /// `>`
    Out,
    /// `>>`
    Append,
    /// `<`
    In,
    /// `>&N`
    DupOut,
    /// `&>` (stdout and stderr to a file)
    BothOut,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Tok {
    Word(Word),
    /// `;` `&&` `||` `|` `&` `(` `)` `;;` and newline as `"\n"`.
    Op(&'static str),
    Redir {
        fd: Option<u32>,
        op: RedirOp,
    },
}

/// A syntax error, in busybox ash's words (without the `sh: ` prefix).
pub type SyntaxError = String;

pub fn tokenize(src: &str) -> Result<Vec<Tok>, SyntaxError> {
    let mut lx = Lexer {
        s: src.chars().collect(),
        i: 0,
        out: Vec::new(),
    };
    lx.run()?;
    Ok(lx.out)
}

struct Lexer {
    s: Vec<char>,
    i: usize,
    out: Vec<Tok>,
}

fn is_name_start(c: char) -> bool {
    c.is_ascii_alphabetic() || c == '_'
}

fn is_name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// Characters that end an unquoted word.
fn is_meta(c: char) -> bool {
    matches!(
        c,
        ' ' | '\t' | '\n' | ';' | '&' | '|' | '(' | ')' | '<' | '>'
    )
}

impl Lexer {
    fn peek(&self) -> Option<char> {
        self.s.get(self.i).copied()
    }
    fn peek_at(&self, n: usize) -> Option<char> {
        self.s.get(self.i + n).copied()
    }

    fn run(&mut self) -> Result<(), SyntaxError> {
        while let Some(c) = self.peek() {
            match c {
                ' ' | '\t' | '\r' => self.i += 1,
                '\\' if self.peek_at(1) == Some('\n') => self.i += 2,
                '#' => {
                    while self.peek().is_some_and(|c| c != '\n') {
                        self.i += 1;
                    }
                }
                '\n' => {
                    self.i += 1;
                    self.out.push(Tok::Op("\n"));
                }
                ';' => {
                    self.i += 1;
                    if self.peek() == Some(';') {
                        self.i += 1;
                        self.out.push(Tok::Op(";;"));
                    } else {
                        self.out.push(Tok::Op(";"));
                    }
                }
                '&' => {
                    self.i += 1;
                    match self.peek() {
                        Some('&') => {
                            self.i += 1;
                            self.out.push(Tok::Op("&&"));
                        }
                        Some('>') => {
                            self.i += 1;
                            self.out.push(Tok::Redir {
                                fd: None,
                                op: RedirOp::BothOut,
                            });
                        }
                        _ => self.out.push(Tok::Op("&")),
                    }
                }
                '|' => {
                    self.i += 1;
                    if self.peek() == Some('|') {
                        self.i += 1;
                        self.out.push(Tok::Op("||"));
                    } else {
                        self.out.push(Tok::Op("|"));
                    }
                }
                '(' => {
                    self.i += 1;
                    self.out.push(Tok::Op("("));
                }
                ')' => {
                    self.i += 1;
                    self.out.push(Tok::Op(")"));
                }
                '<' | '>' => self.redir(None),
                d if d.is_ascii_digit() && self.fd_redirect_ahead() => {
                    let mut n = 0u32;
                    while let Some(d) = self.peek().filter(|c| c.is_ascii_digit()) {
                        n = n
                            .saturating_mul(10)
                            .saturating_add(d.to_digit(10).unwrap_or(0));
                        self.i += 1;
                    }
                    self.redir(Some(n));
                }
                _ => {
                    let w = self.word()?;
                    self.out.push(Tok::Word(w));
                }
            }
        }
        Ok(())
    }

    /// Digits immediately followed by `<` or `>` name a file descriptor (`2>&1`).
    fn fd_redirect_ahead(&self) -> bool {
        let mut j = self.i;
        while self.s.get(j).is_some_and(|c| c.is_ascii_digit()) {
            j += 1;
        }
        matches!(self.s.get(j), Some('<') | Some('>'))
    }

    fn redir(&mut self, fd: Option<u32>) {
        let c = self.s[self.i];
        self.i += 1;
        let op = if c == '<' {
            RedirOp::In
        } else {
            match self.peek() {
                Some('>') => {
                    self.i += 1;
                    RedirOp::Append
                }
                Some('&') => {
                    self.i += 1;
                    RedirOp::DupOut
                }
                Some('|') => {
                    self.i += 1;
                    RedirOp::Out
                }
                _ => RedirOp::Out,
            }
        };
        self.out.push(Tok::Redir { fd, op });
    }

    fn word(&mut self) -> Result<Word, SyntaxError> {
        let mut parts: Vec<Part> = Vec::new();
        let mut lit = String::new();
        let flush = |parts: &mut Vec<Part>, lit: &mut String| {
            if !lit.is_empty() {
                parts.push(Part::Lit(std::mem::take(lit)));
            }
        };
        while let Some(c) = self.peek() {
            if is_meta(c) {
                break;
            }
            match c {
                '\\' => {
                    self.i += 1;
                    match self.peek() {
                        Some('\n') => self.i += 1,
                        Some(e) => {
                            self.i += 1;
                            flush(&mut parts, &mut lit);
                            parts.push(Part::Quoted(e.to_string()));
                        }
                        None => lit.push('\\'),
                    }
                }
                '\'' => {
                    self.i += 1;
                    let start = self.i;
                    while self.peek().is_some_and(|c| c != '\'') {
                        self.i += 1;
                    }
                    if self.peek().is_none() {
                        return Err("unterminated quoted string".into());
                    }
                    let text: String = self.s[start..self.i].iter().collect();
                    self.i += 1;
                    flush(&mut parts, &mut lit);
                    parts.push(Part::Quoted(text));
                }
                '"' => {
                    self.i += 1;
                    flush(&mut parts, &mut lit);
                    self.double_quoted(&mut parts)?;
                }
                '$' => {
                    flush(&mut parts, &mut lit);
                    match self.dollar(false)? {
                        Some(p) => parts.push(p),
                        None => lit.push('$'),
                    }
                }
                '`' => {
                    flush(&mut parts, &mut lit);
                    let src = self.backtick()?;
                    parts.push(Part::Subst { src, quoted: false });
                }
                _ => {
                    lit.push(c);
                    self.i += 1;
                }
            }
        }
        flush(&mut parts, &mut lit);
        Ok(Word { parts })
    }

    fn double_quoted(&mut self, parts: &mut Vec<Part>) -> Result<(), SyntaxError> {
        let mut text = String::new();
        // `""` is an empty quoted word, not nothing.
        let mut pushed_any = false;
        loop {
            let Some(c) = self.peek() else {
                return Err("unterminated quoted string".into());
            };
            match c {
                '"' => {
                    self.i += 1;
                    break;
                }
                '\\' => {
                    self.i += 1;
                    match self.peek() {
                        Some(e @ ('$' | '`' | '"' | '\\')) => {
                            text.push(e);
                            self.i += 1;
                        }
                        Some('\n') => self.i += 1,
                        _ => text.push('\\'),
                    }
                }
                '$' => match self.dollar(true)? {
                    Some(p) => {
                        parts.push(Part::Quoted(std::mem::take(&mut text)));
                        parts.push(p);
                        pushed_any = true;
                    }
                    None => text.push('$'),
                },
                '`' => {
                    let src = self.backtick()?;
                    parts.push(Part::Quoted(std::mem::take(&mut text)));
                    parts.push(Part::Subst { src, quoted: true });
                    pushed_any = true;
                }
                _ => {
                    text.push(c);
                    self.i += 1;
                }
            }
        }
        if !text.is_empty() || !pushed_any {
            parts.push(Part::Quoted(text));
        }
        Ok(())
    }

    /// After `$`: a parameter or `$(…)`; `None` if the `$` is literal.
    fn dollar(&mut self, quoted: bool) -> Result<Option<Part>, SyntaxError> {
        self.i += 1; // '$'
        match self.peek() {
            Some('(') => {
                if self.peek_at(1) == Some('(') {
                    self.i += 2;
                    let src = self.until_close_paren()?;
                    if self.peek() != Some(')') {
                        return Err("missing ')' in arithmetic expansion".into());
                    }
                    self.i += 1;
                    return Ok(Some(Part::Arith { src, quoted }));
                }
                self.i += 1;
                let src = self.until_close_paren()?;
                Ok(Some(Part::Subst { src, quoted }))
            }
            Some('{') => {
                self.i += 1;
                let start = self.i;
                while self.peek().is_some_and(|c| c != '}') {
                    self.i += 1;
                }
                if self.peek().is_none() {
                    return Err("missing '}'".into());
                }
                let name: String = self.s[start..self.i].iter().collect();
                self.i += 1;
                if name.is_empty() || !(name.chars().all(is_name_char) || is_special(&name)) {
                    return Err(format!("${{{name}}}: bad substitution"));
                }
                Ok(Some(Part::Param { name, quoted }))
            }
            Some(c) if is_name_start(c) => {
                let start = self.i;
                while self.peek().is_some_and(is_name_char) {
                    self.i += 1;
                }
                let name: String = self.s[start..self.i].iter().collect();
                Ok(Some(Part::Param { name, quoted }))
            }
            Some(c)
                if c.is_ascii_digit() || matches!(c, '?' | '$' | '#' | '@' | '*' | '!' | '-') =>
            {
                self.i += 1;
                Ok(Some(Part::Param {
                    name: c.to_string(),
                    quoted,
                }))
            }
            _ => Ok(None),
        }
    }

    /// The text of `$(…)` up to its closing parenthesis, skipping quoted parentheses.
    fn until_close_paren(&mut self) -> Result<String, SyntaxError> {
        let start = self.i;
        let mut depth = 1;
        while let Some(c) = self.peek() {
            match c {
                '\\' => self.i += 2,
                '\'' => {
                    self.i += 1;
                    while self.peek().is_some_and(|c| c != '\'') {
                        self.i += 1;
                    }
                    self.i += 1;
                }
                '"' => {
                    self.i += 1;
                    while let Some(c) = self.peek() {
                        if c == '\\' {
                            self.i += 2;
                            continue;
                        }
                        if c == '"' {
                            break;
                        }
                        self.i += 1;
                    }
                    self.i += 1;
                }
                '(' => {
                    depth += 1;
                    self.i += 1;
                }
                ')' => {
                    depth -= 1;
                    if depth == 0 {
                        let text: String = self.s[start..self.i].iter().collect();
                        self.i += 1;
                        return Ok(text);
                    }
                    self.i += 1;
                }
                _ => self.i += 1,
            }
        }
        Err("unexpected end of file (expecting \")\")".into())
    }

    /// The text between backticks, with `` \` `` and `\\` unescaped.
    fn backtick(&mut self) -> Result<String, SyntaxError> {
        self.i += 1;
        let mut text = String::new();
        loop {
            match self.peek() {
                None => return Err("unterminated quoted string".into()),
                Some('`') => {
                    self.i += 1;
                    return Ok(text);
                }
                Some('\\') => {
                    match self.peek_at(1) {
                        Some(e @ ('`' | '\\' | '$')) => {
                            text.push(e);
                        }
                        Some(e) => {
                            text.push('\\');
                            text.push(e);
                        }
                        None => text.push('\\'),
                    }
                    self.i += 2;
                }
                Some(c) => {
                    text.push(c);
                    self.i += 1;
                }
            }
        }
    }
}

fn is_special(name: &str) -> bool {
    name.len() == 1
        && name
            .chars()
            .all(|c| c.is_ascii_digit() || "?$#@*!-".contains(c))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(src: &str) -> Vec<Tok> {
        tokenize(src).unwrap()
    }

    #[test]
    fn operators_split_words_without_spaces() {
        let t = words("a;b&&c||d|e");
        let ops: Vec<&Tok> = t.iter().filter(|t| matches!(t, Tok::Op(_))).collect();
        assert_eq!(
            ops,
            vec![&Tok::Op(";"), &Tok::Op("&&"), &Tok::Op("||"), &Tok::Op("|")]
        );
        assert_eq!(t.len(), 9);
    }

    #[test]
    fn quotes_make_one_word_and_keep_text_literal() {
        let t = words(r#"echo 'a b' "c $X d" e\ f"#);
        assert_eq!(t.len(), 4);
        assert_eq!(
            t[1],
            Tok::Word(Word {
                parts: vec![Part::Quoted("a b".into())]
            })
        );
        assert_eq!(
            t[2],
            Tok::Word(Word {
                parts: vec![
                    Part::Quoted("c ".into()),
                    Part::Param {
                        name: "X".into(),
                        quoted: true
                    },
                    Part::Quoted(" d".into()),
                ]
            })
        );
        assert_eq!(
            t[3],
            Tok::Word(Word {
                parts: vec![
                    Part::Lit("e".into()),
                    Part::Quoted(" ".into()),
                    Part::Lit("f".into())
                ]
            })
        );
    }

    #[test]
    fn command_substitution_keeps_nested_parentheses_and_backticks_unescape() {
        let t = words("echo $(echo (a) ')') `echo \\`x\\``");
        assert_eq!(
            t[1],
            Tok::Word(Word {
                parts: vec![Part::Subst {
                    src: "echo (a) ')'".into(),
                    quoted: false
                }]
            })
        );
        assert_eq!(
            t[2],
            Tok::Word(Word {
                parts: vec![Part::Subst {
                    src: "echo `x`".into(),
                    quoted: false
                }]
            })
        );
    }

    #[test]
    fn redirections_with_file_descriptors() {
        let t = words("cmd >out 2>&1 >>log <in &>all");
        assert_eq!(
            t[1],
            Tok::Redir {
                fd: None,
                op: RedirOp::Out
            }
        );
        assert_eq!(
            t[3],
            Tok::Redir {
                fd: Some(2),
                op: RedirOp::DupOut
            }
        );
        assert_eq!(t[4], Tok::Word(Word::lit("1")));
        assert_eq!(
            t[5],
            Tok::Redir {
                fd: None,
                op: RedirOp::Append
            }
        );
        assert_eq!(
            t[7],
            Tok::Redir {
                fd: None,
                op: RedirOp::In
            }
        );
        assert_eq!(
            t[9],
            Tok::Redir {
                fd: None,
                op: RedirOp::BothOut
            }
        );
    }

    #[test]
    fn unterminated_quotes_are_syntax_errors() {
        assert_eq!(
            tokenize("echo 'abc").unwrap_err(),
            "unterminated quoted string"
        );
        assert!(tokenize("echo \"abc").is_err());
        assert!(tokenize("echo $(abc").is_err());
        assert!(tokenize("echo `abc").is_err());
    }

    #[test]
    fn comments_run_to_the_end_of_the_line() {
        let t = words("echo a # b c\necho d");
        assert_eq!(t.len(), 5);
    }
}
