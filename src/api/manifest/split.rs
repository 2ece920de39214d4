//! Splitting a YAML stream into documents exactly as kubectl's `yaml.YAMLReader` does
//! (apimachinery `pkg/util/yaml/decoder.go`), so that line numbers in parse errors are
//! relative to the same chunk kubectl hands to the YAML parser.
//!
//! kubectl reads line by line (CRLF becomes LF). A line starting with `---` ends the current
//! chunk if the chunk has content; when the chunk is still empty the separator line stays in
//! it (so a leading `---` counts as line 1 of the first document). Anything but a comment after
//! `---` on the same line is an error.

/// One chunk of the stream: its text and the 1-based line of the source where it begins.
#[derive(Debug, PartialEq)]
pub(crate) struct Chunk {
    pub text: String,
    pub first_line: usize,
}

/// The chunks in order, or the first separator error (`invalid Yaml document separator: …`)
/// after the chunks that precede it.
pub(crate) fn split(text: &str) -> (Vec<Chunk>, Option<String>) {
    let mut chunks = Vec::new();
    let mut buffer = String::new();
    let mut buffer_line = 1;
    for (index, raw) in text.split_inclusive('\n').enumerate() {
        let line_no = index + 1;
        let line = raw.trim_end_matches('\n').trim_end_matches('\r');
        if let Some(rest) = line.strip_prefix("---") {
            let trimmed = rest.trim();
            if !trimmed.is_empty() && !trimmed.starts_with('#') {
                return (
                    chunks,
                    Some(format!("invalid Yaml document separator: {trimmed}")),
                );
            }
            if !buffer.is_empty() {
                chunks.push(Chunk {
                    text: std::mem::take(&mut buffer),
                    first_line: buffer_line,
                });
                buffer_line = line_no + 1;
                continue;
            }
        }
        if buffer.is_empty() {
            buffer_line = line_no;
        }
        buffer.push_str(line);
        buffer.push('\n');
    }
    if !buffer.is_empty() {
        chunks.push(Chunk {
            text: buffer,
            first_line: buffer_line,
        });
    }
    (chunks, None)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(text: &str) -> Vec<(String, usize)> {
        split(text)
            .0
            .into_iter()
            .map(|c| (c.text, c.first_line))
            .collect()
    }

    #[test]
    fn separators_end_chunks_and_are_dropped_after_content() {
        assert_eq!(
            texts("a: 1\n---\nb: 2\n"),
            vec![("a: 1\n".to_string(), 1), ("b: 2\n".to_string(), 3)]
        );
    }

    #[test]
    fn a_leading_separator_stays_in_the_first_chunk() {
        // kubectl writes the separator into an empty buffer, so it is line 1 of the chunk.
        assert_eq!(
            texts("--- # c\na: 1\n"),
            vec![("--- # c\na: 1\n".to_string(), 1)]
        );
    }

    #[test]
    fn crlf_and_a_missing_final_newline_are_normalised() {
        assert_eq!(texts("a: 1\r\nb: 2"), vec![("a: 1\nb: 2\n".to_string(), 1)]);
    }

    #[test]
    fn text_after_a_separator_is_an_error() {
        let (chunks, err) = split("a: 1\n--- b: 2\n");
        assert_eq!(chunks.len(), 0);
        assert_eq!(
            err.as_deref(),
            Some("invalid Yaml document separator: b: 2")
        );
    }

    #[test]
    fn empty_input_has_no_chunks() {
        assert!(texts("").is_empty());
        assert_eq!(texts("---\n---\n").len(), 1);
    }
}
