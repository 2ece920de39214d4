//! kubectl's table output: cells as cli-runtime's `printTable` writes them (cut at the first
//! line break with `...`, terminal escapes made visible), aligned by the tables' tabwriter
//! (minwidth 6, padding 3, RememberWidths). One `TableWriter` serves `get` and the rows that
//! `get -w` prints later: widths remembered from earlier writes never shrink.

use super::tabwriter::TabWriter;

/// kubectl's tabwriter, fed header + rows, then more rows for `-w`.
#[derive(Clone, Debug)]
pub struct TableWriter {
    writer: TabWriter,
}

impl Default for TableWriter {
    fn default() -> Self {
        TableWriter {
            writer: TabWriter::for_tables(),
        }
    }
}

impl TableWriter {
    /// Writes the rows and flushes, as kubectl does after a list and after each watch event.
    pub fn write(&mut self, rows: &[Vec<String>]) -> String {
        for row in rows {
            let cells: Vec<String> = row.iter().map(|c| cell_text(c)).collect();
            self.writer.write_str(&cells.join("\t"));
            self.writer.write_str("\n");
        }
        self.writer.flush()
    }
}

/// cli-runtime `printTable`: a cell is cut at its first `\n`, `\r` or `\f` (tabwriter would
/// treat those as line ends) and gets `...`; `WriteEscaped` shows ESC as `^[` and CR as `\r`.
pub fn cell_text(cell: &str) -> String {
    let (text, cut) = match cell.find(['\n', '\r', '\u{c}']) {
        Some(i) => (&cell[..i], true),
        None => (cell, false),
    };
    let mut out = escape_terminal(text);
    if cut {
        out.push_str("...");
    }
    out
}

/// cli-runtime `printers.WriteEscaped`.
pub fn escape_terminal(text: &str) -> String {
    text.replace('\u{1b}', "^[").replace('\r', "\\r")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(cells: &[&str]) -> Vec<String> {
        cells.iter().map(|c| c.to_string()).collect()
    }

    #[test]
    fn padding_is_three_and_the_last_column_is_not_padded_fact_87() {
        let mut t = TableWriter::default();
        let out = t.write(&[
            row(&["NAME", "READY", "STATUS", "RESTARTS", "AGE"]),
            row(&["web-0", "1/1", "Running", "0", "10s"]),
        ]);
        assert_eq!(
            out,
            "NAME    READY   STATUS    RESTARTS   AGE\nweb-0   1/1     Running   0          10s\n"
        );
    }

    #[test]
    fn watch_rows_keep_the_first_tables_widths_fact_87() {
        let mut t = TableWriter::default();
        t.write(&[
            row(&["NAME", "READY", "STATUS", "RESTARTS", "AGE"]),
            row(&["web-0", "0/1", "Pending", "0", "0s"]),
        ]);
        let later = t.write(&[row(&["web-0", "0/1", "ContainerCreating", "0", "1s"])]);
        // STATUS grew to fit ContainerCreating; earlier columns keep their widths.
        assert_eq!(later, "web-0   0/1     ContainerCreating   0          1s\n");
        let after = t.write(&[row(&["web-0", "1/1", "Running", "0", "2s"])]);
        assert_eq!(after, "web-0   1/1     Running             0          2s\n");
    }

    #[test]
    fn multi_line_cells_are_cut_with_an_ellipsis() {
        assert_eq!(cell_text("first line\nsecond"), "first line...");
        assert_eq!(cell_text("a\u{1b}b"), "a^[b");
    }
}
