//! The script API's documentation as data: one entry per function, with its call forms and
//! what it does. `:help`, `:help NAME`, the REPL's completion hints and the README's API
//! table (`markdown_table`) all read this one table, so they cannot disagree.

/// One script function.
pub struct FnDoc {
    pub name: &'static str,
    /// Call forms, e.g. `get(kind, name) -> map or ()`.
    pub forms: &'static [&'static str],
    /// What it does, one or two sentences.
    pub does: &'static str,
    /// A line a learner can type as it stands.
    pub example: &'static str,
}

const fn f(
    name: &'static str,
    forms: &'static [&'static str],
    does: &'static str,
    example: &'static str,
) -> FnDoc {
    FnDoc {
        name,
        forms,
        does,
        example,
    }
}

/// Every script function of DESIGN.md's "Script API (v1)", plus klab's additions, by theme.
pub const FUNCTIONS: &[FnDoc] = &[
    f("cluster", &["cluster()", "cluster(#{nodes: 2, seed: 7, start: \"2026-03-01T09:00:00Z\"})"],
      "Replace the current cluster with a fresh one (`nodes` may be a count or an array of names).",
      "cluster(#{nodes: 2})"),
    f("add_node", &["add_node(name)", "add_node(name, #{labels: #{...}, taints: [\"k=v:NoSchedule\"], cpu: \"4\", memory: \"8Gi\"})"],
      "Add a ready node.", "add_node(\"node-4\", #{labels: #{disk: \"ssd\"}})"),
    f("remove_node", &["remove_node(name)"],
      "Delete the node object (pods on it are cleaned up as PodGC does).", "remove_node(\"node-3\")"),
    f("node_down", &["node_down(name)"], "Stop the node's kubelet: it stops posting status.", "node_down(\"node-2\")"),
    f("node_up", &["node_up(name)"], "Resume the node's kubelet.", "node_up(\"node-2\")"),
    f("kubectl", &["kubectl(line) -> string"],
      "Run a kubectl command line (with or without the leading `kubectl`), print its output and return it; on failure throw what kubectl prints.",
      "kubectl(\"get pods -o wide\")"),
    f("apply", &["apply(yaml) -> string"], "`kubectl apply -f -` with this YAML text (one or more documents).",
      "apply(read_file(\"manifests/ds.yaml\"))"),
    f("exec", &["exec(pod, command) -> string"],
      "Run `command` in the pod's first container through the small shell; return stdout; throw on a non-zero exit.",
      "exec(\"web-0\", \"hostname\")"),
    f("get", &["get(kind, name) -> map or ()"],
      "The object as `kubectl get -o json` shows it (defaults and status included), `()` if absent.",
      "get(\"sts\", \"web\").status.readyReplicas"),
    f("list", &["list(kind) -> array", "list(kind, selector) -> array"],
      "Objects as `kubectl get KIND -l SELECTOR -o json` items, in kubectl's order.",
      "list(\"pods\", \"app=web\").len()"),
    f("pods", &["pods() -> array", "pods(selector) -> array"], "Same as `list(\"pods\", selector)`.",
      "pods(\"app=web\").map(|p| p.metadata.name)"),
    f("events", &["events() -> array", "events(object) -> array"],
      "Events in time order, each `#{type, reason, message, object, time}`; the filter takes any kind name (`\"sts/web\"`).",
      "events(\"pod/web-0\")"),
    f("logs", &["logs(pod) -> string"], "The pod's first container's log.", "logs(\"job-1-abcde\")"),
    f("read_file", &["read_file(path) -> string"], "A file's text, the path relative to the script (or the REPL's folder).",
      "read_file(\"manifests/sts.yaml\")"),
    f("now", &["now() -> string"], "The current simulated time, RFC 3339.", "now()"),
    f("elapsed", &["elapsed() -> int"], "Seconds since the cluster started.", "elapsed()"),
    f("advance", &["advance(duration)"], "Process everything up to now + duration (\"90s\", \"5m\", \"1h30m\" or seconds).",
      "advance(\"30s\")"),
    f("step", &["step() -> bool"], "Process the next instant that has work; false if nothing is pending.", "step()"),
    f("settle", &["settle() -> int"],
      "Advance until nothing is pending but future cron schedules (at most 1h); return the seconds advanced.", "settle()"),
    f("wait_for", &["wait_for(f, timeout) -> int"],
      "Advance instant by instant until the closure returns true; return the seconds waited; throw on timeout.",
      "wait_for(|| get(\"sts\", \"web\").status.readyReplicas == 3, \"5m\")"),
    f("kill", &["kill(pod)", "kill(pod, container)", "kill(pod, container, code)"],
      "The container's main process dies (default exit code 137).", "kill(\"web-0\")"),
    f("define_image", &["define_image(pattern, #{run: \"30s\", exit: 1, ready_after: \"5s\", on_sigterm: \"exit\"})"],
      "Behaviour for images matching a glob (`\"myapp:*\"`); every key optional, `run: ()` runs forever.",
      "define_image(\"myapp:*\", #{run: \"20s\", exit: 1})"),
    f("schedule_next", &["schedule_next(schedule, after, n) -> array", "schedule_next(schedule, after, n, time_zone) -> array"],
      "The next n times a CronJob with this schedule would fire strictly after `after`.",
      "schedule_next(\"*/5 * * * *\", now(), 3)"),
    f("timeline", &["timeline() -> string", "timeline(#{width: 100, plain: true, group: \"node\"})"],
      "Draw what happened to each pod over simulated time as swimlanes (Pending, creating, running, ready, terminating, succeeded, failed).",
      "timeline()"),
    f("assert", &["assert(cond)", "assert(cond, msg)"], "Fail the script if the condition is false.",
      "assert(pods().len() == 3, \"three pods\")"),
    f("assert_eq", &["assert_eq(actual, expected)", "assert_eq(actual, expected, msg)"],
      "Fail unless equal; the failure shows both values.", "assert_eq(pods().len(), 3)"),
    f("assert_ne", &["assert_ne(actual, other)", "assert_ne(actual, other, msg)"],
      "Fail if equal; the failure shows both values.", "assert_ne(get(\"pod\", \"web-0\"), ())"),
    f("expect_error", &["expect_error(f, text) -> string"],
      "The closure must throw an error containing `text`; returns the message.",
      "expect_error(|| kubectl(\"get pod nope\"), \"NotFound\")"),
];

/// The entry for `name`, if it is a script function.
pub fn lookup(name: &str) -> Option<&'static FnDoc> {
    FUNCTIONS.iter().find(|d| d.name == name)
}

/// The help text for one function (`:help NAME`).
pub fn describe(doc: &FnDoc) -> String {
    let mut text = String::new();
    for form in doc.forms {
        text.push_str(form);
        text.push('\n');
    }
    text.push_str(&format!("  {}\n  e.g. {}", doc.does, doc.example));
    text
}

/// The README's API table, generated (`| function | does |`).
pub fn markdown_table() -> String {
    let mut t = String::from("| function | does |\n| --- | --- |\n");
    for d in FUNCTIONS {
        let forms: Vec<String> = d.forms.iter().map(|s| format!("`{s}`")).collect();
        t.push_str(&format!(
            "| {} | {} |\n",
            forms.join(" / ").replace('|', "\\|"),
            d.does.replace('|', "\\|")
        ));
    }
    t
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_documented_function_is_registered_and_every_registered_one_documented() {
        let session = crate::script::Session::new(crate::script::SessionOptions::new(
            0,
            std::env::temp_dir(),
            crate::output::Output::capture(),
        ));
        let registered = session.function_names();
        for d in FUNCTIONS {
            assert!(
                registered.iter().any(|n| n == d.name),
                "{} is documented but not registered",
                d.name
            );
        }
        // `sleep` exists only to say that time is simulated.
        for name in registered.iter().filter(|n| *n != "sleep") {
            assert!(
                lookup(name).is_some(),
                "{name} is registered but not documented"
            );
        }
    }

    #[test]
    fn the_markdown_table_has_one_row_per_function() {
        let t = markdown_table();
        assert_eq!(t.lines().count(), FUNCTIONS.len() + 2);
        assert!(t.contains("| `get(kind, name) -> map or ()` |"));
    }
}
