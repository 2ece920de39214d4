//! A lesson's prose (Markdown) for a colour terminal: headings, emphasis, inline and block
//! code, lists, block quotes and tables. Plain output never comes here: `--plain` and
//! captured output keep the prose exactly as written.

const RESET: &str = "\x1b[0m";
const BOLD: &str = "\x1b[1m";
const HEADING: &str = "\x1b[1;4;36m";
const SUBHEADING: &str = "\x1b[1;36m";
const ITALIC: &str = "\x1b[3m";
const CODE: &str = "\x1b[33m";
const DIM: &str = "\x1b[2m";

/// The prose with ANSI styling; the words and line structure stay those of the source.
pub fn render(markdown: &str) -> String {
    let mut out = Vec::new();
    let mut in_code = false;
    for line in markdown.lines() {
        let trimmed = line.trim_start();
        if trimmed.starts_with("```") {
            in_code = !in_code;
            continue;
        }
        if in_code {
            out.push(format!("    {CODE}{line}{RESET}"));
            continue;
        }
        let rendered = if let Some(h) = trimmed.strip_prefix("# ") {
            format!("{HEADING}{}{RESET}", inline(h, HEADING))
        } else if let Some(h) = trimmed
            .strip_prefix("## ")
            .or_else(|| trimmed.strip_prefix("### "))
        {
            format!("{SUBHEADING}{}{RESET}", inline(h, SUBHEADING))
        } else if let Some(item) = trimmed
            .strip_prefix("- ")
            .or_else(|| trimmed.strip_prefix("* "))
        {
            let indent = &line[..line.len() - trimmed.len()];
            format!("{indent}  • {}", inline(item, ""))
        } else if let Some(q) = trimmed.strip_prefix("> ") {
            format!("{DIM}│{RESET} {}", inline(q, ""))
        } else if trimmed.starts_with('|') {
            table_row(trimmed)
        } else {
            inline(line, "")
        };
        out.push(rendered);
    }
    out.join("\n")
}

/// A table row: separators become a rule, cells keep their text.
fn table_row(row: &str) -> String {
    let cells: Vec<&str> = row.trim_matches('|').split('|').map(str::trim).collect();
    if cells
        .iter()
        .all(|c| !c.is_empty() && c.chars().all(|ch| matches!(ch, '-' | ':')))
    {
        return format!("{DIM}{}{RESET}", "─".repeat(row.chars().count()));
    }
    let cells: Vec<String> = cells.iter().map(|c| inline(c, "")).collect();
    format!("  {}", cells.join(&format!(" {DIM}│{RESET} ")))
}

/// `code`, **bold** and *emphasis* within a line; `outer` is restored after each span.
fn inline(text: &str, outer: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while !rest.is_empty() {
        let (marker, style) = if rest.starts_with('`') {
            ("`", CODE)
        } else if rest.starts_with("**") {
            ("**", BOLD)
        } else if rest.starts_with('*') || rest.starts_with('_') && out.ends_with(' ') {
            (&rest[..1], ITALIC)
        } else {
            let c = rest.chars().next().unwrap_or(' ');
            out.push(c);
            rest = &rest[c.len_utf8()..];
            continue;
        };
        let body = &rest[marker.len()..];
        match body.find(marker) {
            Some(end) if end > 0 => {
                out.push_str(&format!("{style}{}{RESET}{outer}", &body[..end]));
                rest = &body[end + marker.len()..];
            }
            _ => {
                out.push_str(marker);
                rest = body;
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::repl::highlight::strip;

    #[test]
    fn styling_keeps_the_words_and_drops_only_markup() {
        let md = "# Title\n\nSome `kubectl get` and **bold** and *em*.\n\n- one\n- two\n\n```\nlet x = 1;\n```\n| a | b |\n| --- | --- |\n| 1 | 2 |";
        let plain = strip(&render(md));
        assert_eq!(
            plain,
            "Title\n\nSome kubectl get and bold and em.\n\n  • one\n  • two\n\n    let x = 1;\n  a │ b\n─────────────\n  1 │ 2"
        );
    }

    #[test]
    fn unbalanced_markers_stay_as_written() {
        assert_eq!(strip(&render("2 * 3 and a `tick")), "2 * 3 and a `tick");
    }
}
