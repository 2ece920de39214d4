//! Tab completion that knows where the cursor is: a `:command`, a kubectl line (verbs,
//! kinds and short names, flags, live object names, paths after `-f`), or Rhai (script
//! functions with their call forms, variables, kinds and object names inside a call's
//! string arguments, paths inside `read_file("`).
//!
//! Completion works on a `Snapshot` of the session taken after each input, so it never
//! touches the live cluster while the line editor runs.

use crate::api::kinds::KINDS;
use crate::api::Kind;
use crate::script::docs;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// What completion knows about the session: refreshed after every input.
#[derive(Clone, Default, Debug)]
pub struct Snapshot {
    /// Object names per kind (default namespace and cluster-scoped objects), sorted.
    pub names: BTreeMap<Kind, Vec<String>>,
    pub variables: Vec<String>,
    pub base_dir: PathBuf,
}

/// One candidate: what the menu shows and what replaces the word.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Candidate {
    pub display: String,
    pub replacement: String,
}

fn plain(s: &str) -> Candidate {
    Candidate {
        display: s.to_string(),
        replacement: s.to_string(),
    }
}

/// The REPL's own commands and what they take.
pub const COMMANDS: &[(&str, &str)] = &[
    (
        ":help",
        "[NAME]     this overview, or one function or command",
    ),
    (
        ":reset",
        "[NODES]   a fresh default cluster (with NODES nodes) and an empty scope",
    ),
    (
        ":load",
        "FILE       run a lesson or script into this session",
    ),
    (
        ":save",
        "FILE       write this session's inputs as a runnable script",
    ),
    (
        ":time",
        "           the simulated time and how long since the cluster started",
    ),
    (":seed", "           the seed of this session"),
    (
        ":events",
        "         all events, as kubectl get events prints them",
    ),
    (":timeline", "       the pods' lives as swimlanes"),
    (
        ":images",
        "         what images do in this cluster (define_image, built-in rules)",
    ),
    (":quit", "           leave (also Ctrl-D)"),
];

/// kubectl verbs klab runs, with the flags each takes (long forms; short ones in brackets).
pub const VERBS: &[(&str, &[&str])] = &[
    ("annotate", &["--overwrite", "--all", "-l", "--selector"]),
    (
        "api-resources",
        &["--namespaced", "--no-headers", "--api-group", "-o"],
    ),
    ("apply", &["-f", "--filename", "-R", "--recursive", "-o"]),
    ("cordon", &[]),
    (
        "create",
        &[
            "-f",
            "--filename",
            "--image",
            "--schedule",
            "--from",
            "--restart",
            "-o",
        ],
    ),
    (
        "delete",
        &[
            "-f",
            "--filename",
            "-l",
            "--selector",
            "--all",
            "--cascade",
            "--grace-period",
            "--force",
            "--wait",
            "--now",
            "--timeout",
            "--ignore-not-found",
            "-A",
        ],
    ),
    (
        "describe",
        &["-f", "-l", "--selector", "-A", "--all-namespaces"],
    ),
    (
        "drain",
        &[
            "--ignore-daemonsets",
            "--force",
            "--delete-emptydir-data",
            "--disable-eviction",
            "--grace-period",
            "--timeout",
        ],
    ),
    ("exec", &["-c", "--container", "-i", "-t", "--"]),
    (
        "get",
        &[
            "-o",
            "--output",
            "-l",
            "--selector",
            "-w",
            "--watch",
            "--show-labels",
            "--no-headers",
            "--ignore-not-found",
            "-A",
            "--all-namespaces",
            "-f",
            "-n",
        ],
    ),
    ("label", &["--overwrite", "--all", "-l", "--selector"]),
    ("logs", &["-c", "--container", "-p", "--previous", "--tail"]),
    ("patch", &["-p", "--patch", "--type", "--patch-file"]),
    (
        "rollout",
        &["--watch", "--timeout", "--revision", "--to-revision"],
    ),
    ("scale", &["--replicas", "--current-replicas"]),
    ("set", &[]),
    ("taint", &["--overwrite"]),
    ("uncordon", &[]),
    ("wait", &["--for", "--timeout"]),
];

const OUTPUTS: &[&str] = &["wide", "yaml", "json", "name"];

/// Every name kubectl accepts for a kind, as completion offers them.
pub fn kind_names() -> Vec<&'static str> {
    let mut names: Vec<&str> = KINDS
        .iter()
        .flat_map(|i| std::iter::once(i.plural).chain(i.short.iter().copied()))
        .collect();
    names.sort();
    names
}

/// Candidates for `line` with the cursor at byte `pos`: the start of the replaced word and
/// the candidates, sorted.
pub fn complete(snapshot: &Snapshot, line: &str, pos: usize) -> (usize, Vec<Candidate>) {
    let before = &line[..pos];
    let trimmed = before.trim_start();
    if trimmed.starts_with(':') {
        return complete_command(snapshot, before);
    }
    let lead = before.len() - trimmed.len();
    if let Some(rest) = ["kubectl ", "k "]
        .iter()
        .find_map(|p| trimmed.strip_prefix(p))
    {
        let offset = before.len() - rest.len();
        let (start, c) = complete_kubectl(snapshot, rest);
        return (offset + start, c);
    }
    if trimmed == "kubectl" || trimmed == "k" && lead == 0 {
        return (pos, vec![plain(" ")]);
    }
    complete_rhai(snapshot, before)
}

fn complete_command(snapshot: &Snapshot, before: &str) -> (usize, Vec<Candidate>) {
    let Some(space) = before.find(' ') else {
        let start = before.len() - before.trim_start().len();
        let word = before.trim_start();
        let c = COMMANDS
            .iter()
            .filter(|(c, _)| c.starts_with(word))
            .map(|(c, _)| plain(c))
            .collect();
        return (start, c);
    };
    let command = before[..space].trim();
    let arg = &before[space + 1..];
    let arg_start = space + 1 + (arg.len() - arg.trim_start().len());
    let arg = arg.trim_start();
    match command {
        ":help" | ":h" => {
            let mut names: Vec<&str> = docs::FUNCTIONS.iter().map(|d| d.name).collect();
            names.extend(COMMANDS.iter().map(|(c, _)| *c));
            (arg_start, prefixed(names, arg))
        }
        ":load" | ":save" => {
            let (s, c) = complete_path(&snapshot.base_dir, arg);
            (arg_start + s, c)
        }
        _ => (before.len(), Vec::new()),
    }
}

fn prefixed<'a>(options: impl IntoIterator<Item = &'a str>, prefix: &str) -> Vec<Candidate> {
    let mut c: Vec<Candidate> = options
        .into_iter()
        .filter(|o| o.starts_with(prefix))
        .map(plain)
        .collect();
    c.sort_by(|a, b| a.display.cmp(&b.display));
    c.dedup();
    c
}

/// Completes a kubectl command line (without the leading `kubectl`).
pub fn complete_kubectl(snapshot: &Snapshot, before: &str) -> (usize, Vec<Candidate>) {
    let word_start = before.rfind(char::is_whitespace).map_or(0, |i| i + 1);
    let word = &before[word_start..];
    let words: Vec<&str> = before[..word_start].split_whitespace().collect();
    let previous = words.last().copied().unwrap_or("");
    // Values of flags that take a file, an output format or a namespace.
    if matches!(previous, "-f" | "--filename") {
        let (s, c) = complete_path(&snapshot.base_dir, word);
        return (word_start + s, c);
    }
    for flag in ["-f=", "--filename="] {
        if let Some(path) = word.strip_prefix(flag) {
            let (s, c) = complete_path(&snapshot.base_dir, path);
            return (word_start + flag.len() + s, c);
        }
    }
    if matches!(previous, "-o" | "--output") {
        return (word_start, prefixed(OUTPUTS.iter().copied(), word));
    }
    if let Some(v) = word.strip_prefix("-o=").or(word.strip_prefix("--output=")) {
        return (before.len() - v.len(), prefixed(OUTPUTS.iter().copied(), v));
    }
    if matches!(previous, "-n" | "--namespace") {
        let ns = names(snapshot, Kind::Namespace);
        return (word_start, prefixed(ns.iter().map(String::as_str), word));
    }
    // Positional words: skip flags and the values of flags that take one.
    let mut positional: Vec<&str> = Vec::new();
    let mut skip = false;
    for w in &words {
        if skip {
            skip = false;
            continue;
        }
        if w.starts_with('-') {
            skip = !w.contains('=') && takes_value(w);
            continue;
        }
        positional.push(w);
    }
    let verb = positional.first().copied();
    if word.starts_with('-') {
        let flags = verb
            .and_then(|v| VERBS.iter().find(|(n, _)| *n == v))
            .map_or(&[][..], |(_, f)| *f);
        let mut all: Vec<&str> = flags.to_vec();
        all.extend(["-n", "--namespace"]);
        return (word_start, prefixed(all, word));
    }
    let Some(verb) = verb else {
        return (word_start, prefixed(VERBS.iter().map(|(v, _)| *v), word));
    };
    let args = &positional[1..];
    match verb {
        "cordon" | "uncordon" | "drain" | "taint" if args.is_empty() => {
            let nodes = names(snapshot, Kind::Node);
            (word_start, prefixed(nodes.iter().map(String::as_str), word))
        }
        "exec" | "logs" if args.is_empty() => {
            let pods = names(snapshot, Kind::Pod);
            (word_start, prefixed(pods.iter().map(String::as_str), word))
        }
        "rollout" if args.is_empty() => (
            word_start,
            prefixed(["status", "history", "undo", "restart"], word),
        ),
        "set" if args.is_empty() => (word_start, prefixed(["image"], word)),
        "create" if args.is_empty() => (word_start, prefixed(["job", "cronjob"], word)),
        "scale" | "rollout" | "set" | "wait" => slash_names(snapshot, word, word_start),
        "get" | "describe" | "delete" | "label" | "annotate" | "patch" | "api-resources" => {
            match args.first() {
                None if word.contains('/') => slash_names(snapshot, word, word_start),
                None => (word_start, prefixed(kind_names(), word)),
                Some(kind) => {
                    let names = Kind::parse(kind)
                        .map(|k| names(snapshot, k))
                        .unwrap_or_default();
                    (word_start, prefixed(names.iter().map(String::as_str), word))
                }
            }
        }
        _ => (word_start, Vec::new()),
    }
}

/// Flags whose value is the next word.
fn takes_value(flag: &str) -> bool {
    matches!(
        flag,
        "-f" | "--filename"
            | "-o"
            | "--output"
            | "-l"
            | "--selector"
            | "-n"
            | "--namespace"
            | "-c"
            | "--container"
            | "-p"
            | "--patch"
            | "--type"
            | "--for"
            | "--timeout"
            | "--replicas"
            | "--tail"
    )
}

/// `sts/we<Tab>` → `sts/web`; `sts<Tab>` without a slash → kinds with a slash.
fn slash_names(snapshot: &Snapshot, word: &str, word_start: usize) -> (usize, Vec<Candidate>) {
    match word.split_once('/') {
        Some((kind, name)) => {
            let Some(k) = Kind::parse(kind) else {
                return (word_start, Vec::new());
            };
            let options: Vec<String> = names(snapshot, k)
                .iter()
                .map(|n| format!("{kind}/{n}"))
                .collect();
            let _ = name;
            (
                word_start,
                prefixed(options.iter().map(String::as_str), word),
            )
        }
        None => {
            let kinds: Vec<String> = kind_names().iter().map(|k| format!("{k}/")).collect();
            (word_start, prefixed(kinds.iter().map(String::as_str), word))
        }
    }
}

fn names(snapshot: &Snapshot, kind: Kind) -> Vec<String> {
    snapshot.names.get(&kind).cloned().unwrap_or_default()
}

/// Rhai: inside a string argument, what the function takes there; elsewhere identifiers.
fn complete_rhai(snapshot: &Snapshot, before: &str) -> (usize, Vec<Candidate>) {
    if let Some(open) = open_string(before) {
        let text = &before[open + 1..];
        let (function, arg_index, first_arg) = call_context(&before[..open]);
        let start = open + 1;
        return match (function.as_str(), arg_index) {
            ("kubectl", 0) => {
                let (s, c) = complete_kubectl(snapshot, text);
                (start + s, c)
            }
            ("read_file", 0) => {
                let (s, c) = complete_path(&snapshot.base_dir, text);
                (start + s, c)
            }
            ("get" | "list", 0) => (start, prefixed(kind_names(), text)),
            ("get", 1) => {
                let names = first_arg
                    .as_deref()
                    .and_then(Kind::parse)
                    .map(|k| names(snapshot, k))
                    .unwrap_or_default();
                (start, prefixed(names.iter().map(String::as_str), text))
            }
            ("exec" | "logs" | "kill", 0) => {
                let pods = names(snapshot, Kind::Pod);
                (start, prefixed(pods.iter().map(String::as_str), text))
            }
            ("node_down" | "node_up" | "remove_node", 0) => {
                let nodes = names(snapshot, Kind::Node);
                (start, prefixed(nodes.iter().map(String::as_str), text))
            }
            ("events", 0) => slash_names(snapshot, text, start),
            _ => (before.len(), Vec::new()),
        };
    }
    let start = before
        .char_indices()
        .rev()
        .find(|(_, c)| !(c.is_alphanumeric() || *c == '_'))
        .map_or(0, |(i, c)| i + c.len_utf8());
    let word = &before[start..];
    if word.is_empty() || word.chars().next().is_some_and(|c| c.is_ascii_digit()) {
        return (start, Vec::new());
    }
    let mut c: Vec<Candidate> = docs::FUNCTIONS
        .iter()
        .filter(|d| d.name.starts_with(word))
        .map(|d| Candidate {
            display: d.forms.join("  |  "),
            replacement: format!("{}(", d.name),
        })
        .collect();
    c.extend(
        snapshot
            .variables
            .iter()
            .chain(
                KEYWORDS
                    .iter()
                    .map(|k| k.to_string())
                    .collect::<Vec<_>>()
                    .iter(),
            )
            .filter(|v| v.starts_with(word))
            .map(|v| plain(v)),
    );
    c.sort_by(|a, b| a.replacement.cmp(&b.replacement));
    c.dedup();
    (start, c)
}

/// Rhai keywords (highlighted, and completed).
pub const KEYWORDS: &[&str] = &[
    "let", "const", "fn", "if", "else", "while", "loop", "for", "in", "do", "until", "break",
    "continue", "return", "throw", "try", "catch", "true", "false", "switch", "private",
];

/// The byte index of the quote that opens the string the text ends inside, if any.
fn open_string(before: &str) -> Option<usize> {
    let mut open: Option<(usize, char)> = None;
    let mut escaped = false;
    for (i, c) in before.char_indices() {
        match open {
            Some((_, q)) => {
                if escaped {
                    escaped = false;
                } else if c == '\\' && q == '"' {
                    escaped = true;
                } else if c == q {
                    open = None;
                }
            }
            None if c == '"' || c == '`' => open = Some((i, c)),
            None => {}
        }
    }
    open.map(|(i, _)| i)
}

/// For text ending just before a string argument: the called function, the argument's
/// index and the first argument if it is a string literal (`get("sts", ` → get, 1, sts).
fn call_context(before: &str) -> (String, usize, Option<String>) {
    let mut depth = 0i32;
    let mut commas = 0;
    let mut in_string = false;
    let chars: Vec<(usize, char)> = before.char_indices().collect();
    for &(i, c) in chars.iter().rev() {
        if c == '"' {
            in_string = !in_string;
            continue;
        }
        if in_string {
            continue;
        }
        match c {
            ')' | ']' | '}' => depth += 1,
            '[' | '{' if depth == 0 => return (String::new(), 0, None),
            '(' | '[' | '{' if depth > 0 => depth -= 1,
            ',' if depth == 0 => commas += 1,
            '(' => {
                let head = &before[..i];
                let name_start = head
                    .char_indices()
                    .rev()
                    .find(|(_, c)| !(c.is_alphanumeric() || *c == '_'))
                    .map_or(0, |(j, c)| j + c.len_utf8());
                let args = &before[i + 1..];
                let first = args
                    .trim_start()
                    .strip_prefix('"')
                    .and_then(|a| a.split('"').next())
                    .map(str::to_string);
                return (head[name_start..].to_string(), commas, first);
            }
            _ => {}
        }
    }
    (String::new(), 0, None)
}

/// File names under `base` completing `partial` (a path relative to `base` or absolute);
/// folders end with `/`. Returns the offset in `partial` where the replaced part starts.
pub fn complete_path(base: &Path, partial: &str) -> (usize, Vec<Candidate>) {
    let (dir_part, file_part) = match partial.rfind('/') {
        Some(i) => (&partial[..=i], &partial[i + 1..]),
        None => ("", partial),
    };
    let dir = if Path::new(dir_part).is_absolute() {
        PathBuf::from(dir_part)
    } else {
        base.join(dir_part)
    };
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return (dir_part.len(), Vec::new());
    };
    let mut c: Vec<Candidate> = entries
        .flatten()
        .filter_map(|e| {
            let name = e.file_name().to_str()?.to_string();
            if !name.starts_with(file_part) || name.starts_with('.') && !file_part.starts_with('.')
            {
                return None;
            }
            let is_dir = e.file_type().is_ok_and(|t| t.is_dir());
            Some(plain(&if is_dir { format!("{name}/") } else { name }))
        })
        .collect();
    c.sort_by(|a, b| a.display.cmp(&b.display));
    (dir_part.len(), c)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn snapshot() -> Snapshot {
        let mut names = BTreeMap::new();
        names.insert(
            Kind::Pod,
            vec!["sample-0".into(), "sample-1".into(), "web-0".into()],
        );
        names.insert(Kind::StatefulSet, vec!["sample".into(), "web".into()]);
        names.insert(Kind::Node, vec!["node-1".into(), "node-2".into()]);
        let dir = std::env::temp_dir().join(format!("klab-complete-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("manifests")).unwrap();
        std::fs::write(dir.join("manifests/sts.yaml"), "").unwrap();
        Snapshot {
            names,
            variables: vec!["replicas".into()],
            base_dir: dir,
        }
    }

    fn words(line: &str) -> Vec<String> {
        let (start, c) = complete(&snapshot(), line, line.len());
        c.iter()
            .map(|c| format!("{}{}", &line[..start], c.replacement))
            .collect()
    }

    #[test]
    fn kubectl_verbs_kinds_and_live_names() {
        assert_eq!(
            words("kubectl ap"),
            ["kubectl api-resources", "kubectl apply"]
        );
        assert!(words("kubectl get st").contains(&"kubectl get sts".to_string()));
        assert_eq!(
            words("kubectl get pods sam"),
            ["kubectl get pods sample-0", "kubectl get pods sample-1"]
        );
        assert_eq!(words("k get -o wide po w"), ["k get -o wide po web-0"]);
        assert_eq!(words("k scale sts/w"), ["k scale sts/web"]);
        assert_eq!(words("k drain node-"), ["k drain node-1", "k drain node-2"]);
        assert_eq!(words("k get pods -o j"), ["k get pods -o json"]);
        assert!(words("k get pods --sh").contains(&"k get pods --show-labels".to_string()));
    }

    #[test]
    fn paths_after_dash_f_and_in_read_file() {
        assert_eq!(words("k apply -f man"), ["k apply -f manifests/"]);
        assert_eq!(
            words("k apply -f manifests/s"),
            ["k apply -f manifests/sts.yaml"]
        );
        assert_eq!(
            words("apply(read_file(\"manifests/"),
            ["apply(read_file(\"manifests/sts.yaml"]
        );
    }

    #[test]
    fn script_functions_variables_and_string_arguments() {
        assert_eq!(words("wait_f"), ["wait_for("]);
        assert!(words("re").contains(&"read_file(".to_string()));
        assert!(words("re").contains(&"replicas".to_string()));
        assert!(words("get(\"s").contains(&"get(\"sts".to_string()));
        assert_eq!(
            words("get(\"sts\", \""),
            ["get(\"sts\", \"sample", "get(\"sts\", \"web"]
        );
        assert_eq!(words("logs(\"web"), ["logs(\"web-0"]);
        assert_eq!(words("kubectl(\"get sts w"), ["kubectl(\"get sts web"]);
        let (_, c) = complete(&snapshot(), "wait_f", 6);
        assert_eq!(c[0].display, "wait_for(f, timeout) -> int");
    }

    #[test]
    fn repl_commands_and_help_topics() {
        assert_eq!(words(":ti"), [":time", ":timeline"]);
        assert_eq!(words(":help wait"), [":help wait_for"]);
        assert_eq!(words(":load manifests/"), [":load manifests/sts.yaml"]);
    }
}
