//! How kubectl renders what went wrong (`cmdutil.CheckErr`): one error alone is printed in
//! its "friendly" form (`The StatefulSet "web" is invalid: …`, `error: …`); several (from a
//! command that continues past failures, like `apply` over many documents) are printed one
//! per line with `StandardErrorMessage` (`Error from server (Invalid): …`).

use crate::store::ApiError;

/// One failure, kept structured until the command ends so it can be rendered alone or as
/// part of an aggregate, as kubectl does.
#[derive(Clone, Debug, PartialEq)]
pub enum Failure {
    /// An API error; `context` is what `cmdutil.AddSourceToErr` prepends to the server's
    /// message (`error when creating "x.yaml": `).
    Api { err: ApiError, context: String },
    /// A client-side error (`fmt.Errorf`): printed with `error: ` when alone.
    Plain(String),
    /// Text kubectl prints as it is, alone or not (`The request is invalid: …`).
    Raw(String),
}

impl Failure {
    pub fn api(err: ApiError) -> Self {
        Failure::Api {
            err,
            context: String::new(),
        }
    }
    /// `cmdutil.AddSourceToErr(verb, source, err)`: adds context only for objects read from
    /// a file (a named object has no source).
    pub fn api_with_source(err: ApiError, verb: &str, source: &str) -> Self {
        let context = if source.is_empty() {
            String::new()
        } else {
            format!("error when {verb} \"{source}\": ")
        };
        Failure::Api { err, context }
    }
    pub fn plain(msg: impl Into<String>) -> Self {
        Failure::Plain(msg.into())
    }
}

/// The server's reason and message for an API error (`metav1.Status`).
pub fn status(err: &ApiError) -> (String, String) {
    match err {
        ApiError::NotFound { kind, name } => (
            "NotFound".into(),
            format!("{} \"{name}\" not found", kind.plural_qualified()),
        ),
        ApiError::AlreadyExists { kind, name } => (
            "AlreadyExists".into(),
            format!("{} \"{name}\" already exists", kind.plural_qualified()),
        ),
        ApiError::Invalid { kind, name, causes } => {
            let group = kind.info().group;
            let qualified = if group.is_empty() {
                kind.name().to_string()
            } else {
                format!("{}.{group}", kind.name())
            };
            let agg = if causes.len() == 1 {
                causes[0].clone()
            } else {
                format!("[{}]", causes.join(", "))
            };
            (
                "Invalid".into(),
                format!("{qualified} \"{name}\" is invalid: {agg}"),
            )
        }
        ApiError::Other { reason, message } => (reason.clone(), message.clone()),
    }
}

/// `StandardErrorMessage` / `messageForError`: the aggregate form of one failure.
fn standard(f: &Failure) -> String {
    match f {
        Failure::Api { err, context } => {
            let (reason, message) = status(err);
            format!("Error from server ({reason}): {context}{message}")
        }
        Failure::Plain(m) | Failure::Raw(m) => m.clone(),
    }
}

/// `checkErr` for a single failure.
fn single(f: &Failure) -> String {
    match f {
        Failure::Api {
            err: ApiError::Invalid { kind, name, causes },
            ..
        } => {
            let prefix = format!("The {} \"{name}\" is invalid: ", kind.name());
            let mut seen: Vec<&String> = Vec::new();
            for c in causes {
                if !seen.contains(&c) {
                    seen.push(c);
                }
            }
            match seen.len() {
                0 => format!("The {} \"{name}\" is invalid", kind.name()),
                1 => format!("{prefix}{}", seen[0]),
                _ => {
                    let mut s = format!("{prefix}\n");
                    for c in seen {
                        s.push_str(&format!("* {c}\n"));
                    }
                    s.trim_end_matches('\n').to_string()
                }
            }
        }
        Failure::Api { .. } | Failure::Raw(_) => standard(f),
        Failure::Plain(m) if m.starts_with("error: ") => m.clone(),
        Failure::Plain(m) => format!("error: {m}"),
    }
}

/// What kubectl prints for the failures of one command (no trailing newline).
pub fn render(failures: &[Failure]) -> String {
    match failures {
        [] => String::new(),
        [one] => single(one),
        many => many.iter().map(standard).collect::<Vec<_>>().join("\n"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::Kind;

    #[test]
    fn a_single_invalid_error_uses_the_friendly_form_fact_104() {
        let err = ApiError::Invalid {
            kind: Kind::StatefulSet,
            name: "web".into(),
            causes: vec!["spec: Forbidden: x".into()],
        };
        assert_eq!(
            render(&[Failure::api_with_source(err, "creating", "web.yaml")]),
            "The StatefulSet \"web\" is invalid: spec: Forbidden: x"
        );
        let err = ApiError::Invalid {
            kind: Kind::Pod,
            name: "p".into(),
            causes: vec!["a: b".into(), "c: d".into()],
        };
        assert_eq!(
            render(&[Failure::api(err)]),
            "The Pod \"p\" is invalid: \n* a: b\n* c: d"
        );
    }

    #[test]
    fn several_errors_use_the_standard_form_with_sources() {
        let a = Failure::api_with_source(
            ApiError::AlreadyExists {
                kind: Kind::DaemonSet,
                name: "sample-ds".into(),
            },
            "creating",
            "x.yaml",
        );
        assert_eq!(
            render(std::slice::from_ref(&a)),
            "Error from server (AlreadyExists): error when creating \"x.yaml\": daemonsets.apps \"sample-ds\" already exists"
        );
        let b = Failure::api_with_source(
            ApiError::Invalid {
                kind: Kind::StatefulSet,
                name: "web".into(),
                causes: vec!["spec: Forbidden: x".into()],
            },
            "creating",
            "x.yaml",
        );
        assert_eq!(
            render(&[a, b]),
            "Error from server (AlreadyExists): error when creating \"x.yaml\": daemonsets.apps \"sample-ds\" already exists\nError from server (Invalid): error when creating \"x.yaml\": StatefulSet.apps \"web\" is invalid: spec: Forbidden: x"
        );
        assert_eq!(render(&[Failure::plain("boom")]), "error: boom");
    }
}
