//! Generated hostile inputs for the parsers, run on every test run within a bounded number of
//! cases: whatever the bytes, the readers return a value or a one-line error of bounded
//! length, never a panic, a stack overflow or a hang.

use proptest::prelude::*;
use serde_json::{Value, json};
use terraform_drift::diff::DriftIgnore;
use terraform_drift::{config, live::snapshot, state};

/// A JSON value nested `depth` levels, alternating arrays and objects.
fn nested(depth: usize, leaf: &str) -> String {
    let mut s = format!("{leaf:?}");
    for d in 0..depth {
        s = if d % 2 == 0 {
            format!("[{s}]")
        } else {
            format!("{{\"k\": {s}}}")
        };
    }
    s
}

/// A v4 state with one resource whose attributes are `attrs` (JSON text).
fn state_with(attrs: &str, provider: &str, flat: bool) -> String {
    let instance = if flat {
        format!(r#"{{"attributes_flat": {attrs}}}"#)
    } else {
        format!(r#"{{"attributes": {attrs}}}"#)
    };
    format!(
        r#"{{"version": 4, "serial": 1, "lineage": "l", "resources": [
        {{"mode": "managed", "type": "aws_vpc", "name": "x", "provider": {provider:?},
          "instances": [{instance}]}}]}}"#
    )
}

fn check_error(e: &str) {
    assert!(!e.contains('\n'), "not one line: {e}");
    assert!(e.len() < 4_000, "error of {} bytes", e.len());
}

/// Hostile strings: control characters, quotes, dots, brackets, long runs.
fn hostile_string() -> impl Strategy<Value = String> {
    prop_oneof![
        "[\\x00-\\x1f\"\\\\.\\[\\]{}$%~a-z0-9]{0,64}",
        (1usize..20_000).prop_map(|n| "a.".repeat(n)),
        (1usize..5_000).prop_map(|n| "[".repeat(n)),
        any::<String>(),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, .. ProptestConfig::default() })]

    #[test]
    fn state_parser_never_panics_on_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..2_000)) {
        if let Err(e) = state::parse(&bytes, "gen.tfstate") {
            check_error(&e.to_string());
        }
    }

    #[test]
    fn state_parser_bounds_nesting_and_keys(
        depth in 0usize..400,
        key in hostile_string(),
        value in hostile_string(),
        provider in prop_oneof![
            Just("provider[\"registry.terraform.io/hashicorp/aws\"]".to_string()),
            hostile_string(),
        ],
        flat in any::<bool>(),
    ) {
        let attrs = if flat {
            json!({"id": "vpc-1", key.clone(): value.clone()}).to_string()
        } else {
            format!(r#"{{"id": "vpc-1", "tags": {}, {}: {:?}}}"#, nested(depth, &value), Value::String(key.clone()), value)
        };
        match state::parse(state_with(&attrs, &provider, flat).as_bytes(), "gen.tfstate") {
            Ok(s) => {
                for r in &s.resources {
                    // Whatever was kept parses back: nothing reads as null later.
                    let _ = r.attributes.map();
                }
            }
            Err(e) => check_error(&e.to_string()),
        }
    }

    #[test]
    fn snapshot_parser_never_panics(
        depth in 0usize..400,
        id in hostile_string(),
        bytes in proptest::collection::vec(any::<u8>(), 0..500),
    ) {
        let doc = format!(
            r#"{{"format_version": "1", "resources": [{{"type": "aws_vpc", "id": {}, "attributes": {{"tags": {}}}}}]}}"#,
            Value::String(id),
            nested(depth, "x")
        );
        for input in [doc.as_bytes(), &bytes[..]] {
            if let Err(e) = snapshot::parse(input, "gen.json") {
                check_error(&e.to_string());
            }
        }
    }

    #[test]
    fn hcl_and_driftignore_never_panic(text in hostile_string(), depth in 0usize..300) {
        let hcl = format!("resource \"aws_vpc\" \"x\" {{\n  tags = {}\n  {text}\n}}\n", "[".repeat(depth));
        if let Err(e) = config::parse_body(&hcl, "gen.tf") {
            check_error(&e.to_string());
        }
        if let Err(e) = DriftIgnore::parse(&text) {
            check_error(&e);
        }
    }
}
