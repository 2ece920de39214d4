//! A lesson is someone else's code (issue 10, "Sandbox"): it reads only under its folder
//! (and `--allow-read` folders), and has no way to write files, run processes or use the
//! network. Each refusal is proven here.

use klab::output::Output;
use klab::script::{Session, SessionOptions};
use std::path::{Path, PathBuf};

const POD: &str = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n  - name: c\n    image: nginx\n";

/// A fresh folder tree: `root/lesson/` (the script's folder, with `pod.yaml`) and
/// `root/outside/secret.yaml` beside it.
fn tree(name: &str) -> PathBuf {
    let root = std::env::temp_dir().join(format!("klab-sandbox-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    std::fs::create_dir_all(root.join("lesson")).unwrap();
    std::fs::create_dir_all(root.join("outside")).unwrap();
    std::fs::write(root.join("lesson/pod.yaml"), POD).unwrap();
    std::fs::write(
        root.join("outside/secret.yaml"),
        POD.replace("web", "secret"),
    )
    .unwrap();
    root
}

fn session(base: &Path, allow: &[PathBuf]) -> Session {
    let mut options = SessionOptions::new(0, base, Output::capture());
    options.allow_read = allow.to_vec();
    Session::new(options)
}

fn error_of(session: &mut Session, code: &str) -> String {
    match session.run("t.rhai", code) {
        Ok(v) => panic!("{code} succeeded with {v:?}"),
        Err(f) => f.to_string(),
    }
}

#[test]
fn read_file_reads_inside_the_folder() {
    let root = tree("inside");
    let mut s = session(&root.join("lesson"), &[]);
    let _ = s
        .run(
            "t.rhai",
            r#"assert_eq(read_file("pod.yaml").len() > 0, true);"#,
        )
        .unwrap();
    std::fs::remove_dir_all(&root).ok();
}

#[test]
fn read_file_refuses_dot_dot_and_absolute_paths() {
    let root = tree("dotdot");
    let mut s = session(&root.join("lesson"), &[]);
    let err = error_of(&mut s, r#"read_file("../outside/secret.yaml")"#);
    assert!(err.contains("outside the script's folder"), "{err}");
    let abs = root.join("outside/secret.yaml").display().to_string();
    let err = error_of(&mut s, &format!("read_file({abs:?})"));
    assert!(err.contains("outside the script's folder"), "{err}");
    let err = error_of(&mut s, r#"read_file("/etc/passwd")"#);
    assert!(err.contains("outside the script's folder"), "{err}");
    std::fs::remove_dir_all(&root).ok();
}

#[test]
fn read_file_refuses_a_symlink_that_leads_outside() {
    let root = tree("symlink");
    std::os::unix::fs::symlink(
        root.join("outside/secret.yaml"),
        root.join("lesson/link.yaml"),
    )
    .unwrap();
    std::os::unix::fs::symlink(root.join("outside"), root.join("lesson/dir")).unwrap();
    let mut s = session(&root.join("lesson"), &[]);
    let err = error_of(&mut s, r#"read_file("link.yaml")"#);
    assert!(err.contains("outside the script's folder"), "{err}");
    let err = error_of(&mut s, r#"read_file("dir/secret.yaml")"#);
    assert!(err.contains("outside the script's folder"), "{err}");
    std::fs::remove_dir_all(&root).ok();
}

#[test]
fn read_file_refuses_devices_and_pipes() {
    let root = tree("devices");
    // A symlink to a device resolves outside the folder; a pipe inside it is not a file
    // (reading one would block forever).
    std::os::unix::fs::symlink("/dev/zero", root.join("lesson/zero")).unwrap();
    let fifo = root.join("lesson/pipe.yaml");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status();
    let mut s = session(&root.join("lesson"), &[]);
    let err = error_of(&mut s, r#"read_file("zero")"#);
    assert!(err.contains("outside the script's folder"), "{err}");
    if made.is_ok_and(|st| st.success()) {
        let err = error_of(&mut s, r#"read_file("pipe.yaml")"#);
        assert!(err.contains("not a regular file"), "{err}");
        let err = error_of(&mut s, r#"kubectl("apply -f pipe.yaml")"#);
        assert!(err.contains("not a regular file"), "{err}");
    }
    std::fs::remove_dir_all(&root).ok();
}

#[test]
fn kubectl_f_refuses_files_outside_the_folder() {
    let root = tree("kubectl");
    let mut s = session(&root.join("lesson"), &[]);
    let _ = s.run("t.rhai", r#"kubectl("apply -f pod.yaml");"#).unwrap();
    let err = error_of(&mut s, r#"kubectl("apply -f ../outside/secret.yaml")"#);
    assert!(err.contains("outside the script's folder"), "{err}");
    let err = error_of(&mut s, r#"kubectl("apply -f ../outside")"#);
    assert!(err.contains("outside the script's folder"), "{err}");
    let err = error_of(&mut s, r#"kubectl("create -f /etc/hostname")"#);
    assert!(
        err.contains("outside the script's folder") || err.contains("does not exist"),
        "{err}"
    );
    let err = error_of(
        &mut s,
        r#"kubectl("patch pod web --patch-file ../outside/secret.yaml")"#,
    );
    assert!(err.contains("outside the script's folder"), "{err}");
    // Nothing outside was created.
    let err = error_of(&mut s, r#"kubectl("get pod secret")"#);
    assert!(err.contains("NotFound"), "{err}");
    std::fs::remove_dir_all(&root).ok();
}

#[test]
fn kubectl_f_on_a_folder_refuses_a_symlink_inside_it_that_leads_outside() {
    let root = tree("kubectl-dir");
    std::fs::create_dir_all(root.join("lesson/m")).unwrap();
    std::os::unix::fs::symlink(
        root.join("outside/secret.yaml"),
        root.join("lesson/m/x.yaml"),
    )
    .unwrap();
    let mut s = session(&root.join("lesson"), &[]);
    let err = error_of(&mut s, r#"kubectl("apply -f m")"#);
    assert!(err.contains("outside the script's folder"), "{err}");
    std::fs::remove_dir_all(&root).ok();
}

#[test]
fn recursive_apply_does_not_follow_a_symlink_loop() {
    let root = tree("loop");
    std::fs::create_dir_all(root.join("lesson/m")).unwrap();
    std::fs::write(root.join("lesson/m/pod.yaml"), POD).unwrap();
    std::os::unix::fs::symlink(root.join("lesson"), root.join("lesson/m/up")).unwrap();
    let mut s = session(&root.join("lesson"), &[]);
    let _ = s.run("t.rhai", r#"kubectl("apply -R -f m");"#).unwrap();
    std::fs::remove_dir_all(&root).ok();
}

#[test]
fn allow_read_widens_reads_explicitly() {
    let root = tree("allow");
    let mut s = session(&root.join("lesson"), &[root.join("outside")]);
    let _ = s
        .run(
            "t.rhai",
            r#"read_file("../outside/secret.yaml"); kubectl("apply -f ../outside/secret.yaml");"#,
        )
        .unwrap();
    std::fs::remove_dir_all(&root).ok();
}

#[test]
fn scripts_have_no_function_that_writes_runs_or_connects() {
    let root = tree("fns");
    let mut s = session(&root.join("lesson"), &[]);
    let forbidden = [
        "write_file",
        "file_write",
        "save",
        "delete_file",
        "remove_file",
        "mkdir",
        "spawn",
        "command",
        "system",
        "process",
        "socket",
        "connect",
        "http",
        "fetch",
        "getenv",
        "env_var",
        "open",
        "timestamp",
        "sleep(",
    ];
    for sig in s.function_signatures() {
        let name = sig.split('(').next().unwrap_or("").to_lowercase();
        for f in forbidden {
            // `sleep` exists only to say time is simulated (it always fails).
            if name == "sleep" {
                continue;
            }
            assert!(
                !format!("{name}(").contains(f),
                "script function {sig} looks like {f}"
            );
        }
    }
    for call in [
        r#"write_file("x", "y")"#,
        r#"open("x")"#,
        r#"system("ls")"#,
        r#"import "std/fs" as fs;"#,
    ] {
        let err = error_of(&mut s, call);
        assert!(
            err.contains("not found") || err.contains("Function"),
            "{call}: {err}"
        );
    }
    std::fs::remove_dir_all(&root).ok();
}
