//! Path arithmetic: absolute, normalised paths (`.` and `..` resolved, no trailing `/`).

/// `path` made absolute against `cwd` and normalised.
pub fn absolute(cwd: &str, path: &str) -> String {
    let joined = if path.starts_with('/') {
        path.to_string()
    } else {
        format!("{cwd}/{path}")
    };
    normalize(&joined)
}

pub fn normalize(path: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for c in path.split('/') {
        match c {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            c => parts.push(c),
        }
    }
    format!("/{}", parts.join("/"))
}

/// The directory part and the last component (`/a/b` → `/a`, `b`).
pub fn split(path: &str) -> (String, String) {
    let p = normalize(path);
    match p.rsplit_once('/') {
        Some(("", name)) => ("/".into(), name.into()),
        Some((dir, name)) => (dir.into(), name.into()),
        None => ("/".into(), p),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_resolve_against_the_working_directory() {
        assert_eq!(absolute("/", "a/b"), "/a/b");
        assert_eq!(absolute("/usr/share", "../lib/./x/"), "/usr/lib/x");
        assert_eq!(absolute("/x", "/../.."), "/");
        assert_eq!(split("/a/b"), ("/a".into(), "b".into()));
        assert_eq!(split("/a"), ("/".into(), "a".into()));
    }
}
