//! Unified diffs of planned file changes, for review before anything is written.

use similar::TextDiff;

/// A unified diff of `old` -> `new` for `path` with 3 lines of context, `""` when equal.
/// An empty `old` is a new file (`--- /dev/null`), an empty `new` a deleted one.
pub fn unified(path: &str, old: &str, new: &str) -> String {
    if old == new {
        return String::new();
    }
    let from = if old.is_empty() {
        "/dev/null".to_string()
    } else {
        format!("a/{path}")
    };
    let to = if new.is_empty() {
        "/dev/null".to_string()
    } else {
        format!("b/{path}")
    };
    TextDiff::from_lines(old, new)
        .unified_diff()
        .context_radius(3)
        .header(&from, &to)
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_texts_give_nothing() {
        assert_eq!(unified("main.tf", "a\n", "a\n"), "");
    }

    #[test]
    fn changed_line_with_context() {
        let old = "1\n2\n3\n4\n5\n6\n7\n8\n9\n";
        let new = "1\n2\n3\n4\nfive\n6\n7\n8\n9\n";
        let want =
            "--- a/main.tf\n+++ b/main.tf\n@@ -2,7 +2,7 @@\n 2\n 3\n 4\n-5\n+five\n 6\n 7\n 8\n";
        assert_eq!(unified("main.tf", old, new), want);
    }

    #[test]
    fn new_file_comes_from_dev_null() {
        let want = "--- /dev/null\n+++ b/gen.tf\n@@ -0,0 +1,2 @@\n+a\n+b\n";
        assert_eq!(unified("gen.tf", "", "a\nb\n"), want);
    }
}
