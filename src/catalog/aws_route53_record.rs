//! `aws_route53_record`: listed with one ListResourceRecordSets walk per hosted zone, each
//! under the import ID `ZONE_NAME_TYPE[_SET]`, the name in full, lowercase, without its final
//! dot. Terraform's own ID holds the name as the configuration wrote it (`www` or in full), so
//! a state record is matched by the ID its `fqdn` gives. A zone's own SOA and NS records are
//! the zone's, never unmanaged.

use serde_json::Value;

use super::derive::text;
use super::{CodifyRules, TypeRules};
use crate::model::{AttrPath, Resource, Severity};

/// Rules for record sets.
pub(super) const RULES: TypeRules = TypeRules {
    name: "aws_route53_record",
    compared: &[
        "fqdn",
        "zone_id",
        "type",
        "ttl",
        "records",
        "alias",
        "set_identifier",
        "health_check_id",
        "weighted_routing_policy",
        "failover_routing_policy",
        "latency_routing_policy",
        "geolocation_routing_policy",
        "multivalue_answer_routing_policy",
    ],
    // The name is in the ID; the configuration (and so the state's `name`) may hold the short
    // form, `fqdn` the full one.
    ignored: &["name", "allow_overwrite"],
    sets: &["records", "alias"],
    maps: &[],
    when_set: &["multivalue_answer_routing_policy"],
    severity,
    unmanaged: Severity::Medium,
    derived: None,
    codify: CodifyRules {
        keep: &["ttl"],
        skip: &["allow_overwrite", "fqdn"],
        blocks: &[
            "alias",
            "weighted_routing_policy",
            "failover_routing_policy",
            "latency_routing_policy",
            "geolocation_routing_policy",
        ],
        only_when_true: &["multivalue_answer_routing_policy"],
    },
    security: true,
    secret: &[],
    match_id: Some(listed_id),
    state_id_unique: false,
};

/// Where a name points is where its traffic goes.
fn severity(path: &AttrPath, _: &Value, _: &Value) -> Option<Severity> {
    matches!(path.root()?, "records" | "alias").then_some(Severity::High)
}

/// The ID the lister gives the record a state object stands for.
fn listed_id(state: &Resource) -> Option<String> {
    let (zone, name, rtype) = (
        text(state, "zone_id")?,
        text(state, "fqdn")?,
        text(state, "type")?,
    );
    let name = name.strip_suffix('.').unwrap_or(&name).to_lowercase();
    Some(match text(state, "set_identifier") {
        Some(set) => format!("{zone}_{name}_{rtype}_{set}"),
        None => format!("{zone}_{name}_{rtype}"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_short_name_is_matched_in_full() {
        let mut r = Resource::live(RULES.name, "Z1_app_CNAME_blue", "us-east-1");
        *r.attributes.make_mut() = json!({"zone_id": "Z1", "fqdn": "App.example.com",
            "type": "CNAME", "set_identifier": "blue"})
        .as_object()
        .unwrap()
        .clone();
        assert_eq!(
            listed_id(&r).as_deref(),
            Some("Z1_app.example.com_CNAME_blue")
        );
    }
}
