//! README.md's script API table is generated from the one table of function docs
//! (`klab::script::docs::markdown_table`), which also feeds `:help`. When a function's
//! docs change, regenerate the README with
//!
//!     KLAB_UPDATE_README=1 cargo test --test readme
//!
//! and commit both.

use std::path::Path;

const START: &str = "<!-- script-api-table:start";
const END: &str = "<!-- script-api-table:end -->";

/// The README with its table part replaced by `table`; None if the markers are missing.
fn with_table(readme: &str, table: &str) -> Option<String> {
    let start = readme.find(START)?;
    let start = start + readme[start..].find("-->")? + "-->".len();
    let end = start + readme[start..].find(END)?;
    Some(format!("{}\n{}{}", &readme[..start], table, &readme[end..]))
}

#[test]
fn the_readme_api_table_is_the_generated_one() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md");
    let readme = std::fs::read_to_string(&path).unwrap();
    let table = klab::script::docs::markdown_table();
    let expected = with_table(&readme, &table).unwrap_or_else(|| {
        panic!("README.md has no `{START} … -->` … `{END}` markers around the script API table")
    });
    if readme == expected {
        return;
    }
    if std::env::var_os("KLAB_UPDATE_README").is_some() {
        std::fs::write(&path, expected).unwrap();
        return;
    }
    panic!(
        "README.md's script API table differs from src/script/docs.rs; regenerate it with\n    \
         KLAB_UPDATE_README=1 cargo test --test readme\nThe generated table:\n{table}"
    );
}

#[test]
fn the_table_is_found_between_its_markers() {
    let readme = "a\n<!-- script-api-table:start (x) -->\nold\n<!-- script-api-table:end -->\nb\n";
    assert_eq!(
        with_table(readme, "| t |\n").as_deref(),
        Some("a\n<!-- script-api-table:start (x) -->\n| t |\n<!-- script-api-table:end -->\nb\n")
    );
    assert_eq!(with_table("no markers", "| t |\n"), None);
}
