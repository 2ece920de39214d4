//! Name validation with the API server's messages (apimachinery `validation.IsDNS1123*`).

const DNS1123_LABEL_ERR: &str = "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
const DNS1123_SUBDOMAIN_ERR: &str = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";

fn is_label(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == b'-')
        && !s.starts_with('-')
        && !s.ends_with('-')
}

/// Why `name` is not a DNS-1123 subdomain (the rule for most object names), or `None`.
pub fn dns_subdomain_problem(name: &str) -> Option<String> {
    if name.len() > 253 {
        return Some("must be no more than 253 characters".into());
    }
    if name.split('.').all(is_label) {
        None
    } else {
        Some(DNS1123_SUBDOMAIN_ERR.into())
    }
}

/// Why `name` is not a DNS-1123 label (StatefulSet, Service and Namespace names), or `None`.
pub fn dns_label_problem(name: &str) -> Option<String> {
    let mut problems = Vec::new();
    if name.len() > 63 {
        problems.push("must be no more than 63 characters".to_string());
    }
    if !is_label(name) {
        problems.push(DNS1123_LABEL_ERR.to_string());
    }
    (!problems.is_empty()).then(|| problems.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subdomains_allow_dots_labels_do_not() {
        assert!(dns_subdomain_problem("sample.job").is_none());
        assert!(dns_label_problem("sample.job").is_some());
        assert!(dns_subdomain_problem("Sample").is_some());
        assert!(dns_subdomain_problem("-x").is_some());
        assert!(dns_label_problem(&"a".repeat(64))
            .unwrap()
            .starts_with("must be no more than 63"));
    }
}
