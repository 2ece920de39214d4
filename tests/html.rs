//! `klab run FILE --html PAGE`: the notebook page's structure (a browser renders it; the
//! suite checks what the browser is given).

use assert_cmd::Command;
use predicates::prelude::*;
use std::path::{Path, PathBuf};

fn klab() -> Command {
    let mut cmd = Command::cargo_bin("klab").expect("the klab binary is built");
    cmd.current_dir(env!("CARGO_MANIFEST_DIR"));
    cmd
}

/// A scratch folder for one test, emptied first.
fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("klab-html-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn page_of(file: &Path, page: &Path) -> String {
    klab()
        .args(["run", "--quiet"])
        .arg(file)
        .arg("--html")
        .arg(page)
        .assert()
        .success();
    std::fs::read_to_string(page).unwrap()
}

/// The page's cell sections, in order.
fn sections(html: &str) -> Vec<&str> {
    html.split("<section class=\"cell\"").skip(1).collect()
}

const LESSON: &str = "lessons/5.5-daemonset.rhai";

#[test]
fn a_lesson_page_has_one_section_per_prose_block_each_with_an_svg_timeline() {
    let dir = scratch("lesson");
    let html = page_of(Path::new(LESSON), &dir.join("page.html"));
    let source =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(LESSON)).unwrap();
    let blocks = klab::lesson::Lesson::parse(&source).prose.len();
    let cells = sections(&html);
    assert_eq!(cells.len(), blocks, "the lesson starts with prose");
    for (i, cell) in cells.iter().enumerate() {
        assert_eq!(cell.matches("<svg").count(), 1, "cell {}", i + 1);
        assert!(cell.contains("<pre class=\"code\">"), "cell {}", i + 1);
    }
    // The DaemonSet's pods have lanes under their owner, in the cell that creates them.
    let creating = cells
        .iter()
        .find(|c| c.contains("kubectl(&quot;apply -f manifests/sample-ds.yaml"))
        .expect("the cell that applies sample-ds");
    assert!(creating.contains("class=\"group\">daemonset/sample-ds</text>"));
    assert_eq!(
        creating.matches("<g class=\"lane\">").count(),
        2,
        "two nodes, two pods"
    );
    assert!(creating.contains("<pre class=\"output\">daemonset.apps/sample-ds created\n"));
    // Title, phone viewport, legend of every state.
    assert!(html.contains("<title>5.5 DaemonSets (데몬셋)</title>"));
    assert!(html.contains("<h1>5.5 DaemonSets (데몬셋)</h1>"));
    assert!(
        html.contains("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
    );
    for state in [
        "Pending",
        "creating",
        "running",
        "ready",
        "terminating",
        "succeeded",
        "failed",
    ] {
        assert!(html.contains(&format!("</span>{state}</span>")), "{state}");
    }
    // Prose Markdown became HTML: a table, inline code, a second-level heading.
    assert!(html.contains("<th>ReplicaSet</th>"));
    assert!(html.contains("<code>sample-ds.yaml</code>"));
    assert!(html.contains("<h2>5.5.1 Creating a DaemonSet"));
}

#[test]
fn the_page_refers_to_nothing_outside_itself() {
    let dir = scratch("selfcontained");
    let html = page_of(Path::new(LESSON), &dir.join("page.html"));
    for external in [
        "http:", "https:", "src=", "href=", "<script", "<link", "@import", "url(",
    ] {
        assert!(!html.contains(external), "the page holds {external:?}");
    }
}

#[test]
fn the_same_run_writes_the_same_bytes() {
    let dir = scratch("same");
    let a = page_of(Path::new(LESSON), &dir.join("a.html"));
    let b = page_of(Path::new(LESSON), &dir.join("b.html"));
    assert!(a == b, "two runs of one lesson wrote different pages");
}

#[test]
fn outputs_code_and_prose_are_escaped() {
    let dir = scratch("escape");
    let file = dir.join("tags.rhai");
    std::fs::write(
        &file,
        "//! # Tags <i>here</i>\n//! A `<b>` & *more*.\nlet a = 1 < 2;\nprint(\"<script>x</script> & <b>\");\n",
    )
    .unwrap();
    let html = page_of(&file, &dir.join("page.html"));
    assert!(html.contains("<title>Tags &lt;i&gt;here&lt;/i&gt;</title>"));
    assert!(html.contains("<p>A <code>&lt;b&gt;</code> &amp; <em>more</em>.</p>"));
    assert!(html.contains("let a = 1 &lt; 2;"));
    assert!(
        html.contains("<pre class=\"output\">&lt;script&gt;x&lt;/script&gt; &amp; &lt;b&gt;</pre>")
    );
    assert!(!html.contains("<script>") && !html.contains("<b>") && !html.contains("<i>"));
}

#[test]
fn a_script_without_prose_is_one_cell_and_pods_get_lanes_over_its_time() {
    let dir = scratch("plain");
    let file = dir.join("pod.rhai");
    std::fs::write(
        &file,
        "apply(`apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n  - name: c\n    image: nginx\n`);\nadvance(\"1m\");\nkubectl(\"delete pod web --wait=false\");\nadvance(\"1m\");\n",
    )
    .unwrap();
    let html = page_of(&file, &dir.join("page.html"));
    let cells = sections(&html);
    assert_eq!(cells.len(), 1);
    assert!(html.contains(&format!("<h1>{}</h1>", file.display())));
    let cell = cells[0];
    assert!(cell.contains("class=\"group\">(no owner)</text>"), "{cell}");
    // Pending, creating, ready, terminating all drawn, with the axis from 0s to 2m.
    for state in ["Pending", "creating", "ready", "terminating"] {
        let fill = klab::timeline::STATES
            .iter()
            .find(|s| s.label() == state)
            .unwrap()
            .fill();
        assert!(
            cell.contains(&format!("fill=\"{fill}\"><title>web {state} ")),
            "{state}: {cell}"
        );
    }
    assert!(
        cell.contains(">0s</text>") && cell.contains(">2m</text>"),
        "{cell}"
    );
}

#[test]
fn a_failed_run_still_writes_its_page_with_the_error_and_exits_one() {
    let dir = scratch("fail");
    let file = dir.join("fail.rhai");
    std::fs::write(
        &file,
        "//! one\nprint(\"ran\");\n//! two\nthrow \"boom <x>\";\n//! three\nprint(\"never\");\n",
    )
    .unwrap();
    let page = dir.join("page.html");
    klab()
        .args(["run", "--quiet"])
        .arg(&file)
        .arg("--html")
        .arg(&page)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("boom <x>"));
    let html = std::fs::read_to_string(&page).unwrap();
    let cells = sections(&html);
    assert_eq!(cells.len(), 3);
    assert!(cells[0].contains("<pre class=\"output\">ran</pre>"));
    assert!(cells[2].contains("This cell did not run.") && !cells[2].contains("<svg"));
    assert!(html.contains("<pre class=\"failure\">error: boom &lt;x&gt;"));
}

#[test]
fn an_unwritable_page_is_a_clear_usage_error() {
    let dir = scratch("unwritable");
    let page = dir.join("no-such-folder/page.html");
    klab()
        .args(["run", LESSON, "--html"])
        .arg(&page)
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicate::str::starts_with(format!(
            "error: cannot write {}: ",
            page.display()
        )))
        .stderr(predicate::str::contains("panicked").not());
    klab()
        .args(["run", LESSON, LESSON, "--html"])
        .arg(dir.join("two.html"))
        .assert()
        .code(2)
        .stderr("error: --html writes one page: give exactly one FILE\n");
}
