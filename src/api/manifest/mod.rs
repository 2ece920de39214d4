//! Manifests in: YAML text (one or many documents) → kind dispatch → strict typed decode
//! (unknown fields are errors naming their path) → the objects, with warnings for legacy
//! API versions. Defaulting and validation are separate steps (defaults/, validation/).
//!
//! Each document goes through kubectl 1.32's steps, and a failure is worded as kubectl prints
//! it for that step:
//! 1. split the stream (`split.rs`) and convert YAML → JSON (`yaml.rs`):
//!    `error: error parsing <src>: error converting YAML to JSON: yaml: line N: …` — stops the stream;
//! 2. `apiVersion`/`kind` present and strings (kubectl's `getObjectKind`):
//!    `error: error validating "<src>": error validating data: …; if you choose to ignore these errors, turn validation off with --validate=false` — stops the stream;
//! 3. the kind is served: `error: resource mapping not found for name: … ensure CRDs are installed first` — later documents continue;
//! 4. the server's strict decode (`strict.rs`): `Error from server (BadRequest): error when <verb> "<src>": <Kind> in version "v1" cannot be handled as a <Kind>: …` — later documents continue.
//!
//! `decode`/`decode_for` stop at the first failure; `decode_each` gives every document's
//! outcome in order so a caller can do what kubectl does (apply the good ones, print the
//! errors after).

mod go_json;
mod split;
mod strict;
mod yaml;

use super::kinds::{legacy_warning, Kind};
use super::Object;
use crate::api::validation::gofmt;
use serde_json::Value;

/// One decoded document.
#[derive(Clone, Debug)]
pub struct Decoded {
    pub object: Object,
    /// One-line warnings to print before the result (legacy apiVersion …).
    pub warnings: Vec<String>,
    /// 1-based line where the document starts in the source (its first line that is not
    /// blank, a comment or a `---` separator).
    pub line: usize,
    /// The document exactly as written, as JSON with sorted keys (what kubectl stores in
    /// `last-applied-configuration` before it adds the namespace).
    pub applied: serde_json::Value,
}

/// Why one document was not decoded. `message` is kubectl's text without the leading
/// `error: ` (client side) or `Error from server (BadRequest): ` (server side).
#[derive(Clone, Debug, PartialEq)]
pub enum DocError {
    /// The YAML does not parse (or a bad `---` separator). kubectl reads no further.
    /// `line`/`column` are 1-based in the whole source, when known.
    Parse {
        message: String,
        line: Option<usize>,
        column: Option<usize>,
    },
    /// `apiVersion`/`kind` missing or not strings, or the document is not an object.
    /// kubectl reads no further.
    Invalid { message: String },
    /// No such kind in that version on a 1.32 cluster (klab's kinds). Later documents go on.
    NoMapping { message: String },
    /// The server's decoding refused it (unknown field, wrong type, bad quantity). Later
    /// documents go on. `reason` is the server's message after `error when <verb> "<src>": `.
    BadRequest {
        kind: Kind,
        name: String,
        source: String,
        reason: String,
    },
}

impl DocError {
    /// What kubectl prints for this error alone (one error on the command).
    pub fn kubectl_message(&self, verb: &str) -> String {
        match self {
            DocError::Parse { message, .. }
            | DocError::Invalid { message }
            | DocError::NoMapping { message } => {
                format!("error: {message}")
            }
            DocError::BadRequest { .. } => {
                format!("Error from server (BadRequest): {}", self.message(verb))
            }
        }
    }

    /// The message without kubectl's `error: `/`Error from server (…): ` prefix (the form
    /// kubectl uses when it lists several errors).
    pub fn message(&self, verb: &str) -> String {
        match self {
            DocError::Parse { message, .. }
            | DocError::Invalid { message }
            | DocError::NoMapping { message } => message.clone(),
            DocError::BadRequest { source, reason, .. } => {
                format!("error when {verb} {}: {reason}", gofmt::quote(source))
            }
        }
    }

    /// Whether kubectl stops reading the stream at this error.
    pub fn stops_stream(&self) -> bool {
        matches!(self, DocError::Parse { .. } | DocError::Invalid { .. })
    }
}

/// Decodes every document in `text`. `source` names the file (or `-`/`STDIN`) in messages.
/// Err is the complete message kubectl would print, for `kubectl create`/a first `apply`
/// (server errors say "error when creating"); see `decode_for` for other verbs. Text with no
/// documents gives `Ok` of nothing (kubectl then says `error: no objects passed to apply`).
pub fn decode(text: &str, source: &str) -> Result<Vec<Decoded>, String> {
    decode_for(text, source, "creating")
}

/// As `decode`, with the verb kubectl puts in server-side errors (`creating`, `patching`,
/// `replacing`).
pub fn decode_for(text: &str, source: &str, verb: &str) -> Result<Vec<Decoded>, String> {
    decode_each(text, source)
        .into_iter()
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| e.kubectl_message(verb))
}

/// Every document's outcome, in order. After an error that stops the stream
/// (`DocError::stops_stream`) there are no further entries.
pub fn decode_each(text: &str, source: &str) -> Vec<Result<Decoded, DocError>> {
    let mut out = Vec::new();
    if text.trim_start().starts_with('{') {
        decode_json_stream(text, source, &mut out);
        return out;
    }
    let (chunks, split_error) = split::split(text);
    for chunk in chunks {
        let value = match yaml::to_json(&chunk.text) {
            Ok(v) => v,
            Err(e) => {
                out.push(Err(DocError::Parse {
                    message: format!(
                        "error parsing {source}: error converting YAML to JSON: {}",
                        e.message
                    ),
                    line: e.line.map(|l| l + chunk.first_line - 1),
                    column: e.column,
                }));
                return out;
            }
        };
        if is_empty_document(&value) {
            continue;
        }
        let line = content_line(&chunk.text).map_or(chunk.first_line, |l| l + chunk.first_line - 1);
        if !decode_document(value, source, line, &mut out) {
            return out;
        }
    }
    if let Some(message) = split_error {
        out.push(Err(DocError::Parse {
            message: format!("error parsing {source}: {message}"),
            line: None,
            column: None,
        }));
    }
    out
}

/// A stream starting with `{` is JSON (kubectl's `YAMLOrJSONDecoder` sniffs the same way).
fn decode_json_stream(text: &str, source: &str, out: &mut Vec<Result<Decoded, DocError>>) {
    let mut stream = serde_json::Deserializer::from_str(text).into_iter::<Value>();
    loop {
        let offset = stream.byte_offset();
        let line = text[..offset.min(text.len())].matches('\n').count() + 1;
        match stream.next() {
            None => return,
            Some(Err(e)) => {
                let reason = e.to_string();
                let reason = reason.split(" at line ").next().unwrap_or(&reason);
                out.push(Err(DocError::Parse {
                    message: format!("error parsing {source}: json: {reason}"),
                    line: Some(e.line()),
                    column: Some(e.column()),
                }));
                return;
            }
            Some(Ok(value)) => {
                let value = sort_keys(value);
                if !is_empty_document(&value) && !decode_document(value, source, line, out) {
                    return;
                }
            }
        }
    }
}

fn sort_keys(value: Value) -> Value {
    match value {
        Value::Object(map) => {
            let mut entries: Vec<(String, Value)> = map.into_iter().collect();
            entries.sort_by(|a, b| a.0.cmp(&b.0));
            Value::Object(
                entries
                    .into_iter()
                    .map(|(k, v)| (k, sort_keys(v)))
                    .collect(),
            )
        }
        Value::Array(items) => Value::Array(items.into_iter().map(sort_keys).collect()),
        other => other,
    }
}

/// kubectl skips documents that are empty or `null` after conversion.
fn is_empty_document(value: &Value) -> bool {
    value.is_null()
}

/// The 1-based line (within the chunk) of the first line with content.
fn content_line(chunk: &str) -> Option<usize> {
    chunk
        .lines()
        .position(|l| {
            let t = l.trim();
            !(t.is_empty() || t.starts_with('#') || t.starts_with("---"))
        })
        .map(|i| i + 1)
}

/// Decodes one document (expanding a `List`); false if the stream stops here.
fn decode_document(
    value: Value,
    source: &str,
    line: usize,
    out: &mut Vec<Result<Decoded, DocError>>,
) -> bool {
    if let Err(e) = check_type_meta(&value, source) {
        out.push(Err(e));
        return false;
    }
    let api_version = value["apiVersion"].as_str().unwrap_or("").to_string();
    let kind_name = value["kind"].as_str().unwrap_or("").to_string();
    if kind_name == "List" && api_version == "v1" {
        let items = match value.get("items") {
            Some(Value::Array(items)) => items.clone(),
            _ => Vec::new(),
        };
        for item in items {
            if !decode_document(item, source, line, out) {
                return false;
            }
        }
        return true;
    }
    out.push(decode_typed(value, &api_version, &kind_name, source, line));
    true
}

/// kubectl's `getObjectKind` (apimachinery `validation.go`) and its wrapping.
fn check_type_meta(value: &Value, source: &str) -> Result<(), DocError> {
    let invalid = |detail: String| {
        DocError::Invalid {
        message: format!(
            "error validating {}: error validating data: {detail}; if you choose to ignore these errors, turn validation off with --validate=false",
            gofmt::quote(source)
        ),
    }
    };
    let Value::Object(fields) = value else {
        return Err(invalid("invalid object to validate".into()));
    };
    let mut problems = Vec::new();
    match fields.get("apiVersion") {
        None | Some(Value::Null) => problems.push("apiVersion not set".to_string()),
        Some(Value::String(v)) => {
            if v.matches('/').count() > 1 {
                problems.push(format!("unexpected GroupVersion string: {v}"));
            }
        }
        Some(_) => problems.push("apiVersion isn't string type".to_string()),
    }
    match fields.get("kind") {
        None | Some(Value::Null) => problems.push("kind not set".to_string()),
        Some(Value::String(_)) => {}
        Some(_) => problems.push("kind isn't string type".to_string()),
    }
    match problems.len() {
        0 => Ok(()),
        1 => Err(invalid(problems.remove(0))),
        _ => Err(invalid(format!("[{}]", problems.join(", ")))),
    }
}

/// Mapping (kind served?) and the strict typed decode.
fn decode_typed(
    mut value: Value,
    api_version: &str,
    kind_name: &str,
    source: &str,
    line: usize,
) -> Result<Decoded, DocError> {
    let applied = value.clone();
    let meta_str = |field: &str| {
        value
            .get("metadata")
            .and_then(|m| m.get(field))
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string()
    };
    let name = meta_str("name");
    if kind_name.is_empty() {
        return Err(DocError::NoMapping {
            message: format!(
                "unable to decode {}: Object 'Kind' is missing in '{}'",
                gofmt::quote(source),
                value
            ),
        });
    }
    let Some(kind) = Kind::from_manifest(api_version, kind_name) else {
        let namespace = meta_str("namespace");
        let no_match = if api_version.is_empty() {
            format!(
                "no matches for kind {} in group \"\"",
                gofmt::quote(kind_name)
            )
        } else {
            format!(
                "no matches for kind {} in version {}",
                gofmt::quote(kind_name),
                gofmt::quote(api_version)
            )
        };
        return Err(DocError::NoMapping {
            message: format!(
                "resource mapping not found for name: {} namespace: {} from {}: {no_match}\nensure CRDs are installed first",
                gofmt::quote(&name),
                gofmt::quote(&namespace),
                gofmt::quote(source)
            ),
        });
    };
    let served = kind.api_version();
    let warnings: Vec<String> = legacy_warning(api_version, kind).into_iter().collect();
    if api_version != served {
        value["apiVersion"] = Value::String(served);
    }
    let object = strict::decode_object(kind, &value).map_err(|reason| DocError::BadRequest {
        kind,
        name: name.clone(),
        source: source.to_string(),
        reason: format!(
            "{} in version {} cannot be handled as a {}: {reason}",
            kind.name(),
            gofmt::quote(kind.info().version),
            kind.name()
        ),
    })?;
    Ok(Decoded {
        object,
        warnings,
        line,
        applied,
    })
}

#[cfg(test)]
pub(crate) mod book;
#[cfg(test)]
mod tests;
