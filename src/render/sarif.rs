//! SARIF 2.1.0, for code scanning (GitHub's and any other SARIF reader): one rule per drift kind
//! and resource type, one result per finding at its resource block, and fingerprints that stay
//! the same from run to run so a reader keeps one alert per drifted resource.

use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::diff::{Drift, Kind, Report};
use crate::model::Severity;

/// Where an unmanaged resource is shown: no block declares it, and readers such as GitHub
/// refuse a result without a file. The file `codify` writes its import blocks to is where the
/// fix goes.
const UNMANAGED_FILE: &str = "drift_imports.tf";

/// Where a state resource whose block the configuration does not hold is shown (the message
/// says so): the module's conventional first file.
const MODULE_FILE: &str = "main.tf";

/// The longest value shown in a result's message; the JSON report has them whole.
const MAX_VALUE: usize = 120;

/// The SARIF log of `report`. `module_dir` is the scanned module's directory as the user named
/// it (`infra/prod`): files are given relative to where the scan ran, which in CI is the
/// repository's root.
pub fn sarif(report: &Report, module_dir: &str) -> Value {
    let mut rules: Vec<(String, Kind, &str)> = report
        .drift
        .iter()
        .map(|d| (rule_id(d), d.kind, d.rtype.as_str()))
        .collect();
    rules.sort();
    rules.dedup_by(|a, b| a.0 == b.0);
    let results: Vec<Value> = report
        .drift
        .iter()
        .map(|d| {
            let id = rule_id(d);
            let index = rules.binary_search_by(|r| r.0.cmp(&id)).unwrap_or(0);
            result(d, id, index, module_dir)
        })
        .collect();
    let rules: Vec<Value> = rules
        .iter()
        .map(|(id, kind, rtype)| {
            json!({
                "id": id,
                "shortDescription": {"text": describe(*kind, rtype)},
                "fullDescription": {"text": explain(*kind, rtype)},
                "defaultConfiguration": {"level": "warning"},
                "properties": {"tags": ["terraform", "drift", kind.as_str()]},
            })
        })
        .collect();
    let mut notes: Vec<Value> = report
        .alerts
        .iter()
        .map(|a| {
            json!({
                "level": if a.partial { "error" } else { "warning" },
                "message": {"text": a.message},
            })
        })
        .collect();
    if !report.unchecked.is_empty() {
        notes.push(json!({
            "level": "error",
            "message": {"text": format!(
                "{} state resource(s) could not be checked; the JSON report lists them",
                report.unchecked.len()
            )},
        }));
    }
    json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "terraform-drift",
                "version": env!("CARGO_PKG_VERSION"),
                "rules": rules,
            }},
            "invocations": [{
                // A scan that could not check everything did not do its whole job.
                "executionSuccessful": report.is_complete(),
                "toolExecutionNotifications": notes,
            }],
            "results": results,
        }],
    })
}

fn rule_id(d: &Drift) -> String {
    format!("{}/{}", d.kind.as_str(), d.rtype)
}

fn describe(kind: Kind, rtype: &str) -> String {
    format!("{rtype} {}", kind.phrase())
}

fn explain(kind: Kind, rtype: &str) -> String {
    match kind {
        Kind::Changed => format!(
            "A {rtype} differs from its Terraform state. Apply the configuration to put it back \
             (`terraform-drift remediate`), or take the cloud's values into the code \
             (`terraform-drift patch`)."
        ),
        Kind::Missing => format!(
            "A {rtype} the state holds no longer exists. Apply to create it again, or remove it \
             from the configuration."
        ),
        Kind::Unmanaged => format!(
            "A {rtype} exists that no Terraform state manages. Adopt it (`terraform-drift \
             codify` writes an import block and its resource block) or delete it."
        ),
    }
}

fn result(d: &Drift, rule: String, index: usize, module_dir: &str) -> Value {
    let level = match d.severity {
        Severity::High => "error",
        Severity::Medium => "warning",
        Severity::Low => "note",
    };
    let (file, line) = match (&d.file, d.line) {
        (Some(f), line) => (f.as_str(), line.unwrap_or(1)),
        (None, _) if d.kind == Kind::Unmanaged => (UNMANAGED_FILE, 1),
        (None, _) => (MODULE_FILE, 1),
    };
    let who = match &d.address {
        Some(address) => format!("{address} ({})", d.id),
        None => format!("{} {}", d.rtype, d.id),
    };
    let place = d
        .region
        .as_deref()
        .map(|r| format!(" in {r}"))
        .unwrap_or_default();
    let mut text = format!("{who}{place} {}", d.kind.phrase());
    match d.kind {
        Kind::Changed => {
            let changes: Vec<String> = d
                .changes
                .iter()
                .map(|c| format!("{}: {} -> {}", c.path, shown(&c.state), shown(&c.live)))
                .collect();
            text = format!("{text}: {}", changes.join("; "));
        }
        Kind::Missing => {}
        Kind::Unmanaged => text.push_str("; `terraform-drift codify` adopts it"),
    }
    if d.file.is_none() && d.kind != Kind::Unmanaged {
        text.push_str(" (the configuration holds no block for it)");
    }
    // The same finding on the next run has the same fingerprint: its kind and which resource,
    // never the values (a value changed again is still the same drifted resource). The ID tells
    // apart one address in two states (`--state 'envs/*.tfstate'`); the region is left out for
    // managed ones, where it may come from the configuration's default.
    let region = match d.address {
        Some(_) => "",
        None => d.region.as_deref().unwrap_or(""),
    };
    let identity = format!(
        "{}\u{1f}{}\u{1f}{}\u{1f}{}\u{1f}{region}",
        d.kind.as_str(),
        d.rtype,
        d.address.as_deref().unwrap_or(""),
        d.id,
    );
    let digest: [u8; 32] = Sha256::digest(identity.as_bytes()).into();
    let fingerprint: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    json!({
        "ruleId": rule,
        "ruleIndex": index,
        "level": level,
        "message": {"text": text},
        "locations": [{
            "physicalLocation": {
                "artifactLocation": {"uri": uri(module_dir, file)},
                "region": {"startLine": line.max(1)},
            },
            "logicalLocations": [{
                "fullyQualifiedName": d.address.clone().unwrap_or_else(|| format!("{}/{}", d.rtype, d.id)),
                "kind": "resource",
            }],
        }],
        "partialFingerprints": {"terraformDriftFinding/v1": fingerprint},
        "properties": {
            "kind": d.kind.as_str(),
            "type": d.rtype,
            "id": d.id,
            "severity": d.severity.to_string(),
        },
    })
}

/// A value for a message: JSON, cut at [`MAX_VALUE`] characters.
fn shown(v: &Value) -> String {
    let s = v.to_string();
    match s.char_indices().nth(MAX_VALUE) {
        Some((cut, _)) => format!("{}…", &s[..cut]),
        None => s,
    }
}

/// `file` of the module at `module_dir`, as a URI with forward slashes: relative (`.` and `..`
/// resolved as far as the path allows), or `file:///…` for an absolute path.
fn uri(module_dir: &str, file: &str) -> String {
    let joined = match file.starts_with('/') {
        true => file.replace('\\', "/"),
        false => format!("{module_dir}/{file}").replace('\\', "/"),
    };
    let absolute = joined.starts_with('/');
    let mut parts: Vec<&str> = Vec::new();
    for part in joined.split('/') {
        match part {
            "" | "." => {}
            ".." if parts.last().is_some_and(|p| *p != "..") => {
                parts.pop();
            }
            // Above the root of an absolute path is the root.
            ".." if absolute => {}
            other => parts.push(other),
        }
    }
    // Spaces and other characters a URI cannot hold as they are.
    let path = percent_encoding::utf8_percent_encode(&parts.join("/"), PATH).to_string();
    match absolute {
        true => format!("file:///{path}"),
        false => path,
    }
}

/// What a path segment of a URI must escape (RFC 3986), slashes kept.
const PATH: &percent_encoding::AsciiSet = &percent_encoding::CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'%')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'`')
    .add(b'{')
    .add(b'}');

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris_are_relative_to_where_the_scan_ran() {
        assert_eq!(uri(".", "main.tf"), "main.tf");
        assert_eq!(uri("infra/prod/", "main.tf"), "infra/prod/main.tf");
        assert_eq!(uri("./infra", "net work.tf"), "infra/net%20work.tf");
        assert_eq!(
            uri("infra", "modules/vpc/main.tf"),
            "infra/modules/vpc/main.tf"
        );
        assert_eq!(
            uri("infra/prod", "../../modules/vpc/main.tf"),
            "modules/vpc/main.tf"
        );
        assert_eq!(uri("..", "main.tf"), "../main.tf");
        assert_eq!(
            uri("/srv/repo/infra", "main.tf"),
            "file:///srv/repo/infra/main.tf"
        );
    }

    #[test]
    fn long_values_are_cut() {
        let v = Value::String("x".repeat(500));
        assert_eq!(shown(&v).chars().count(), MAX_VALUE + 1);
        assert_eq!(shown(&json!(3)), "3");
    }
}
