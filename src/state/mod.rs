//! Terraform state readers: tfstate format v4, `terraform show -json` and plan JSON (`prior_state`).
//!
//! Parsing is pure (`parse`); `read_file` adds the file I/O. Errors name the file and say what
//! to do, because a state file is the one input the user cannot just "fix" by editing.

use std::path::Path;

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};

use serde::Deserialize;
use serde::de::{DeserializeSeed, Deserializer, Error as _, IgnoredAny, MapAccess, Visitor};
use serde_json::value::RawValue;
use serde_json::{Map, Value};
use thiserror::Error;

use crate::model::attributes::KeyStr;
use crate::model::{Address, AttrPath, Attributes, InstanceKey, PathStep, Resource};

mod flatmap;
mod plan;
mod show;
mod v4;

use flatmap::*;
pub use plan::{PlanDrift, plan_drift};
use show::*;
use v4::*;

/// Why a state file could not be read.
#[derive(Debug, Error)]
pub enum StateError {
    /// The file could not be read at all.
    #[error("cannot read state file {file}: {source}")]
    Io {
        /// File name.
        file: String,
        /// Underlying error.
        source: std::io::Error,
    },
    /// Zero bytes or only whitespace.
    #[error(
        "state file {file} is empty: point --state at a real state, or run `terraform state pull > state.json`"
    )]
    Empty {
        /// File name.
        file: String,
    },
    /// Bytes that are not UTF-8.
    #[error(
        "state file {file} is not UTF-8 text (byte offset {offset}): it is not a Terraform state; check --state"
    )]
    NotUtf8 {
        /// File name.
        file: String,
        /// First invalid byte.
        offset: usize,
    },
    /// Broken JSON.
    #[error("state file {file} is not valid JSON ({detail}){hint}")]
    NotJson {
        /// File name.
        file: String,
        /// Parser message with line and column.
        detail: String,
        /// A hint, e.g. for truncated files.
        hint: &'static str,
    },
    /// Valid JSON of some other kind.
    #[error(
        "{file} is JSON but not a Terraform state (no \"version\" 4 or \"format_version\"): pass a tfstate file or `terraform show -json` output"
    )]
    NotState {
        /// File name.
        file: String,
    },
    /// Format versions 1 to 3 (Terraform 0.11 and older).
    #[error(
        "state file {file} uses format version {version} (Terraform 0.11 or older): upgrade it by running `terraform init` and `terraform apply -refresh-only` with Terraform 0.12 or newer, then retry"
    )]
    OldVersion {
        /// File name.
        file: String,
        /// The version found.
        version: u64,
    },
    /// A format version newer than 4.
    #[error(
        "state file {file} uses format version {version}, newer than the versions this tool reads (4): upgrade terraform-drift"
    )]
    FutureVersion {
        /// File name.
        file: String,
        /// The version found.
        version: u64,
    },
    /// A structurally wrong v4 file.
    #[error("state file {file} is malformed: {detail}")]
    Malformed {
        /// File name.
        file: String,
        /// What is wrong, with the JSON location.
        detail: String,
    },
    /// A worker reading attributes stopped with a panic: a bug in this tool, not the file.
    #[error(
        "reading state file {file} failed inside terraform-drift ({detail}): please report it with the file's shape"
    )]
    Internal {
        /// File name.
        file: String,
        /// The panic's message, scrubbed of anything that looks like a secret.
        detail: String,
    },
}

/// The managed resources of one state document.
#[derive(Debug, Clone, Default)]
pub struct State {
    /// Managed resource instances (data sources and deposed objects are skipped).
    pub resources: Vec<Resource>,
    /// The Terraform version that wrote the state, when recorded.
    pub terraform_version: Option<String>,
}

/// Decides which attributes of a resource type a reader keeps: `keep(type)` is `None` for
/// every attribute, or the names to keep, sorted. It is asked once per object, not per
/// attribute: a 100k-instance state has millions of attributes.
pub type Keep<'a> = &'a (dyn Fn(&str) -> Option<&'static [&'static str]> + Sync);

/// Keeps every attribute.
pub fn keep_all(_: &str) -> Option<&'static [&'static str]> {
    None
}

/// Reads and parses a state file, keeping every attribute.
pub fn read_file(path: &Path) -> Result<State, StateError> {
    read_file_with(path, &keep_all)
}

/// Reads and parses a state file, keeping only the attributes `keep` selects.
pub fn read_file_with(path: &Path, keep: Keep) -> Result<State, StateError> {
    let file = path.display().to_string();
    let bytes =
        crate::input_file::read(path, crate::input_file::MAX_DATA_FILE).map_err(|source| {
            StateError::Io {
                file: file.clone(),
                source,
            }
        })?;
    parse_with(&bytes, &file, keep)
}

/// Parses state bytes; `file` names the source in errors and in `Resource::origin`.
pub fn parse(bytes: &[u8], file: &str) -> Result<State, StateError> {
    parse_with(bytes, file, &keep_all)
}

fn not_json(file: &str, e: &serde_json::Error) -> StateError {
    StateError::NotJson {
        file: file.to_string(),
        detail: e.to_string(),
        hint: if e.is_eof() {
            ": the file looks truncated; pull a fresh copy with `terraform state pull`"
        } else {
            ": check that it is a Terraform state (`terraform state pull > state.json`)"
        },
    }
}

/// The top-level fields that tell the kind of document, read without building the rest.
#[derive(Deserialize)]
struct Probe {
    version: Option<Value>,
}

/// Parses state bytes keeping only the attributes `keep` selects.
///
/// Large states are read without building a JSON tree: resources and instances are typed,
/// attributes stay raw slices of the input until parsed, and unselected attributes are skipped
/// by the parser instead of being allocated.
pub fn parse_with(bytes: &[u8], file: &str, keep: Keep) -> Result<State, StateError> {
    let text = std::str::from_utf8(bytes).map_err(|e| StateError::NotUtf8 {
        file: file.to_string(),
        offset: e.valid_up_to(),
    })?;
    if text.trim().is_empty() {
        return Err(StateError::Empty {
            file: file.to_string(),
        });
    }
    let not_state = || StateError::NotState {
        file: file.to_string(),
    };
    if !text.trim_start().starts_with('{') {
        return match serde_json::from_str::<IgnoredAny>(text) {
            Ok(_) => Err(not_state()),
            Err(e) => Err(not_json(file, &e)),
        };
    }
    // One pass over the document: a v4 state is read typed (its instances by workers while the
    // rest is read); anything else is recognised from the same top-level fields.
    let (head, state) = match parse_doc(text, file, keep) {
        Ok(parsed) => parsed,
        Err(e) if e.is_syntax() || e.is_eof() => return Err(not_json(file, &e)),
        Err(e) => {
            // Valid JSON in an unexpected shape: the version decides which error is useful.
            let probe: Probe = serde_json::from_str(text).map_err(|e| not_json(file, &e))?;
            return match probe.version.as_ref().and_then(Value::as_u64) {
                Some(4) | None => Err(malformed(file, e.to_string())),
                Some(v) => version_error(file, v),
            };
        }
    };
    if head.format_version && head.version.is_none() {
        let doc: Map<String, Value> = serde_json::from_str(text).map_err(|e| not_json(file, &e))?;
        return parse_show_json(&doc, file);
    }
    match head.version.as_ref().and_then(Value::as_u64) {
        Some(4) => state,
        Some(v) => version_error(file, v),
        None => Err(not_state()),
    }
}

fn version_error(file: &str, version: u64) -> Result<State, StateError> {
    Err(match version {
        1..=3 => StateError::OldVersion {
            file: file.to_string(),
            version,
        },
        v if v > 4 => StateError::FutureVersion {
            file: file.to_string(),
            version: v,
        },
        _ => StateError::NotState {
            file: file.to_string(),
        },
    })
}

/// True for a provider configuration address as Terraform writes it in a v4 state:
/// `provider["registry.terraform.io/hashicorp/aws"]`, with an optional `.alias`, inside
/// optional `module.NAME.` steps; or the legacy `provider.aws` form of Terraform 0.12.
fn valid_provider_address(addr: &str) -> bool {
    fn ident(s: &str) -> bool {
        let mut chars = s.chars();
        chars
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
            && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
    }
    fn alias(tail: &str) -> bool {
        tail.is_empty() || tail.strip_prefix('.').is_some_and(ident)
    }
    // Terraform parses the address as an HCL traversal, where blanks between tokens are
    // allowed (its own test data holds `provider. null`): drop blanks outside quotes first.
    let mut in_quotes = false;
    let compact: String = addr
        .chars()
        .filter(|c| {
            if *c == '"' {
                in_quotes = !in_quotes;
            }
            in_quotes || !c.is_whitespace()
        })
        .collect();
    let mut rest = compact.as_str();
    while let Some(r) = rest.strip_prefix("module.") {
        let Some((name, r)) = r.split_once('.') else {
            return false;
        };
        if !ident(name) {
            return false;
        }
        rest = r;
    }
    if let Some(r) = rest.strip_prefix("provider[\"") {
        let Some((source, tail)) = r.split_once("\"]") else {
            return false;
        };
        let parts: Vec<&str> = source.split('/').collect();
        let source_ok = (1..=3).contains(&parts.len())
            && parts.iter().all(|p| {
                !p.is_empty()
                    && p.chars()
                        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_' | ':'))
            });
        source_ok && alias(tail)
    } else if let Some(r) = rest.strip_prefix("provider.") {
        let (name, tail) = match r.find('.') {
            Some(i) => r.split_at(i),
            None => (r, ""),
        };
        ident(name) && alias(tail)
    } else {
        false
    }
}

fn malformed(file: &str, detail: impl Into<String>) -> StateError {
    StateError::Malformed {
        file: file.to_string(),
        detail: detail.into(),
    }
}

fn resource(
    address: Address,
    provider: Option<String>,
    attributes: Attributes,
    probe: &Map<String, Value>,
    sensitive: Vec<AttrPath>,
    file: &str,
) -> Resource {
    let id = match probe.get("id") {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Number(n)) => n.to_string(),
        _ => String::new(),
    };
    Resource {
        rtype: address.rtype.clone(),
        id,
        region: region_of(probe),
        address: Some(address),
        provider,
        attributes,
        sensitive,
        aws_default: false,
        companion_of: None,
        import_id: None,
        origin: Some(file.to_string()),
        schema_version: 0,
    }
}

/// The AWS region a state object lives in, from `region`, its ARN or its availability zone.
pub fn region_of(attrs: &Map<String, Value>) -> Option<String> {
    if let Some(Value::String(r)) = attrs.get("region")
        && !r.is_empty()
    {
        return Some(r.clone());
    }
    if let Some(Value::String(arn)) = attrs.get("arn") {
        let parts: Vec<&str> = arn.splitn(6, ':').collect();
        if parts.len() == 6 && parts[0] == "arn" && !parts[3].is_empty() {
            return Some(parts[3].to_string());
        }
    }
    if let Some(Value::String(az)) = attrs.get("availability_zone") {
        return region_from_az(az);
    }
    None
}

/// `us-east-1a` -> `us-east-1`; local zones such as `us-west-2-lax-1a` -> `us-west-2`.
pub fn region_from_az(az: &str) -> Option<String> {
    let parts: Vec<&str> = az.split('-').collect();
    // The region is the prefix up to and including the first all-digit-leading part.
    for (i, p) in parts.iter().enumerate().skip(1) {
        let digits: String = p.chars().take_while(char::is_ascii_digit).collect();
        if !digits.is_empty() {
            let mut region = parts[..i].join("-");
            region.push('-');
            region.push_str(&digits);
            return Some(region);
        }
    }
    None
}

/// How deep attribute values may nest. Terraform's own schemas stay far below this; deeper
/// input is hostile or broken, and must be an error rather than a stack overflow or a value
/// that later fails to parse and reads as null.
pub const MAX_NESTING: usize = 100;

/// True when a JSON text nests objects and arrays deeper than `limit`, without parsing it.
fn nests_deeper_than(text: &str, limit: usize) -> bool {
    // The depth is at most the number of opening brackets: counting them is a loop the
    // compiler vectorizes, and almost every value has fewer than `limit`. Only the rest are
    // walked byte by byte.
    let opens = text.bytes().filter(|&b| b == b'[' || b == b'{').count();
    opens > limit && json_depth(text) > limit
}

/// The nesting depth of a JSON text (objects and arrays), without parsing it.
fn json_depth(text: &str) -> usize {
    let (mut depth, mut max, mut in_string, mut escaped) = (0usize, 0usize, false, false);
    for b in text.bytes() {
        if in_string {
            match b {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                b'"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'[' | b'{' => {
                depth += 1;
                max = max.max(depth);
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    max
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn provider_addresses_as_terraform_writes_them() {
        for ok in [
            "provider[\"registry.terraform.io/hashicorp/aws\"]",
            "provider[\"registry.terraform.io/hashicorp/aws\"].west",
            "module.net.module.sub.provider[\"example.com/acme/thing\"]",
            "provider[\"hashicorp/aws\"]",
            "provider.aws",
            "provider.aws.east",
            "module.a.provider.null",
            "provider. null",
            "provider [\"hashicorp/aws\"] . east",
        ] {
            assert!(valid_provider_address(ok), "{ok}");
        }
        for bad in [
            "this is an invalid value for this field",
            "",
            "provider",
            "provider[\"registry.terraform.io/hashicorp/aws\"",
            "provider[\"\"]",
            "provider[\"a/b/c/d\"]",
            "provider[\"registry.terraform.io/hashicorp/aws\"].",
            "provider[\"registry.terraform.io/hashicorp/aws\"]x",
            "module..provider.aws",
            "provider.aws.1east",
            "provider.aws.bad!alias",
        ] {
            assert!(!valid_provider_address(bad), "{bad}");
        }
        let doc = r#"{"version": 4, "serial": 1, "lineage": "l", "resources": [
            {"mode": "managed", "type": "null_resource", "name": "bar",
             "provider": "this is an invalid value for this field",
             "instances": [{"attributes": {"id": "1"}}]}]}"#;
        let e = parse(doc.as_bytes(), "bad.tfstate")
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("bad.tfstate") && e.contains("null_resource.bar"),
            "{e}"
        );
        assert!(e.contains("invalid provider address"), "{e}");
    }

    const V4: &str = r#"{
      "version": 4, "terraform_version": "1.11.4", "serial": 3, "lineage": "x",
      "outputs": {},
      "resources": [
        {"mode": "data", "type": "aws_ami", "name": "a", "provider": "provider[\"registry.terraform.io/hashicorp/aws\"]",
         "instances": [{"attributes": {"id": "ami-1"}}]},
        {"module": "module.net[\"blue\"]", "mode": "managed", "type": "aws_subnet", "name": "this",
         "provider": "provider[\"registry.terraform.io/hashicorp/aws\"].west",
         "instances": [
           {"index_key": 0, "schema_version": 1, "attributes": {"id": "subnet-1", "availability_zone": "us-west-2b"},
            "sensitive_attributes": [[{"type": "get_attr", "value": "secret"}]]},
           {"index_key": 1, "attributes": {"id": "subnet-2", "arn": "arn:aws:ec2:eu-west-1:1:subnet/subnet-2"}},
           {"index_key": 2, "deposed": "abc", "attributes": {"id": "subnet-old"}}
         ]},
        {"mode": "managed", "type": "aws_instance", "name": "web",
         "provider": "provider[\"registry.terraform.io/hashicorp/aws\"]",
         "instances": [{"index_key": "a", "attributes": {"id": "i-1"}}]}
      ]
    }"#;

    #[test]
    fn v4_modules_count_for_each_data_and_deposed() {
        let s = parse(V4.as_bytes(), "t.tfstate").unwrap();
        let addrs: Vec<String> = s
            .resources
            .iter()
            .map(|r| r.address.as_ref().unwrap().to_string())
            .collect();
        assert_eq!(
            addrs,
            [
                r#"module.net["blue"].aws_subnet.this[0]"#,
                r#"module.net["blue"].aws_subnet.this[1]"#,
                r#"aws_instance.web["a"]"#
            ]
        );
        assert_eq!(s.resources[0].region.as_deref(), Some("us-west-2"));
        assert_eq!(s.resources[1].region.as_deref(), Some("eu-west-1"));
        assert_eq!(s.resources[0].sensitive, vec![AttrPath::attr("secret")]);
        assert_eq!(s.terraform_version.as_deref(), Some("1.11.4"));
    }

    /// Instances are read by workers in batches while the document is parsed: the state comes
    /// back in document order, and a block's problem is reported whatever its position.
    #[test]
    fn many_instances_come_back_in_state_order() {
        let block = |name: &str, n: usize| {
            let instances: Vec<Value> = (0..n)
                .map(|i| serde_json::json!({"index_key": i, "attributes": {"id": format!("{name}-{i}")}}))
                .collect();
            serde_json::json!({"mode": "managed", "type": "aws_instance", "name": name,
                "provider": "provider[\"registry.terraform.io/hashicorp/aws\"]",
                "instances": instances})
        };
        let blocks: Vec<Value> = (0..7).map(|b| block(&format!("b{b}"), 150)).collect();
        let doc = serde_json::json!({"version": 4, "resources": blocks}).to_string();
        let s = parse(doc.as_bytes(), "t.tfstate").unwrap();
        let ids: Vec<&str> = s.resources.iter().map(|r| r.id.as_str()).collect();
        let want: Vec<String> = (0..7)
            .flat_map(|b| (0..150).map(move |i| format!("b{b}-{i}")))
            .collect();
        assert_eq!(ids, want);

        // A malformed block after many good ones is the error.
        let mut bad = blocks.clone();
        bad.push(serde_json::json!({"mode": "managed", "name": "x", "instances": []}));
        bad.push(block("after", 3));
        let doc = serde_json::json!({"version": 4, "resources": bad}).to_string();
        let e = parse(doc.as_bytes(), "t.tfstate").unwrap_err().to_string();
        assert!(e.contains("resources[7] has no string \"type\""), "{e}");

        for (doc, want) in [
            (r#"{"version": 4, "resources": null}"#, None),
            (r#"{"version": 4}"#, None),
            (
                r#"{"version": 4, "resources": [], "resources": []}"#,
                Some("duplicate field"),
            ),
        ] {
            match (parse(doc.as_bytes(), "t.tfstate"), want) {
                (Ok(s), None) => assert!(s.resources.is_empty()),
                (Err(e), Some(want)) => assert!(e.to_string().contains(want), "{e}"),
                (other, _) => panic!("{doc}: {:?}", other.map(|s| s.resources.len())),
            }
        }
    }

    #[test]
    fn bad_inputs_have_clear_errors() {
        let cases: [(&[u8], &str); 8] = [
            (b"", "is empty"),
            (b"  \n", "is empty"),
            (b"{\"version\": 4, \"resources\": [", "looks truncated"),
            (b"\xff\xfe{}", "not UTF-8"),
            (b"hello", "not valid JSON"),
            (b"{\"version\": 3}", "format version 3"),
            (b"{\"version\": 5}", "newer than"),
            (b"[1,2]", "not a Terraform state"),
        ];
        for (input, want) in cases {
            let err = parse(input, "bad.tfstate").unwrap_err().to_string();
            assert!(err.contains(want), "{err:?} should contain {want:?}");
            assert!(err.contains("bad.tfstate"), "{err}");
            assert!(!err.contains('\n'), "one line: {err}");
        }
    }

    #[test]
    fn plan_drift_splits_stored_and_refreshed() {
        let plan = br#"{"format_version": "1.2",
          "prior_state": {"values": {"root_module": {"resources": [
            {"address": "aws_vpc.a", "mode": "managed", "type": "aws_vpc", "name": "a",
             "provider_name": "registry.terraform.io/hashicorp/aws",
             "values": {"id": "vpc-1", "tags": {"Owner": "x"}}, "sensitive_values": {}}]}}},
          "resource_drift": [
            {"address": "aws_vpc.a", "mode": "managed", "type": "aws_vpc", "name": "a",
             "provider_name": "registry.terraform.io/hashicorp/aws",
             "change": {"actions": ["update"], "before": {"id": "vpc-1", "tags": null}}},
            {"address": "module.m.aws_subnet.s[0]", "module_address": "module.m", "mode": "managed",
             "type": "aws_subnet", "name": "s", "index": 0,
             "provider_name": "registry.terraform.io/hashicorp/aws",
             "change": {"actions": ["delete"], "before": {"id": "subnet-1"},
                        "before_sensitive": {}}}]}"#;
        let d = plan_drift(plan, "plan.json").unwrap();
        assert_eq!(d.refreshed.len(), 1);
        assert_eq!(
            d.refreshed[0].attributes.map()["tags"],
            serde_json::json!({"Owner": "x"})
        );
        assert_eq!(d.stored.len(), 2);
        assert_eq!(d.stored[0].attributes.map()["tags"], Value::Null);
        assert_eq!(
            d.stored[1].address.as_ref().unwrap().to_string(),
            "module.m.aws_subnet.s[0]"
        );
        let empty = plan_drift(br#"{"format_version": "1.2", "planned_values": {}}"#, "p").unwrap();
        assert!(empty.stored.is_empty());
        assert!(plan_drift(br#"{"version": 4}"#, "p").is_err());
    }

    #[test]
    fn show_json_and_plan_prior_state() {
        let show = r#"{"format_version": "1.0", "terraform_version": "1.11.4", "values": {"root_module": {
          "resources": [{"address": "aws_vpc.main", "mode": "managed", "type": "aws_vpc", "name": "main",
            "provider_name": "registry.terraform.io/hashicorp/aws", "values": {"id": "vpc-1", "password": "p"},
            "sensitive_values": {"password": true}}],
          "child_modules": [{"address": "module.a[0]", "resources": [{"address": "module.a[0].aws_eip.x[\"k\"]",
            "mode": "managed", "type": "aws_eip", "name": "x", "index": "k", "values": {"id": "eipalloc-1"}}]}]}}}"#;
        let s = parse(show.as_bytes(), "show.json").unwrap();
        assert_eq!(s.resources.len(), 2);
        assert_eq!(
            s.resources[1].address.as_ref().unwrap().to_string(),
            r#"module.a[0].aws_eip.x["k"]"#
        );
        assert_eq!(s.resources[0].sensitive, vec![AttrPath::attr("password")]);
        let plan = format!(r#"{{"format_version": "1.2", "prior_state": {show}}}"#);
        assert_eq!(
            parse(plan.as_bytes(), "plan.json").unwrap().resources.len(),
            2
        );
        let empty = parse(br#"{"format_version": "1.0"}"#, "e.json").unwrap();
        assert!(empty.resources.is_empty());
    }

    #[test]
    fn hostile_nesting_is_an_error_not_a_crash() {
        // 5,000 dot segments in one flat key: an error naming the resource, no stack overflow.
        let key = vec!["a"; 5000].join(".");
        let doc = serde_json::json!({"version": 4, "serial": 1, "lineage": "l", "resources": [
            {"mode": "managed", "type": "aws_vpc", "name": "deep",
             "provider": "provider[\"registry.terraform.io/hashicorp/aws\"]",
             "instances": [{"attributes_flat": {"id": "vpc-1", key: "x"}}]}]});
        let e = parse(doc.to_string().as_bytes(), "deep.tfstate")
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("deep.tfstate") && e.contains("aws_vpc.deep"),
            "{e}"
        );
        assert!(e.contains("deeper than"), "{e}");
        // A kept attribute nested 200 levels: an error, never read as null.
        let deep = format!("{}1{}", "[".repeat(200), "]".repeat(200));
        let doc = format!(
            r#"{{"version": 4, "serial": 1, "lineage": "l", "resources": [
            {{"mode": "managed", "type": "aws_instance", "name": "deep",
             "provider": "provider[\"registry.terraform.io/hashicorp/aws\"]",
             "instances": [{{"attributes": {{"id": "i-1", "tags": {deep}}}}}]}}]}}"#
        );
        let e = parse(doc.as_bytes(), "deep.tfstate")
            .unwrap_err()
            .to_string();
        assert!(e.contains("deeper than"), "{e}");
        assert_eq!(json_depth(r#"{"a": "[[[[", "b": [1, {"c": []}]}"#), 4);
        // Brackets inside strings are counted by the quick bound, never by the depth.
        let brackets = format!(r#"{{"a": "{}"}}"#, "[".repeat(200));
        assert!(!nests_deeper_than(&brackets, MAX_NESTING));
        assert!(nests_deeper_than(&deep, MAX_NESTING));
        assert!(!nests_deeper_than(&deep, 200));
    }

    #[test]
    fn kept_keys_are_found_in_any_order() {
        let kept = ["arn", "id", "tags", "vpc_id"];
        fn keys<'a>(kept: &[&str], order: &[&'a str]) -> Vec<&'a str> {
            let mut cursor = 0;
            order
                .iter()
                .filter(|k| v4::is_kept(kept, &mut cursor, k))
                .copied()
                .collect()
        }
        let sorted = [
            "ami", "arn", "id", "subnet", "tags", "tags_all", "vpc_id", "zone",
        ];
        assert_eq!(keys(&kept, &sorted), ["arn", "id", "tags", "vpc_id"]);
        let shuffled = [
            "zone", "vpc_id", "ami", "tags", "id", "tags_all", "arn", "arn",
        ];
        assert_eq!(
            keys(&kept, &shuffled),
            ["vpc_id", "tags", "id", "arn", "arn"]
        );
        assert!(keys(&kept, &["a", "b"]).is_empty());
    }

    #[test]
    fn flatmap_expansion() {
        let flat: Map<String, Value> = serde_json::from_str(
            r#"{"id": "sg-1", "tags.%": "1", "tags.Name": "x", "ingress.#": "1",
                "ingress.123.from_port": "80", "ingress.123.cidr_blocks.#": "1", "ingress.123.cidr_blocks.0": "0.0.0.0/0"}"#,
        )
        .unwrap();
        let v = Value::Object(expand_flatmap(&flat).unwrap());
        assert_eq!(v["tags"]["Name"], "x");
        assert_eq!(v["ingress"][0]["from_port"], "80");
        assert_eq!(v["ingress"][0]["cidr_blocks"][0], "0.0.0.0/0");
    }

    #[test]
    fn az_to_region() {
        assert_eq!(region_from_az("us-east-1a").as_deref(), Some("us-east-1"));
        assert_eq!(
            region_from_az("us-west-2-lax-1a").as_deref(),
            Some("us-west-2")
        );
        assert_eq!(region_from_az("nonsense"), None);
    }
}
