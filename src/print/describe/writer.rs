//! kubectl describe's `PrefixWriter` over `tabbedString`'s tabwriter (minwidth 0, padding 2):
//! every write is indented two spaces per level and passed through `WriteEscaped`.

use crate::print::table::escape_terminal;
use crate::print::tabwriter::TabWriter;

pub const LEVEL_0: usize = 0;
pub const LEVEL_1: usize = 1;
pub const LEVEL_2: usize = 2;
pub const LEVEL_3: usize = 3;

pub struct Writer {
    tw: TabWriter,
    out: String,
    /// Extra levels for every write (`NewNestedPrefixWriter`).
    pub base: usize,
    /// Tabs pass through unaligned: a `PrefixWriter` straight over a buffer, as
    /// `rollout history --revision` prints a pod template (`printTemplate`).
    pub unaligned: bool,
}

impl Default for Writer {
    fn default() -> Self {
        Writer {
            tw: TabWriter::for_describe(),
            out: String::new(),
            base: 0,
            unaligned: false,
        }
    }
}

impl Writer {
    /// `w.Write(level, text)`: `text` is already formatted (tabs and newlines included).
    pub fn write(&mut self, level: usize, text: &str) {
        let prefix = "  ".repeat(level + self.base);
        self.put(&escape_terminal(&format!("{prefix}{text}")));
    }

    /// `w.WriteLine(text)`: the text and a newline, unindented (indented by the nesting).
    pub fn line(&mut self, text: &str) {
        let prefix = "  ".repeat(self.base);
        self.put(&escape_terminal(&format!("{prefix}{text}\n")));
    }

    fn put(&mut self, text: &str) {
        if self.unaligned {
            self.out.push_str(text);
        } else {
            self.tw.write_str(text);
        }
    }

    /// `w.Flush()`: what is buffered is aligned on its own (DescribeEvents does this).
    pub fn flush(&mut self) {
        let s = self.tw.flush();
        self.out.push_str(&s);
    }

    pub fn finish(mut self) -> String {
        self.flush();
        self.out
    }
}
