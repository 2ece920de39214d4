//! Go's `text/tabwriter` elastic-tabstop algorithm, with the `RememberWidths` flag of
//! `github.com/liggitt/tabwriter` (the fork cli-runtime uses for tables). kubectl's tables
//! (`minwidth 6, padding 3, RememberWidths`) and `describe` (`minwidth 0, padding 2`) both
//! go through it, so alignment — including how column blocks break at lines without a tab —
//! is the algorithm's, not an approximation of it.

/// A buffered tab writer: cells end at `\t`, lines at `\n`; `flush` formats what is buffered.
#[derive(Clone, Debug)]
pub struct TabWriter {
    minwidth: usize,
    padding: usize,
    remember: bool,
    /// Per-column maximum widths seen across flushes (RememberWidths).
    maxwidths: Vec<usize>,
    /// Complete lines, each a list of cells (the last cell of a line is not tab-terminated).
    lines: Vec<Vec<String>>,
    /// Text after the last newline, not yet a complete line.
    partial: String,
}

impl TabWriter {
    pub fn new(minwidth: usize, padding: usize, remember: bool) -> Self {
        TabWriter {
            minwidth,
            padding,
            remember,
            maxwidths: Vec::new(),
            lines: Vec::new(),
            partial: String::new(),
        }
    }

    /// cli-runtime `printers.GetNewTabWriter`: minwidth 6, tabwidth 4, padding 3, RememberWidths.
    pub fn for_tables() -> Self {
        TabWriter::new(6, 3, true)
    }

    /// kubectl describe's `tabbedString`: minwidth 0, tabwidth 8, padding 2, no flags.
    pub fn for_describe() -> Self {
        TabWriter::new(0, 2, false)
    }

    pub fn write_str(&mut self, text: &str) {
        self.partial.push_str(text);
        while let Some(pos) = self.partial.find('\n') {
            let line: String = self.partial[..pos].to_string();
            self.partial.drain(..=pos);
            self.lines
                .push(line.split('\t').map(str::to_string).collect());
        }
    }

    /// Formats and returns everything buffered (a trailing partial line is written without a
    /// newline, as Go does), keeping remembered widths.
    pub fn flush(&mut self) -> String {
        let mut out = String::new();
        let mut widths = Vec::new();
        let n = self.lines.len();
        self.format(&mut out, 0, n, &mut widths);
        self.lines.clear();
        if !self.partial.is_empty() {
            // The unterminated last line has cells too; Go formats it as the last line.
            let cells: Vec<String> = self.partial.split('\t').map(str::to_string).collect();
            self.partial.clear();
            self.lines.push(cells);
            let mut w = Vec::new();
            self.format(&mut out, 0, 1, &mut w);
            out.pop(); // no newline was written for it
            self.lines.clear();
        }
        out
    }

    fn format(&mut self, out: &mut String, line0: usize, line1: usize, widths: &mut Vec<usize>) {
        let column = widths.len();
        let mut line0 = line0;
        let mut this = line0;
        while this < line1 {
            if column + 1 >= self.lines[this].len() {
                this += 1;
                continue;
            }
            // A cell exists in this column: print the lines before the block.
            self.write_lines(out, line0, this, widths);
            line0 = this;
            let mut width = self.minwidth;
            while this < line1 {
                let line = &self.lines[this];
                if column + 1 >= line.len() {
                    break;
                }
                width = width.max(line[column].chars().count() + self.padding);
                this += 1;
            }
            if self.remember {
                if self.maxwidths.len() < widths.len() {
                    let from = self.maxwidths.len();
                    self.maxwidths.extend_from_slice(&widths[from..]);
                }
                let idx = widths.len();
                if self.maxwidths.len() == idx {
                    self.maxwidths.push(width);
                } else if self.maxwidths[idx] > width {
                    width = self.maxwidths[idx];
                } else {
                    self.maxwidths[idx] = width;
                }
            }
            widths.push(width);
            self.format(out, line0, this, widths);
            widths.pop();
            line0 = this;
        }
        self.write_lines(out, line0, line1, widths);
    }

    fn write_lines(&self, out: &mut String, line0: usize, line1: usize, widths: &[usize]) {
        for line in &self.lines[line0..line1] {
            for (j, cell) in line.iter().enumerate() {
                out.push_str(cell);
                if j < widths.len() {
                    let w = cell.chars().count();
                    out.extend(std::iter::repeat_n(' ', widths[j].saturating_sub(w)));
                }
            }
            out.push('\n');
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(text: &str, mut w: TabWriter) -> String {
        w.write_str(text);
        w.flush()
    }

    #[test]
    fn columns_pad_to_the_widest_cell_plus_padding_and_the_last_cell_is_not_padded() {
        let out = run(
            "NAME\tREADY\tAGE\nweb-0\t1/1\t5s\n",
            TabWriter::for_tables(),
        );
        assert_eq!(out, "NAME    READY   AGE\nweb-0   1/1     5s\n");
    }

    #[test]
    fn minwidth_six_applies_to_narrow_columns() {
        // "a" + padding 3 = 4 < minwidth 6 (cli-runtime printers/tabwriter.go).
        let out = run("a\tb\nc\td\n", TabWriter::for_tables());
        assert_eq!(out, "a     b\nc     d\n");
    }

    #[test]
    fn a_line_without_a_tab_breaks_the_column_block() {
        let out = run(
            "Name:\tx\nIPs:\n  IP:\t10.0.0.1\nLonger Key:\ty\n",
            TabWriter::for_describe(),
        );
        assert_eq!(
            out,
            "Name:  x\nIPs:\n  IP:        10.0.0.1\nLonger Key:  y\n"
        );
    }

    #[test]
    fn remembered_widths_only_grow_across_flushes() {
        let mut w = TabWriter::for_tables();
        w.write_str("NAME\tAGE\nab\t1s\n");
        assert_eq!(w.flush(), "NAME   AGE\nab     1s\n");
        w.write_str("x\t2s\n");
        assert_eq!(w.flush(), "x      2s\n");
        w.write_str("a-much-longer-name\t3s\n");
        assert_eq!(w.flush(), "a-much-longer-name   3s\n");
    }

    #[test]
    fn an_empty_last_cell_leaves_the_padding_of_the_cell_before() {
        let out = run("IP:\t\nNode:\tnode-1\n", TabWriter::for_describe());
        assert_eq!(out, "IP:    \nNode:  node-1\n");
    }
}
