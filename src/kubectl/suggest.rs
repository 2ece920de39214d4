//! "Did you mean" and the usage-error texts cobra and kubectl print.

/// Every visible top-level kubectl 1.32 command, in the order kubectl registers them (cobra
/// lists suggestions in this order; `kubectl a` shows autoscale, attach, cp, auth, …).
pub const KUBECTL_COMMANDS: &[&str] = &[
    "create",
    "expose",
    "run",
    "set",
    "explain",
    "get",
    "edit",
    "delete",
    "rollout",
    "scale",
    "autoscale",
    "certificate",
    "cluster-info",
    "top",
    "cordon",
    "uncordon",
    "drain",
    "taint",
    "describe",
    "logs",
    "attach",
    "exec",
    "port-forward",
    "proxy",
    "cp",
    "auth",
    "debug",
    "events",
    "diff",
    "apply",
    "patch",
    "replace",
    "wait",
    "kustomize",
    "label",
    "annotate",
    "completion",
    "config",
    "plugin",
    "version",
    "api-versions",
    "api-resources",
    "options",
];

/// Explicit suggestions cobra commands declare (`SuggestFor`).
const SUGGEST_FOR: &[(&str, &str)] = &[
    ("get", "list"),
    ("get", "ps"),
    ("delete", "rm"),
    ("wait", "list"),
    ("wait", "ps"),
];

/// Levenshtein distance, case-insensitive (cobra's `ld(s, t, true)`).
pub fn distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.to_lowercase().chars().collect();
    let b: Vec<char> = b.to_lowercase().chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

/// cobra's `SuggestionsFor`: distance ≤ 2, or the candidate starts with what was typed.
pub fn suggestions(typed: &str, candidates: &[&str]) -> Vec<String> {
    let lower = typed.to_lowercase();
    let mut out: Vec<String> = Vec::new();
    for c in candidates {
        if distance(typed, c) <= 2 || c.to_lowercase().starts_with(&lower) {
            out.push(c.to_string());
        }
        for (cmd, alias) in SUGGEST_FOR {
            if cmd == c && alias.eq_ignore_ascii_case(typed) && !out.iter().any(|o| o == cmd) {
                out.push(cmd.to_string());
            }
        }
    }
    out
}

/// `unknown command "gte" for "kubectl"` with cobra's "Did you mean this?" block.
pub fn unknown_command(typed: &str, parent: &str, candidates: &[&str]) -> String {
    let mut msg = format!("error: unknown command \"{typed}\" for \"{parent}\"");
    let found = suggestions(typed, candidates);
    if !found.is_empty() {
        msg.push_str("\n\nDid you mean this?\n");
        for s in found {
            msg.push_str(&format!("\t{s}\n"));
        }
    }
    msg
}

/// A flag error as kubectl prints it.
pub fn flag_error(msg: &str, command_path: &str) -> String {
    format!("Error: {msg}\nSee '{command_path} --help' for usage.")
}

/// `cmdutil.UsageErrorf`: the message, then `See 'kubectl x -h' for help and examples`.
pub fn usage_error(msg: &str, command_path: &str) -> String {
    format!("error: {msg}\nSee '{command_path} -h' for help and examples")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cobra_suggests_close_and_prefix_matches() {
        assert_eq!(suggestions("gte", KUBECTL_COMMANDS), ["get"]);
        assert_eq!(suggestions("rm", KUBECTL_COMMANDS), ["run", "delete", "cp"]);
        assert_eq!(suggestions("ps", KUBECTL_COMMANDS), ["get", "cp", "wait"]);
        assert_eq!(
            suggestions("a", KUBECTL_COMMANDS),
            [
                "autoscale",
                "attach",
                "cp",
                "auth",
                "apply",
                "annotate",
                "api-versions",
                "api-resources"
            ]
        );
        assert_eq!(
            suggestions("ex", KUBECTL_COMMANDS),
            ["expose", "set", "explain", "get", "exec", "cp"]
        );
        assert_eq!(suggestions("descibe", KUBECTL_COMMANDS), ["describe"]);
        assert!(suggestions("zzzzzz", KUBECTL_COMMANDS).is_empty());
        assert_eq!(distance("kitten", "sitting"), 3);
    }

    #[test]
    fn unknown_command_text_matches_kubectl() {
        assert_eq!(
            unknown_command("gte", "kubectl", KUBECTL_COMMANDS),
            "error: unknown command \"gte\" for \"kubectl\"\n\nDid you mean this?\n\tget\n"
        );
        assert_eq!(
            unknown_command("frobnicate", "kubectl", KUBECTL_COMMANDS),
            "error: unknown command \"frobnicate\" for \"kubectl\""
        );
    }
}
