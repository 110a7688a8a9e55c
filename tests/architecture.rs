//! The pure core stays pure: `model`, `catalog`, `diff`, `render`, `codegen` and `insight`
//! (every file under them) use no file system, process, network or async runtime, and none of
//! the modules that read inputs or act on the world. Data flows one way (see `src/lib.rs`).

use std::path::{Path, PathBuf};

use regex::Regex;

/// The modules that do no I/O.
const PURE: &[&str] = &["model", "catalog", "diff", "render", "codegen", "insight"];

/// Modules of this crate that read files, talk to processes or the network, or hold the CLI.
const IO_MODULES: &[&str] = &[
    "cli",
    "cloudwins",
    "codewins",
    "config",
    "fsutil",
    "input_file",
    "live",
    "plugin",
    "scan",
    "server",
    "state",
    "terraform",
];

/// Crates and standard modules that do I/O or need a runtime.
const IO_PATHS: &[&str] = &[
    "std::fs",
    "std::process",
    "std::net",
    "std::env",
    "tokio",
    "reqwest",
    "hyper",
    "axum",
    "tonic",
    "aws_config",
    "aws_sdk_ec2",
    "clap",
    "tempfile",
];

/// Every violation in one source file's text, as `file: what`. Test modules (from a
/// `#[cfg(test)]` line on) are left out: a test may read a fixture.
fn violations(file: &str, text: &str) -> Vec<String> {
    let code = match text.find("#[cfg(test)]") {
        Some(i) => &text[..i],
        None => text,
    };
    let mut found = Vec::new();
    let crate_path = Regex::new(r"crate::(\w+)").unwrap();
    let crate_group = Regex::new(r"crate::\{([^}]*)\}").unwrap();
    for c in crate_path.captures_iter(code) {
        if IO_MODULES.contains(&&c[1]) {
            found.push(format!("{file}: uses crate::{}", &c[1]));
        }
    }
    for c in crate_group.captures_iter(code) {
        for name in c[1]
            .split(',')
            .map(|s| s.trim().split("::").next().unwrap_or(""))
        {
            if IO_MODULES.contains(&name) {
                found.push(format!("{file}: uses crate::{name}"));
            }
        }
    }
    let std_group = Regex::new(r"std::\{([^}]*)\}").unwrap();
    for c in std_group.captures_iter(code) {
        for name in c[1]
            .split(',')
            .map(|s| s.trim().split("::").next().unwrap_or(""))
        {
            let p = format!("std::{name}");
            if IO_PATHS.contains(&p.as_str()) {
                found.push(format!("{file}: uses {p}"));
            }
        }
    }
    for p in IO_PATHS {
        let word = Regex::new(&format!(r"(^|[^\w:]){}(::|\b)", regex::escape(p))).unwrap();
        if word.is_match(code) {
            found.push(format!("{file}: uses {p}"));
        }
    }
    found
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|e| e == "rs") {
            out.push(p);
        }
    }
}

#[test]
fn the_pure_core_does_no_io() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut all = Vec::new();
    let mut checked = 0;
    for module in PURE {
        let mut files = Vec::new();
        let dir = src.join(module);
        if dir.is_dir() {
            rust_files(&dir, &mut files);
        } else {
            files.push(src.join(format!("{module}.rs")));
        }
        for f in files {
            // Files holding only tests (diff/tests.rs) are test code.
            if f.file_name().is_some_and(|n| n == "tests.rs") {
                continue;
            }
            let text = std::fs::read_to_string(&f).unwrap();
            let name = f.strip_prefix(&src).unwrap().display().to_string();
            all.extend(violations(&name, &text));
            checked += 1;
        }
    }
    assert!(
        checked >= 20,
        "only {checked} files found: did the layout move?"
    );
    assert!(
        all.is_empty(),
        "the pure core does I/O:\n{}",
        all.join("\n")
    );
}

#[test]
fn the_checker_finds_planted_violations() {
    let planted = "use crate::model::Report;\nuse crate::{model, config::Module};\nuse std::{collections::BTreeMap, fs};\nfn f() { let _ = std::process::Command::new(\"x\"); tokio::spawn(async {}); }\n#[derive(clap::ValueEnum)]\nenum E { A }\n";
    let v = violations("planted.rs", planted);
    for what in [
        "uses crate::config",
        "uses std::fs",
        "uses std::process",
        "uses tokio",
        "uses clap",
    ] {
        assert!(
            v.iter().any(|x| x.ends_with(what)),
            "{what} not found in {v:?}"
        );
    }
    assert!(!v.iter().any(|x| x.contains("crate::model")), "{v:?}");
    // Clean code and test modules pass.
    let clean = "use crate::model::Report;\nuse std::collections::BTreeMap;\nfn mystd_fs() {}\n#[cfg(test)]\nmod tests { fn t() { std::fs::read(\"x\").unwrap(); } }\n";
    assert_eq!(violations("clean.rs", clean), Vec::<String>::new());
}
