//! POSIX regular expressions as `grep` (basic) and `grep -E`/`egrep` (extended) read them,
//! with GNU's extensions (`\|`, `\+`, `\?` in basic ones): literals, `.`, bracket
//! expressions with ranges and `[:classes:]`, anchors, groups, alternation and repetition.
//! Matching backtracks; lines are short. Also the shell's pathname patterns (`*.html`).

use std::cell::Cell;

#[derive(Clone, Debug, PartialEq)]
enum Node {
    Char(char),
    Any,
    Class {
        items: Vec<ClassItem>,
        negated: bool,
    },
    Start,
    End,
    Concat(Vec<Node>),
    Alt(Vec<Node>),
    Repeat {
        node: Box<Node>,
        min: u32,
        max: Option<u32>,
    },
}

#[derive(Clone, Debug, PartialEq)]
enum ClassItem {
    Char(char),
    Range(char, char),
    Named(String),
}

#[derive(Clone, Debug)]
pub struct Regex {
    node: Node,
    icase: bool,
}

/// Work limit per start position: a pathological pattern gives up instead of hanging.
const STEP_LIMIT: usize = 1_000_000;

/// Limit on pattern nesting, so a hostile pattern is an error rather than a stack overflow.
const MAX_NESTING: usize = 64;

impl Regex {
    pub fn new(pattern: &str, extended: bool, icase: bool) -> Result<Regex, String> {
        let chars: Vec<char> = pattern.chars().collect();
        let mut p = Parser {
            s: &chars,
            i: 0,
            ext: extended,
            depth: 0,
        };
        let node = p.alt()?;
        if p.i < chars.len() {
            return Err(if extended {
                "Unmatched ) or \\)".into()
            } else {
                "Unmatched \\)".into()
            });
        }
        Ok(Regex { node, icase })
    }

    /// Whether the pattern matches anywhere in `line`.
    pub fn is_match(&self, line: &str) -> bool {
        self.find(line).is_some()
    }

    /// The leftmost match's character range.
    pub fn find(&self, line: &str) -> Option<(usize, usize)> {
        let text: Vec<char> = if self.icase {
            line.chars().flat_map(char::to_lowercase).collect()
        } else {
            line.chars().collect()
        };
        for start in 0..=text.len() {
            let mut best: Option<usize> = None;
            let steps = Cell::new(0usize);
            m(&self.node, &text, start, self.icase, &steps, &mut |end| {
                best = Some(best.map_or(end, |b: usize| b.max(end)));
                false
            });
            if let Some(end) = best {
                return Some((start, end));
            }
        }
        None
    }
}

/// Backtracking matcher: calls `k` with every end position reachable from `pos`; stops
/// when `k` returns true.
fn m(
    node: &Node,
    t: &[char],
    pos: usize,
    icase: bool,
    steps: &Cell<usize>,
    k: &mut dyn FnMut(usize) -> bool,
) -> bool {
    steps.set(steps.get() + 1);
    if steps.get() > STEP_LIMIT {
        return false;
    }
    let eq = |a: char, b: char| {
        if icase {
            a.to_lowercase().eq(b.to_lowercase())
        } else {
            a == b
        }
    };
    match node {
        Node::Char(c) => pos < t.len() && eq(t[pos], *c) && k(pos + 1),
        Node::Any => pos < t.len() && k(pos + 1),
        Node::Class { items, negated } => {
            pos < t.len() && (class_matches(items, t[pos], icase) != *negated) && k(pos + 1)
        }
        Node::Start => pos == 0 && k(pos),
        Node::End => pos == t.len() && k(pos),
        Node::Concat(nodes) => concat(nodes, t, pos, icase, steps, k),
        Node::Alt(alts) => alts.iter().any(|a| m(a, t, pos, icase, steps, k)),
        Node::Repeat { node, min, max } => repeat(node, *min, *max, 0, t, pos, icase, steps, k),
    }
}

fn concat(
    nodes: &[Node],
    t: &[char],
    pos: usize,
    icase: bool,
    steps: &Cell<usize>,
    k: &mut dyn FnMut(usize) -> bool,
) -> bool {
    match nodes.split_first() {
        None => k(pos),
        Some((first, rest)) => m(first, t, pos, icase, steps, &mut |p| {
            concat(rest, t, p, icase, steps, k)
        }),
    }
}

#[allow(clippy::too_many_arguments)]
fn repeat(
    node: &Node,
    min: u32,
    max: Option<u32>,
    count: u32,
    t: &[char],
    pos: usize,
    icase: bool,
    steps: &Cell<usize>,
    k: &mut dyn FnMut(usize) -> bool,
) -> bool {
    // Greedy: try one more first, then stop here.
    if max.is_none_or(|mx| count < mx)
        && m(node, t, pos, icase, steps, &mut |p| {
            p != pos && repeat(node, min, max, count + 1, t, p, icase, steps, k)
        })
    {
        return true;
    }
    count >= min && k(pos)
}

fn class_matches(items: &[ClassItem], c: char, icase: bool) -> bool {
    let test = |c: char| {
        items.iter().any(|it| match it {
            ClassItem::Char(x) => *x == c,
            ClassItem::Range(a, b) => *a <= c && c <= *b,
            ClassItem::Named(n) => match n.as_str() {
                "alpha" => c.is_alphabetic(),
                "digit" => c.is_ascii_digit(),
                "alnum" => c.is_alphanumeric(),
                "upper" => c.is_uppercase(),
                "lower" => c.is_lowercase(),
                "space" => c.is_whitespace(),
                "blank" => c == ' ' || c == '\t',
                "punct" => c.is_ascii_punctuation(),
                "xdigit" => c.is_ascii_hexdigit(),
                "print" => !c.is_control(),
                "graph" => !c.is_control() && c != ' ',
                "cntrl" => c.is_control(),
                _ => false,
            },
        })
    };
    test(c) || (icase && (c.to_uppercase().any(test) || c.to_lowercase().any(test)))
}

struct Parser<'a> {
    s: &'a [char],
    i: usize,
    ext: bool,
    depth: usize,
}

impl Parser<'_> {
    fn peek(&self) -> Option<char> {
        self.s.get(self.i).copied()
    }
    fn peek2(&self) -> Option<char> {
        self.s.get(self.i + 1).copied()
    }
    fn at_alt(&self) -> bool {
        if self.ext {
            self.peek() == Some('|')
        } else {
            self.peek() == Some('\\') && self.peek2() == Some('|')
        }
    }
    fn at_close(&self) -> bool {
        if self.ext {
            self.peek() == Some(')') && self.depth > 0
        } else {
            self.peek() == Some('\\') && self.peek2() == Some(')')
        }
    }

    fn alt(&mut self) -> Result<Node, String> {
        let mut alts = vec![self.concat()?];
        while self.at_alt() {
            self.i += if self.ext { 1 } else { 2 };
            alts.push(self.concat()?);
        }
        Ok(if alts.len() == 1 {
            alts.remove(0)
        } else {
            Node::Alt(alts)
        })
    }

    fn concat(&mut self) -> Result<Node, String> {
        let mut items: Vec<Node> = Vec::new();
        while self.peek().is_some() && !self.at_alt() && !self.at_close() {
            let atom_start = items.is_empty();
            let atom = self.atom(atom_start)?;
            let atom = self.postfix(atom)?;
            items.push(atom);
        }
        Ok(Node::Concat(items))
    }

    fn atom(&mut self, at_start: bool) -> Result<Node, String> {
        let c = self.peek().ok_or("unexpected end")?;
        self.i += 1;
        Ok(match c {
            '.' => Node::Any,
            '^' if at_start || self.ext => Node::Start,
            '$' if self.ext || self.i == self.s.len() || self.at_alt() || self.at_close() => {
                Node::End
            }
            '[' => self.bracket()?,
            '*' if at_start => Node::Char('*'),
            '(' if self.ext => self.group()?,
            '\\' => {
                let e = self.peek().ok_or("Trailing backslash")?;
                self.i += 1;
                match e {
                    '(' if !self.ext => self.group()?,
                    'w' => Node::Class {
                        items: vec![ClassItem::Named("alnum".into()), ClassItem::Char('_')],
                        negated: false,
                    },
                    'W' => Node::Class {
                        items: vec![ClassItem::Named("alnum".into()), ClassItem::Char('_')],
                        negated: true,
                    },
                    's' => Node::Class {
                        items: vec![ClassItem::Named("space".into())],
                        negated: false,
                    },
                    'S' => Node::Class {
                        items: vec![ClassItem::Named("space".into())],
                        negated: true,
                    },
                    d if d.is_ascii_digit() => {
                        return Err("back-references are not supported".into())
                    }
                    other => Node::Char(other),
                }
            }
            other => Node::Char(other),
        })
    }

    fn group(&mut self) -> Result<Node, String> {
        self.depth += 1;
        if self.depth > MAX_NESTING {
            return Err("pattern nested too deeply".into());
        }
        let inner = self.alt()?;
        let closed = if self.ext {
            self.peek() == Some(')')
        } else {
            self.peek() == Some('\\') && self.peek2() == Some(')')
        };
        if !closed {
            return Err(if self.ext {
                "Unmatched ( or \\(".into()
            } else {
                "Unmatched \\(".into()
            });
        }
        self.i += if self.ext { 1 } else { 2 };
        self.depth -= 1;
        Ok(inner)
    }

    fn postfix(&mut self, mut atom: Node) -> Result<Node, String> {
        loop {
            let (min, max, len) = match (self.peek(), self.peek2(), self.ext) {
                (Some('*'), _, _) => (0, None, 1),
                (Some('+'), _, true) => (1, None, 1),
                (Some('?'), _, true) => (0, Some(1), 1),
                (Some('\\'), Some('+'), false) => (1, None, 2),
                (Some('\\'), Some('?'), false) => (0, Some(1), 2),
                (Some('{'), _, true) => {
                    self.i += 1;
                    let (a, b) = self.interval('}')?;
                    atom = Node::Repeat {
                        node: Box::new(atom),
                        min: a,
                        max: b,
                    };
                    continue;
                }
                (Some('\\'), Some('{'), false) => {
                    self.i += 2;
                    let (a, b) = self.interval('\\')?;
                    atom = Node::Repeat {
                        node: Box::new(atom),
                        min: a,
                        max: b,
                    };
                    continue;
                }
                _ => return Ok(atom),
            };
            self.i += len;
            atom = Node::Repeat {
                node: Box::new(atom),
                min,
                max,
            };
        }
    }

    /// `m}`, `m,}`, `m,n}` (basic: `m,n\}`).
    fn interval(&mut self, close: char) -> Result<(u32, Option<u32>), String> {
        let num = |p: &mut Self| {
            let start = p.i;
            while p.peek().is_some_and(|c| c.is_ascii_digit()) {
                p.i += 1;
            }
            p.s[start..p.i]
                .iter()
                .collect::<String>()
                .parse::<u32>()
                .ok()
        };
        let a = num(self).ok_or("Invalid content of \\{\\}")?;
        let b = if self.peek() == Some(',') {
            self.i += 1;
            num(self)
        } else {
            Some(a)
        };
        if close == '\\' {
            if self.peek() != Some('\\') || self.peek2() != Some('}') {
                return Err("Unmatched \\{".into());
            }
            self.i += 2;
        } else {
            if self.peek() != Some('}') {
                return Err("Unmatched {".into());
            }
            self.i += 1;
        }
        if a > 1000 || b.is_some_and(|b| b > 1000 || b < a) {
            return Err("Invalid content of \\{\\}".into());
        }
        Ok((a, b))
    }

    fn bracket(&mut self) -> Result<Node, String> {
        let mut negated = false;
        if self.peek() == Some('^') {
            negated = true;
            self.i += 1;
        }
        let mut items = Vec::new();
        let mut first = true;
        loop {
            let c = self.peek().ok_or("Unmatched [, [^, [:, [., or [=")?;
            if c == ']' && !first {
                self.i += 1;
                break;
            }
            first = false;
            if c == '[' && self.peek2() == Some(':') {
                let rest: String = self.s[self.i + 2..].iter().collect();
                let end = rest.find(":]").ok_or("Unmatched [, [^, [:, [., or [=")?;
                items.push(ClassItem::Named(rest[..end].to_string()));
                self.i += 2 + end + 2;
                continue;
            }
            self.i += 1;
            if self.peek() == Some('-') && self.peek2().is_some_and(|n| n != ']') {
                let hi = self.peek2().unwrap_or(c);
                self.i += 2;
                if hi < c {
                    return Err("Invalid range end".into());
                }
                items.push(ClassItem::Range(c, hi));
            } else {
                items.push(ClassItem::Char(c));
            }
        }
        Ok(Node::Class { items, negated })
    }
}

/// The shell's pathname patterns: `*`, `?` and `[…]` over one file name.
pub fn glob_match(pattern: &str, name: &str) -> bool {
    let mut re = String::from("^");
    let mut cs = pattern.chars().peekable();
    while let Some(c) = cs.next() {
        match c {
            '*' => re.push_str(".*"),
            '?' => re.push('.'),
            '[' => {
                let mut class = String::from("[");
                if cs.peek() == Some(&'!') {
                    cs.next();
                    class.push('^');
                }
                let mut closed = false;
                for d in cs.by_ref() {
                    if d == ']' && class.len() > 1 {
                        closed = true;
                        break;
                    }
                    class.push(d);
                }
                if closed {
                    re.push_str(&class);
                    re.push(']');
                } else {
                    re.push_str("\\[");
                }
            }
            '.' | '\\' | '^' | '$' | '(' | ')' | '|' | '+' | '{' | '}' => {
                re.push('\\');
                re.push(c);
            }
            other => re.push(other),
        }
    }
    re.push('$');
    Regex::new(&re, true, false).is_ok_and(|r| r.is_match(name))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bre(p: &str, s: &str) -> bool {
        Regex::new(p, false, false).unwrap().is_match(s)
    }
    fn ere(p: &str, s: &str) -> bool {
        Regex::new(p, true, false).unwrap().is_match(s)
    }

    #[test]
    fn bracket_with_bars_matches_odd_digits_and_bars_as_the_book_uses_it() {
        for d in ['1', '3', '5', '7', '9', '|'] {
            assert!(ere("[1|3|5|7|9]", &d.to_string()), "{d}");
        }
        for d in ['0', '2', '4', '6', '8'] {
            assert!(!ere("[1|3|5|7|9]", &d.to_string()), "{d}");
        }
    }

    #[test]
    fn basic_and_extended_syntax() {
        assert!(bre("a.c", "xabcx"));
        assert!(bre("^ab*c$", "abbbc"));
        assert!(!bre("^ab*c$", "xabc"));
        assert!(bre("a+", "a+"));
        assert!(ere("a+", "aaa"));
        assert!(bre("a\\+", "aaa"));
        assert!(ere("^(foo|bar)baz$", "barbaz"));
        assert!(bre("\\(foo\\|bar\\)baz", "foobaz"));
        assert!(ere("^x{2,3}$", "xxx"));
        assert!(!ere("^x{2,3}$", "xxxx"));
        assert!(bre("^[[:digit:]]\\{3\\}$", "123"));
        assert!(ere("[^a-z]", "abc1"));
        assert!(!ere("[^a-z]", "abc"));
        assert!(bre("*a", "*a"));
        assert!(Regex::new("HELLO", false, true)
            .unwrap()
            .is_match("say hello"));
    }

    #[test]
    fn bad_patterns_are_errors() {
        assert!(Regex::new("[abc", true, false).is_err());
        assert!(Regex::new("(ab", true, false).is_err());
        assert!(Regex::new("\\(ab", false, false).is_err());
        assert!(Regex::new("a{3,1}", true, false).is_err());
    }

    #[test]
    fn globs_match_file_names() {
        assert!(glob_match("*.html", "index.html"));
        assert!(!glob_match("*.html", "index.htm"));
        assert!(glob_match("f?le[0-9]", "file7"));
        assert!(glob_match("[!a]*", "b.txt"));
        assert!(glob_match("a.b", "a.b"));
        assert!(!glob_match("a.b", "axb"));
    }
}
