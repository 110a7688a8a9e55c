//! Live inventory snapshots: `discover --out live.json` writes one, `scan --live live.json`
//! reads it instead of calling AWS.

use std::path::Path;

use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::catalog;
use crate::model::{Alert, Coverage, LiveInventory, Resource};

/// Why a snapshot could not be read.
#[derive(Debug, Error)]
pub enum SnapshotError {
    /// I/O failure.
    #[error("cannot read snapshot {file}: {source}")]
    Io {
        /// File name.
        file: String,
        /// Underlying error.
        source: std::io::Error,
    },
    /// Not the snapshot JSON shape.
    #[error("snapshot {file} is not a valid live snapshot: {detail}")]
    Invalid {
        /// File name.
        file: String,
        /// Parser message.
        detail: String,
    },
    /// An unknown `format_version`.
    #[error("snapshot {file} has format_version {version:?}; this tool reads \"1\"")]
    Version {
        /// File name.
        file: String,
        /// The version found.
        version: String,
    },
}

/// The snapshot file format.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Snapshot {
    /// Always "1".
    pub format_version: String,
    /// Types the snapshot covers completely; absent means every type the AWS lister supports.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub types: Option<Vec<String>>,
    /// Regions the snapshot covers; absent means every region.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub regions: Option<Vec<String>>,
    /// The resources.
    pub resources: Vec<Resource>,
    /// Alerts met while the snapshot was taken.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub alerts: Vec<Alert>,
}

/// Reads a snapshot file.
pub fn read(path: &Path) -> Result<LiveInventory, SnapshotError> {
    let file = path.display().to_string();
    let text =
        crate::input_file::read(path, crate::input_file::MAX_DATA_FILE).map_err(|source| {
            SnapshotError::Io {
                file: file.clone(),
                source,
            }
        })?;
    parse(&text, &file)
}

/// Parses snapshot bytes.
pub fn parse(bytes: &[u8], file: &str) -> Result<LiveInventory, SnapshotError> {
    let snap: Snapshot = serde_json::from_slice(bytes).map_err(|e| SnapshotError::Invalid {
        file: file.to_string(),
        detail: e.to_string(),
    })?;
    if snap.format_version != "1" {
        return Err(SnapshotError::Version {
            file: file.to_string(),
            version: snap.format_version,
        });
    }
    let types: Vec<String> = snap.types.unwrap_or_else(|| {
        catalog::listed_types()
            .into_iter()
            .map(String::from)
            .collect()
    });
    let mut coverage = Coverage::default();
    for t in &types {
        match &snap.regions {
            Some(regions) => regions.iter().for_each(|r| coverage.add(t, Some(r))),
            None => coverage.add(t, None),
        }
    }
    Ok(LiveInventory {
        resources: snap.resources,
        coverage,
        alerts: snap.alerts,
        unreadable: Default::default(),
        api_calls: 0,
    })
}

/// Builds the snapshot of an inventory taken in `regions`.
pub fn from_inventory(inv: &LiveInventory, regions: &[String]) -> Snapshot {
    // Only types listed in every region are "covered" by the snapshot.
    let types = inv
        .coverage
        .types()
        .into_iter()
        .filter(|t| regions.iter().all(|r| inv.coverage.covers(t, Some(r))))
        .collect();
    let mut resources = inv.resources.clone();
    // A value marked sensitive (a Lambda function's environment) is never written to a file:
    // its whole top-level attribute is left out, and a scan of the snapshot, which compares
    // only what is there, does not judge it.
    for r in resources.iter_mut().filter(|r| !r.sensitive.is_empty()) {
        let roots: Vec<String> = r
            .sensitive
            .iter()
            .filter_map(|p| p.root().map(String::from))
            .collect();
        let attrs = r.attributes.make_mut();
        for root in roots {
            attrs.remove(&root);
        }
    }
    resources.sort_by(|a, b| (&a.rtype, &a.region, &a.id).cmp(&(&b.rtype, &b.region, &b.id)));
    Snapshot {
        format_version: "1".into(),
        types: Some(types),
        regions: Some(regions.to_vec()),
        resources,
        alerts: inv.alerts.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn minimal_snapshot_is_valid_and_covers_all_types() {
        let inv = parse(br#"{"format_version": "1", "resources": []}"#, "s.json").unwrap();
        assert!(inv.resources.is_empty());
        assert!(inv.coverage.covers("aws_instance", Some("eu-west-1")));
    }

    #[test]
    fn types_and_regions_limit_coverage() {
        let inv = parse(
            br#"{"format_version": "1", "types": ["aws_vpc"], "regions": ["us-east-1"],
                "resources": [{"type": "aws_vpc", "id": "vpc-1", "region": "us-east-1",
                               "attributes": {"cidr_block": "10.0.0.0/16"}, "aws_default": true}]}"#,
            "s.json",
        )
        .unwrap();
        assert!(inv.coverage.covers("aws_vpc", Some("us-east-1")));
        assert!(!inv.coverage.covers("aws_instance", Some("us-east-1")));
        assert!(inv.resources[0].aws_default);
        let round = from_inventory(&inv, &["us-east-1".to_string()]);
        assert_eq!(round.types.as_deref(), Some(&["aws_vpc".to_string()][..]));
    }

    #[test]
    fn sensitive_values_are_never_written() {
        let mut f = Resource::live("aws_lambda_function", "resize", "eu-west-1");
        let a = f.attributes.make_mut();
        a.insert(
            "environment".into(),
            serde_json::json!([{"variables": {"TOKEN": "s3cr3t"}}]),
        );
        a.insert("runtime".into(), serde_json::json!("python3.12"));
        f.sensitive
            .push(crate::model::AttrPath::attr("environment"));
        let inv = LiveInventory {
            resources: vec![f],
            ..Default::default()
        };
        let text = serde_json::to_string(&from_inventory(&inv, &["eu-west-1".into()])).unwrap();
        assert!(!text.contains("s3cr3t"), "{text}");
        assert!(text.contains("python3.12"), "{text}");
    }

    #[test]
    fn bad_snapshots() {
        let e = parse(b"{", "s.json").unwrap_err().to_string();
        assert!(e.contains("s.json"), "{e}");
        let e = parse(br#"{"format_version": "9", "resources": []}"#, "s.json")
            .unwrap_err()
            .to_string();
        assert!(e.contains("format_version"), "{e}");
    }
}
