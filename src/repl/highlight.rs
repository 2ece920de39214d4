//! Colours for the input line: kubectl lines (the command, flags, values), and Rhai
//! (strings, numbers, keywords, script functions, comments). ANSI colours only when the
//! REPL decided colour is on (a terminal, no `NO_COLOR`).

use super::complete::KEYWORDS;
use crate::script::docs;

const RESET: &str = "\x1b[0m";
const STRING: &str = "\x1b[32m";
const NUMBER: &str = "\x1b[35m";
const KEYWORD: &str = "\x1b[1;34m";
const FUNCTION: &str = "\x1b[36m";
const COMMENT: &str = "\x1b[2m";
const COMMAND: &str = "\x1b[1;36m";
const FLAG: &str = "\x1b[33m";
pub const HINT: &str = "\x1b[2m";

/// The line with ANSI colours; removing the escapes gives back `line` exactly.
pub fn highlight(line: &str) -> String {
    let trimmed = line.trim_start();
    if trimmed.starts_with(':') {
        return format!("{COMMAND}{line}{RESET}");
    }
    if trimmed.starts_with("kubectl ") || trimmed.starts_with("k ") || trimmed == "kubectl" {
        return kubectl(line);
    }
    rhai(line)
}

fn kubectl(line: &str) -> String {
    let mut out = String::new();
    let mut first = true;
    for piece in line.split_inclusive(' ') {
        let word = piece.trim_end_matches(' ');
        let spaces = &piece[word.len()..];
        if word.is_empty() {
        } else if first {
            out.push_str(&format!("{COMMAND}{word}{RESET}"));
            first = false;
        } else if word.starts_with('-') {
            out.push_str(&format!("{FLAG}{word}{RESET}"));
        } else {
            out.push_str(word);
        }
        out.push_str(spaces);
    }
    out
}

fn rhai(line: &str) -> String {
    let chars: Vec<char> = line.chars().collect();
    let mut out = String::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '/' && chars.get(i + 1) == Some(&'/') {
            let rest: String = chars[i..].iter().collect();
            out.push_str(&format!("{COMMENT}{rest}{RESET}"));
            break;
        }
        if c == '"' || c == '`' {
            let mut j = i + 1;
            while j < chars.len() && chars[j] != c {
                j += if chars[j] == '\\' && c == '"' { 2 } else { 1 };
            }
            let end = (j + 1).min(chars.len());
            let s: String = chars[i..end].iter().collect();
            out.push_str(&format!("{STRING}{s}{RESET}"));
            i = end;
            continue;
        }
        if c.is_ascii_digit() {
            let mut j = i;
            while j < chars.len()
                && (chars[j].is_ascii_alphanumeric() || chars[j] == '.' || chars[j] == '_')
            {
                j += 1;
            }
            let s: String = chars[i..j].iter().collect();
            out.push_str(&format!("{NUMBER}{s}{RESET}"));
            i = j;
            continue;
        }
        if c.is_alphabetic() || c == '_' {
            let mut j = i;
            while j < chars.len() && (chars[j].is_alphanumeric() || chars[j] == '_') {
                j += 1;
            }
            let w: String = chars[i..j].iter().collect();
            if KEYWORDS.contains(&w.as_str()) {
                out.push_str(&format!("{KEYWORD}{w}{RESET}"));
            } else if docs::lookup(&w).is_some() {
                out.push_str(&format!("{FUNCTION}{w}{RESET}"));
            } else {
                out.push_str(&w);
            }
            i = j;
            continue;
        }
        out.push(c);
        i += 1;
    }
    out
}

/// The text without ANSI escapes.
pub fn strip(text: &str) -> String {
    let mut out = String::new();
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c == '\x1b' {
            for d in chars.by_ref() {
                if d.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn highlighting_only_adds_colour() {
        for line in [
            "let x = get(\"sts\", \"web\"); // note",
            "kubectl get pods -o wide",
            "if n > 10 { print(`a \"b\"`) }",
            ":help get",
            "\"unterminated",
            "한글 = 3",
        ] {
            assert_eq!(strip(&highlight(line)), line);
        }
    }

    #[test]
    fn strings_numbers_keywords_functions_and_flags_get_their_colours() {
        let h = highlight("let n = get(\"x\", 42);");
        assert!(h.contains(&format!("{KEYWORD}let{RESET}")));
        assert!(h.contains(&format!("{FUNCTION}get{RESET}")));
        assert!(h.contains(&format!("{STRING}\"x\"{RESET}")));
        assert!(h.contains(&format!("{NUMBER}42{RESET}")));
        let k = highlight("k get pods -w");
        assert!(k.starts_with(&format!("{COMMAND}k{RESET}")));
        assert!(k.contains(&format!("{FLAG}-w{RESET}")));
    }
}
