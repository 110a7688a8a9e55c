//! Views of a finished scan for the questions people bring to a dashboard: what drifted that
//! matters for security, which resources break the tagging rules, and what the drift costs.
//!
//! Pure: computed from the report, the state and the live inventory the scan compared.

use std::collections::{HashMap, HashSet};

use serde::Serialize;
use serde_json::Value;

use crate::diff::{Change, Drift, Kind, Report};
use crate::model::{LiveInventory, Resource, Severity};

/// Attributes whose drift changes who can reach what.
const SECURITY_ATTRIBUTES: &[&str] = &[
    "ingress",
    "egress",
    "security_groups",
    "vpc_security_group_ids",
    "route",
    "map_public_ip_on_launch",
    "associate_public_ip_address",
    "metadata_options",
    "iam_instance_profile",
    "policy",
    "encrypted",
    "kms_key_id",
    "public_key",
    "network_interface",
    "instance",
];

/// One security-relevant finding.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SecurityFinding {
    /// Changed, missing or unmanaged.
    pub kind: Kind,
    /// Resource type.
    #[serde(rename = "type")]
    pub rtype: String,
    /// Cloud ID.
    pub id: String,
    /// State address, when managed.
    pub address: Option<String>,
    /// Highest severity among the reasons.
    pub severity: Severity,
    /// Why it matters, in one line.
    pub reason: String,
    /// The security-relevant attribute changes (changed findings only).
    pub changes: Vec<Change>,
}

/// Findings that touch network exposure, access or encryption, most severe first.
pub fn security(report: &Report) -> Vec<SecurityFinding> {
    let mut out: Vec<SecurityFinding> = report.drift.iter().filter_map(security_finding).collect();
    out.sort_by(|a, b| b.severity.cmp(&a.severity).then(a.id.cmp(&b.id)));
    out
}

fn security_finding(d: &Drift) -> Option<SecurityFinding> {
    let (severity, reason, changes) = match d.kind {
        Kind::Changed => {
            let changes: Vec<Change> = d
                .changes
                .iter()
                .filter(|c| {
                    c.severity == Severity::High
                        || SECURITY_ATTRIBUTES.contains(&c.path.root().unwrap_or_default())
                })
                .cloned()
                .collect();
            let severity = changes.iter().map(|c| c.severity).max()?;
            let names: Vec<String> = changes.iter().map(|c| c.path.to_string()).collect();
            let reason = format!("changed outside Terraform: {}", names.join(", "));
            (severity, reason, changes)
        }
        Kind::Unmanaged if crate::catalog::is_security_type(&d.rtype) => (
            d.severity.max(Severity::Medium),
            format!("{} exists outside Terraform: not reviewed", d.rtype),
            Vec::new(),
        ),
        Kind::Missing if crate::catalog::is_security_type(&d.rtype) => (
            Severity::High,
            format!(
                "{} was deleted outside Terraform: what it allowed or blocked has changed",
                d.rtype
            ),
            Vec::new(),
        ),
        _ => return None,
    };
    Some(SecurityFinding {
        kind: d.kind,
        rtype: d.rtype.clone(),
        id: d.id.clone(),
        address: d.address.clone(),
        severity,
        reason,
        changes,
    })
}

/// Required-tag rules (`[compliance]` in the server's configuration).
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TagRules {
    /// Tag keys every taggable resource must carry (with a non-empty value).
    #[serde(default)]
    pub required_tags: Vec<String>,
    /// Only these types (empty: every taggable type).
    #[serde(default)]
    pub types: Vec<String>,
}

/// A resource missing required tags.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Violation {
    /// Resource type.
    #[serde(rename = "type")]
    pub rtype: String,
    /// Cloud ID.
    pub id: String,
    /// State address; `None` for unmanaged resources.
    pub address: Option<String>,
    /// Required keys that are absent or empty in the cloud.
    pub missing_tags: Vec<String>,
}

/// The result of checking the rules.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Compliance {
    /// The rules applied.
    pub required_tags: Vec<String>,
    /// Taggable resources checked (managed ones found in the cloud, plus unmanaged ones).
    pub checked: usize,
    /// Checked resources that carry every required tag.
    pub compliant: usize,
    /// The others.
    pub violations: Vec<Violation>,
}

/// Checks the live tags (what the cloud has now, so drifted tags count) of every managed
/// resource found and every unmanaged one.
pub fn compliance(
    rules: &TagRules,
    state: &[Resource],
    live: &LiveInventory,
    report: &Report,
) -> Compliance {
    let addresses: HashMap<(&str, &str), String> = state
        .iter()
        .filter_map(|r| {
            Some((
                (r.rtype.as_str(), r.id.as_str()),
                r.address.as_ref()?.to_string(),
            ))
        })
        .collect();
    let unmanaged: HashSet<(&str, &str)> = report
        .drift
        .iter()
        .filter(|d| d.kind == Kind::Unmanaged)
        .map(|d| (d.rtype.as_str(), d.id.as_str()))
        .collect();
    let mut seen = HashSet::new();
    let mut out = Compliance {
        required_tags: rules.required_tags.clone(),
        checked: 0,
        compliant: 0,
        violations: Vec::new(),
    };
    for r in &live.resources {
        let key = (r.rtype.as_str(), r.id.as_str());
        let managed = addresses.contains_key(&key);
        if !(managed || unmanaged.contains(&key)) || !seen.insert(key) {
            continue;
        }
        if !rules.types.is_empty() && !rules.types.contains(&r.rtype) {
            continue;
        }
        // Only taggable types: the lister and the provider both carry `tags` for them.
        let attrs = r.attributes.members();
        let (tags_all, tags) = (attrs.get("tags_all"), attrs.get("tags"));
        let tags = match (tags_all.as_deref(), tags.as_deref()) {
            (Some(Value::Object(t)), _) => Some(t),
            (_, Some(Value::Object(t))) => Some(t),
            (_, Some(Value::Null)) => None,
            _ => continue,
        };
        out.checked += 1;
        let missing: Vec<String> = rules
            .required_tags
            .iter()
            .filter(|k| {
                tags.and_then(|t| t.get(k.as_str()))
                    .and_then(Value::as_str)
                    .is_none_or(|v| v.trim().is_empty())
            })
            .cloned()
            .collect();
        if missing.is_empty() {
            out.compliant += 1;
        } else {
            out.violations.push(Violation {
                rtype: r.rtype.clone(),
                id: r.id.clone(),
                address: addresses.get(&key).cloned(),
                missing_tags: missing,
            });
        }
    }
    out.violations
        .sort_by(|a, b| (&a.rtype, &a.id).cmp(&(&b.rtype, &b.id)));
    out
}

/// Hours in a billing month, as AWS's calculator counts them.
const HOURS_PER_MONTH: f64 = 730.0;

/// On-demand Linux prices in us-east-1, USD per hour.
const INSTANCE_HOURLY: &[(&str, f64)] = &[
    ("m1.small", 0.044),
    ("t2.nano", 0.0058),
    ("t2.micro", 0.0116),
    ("t2.small", 0.023),
    ("t2.medium", 0.0464),
    ("t2.large", 0.0928),
    ("t3.nano", 0.0052),
    ("t3.micro", 0.0104),
    ("t3.small", 0.0208),
    ("t3.medium", 0.0416),
    ("t3.large", 0.0832),
    ("t3.xlarge", 0.1664),
    ("m5.large", 0.096),
    ("m5.xlarge", 0.192),
    ("m5.2xlarge", 0.384),
    ("c5.large", 0.085),
    ("c5.xlarge", 0.17),
    ("r5.large", 0.126),
];

/// EBS storage in us-east-1, USD per GB-month.
const VOLUME_GB_MONTH: &[(&str, f64)] = &[
    ("gp2", 0.10),
    ("gp3", 0.08),
    ("io1", 0.125),
    ("io2", 0.125),
    ("st1", 0.045),
    ("sc1", 0.015),
    ("standard", 0.05),
];

/// A public IPv4 address (attached or not), USD per hour.
const PUBLIC_IPV4_HOURLY: f64 = 0.005;

/// Regions the bundled table covers, with their price relative to us-east-1.
pub const PRICED_REGIONS: &[(&str, f64)] = &[
    ("us-east-1", 1.0),
    ("us-east-2", 1.0),
    ("us-west-2", 1.0),
    ("eu-west-1", 1.1),
    ("eu-central-1", 1.15),
];

/// One priced finding.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CostLine {
    /// Unmanaged (the whole resource) or changed (the difference the change makes).
    pub kind: Kind,
    /// Resource type.
    #[serde(rename = "type")]
    pub rtype: String,
    /// Cloud ID.
    pub id: String,
    /// State address, when managed.
    pub address: Option<String>,
    /// Region the price is for.
    pub region: String,
    /// What was priced, e.g. `t3.large` or `100 GB gp3`.
    pub what: String,
    /// Estimated USD per month (a difference for changed resources: negative means cheaper).
    pub monthly_usd: f64,
}

/// The cost view.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Costs {
    /// Always true: list prices from a bundled table, not a bill.
    pub estimate: bool,
    /// Where the numbers come from.
    pub basis: String,
    /// Currency of every amount.
    pub currency: &'static str,
    /// Monthly cost of unmanaged resources.
    pub unmanaged_monthly_usd: f64,
    /// Monthly difference made by changed resources.
    pub changed_monthly_usd: f64,
    /// One line per priced finding.
    pub lines: Vec<CostLine>,
    /// Findings that could not be priced (type or region not in the table), as `type id`.
    pub unpriced: Vec<String>,
}

/// Monthly cost of unmanaged and changed instances, volumes and EIPs.
pub fn costs(report: &Report, live: &LiveInventory, default_region: Option<&str>) -> Costs {
    let by_key: HashMap<(&str, &str), &Resource> = live
        .resources
        .iter()
        .map(|r| ((r.rtype.as_str(), r.id.as_str()), r))
        .collect();
    let mut out = Costs {
        estimate: true,
        basis: format!(
            "on-demand list prices (Linux, {} hours a month) bundled with terraform-drift for {}",
            HOURS_PER_MONTH,
            PRICED_REGIONS
                .iter()
                .map(|(r, _)| *r)
                .collect::<Vec<_>>()
                .join(", ")
        ),
        currency: "USD",
        unmanaged_monthly_usd: 0.0,
        changed_monthly_usd: 0.0,
        lines: Vec::new(),
        unpriced: Vec::new(),
    };
    for d in &report.drift {
        if !matches!(
            d.rtype.as_str(),
            "aws_instance" | "aws_ebs_volume" | "aws_eip"
        ) {
            continue;
        }
        let region = d
            .region
            .as_deref()
            .or(default_region)
            .unwrap_or("us-east-1");
        let Some(factor) = PRICED_REGIONS
            .iter()
            .find(|(r, _)| *r == region)
            .map(|(_, f)| *f)
        else {
            out.unpriced.push(format!("{} {}", d.rtype, d.id));
            continue;
        };
        let live_attrs = match &d.live_attributes {
            Some(a) => Some(a.map()),
            None => by_key
                .get(&(d.rtype.as_str(), d.id.as_str()))
                .map(|r| r.attributes.map()),
        };
        let attrs = live_attrs.as_deref();
        let line = match d.kind {
            Kind::Unmanaged => attrs.and_then(|a| monthly(&d.rtype, &|k| a.get(k).cloned())),
            Kind::Changed => changed_delta(d, attrs),
            Kind::Missing => continue,
        };
        match line {
            Some((what, usd)) => {
                let usd = round_cents(usd * factor);
                if d.kind == Kind::Unmanaged {
                    out.unmanaged_monthly_usd += usd;
                } else if usd == 0.0 {
                    continue;
                } else {
                    out.changed_monthly_usd += usd;
                }
                out.lines.push(CostLine {
                    kind: d.kind,
                    rtype: d.rtype.clone(),
                    id: d.id.clone(),
                    address: d.address.clone(),
                    region: region.to_string(),
                    what,
                    monthly_usd: usd,
                });
            }
            None if d.kind == Kind::Unmanaged => {
                out.unpriced.push(format!("{} {}", d.rtype, d.id));
            }
            None => {}
        }
    }
    out.unmanaged_monthly_usd = round_cents(out.unmanaged_monthly_usd);
    out.changed_monthly_usd = round_cents(out.changed_monthly_usd);
    out
}

/// Price of one resource in us-east-1 from its attributes.
fn monthly(rtype: &str, get: &dyn Fn(&str) -> Option<Value>) -> Option<(String, f64)> {
    match rtype {
        "aws_instance" => {
            let t = get("instance_type")?;
            let t = t.as_str()?;
            let hourly = INSTANCE_HOURLY.iter().find(|(k, _)| *k == t)?.1;
            Some((t.to_string(), hourly * HOURS_PER_MONTH))
        }
        "aws_ebs_volume" => {
            let size = get("size")?.as_f64()?;
            let kind = get("type")
                .and_then(|v| v.as_str().map(str::to_string))
                .unwrap_or_else(|| "gp2".into());
            let per_gb = VOLUME_GB_MONTH.iter().find(|(k, _)| *k == kind)?.1;
            Some((format!("{size} GB {kind}"), size * per_gb))
        }
        "aws_eip" => Some((
            "public IPv4 address".into(),
            PUBLIC_IPV4_HOURLY * HOURS_PER_MONTH,
        )),
        _ => None,
    }
}

/// What a changed instance type or volume size/type adds per month.
fn changed_delta(
    d: &Drift,
    live: Option<&serde_json::Map<String, Value>>,
) -> Option<(String, f64)> {
    let priced = ["instance_type", "size", "type"];
    if !d
        .changes
        .iter()
        .any(|c| priced.iter().any(|p| c.path.is_attr(p)))
    {
        return None;
    }
    // Before: the live attributes with the changed ones put back to their state values.
    let before = |k: &str| {
        d.changes
            .iter()
            .find(|c| c.path.is_attr(k))
            .map(|c| c.state.clone())
            .or_else(|| live.and_then(|a| a.get(k).cloned()))
    };
    let after = |k: &str| {
        d.changes
            .iter()
            .find(|c| c.path.is_attr(k))
            .map(|c| c.live.clone())
            .or_else(|| live.and_then(|a| a.get(k).cloned()))
    };
    let (was_what, was) = monthly(&d.rtype, &before)?;
    let (now_what, now) = monthly(&d.rtype, &after)?;
    Some((format!("{was_what} -> {now_what}"), now - was))
}

fn round_cents(v: f64) -> f64 {
    (v * 100.0).round() / 100.0
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diff::Summary;
    use crate::model::Resource;

    fn drift(kind: Kind, rtype: &str, id: &str) -> Drift {
        Drift {
            kind,
            rtype: rtype.into(),
            id: id.into(),
            address: (kind != Kind::Unmanaged).then(|| format!("{rtype}.x")),
            region: Some("us-east-1".into()),
            severity: Severity::Medium,
            file: None,
            line: None,
            changes: Vec::new(),
            live_attributes: None,
        }
    }

    fn change(path: &str, state: Value, live: Value, severity: Severity) -> Change {
        Change {
            path: path.into(),
            state,
            live,
            severity,
            sensitive: false,
        }
    }

    fn report(drift: Vec<Drift>) -> Report {
        Report {
            format_version: "1",
            summary: Summary::default(),
            drift,
            unchecked: Vec::new(),
            alerts: Vec::new(),
            partial: false,
            in_sync: Vec::new(),
        }
    }

    #[test]
    fn security_keeps_only_exposure_changes() {
        let mut sg = drift(Kind::Changed, "aws_security_group", "sg-1");
        sg.changes = vec![
            change(
                "ingress",
                Value::Null,
                serde_json::json!([]),
                Severity::High,
            ),
            change("tags.Owner", "a".into(), "b".into(), Severity::Low),
        ];
        let mut tags_only = drift(Kind::Changed, "aws_vpc", "vpc-1");
        tags_only.changes = vec![change("tags.Owner", "a".into(), "b".into(), Severity::Low)];
        let unmanaged_volume = drift(Kind::Unmanaged, "aws_ebs_volume", "vol-1");
        let unmanaged_key = drift(Kind::Unmanaged, "aws_key_pair", "key-1");
        let found = security(&report(vec![
            sg,
            tags_only,
            unmanaged_volume,
            unmanaged_key,
        ]));
        let ids: Vec<&str> = found.iter().map(|f| f.id.as_str()).collect();
        assert_eq!(ids, ["sg-1", "key-1"]);
        assert_eq!(found[0].changes.len(), 1);
        assert_eq!(found[0].severity, Severity::High);
    }

    #[test]
    fn compliance_reads_live_tags_and_skips_untaggable() {
        let mut state = Resource::live("aws_vpc", "vpc-1", "us-east-1");
        state.address = Some(crate::model::Address {
            module: Vec::new(),
            rtype: "aws_vpc".into(),
            name: "main".into(),
            key: None,
        });
        let live = LiveInventory {
            resources: vec![
                Resource::live("aws_vpc", "vpc-1", "us-east-1")
                    .with("tags", serde_json::json!({"Owner": "ops", "Env": ""})),
                Resource::live("aws_instance", "i-1", "us-east-1")
                    .with("tags", serde_json::json!({})),
                Resource::live("aws_instance", "i-default", "us-east-1")
                    .with("tags", serde_json::json!({})),
                Resource::live("aws_route", "r-1", "us-east-1"),
            ],
            ..Default::default()
        };
        let rules = TagRules {
            required_tags: vec!["Owner".into(), "Env".into()],
            types: Vec::new(),
        };
        let rep = report(vec![drift(Kind::Unmanaged, "aws_instance", "i-1")]);
        let c = compliance(&rules, &[state], &live, &rep);
        assert_eq!(c.checked, 2, "{c:?}");
        assert_eq!(c.compliant, 0);
        assert_eq!(c.violations[0].id, "i-1");
        assert_eq!(c.violations[0].missing_tags, ["Owner", "Env"]);
        assert_eq!(c.violations[1].address.as_deref(), Some("aws_vpc.main"));
        assert_eq!(c.violations[1].missing_tags, ["Env"]);
    }

    #[test]
    fn costs_price_unmanaged_and_changed() {
        let live = LiveInventory {
            resources: vec![
                Resource::live("aws_instance", "i-new", "us-east-1")
                    .with("instance_type", "t3.micro"),
                Resource::live("aws_ebs_volume", "vol-1", "eu-west-1")
                    .with("size", 100)
                    .with("type", "gp3"),
            ],
            ..Default::default()
        };
        let mut resized = drift(Kind::Changed, "aws_instance", "i-old");
        resized.changes = vec![change(
            "instance_type",
            "t3.micro".into(),
            "t3.large".into(),
            Severity::Medium,
        )];
        let mut vol = drift(Kind::Unmanaged, "aws_ebs_volume", "vol-1");
        vol.region = Some("eu-west-1".into());
        let mut far = drift(Kind::Unmanaged, "aws_eip", "eip-1");
        far.region = Some("ap-south-1".into());
        let rep = report(vec![
            drift(Kind::Unmanaged, "aws_instance", "i-new"),
            vol,
            resized,
            far,
        ]);
        let c = costs(&rep, &live, None);
        assert!(c.estimate);
        // By hand from the price table: t3.micro 0.0104 $/h * 730 h = 7.592 -> 7.59; 100 GB
        // gp3 at 0.08 $/GB-month = 8.00, * 1.1 in eu-west-1 = 8.80; together 16.39. The resize
        // t3.micro -> t3.large: (0.0832 - 0.0104) * 730 = 53.144 -> 53.14 more a month.
        let close = |got: f64, want: f64| {
            assert!((got - want).abs() < 0.005, "{got} is not {want}");
        };
        close(c.unmanaged_monthly_usd, 16.39);
        close(c.changed_monthly_usd, 53.14);
        let priced: Vec<(&str, f64)> = c
            .lines
            .iter()
            .map(|l| (l.id.as_str(), l.monthly_usd))
            .collect();
        assert_eq!(priced.len(), 3, "{priced:?}");
        for ((id, got), (want_id, want)) in
            priced
                .iter()
                .zip([("i-new", 7.59), ("vol-1", 8.80), ("i-old", 53.14)])
        {
            assert_eq!(*id, want_id);
            close(*got, want);
        }
        assert_eq!(c.unpriced, ["aws_eip eip-1"]);
        assert_eq!(c.lines[1].region, "eu-west-1");
        assert_eq!(c.lines[2].what, "t3.micro -> t3.large");
    }
}
