//! `klab run FILE --html PAGE`: the lesson as one self-contained HTML page, a notebook
//! to hand out. Each cell shows its prose (the Markdown parse of prose.rs), its code, what
//! it printed and an SVG picture of its pods' lanes over the simulated time it spanned.
//! Inline CSS only, no scripts, no external references; every text is escaped. The page
//! depends only on the script and the seed, so the same run writes the same bytes.

mod svg;

use crate::lesson::{CellRun, Lesson};
use crate::prose::{self, Block, Span};
use crate::timeline::STATES;
use std::fmt::Write;

/// What the page is made from.
pub struct Notebook<'a> {
    /// The file as the user named it (shown under the title).
    pub file: &'a str,
    pub source: &'a str,
    pub seed: u64,
    pub cells: &'a [CellRun],
    /// The failure that stopped the run, as `klab run` prints it.
    pub failure: Option<&'a str>,
}

/// `&`, `<`, `>` and quotes as entities: text and attribute values alike.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

const STYLE: &str = "\
:root{color-scheme:light;--fg:#1f2328;--muted:#59636e;--line:#d1d9e0;--code:#f6f8fa}
*{box-sizing:border-box}
body{margin:0;font:16px/1.55 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;color:var(--fg);background:#fff}
main{max-width:52rem;margin:0 auto;padding:.75rem}
header.page{border-bottom:1px solid var(--line);margin-bottom:1rem}
header.page p{color:var(--muted);margin:.25rem 0 .75rem;font-size:.9rem}
h1{font-size:1.6rem;line-height:1.25;margin:.5rem 0}
h2{font-size:1.3rem;margin:1.5rem 0 .5rem}
h3{font-size:1.1rem;margin:1.25rem 0 .5rem}
section.cell{border-bottom:1px solid var(--line);padding:.5rem 0 1rem}
section.cell>h3.label{font-size:.75rem;font-weight:600;color:var(--muted);text-transform:uppercase;letter-spacing:.05em;margin:.75rem 0 .25rem}
code,pre{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.85rem}
p code,li code,td code,th code,blockquote code{background:var(--code);padding:.1em .3em;border-radius:4px}
pre{margin:.5rem 0;padding:.6rem .75rem;overflow-x:auto;border-radius:6px;line-height:1.4}
pre.code{background:var(--code);border:1px solid var(--line)}
pre.output{background:#0d1117;color:#e6edf3}
pre.prose{background:var(--code)}
pre.failure{background:#fff1f0;color:#a40e26;border:1px solid #f5c2c0}
.scroll{overflow-x:auto;-webkit-overflow-scrolling:touch}
table{border-collapse:collapse;margin:.5rem 0;font-size:.9rem}
th,td{border:1px solid var(--line);padding:.3rem .6rem;text-align:left;vertical-align:top}
th{background:var(--code)}
blockquote{margin:.5rem 0;padding:0 .75rem;border-left:3px solid var(--line);color:var(--muted)}
ul{padding-left:1.4rem}
figure{margin:.5rem 0}
figcaption{font-size:.8rem;color:var(--muted);display:flex;flex-wrap:wrap;gap:.25rem .75rem;margin-top:.25rem}
.swatch{display:inline-block;width:.8em;height:.8em;border-radius:2px;margin-right:.3em;vertical-align:-.05em}
svg.lanes{display:block;min-width:300px;overflow:visible;font:12px ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}
svg.lanes rect.track{fill:#f0f2f4}
svg.lanes text{fill:var(--fg)}
svg.lanes text.group{font-weight:700}
svg.lanes text.none{fill:var(--muted)}
svg.lanes .axis line{stroke:var(--muted);stroke-width:1}
svg.lanes .axis text{fill:var(--muted);font-size:11px}
.notrun{color:var(--muted);font-style:italic}
";

/// The whole page.
pub fn page(book: &Notebook) -> String {
    let lesson = Lesson::parse(book.source);
    let (title, _) = crate::lesson::outline(book.source);
    let shown_title = title.clone().unwrap_or_else(|| book.file.to_string());
    let mut html = String::new();
    let _ = write!(
        html,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{}</title>\n<style>\n{STYLE}</style>\n</head>\n<body>\n<main>\n",
        escape(&shown_title)
    );
    // The lesson's `# ` heading (or, for a plain script, its file name) heads the page;
    // its cell then starts below it.
    html.push_str("<header class=\"page\">\n");
    let _ = writeln!(html, "<h1>{}</h1>", escape(&shown_title));
    let _ = writeln!(
        html,
        "<p>klab run {} --seed {} · a simulated Kubernetes 1.32 cluster in virtual time</p>",
        escape(book.file),
        book.seed
    );
    html.push_str("</header>\n");
    let (preamble, codes) = lesson.cell_code(book.source);
    // The code before the first prose block, then one cell per block, in file order.
    let mut number = 0;
    let preamble_run = book.cells.iter().find(|c| c.prose.is_none());
    if !preamble.is_empty() || preamble_run.is_some_and(|c| !c.output.trim().is_empty()) {
        number += 1;
        cell(&mut html, number, None, &preamble, preamble_run);
    }
    let title_block = lesson
        .prose
        .iter()
        .position(|p| p.text.lines().any(|l| l.starts_with("# ")));
    for (i, (block, code)) in lesson.prose.iter().zip(&codes).enumerate() {
        number += 1;
        let run = book.cells.iter().find(|c| c.prose == Some(i));
        let text = if title_block == Some(i) {
            without_title(&block.text)
        } else {
            block.text.clone()
        };
        cell(&mut html, number, Some(&text), code, run);
    }
    if let Some(failure) = book.failure {
        let _ = writeln!(
            html,
            "<section class=\"failure\">\n<h2>The run stopped</h2>\n<pre class=\"failure\">{}</pre>\n</section>",
            escape(&crate::repl::highlight::strip(failure))
        );
    }
    html.push_str("</main>\n</body>\n</html>\n");
    html
}

/// The prose without its first `# ` line (the page's title).
fn without_title(text: &str) -> String {
    let mut dropped = false;
    let lines: Vec<&str> = text
        .lines()
        .filter(|l| {
            let title = !dropped && l.starts_with("# ");
            dropped |= title;
            !title
        })
        .collect();
    lines.join("\n")
}

fn cell(html: &mut String, number: usize, prose: Option<&str>, code: &str, run: Option<&CellRun>) {
    let _ = writeln!(html, "<section class=\"cell\" id=\"cell-{number}\">");
    if let Some(prose) = prose {
        html.push_str(&markdown(prose));
    }
    if !code.is_empty() {
        let _ = writeln!(
            html,
            "<pre class=\"code\"><code>{}</code></pre>",
            escape(code)
        );
    }
    match run {
        Some(run) => {
            let output = crate::repl::highlight::strip(run.output.trim_matches('\n'));
            if !output.trim().is_empty() {
                let _ = writeln!(html, "<pre class=\"output\">{}</pre>", escape(&output));
            }
            // The legend only where there are lanes to read.
            let caption = if run.lanes.is_empty() {
                String::new()
            } else {
                format!("\n<figcaption>{}</figcaption>", legend())
            };
            let _ = writeln!(
                html,
                "<figure class=\"timeline\">\n<div class=\"scroll\">{}</div>{caption}\n</figure>",
                svg::cell_timeline(run),
            );
        }
        None => html.push_str("<p class=\"notrun\">This cell did not run.</p>\n"),
    }
    html.push_str("</section>\n");
}

fn legend() -> String {
    STATES
        .iter()
        .map(|s| {
            format!(
                "<span><span class=\"swatch\" style=\"background:{}\"></span>{}</span>",
                s.fill(),
                s.label()
            )
        })
        .collect()
}

/// The prose as HTML: the blocks of `prose::blocks`, consecutive lines of one kind
/// gathered into one paragraph, list, quote, table or code block.
pub fn markdown(text: &str) -> String {
    let blocks = prose::blocks(text);
    let mut html = String::new();
    let mut i = 0;
    while i < blocks.len() {
        match &blocks[i] {
            Block::Blank => i += 1,
            Block::Heading(level, h) => {
                let _ = writeln!(html, "<h{level}>{}</h{level}>", inline(h));
                i += 1;
            }
            Block::Code(_) => {
                let mut lines = Vec::new();
                while let Some(Block::Code(line)) = blocks.get(i) {
                    lines.push(*line);
                    i += 1;
                }
                let _ = writeln!(
                    html,
                    "<pre class=\"prose\"><code>{}</code></pre>",
                    escape(&lines.join("\n"))
                );
            }
            Block::Item(..) => {
                html.push_str("<ul>\n");
                while let Some(Block::Item(indent, item)) = blocks.get(i) {
                    let mut text = item.to_string();
                    i += 1;
                    // Text right under an item continues it (styled as one, so emphasis
                    // may run across the line break).
                    while let Some(Block::Text(more)) = blocks.get(i) {
                        text.push(' ');
                        text.push_str(more.trim());
                        i += 1;
                    }
                    let body = inline(&text);
                    let depth = indent.chars().count() / 2;
                    if depth > 0 {
                        let _ = writeln!(html, "<li style=\"margin-left:{depth}em\">{body}</li>");
                    } else {
                        let _ = writeln!(html, "<li>{body}</li>");
                    }
                }
                html.push_str("</ul>\n");
            }
            Block::Quote(_) => {
                let mut parts = Vec::new();
                while let Some(Block::Quote(q)) = blocks.get(i) {
                    parts.push(*q);
                    i += 1;
                }
                let _ = writeln!(
                    html,
                    "<blockquote><p>{}</p></blockquote>",
                    inline(&parts.join("\n"))
                );
            }
            Block::TableRow(_) | Block::TableRule(_) => {
                let mut rows = Vec::new();
                let mut header = 0;
                loop {
                    match blocks.get(i) {
                        Some(Block::TableRow(cells)) => rows.push(cells.clone()),
                        Some(Block::TableRule(_)) => {
                            if header == 0 {
                                header = rows.len();
                            }
                        }
                        _ => break,
                    }
                    i += 1;
                }
                html.push_str("<div class=\"scroll\"><table>\n");
                for (r, cells) in rows.iter().enumerate() {
                    let tag = if r < header { "th" } else { "td" };
                    html.push_str("<tr>");
                    for c in cells {
                        let _ = write!(html, "<{tag}>{}</{tag}>", inline(c));
                    }
                    html.push_str("</tr>\n");
                }
                html.push_str("</table></div>\n");
            }
            Block::Text(_) => {
                let mut parts = Vec::new();
                while let Some(Block::Text(t)) = blocks.get(i) {
                    parts.push(t.trim());
                    i += 1;
                }
                // Styled as one paragraph: emphasis may run across a line break.
                let _ = writeln!(html, "<p>{}</p>", inline(&parts.join("\n")));
            }
        }
    }
    html
}

/// A line's spans as HTML.
fn inline(text: &str) -> String {
    prose::spans(text)
        .into_iter()
        .map(|span| match span {
            Span::Plain(t) => escape(t),
            Span::Code(t) => format!("<code>{}</code>", escape(t)),
            Span::Bold(t) => format!("<strong>{}</strong>", escape(t)),
            Span::Emphasis(t) => format!("<em>{}</em>", escape(t)),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prose_becomes_headings_lists_tables_and_escaped_text() {
        let html = markdown(
            "# T <1>\n\nSome `a<b` and **bold**\nmore.\n\n- one\n- two\n\n| k | v |\n| --- | --- |\n| x | <y> |\n\n```\nif a < b {}\n```",
        );
        assert_eq!(
            html,
            "<h1>T &lt;1&gt;</h1>\n\
             <p>Some <code>a&lt;b</code> and <strong>bold</strong>\nmore.</p>\n\
             <ul>\n<li>one</li>\n<li>two</li>\n</ul>\n\
             <div class=\"scroll\"><table>\n<tr><th>k</th><th>v</th></tr>\n<tr><td>x</td><td>&lt;y&gt;</td></tr>\n</table></div>\n\
             <pre class=\"prose\"><code>if a &lt; b {}</code></pre>\n"
        );
    }

    #[test]
    fn emphasis_runs_across_a_paragraphs_line_break() {
        let html = markdown("runs *to\ncompletion* here\n\n- an *item\n  continued* on");
        assert!(html.contains("<em>to\ncompletion</em>"), "{html}");
        assert!(html.contains("<em>item continued</em>"), "{html}");
    }

    #[test]
    fn escape_covers_text_and_attributes() {
        assert_eq!(
            escape("<a href=\"x\">&'"),
            "&lt;a href=&quot;x&quot;&gt;&amp;&#39;"
        );
    }
}
