//! A lesson's prose (Markdown): one small parse (`blocks`, `spans`) and its terminal
//! rendering (`render`: headings, emphasis, inline and block code, lists, block quotes and
//! tables). The HTML notebook (html.rs) renders the same parse, so a page and a terminal
//! never read the Markdown differently. Plain output never comes here: `--plain` and
//! captured output keep the prose exactly as written.

const RESET: &str = "\x1b[0m";
const BOLD: &str = "\x1b[1m";
const HEADING: &str = "\x1b[1;4;36m";
const SUBHEADING: &str = "\x1b[1;36m";
const ITALIC: &str = "\x1b[3m";
const CODE: &str = "\x1b[33m";
const DIM: &str = "\x1b[2m";

/// One line of prose as the parse sees it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Block<'a> {
    /// `# `, `## ` or `### ` (level 1 to 3) and the heading's text.
    Heading(u8, &'a str),
    /// `- ` or `* `: the leading indentation and the item's text.
    Item(&'a str, &'a str),
    /// `> ` and the quoted text.
    Quote(&'a str),
    /// `| a | b |`: the cells, trimmed.
    TableRow(Vec<&'a str>),
    /// `| --- | :-: |`: the rule under a table's header (the row as written).
    TableRule(&'a str),
    /// A line inside a fenced code block (the fences themselves are dropped).
    Code(&'a str),
    /// A blank line outside code.
    Blank,
    /// Any other line: running text.
    Text(&'a str),
}

/// The prose line by line.
pub fn blocks(markdown: &str) -> Vec<Block<'_>> {
    let mut out = Vec::new();
    let mut in_code = false;
    for line in markdown.lines() {
        let trimmed = line.trim_start();
        if trimmed.starts_with("```") {
            in_code = !in_code;
            continue;
        }
        if in_code {
            out.push(Block::Code(line));
            continue;
        }
        let block = if let Some(h) = trimmed.strip_prefix("# ") {
            Block::Heading(1, h)
        } else if let Some(h) = trimmed.strip_prefix("## ") {
            Block::Heading(2, h)
        } else if let Some(h) = trimmed.strip_prefix("### ") {
            Block::Heading(3, h)
        } else if let Some(item) = trimmed
            .strip_prefix("- ")
            .or_else(|| trimmed.strip_prefix("* "))
        {
            Block::Item(&line[..line.len() - trimmed.len()], item)
        } else if let Some(q) = trimmed.strip_prefix("> ") {
            Block::Quote(q)
        } else if trimmed.starts_with('|') {
            let cells: Vec<&str> = trimmed
                .trim_matches('|')
                .split('|')
                .map(str::trim)
                .collect();
            if cells
                .iter()
                .all(|c| !c.is_empty() && c.chars().all(|ch| matches!(ch, '-' | ':')))
            {
                Block::TableRule(trimmed)
            } else {
                Block::TableRow(cells)
            }
        } else if trimmed.is_empty() {
            Block::Blank
        } else {
            Block::Text(line)
        };
        out.push(block);
    }
    out
}

/// A piece of a line's text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Span<'a> {
    Plain(&'a str),
    /// `code`
    Code(&'a str),
    /// **bold**
    Bold(&'a str),
    /// *emphasis* or _emphasis_
    Emphasis(&'a str),
}

/// `code`, **bold** and *emphasis* within a line; unbalanced markers stay text.
pub fn spans(text: &str) -> Vec<Span<'_>> {
    let mut out = Vec::new();
    let mut plain_start = 0;
    let mut i = 0;
    while i < text.len() {
        let rest = &text[i..];
        let after_space = text[..i].ends_with(' ');
        let marker = if rest.starts_with('`') {
            Some("`")
        } else if rest.starts_with("**") {
            Some("**")
        } else if rest.starts_with('*') || rest.starts_with('_') && after_space {
            Some(&rest[..1])
        } else {
            None
        };
        if let Some(marker) = marker {
            let body = &rest[marker.len()..];
            if let Some(end) = closing(body, marker) {
                if plain_start < i {
                    out.push(Span::Plain(&text[plain_start..i]));
                }
                let inner = &body[..end];
                out.push(match marker {
                    "`" => Span::Code(inner),
                    "**" => Span::Bold(inner),
                    _ => Span::Emphasis(inner),
                });
                i += marker.len() + end + marker.len();
                plain_start = i;
                continue;
            }
            // An unbalanced marker is text: step over all of it.
            i += marker.len();
            continue;
        }
        i += rest.chars().next().map_or(1, char::len_utf8);
    }
    if plain_start < text.len() {
        out.push(Span::Plain(&text[plain_start..]));
    }
    out
}

/// Where the span opened by `marker` ends in `body` (the text after the marker). Code
/// ends at the next backtick; emphasis must hug its text (`*a*`, not `2 * 3 * 4`), as
/// in CommonMark, so a lone star in one line cannot pair with one lines later.
fn closing(body: &str, marker: &str) -> Option<usize> {
    if marker == "`" {
        return body.find(marker).filter(|e| *e > 0);
    }
    if body.chars().next().is_none_or(char::is_whitespace) {
        return None;
    }
    body.match_indices(marker)
        .map(|(i, _)| i)
        .find(|i| *i > 0 && !body[..*i].ends_with(char::is_whitespace))
}

/// The prose with ANSI styling; the words and line structure stay those of the source.
/// A paragraph's lines are styled together, so emphasis may run across a line break;
/// a table's columns are lined up.
pub fn render(markdown: &str) -> String {
    let blocks = blocks(markdown);
    let mut lines: Vec<String> = Vec::new();
    let mut i = 0;
    while i < blocks.len() {
        match &blocks[i] {
            Block::Text(_) => {
                let mut paragraph = Vec::new();
                while let Some(Block::Text(line)) = blocks.get(i) {
                    paragraph.push(*line);
                    i += 1;
                }
                lines.extend(
                    inline(&paragraph.join("\n"), "")
                        .split('\n')
                        .map(str::to_string),
                );
            }
            Block::TableRow(_) | Block::TableRule(_) => {
                let start = i;
                while matches!(
                    blocks.get(i),
                    Some(Block::TableRow(_) | Block::TableRule(_))
                ) {
                    i += 1;
                }
                lines.extend(table(&blocks[start..i]));
            }
            block => {
                lines.push(render_block(block));
                i += 1;
            }
        }
    }
    lines.join("\n")
}

/// A table's rows with every column as wide as its widest cell (wide characters count
/// two), the rule under the header drawn across each column.
fn table(rows: &[Block<'_>]) -> Vec<String> {
    let mut widths: Vec<usize> = Vec::new();
    for row in rows {
        if let Block::TableRow(cells) = row {
            for (c, cell) in cells.iter().enumerate() {
                let w = shown_width(cell);
                match widths.get_mut(c) {
                    Some(max) => *max = (*max).max(w),
                    None => widths.push(w),
                }
            }
        }
    }
    rows.iter()
        .map(|row| match row {
            Block::TableRow(cells) => {
                let padded: Vec<String> = widths
                    .iter()
                    .enumerate()
                    .map(|(c, w)| {
                        let cell = cells.get(c).copied().unwrap_or("");
                        let pad = w - shown_width(cell);
                        format!("{}{}", inline(cell, ""), " ".repeat(pad))
                    })
                    .collect();
                format!("  {}", padded.join(&format!(" {DIM}│{RESET} ")))
                    .trim_end()
                    .to_string()
            }
            _ => {
                let rules: Vec<String> = widths.iter().map(|w| "─".repeat(*w)).collect();
                format!("  {DIM}{}{RESET}", rules.join("─┼─"))
            }
        })
        .collect()
}

/// Terminal cells a cell's text takes once its markup is gone.
fn shown_width(text: &str) -> usize {
    spans(text)
        .into_iter()
        .map(|span| match span {
            Span::Plain(t) | Span::Code(t) | Span::Bold(t) | Span::Emphasis(t) => t,
        })
        .flat_map(str::chars)
        .map(crate::script::report::cell_width)
        .sum()
}

/// One line that needs no neighbours to be drawn.
fn render_block(block: &Block<'_>) -> String {
    match block {
        Block::Code(line) => format!("    {CODE}{line}{RESET}"),
        Block::Heading(1, h) => format!("{HEADING}{}{RESET}", inline(h, HEADING)),
        Block::Heading(_, h) => format!("{SUBHEADING}{}{RESET}", inline(h, SUBHEADING)),
        Block::Item(indent, item) => format!("{indent}  • {}", inline(item, "")),
        Block::Quote(q) => format!("{DIM}│{RESET} {}", inline(q, "")),
        Block::TableRow(_) | Block::TableRule(_) => table(std::slice::from_ref(block)).concat(),
        Block::Blank => String::new(),
        Block::Text(line) => inline(line, ""),
    }
}

/// A line's spans with ANSI styles; `outer` is restored after each span.
fn inline(text: &str, outer: &str) -> String {
    spans(text)
        .into_iter()
        .map(|span| match span {
            Span::Plain(t) => t.to_string(),
            Span::Code(t) => format!("{CODE}{t}{RESET}{outer}"),
            Span::Bold(t) => format!("{BOLD}{t}{RESET}{outer}"),
            Span::Emphasis(t) => format!("{ITALIC}{t}{RESET}{outer}"),
        })
        .collect()
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
            "Title\n\nSome kubectl get and bold and em.\n\n  • one\n  • two\n\n    let x = 1;\n  a │ b\n  ──┼──\n  1 │ 2"
        );
    }

    #[test]
    fn emphasis_runs_across_a_line_break_but_lone_stars_stay_text() {
        // 5.7's "A Job runs pods *to\ncompletion*".
        let styled = render("runs pods *to\ncompletion*: a container");
        assert_eq!(strip(&styled), "runs pods to\ncompletion: a container");
        assert!(styled.contains(&format!("{ITALIC}to\ncompletion{RESET}")));
        assert_eq!(strip(&render("2 * 3\nand 4 * 5")), "2 * 3\nand 4 * 5");
        assert_eq!(spans("a * b*"), [Span::Plain("a * b*")]);
    }

    #[test]
    fn table_columns_line_up_with_wide_characters_counted_twice() {
        let md = "| workload | n |\n| --- | --- |\n| 잡 `x` | 1 |\n| one-shot task | 10 |";
        assert_eq!(
            strip(&render(md)),
            "  workload      │ n\n  ──────────────┼───\n  잡 x          │ 1\n  one-shot task │ 10"
        );
    }

    #[test]
    fn unbalanced_markers_stay_as_written() {
        assert_eq!(strip(&render("2 * 3 and a `tick")), "2 * 3 and a `tick");
        assert_eq!(spans("a_b _c_"), [Span::Plain("a_b "), Span::Emphasis("c")]);
    }

    #[test]
    fn the_parse_names_each_line_and_keeps_code_verbatim() {
        let md = "## Sub\n- item\n```\n# not a heading\n```\n| a |\n|---|\n\ntext";
        assert_eq!(
            blocks(md),
            [
                Block::Heading(2, "Sub"),
                Block::Item("", "item"),
                Block::Code("# not a heading"),
                Block::TableRow(vec!["a"]),
                Block::TableRule("|---|"),
                Block::Blank,
                Block::Text("text"),
            ]
        );
    }
}
