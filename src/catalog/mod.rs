//! Per-type rules, one small file per resource type: which attributes are never compared,
//! which lists are sets, which lists/maps are maps, and how severe a change is.
//!
//! Listing code lives in `live::aws`; this module stays pure so `diff` can use it.

use std::collections::HashMap;
use std::sync::OnceLock;

use serde_json::{Map, Value};

use crate::model::{AttrPath, Resource, Severity};

pub mod derive;

mod aws_ami;
mod aws_autoscaling_attachment;
mod aws_autoscaling_group;
mod aws_autoscaling_policy;
mod aws_autoscaling_schedule;
mod aws_cloudwatch_log_group;
mod aws_cloudwatch_log_metric_filter;
mod aws_customer_gateway;
mod aws_default_network_acl;
mod aws_default_route_table;
mod aws_default_security_group;
mod aws_default_subnet;
mod aws_default_vpc;
mod aws_ebs_snapshot;
mod aws_ebs_volume;
mod aws_ec2_managed_prefix_list;
mod aws_ec2_tag;
mod aws_ec2_transit_gateway;
mod aws_ec2_transit_gateway_route_table;
mod aws_ec2_transit_gateway_vpc_attachment;
mod aws_ecr_policy;
mod aws_ecr_repository;
mod aws_egress_only_internet_gateway;
mod aws_eip;
mod aws_eip_association;
mod aws_eks_addon;
mod aws_eks_cluster;
mod aws_eks_fargate_profile;
mod aws_eks_node_group;
mod aws_flow_log;
mod aws_guardduty_address_list;
mod aws_guardduty_detector;
mod aws_guardduty_filter;
mod aws_guardduty_member;
mod aws_guardduty_organization_admin_account;
mod aws_guardduty_organization_configuration;
mod aws_guardduty_publishing_destination;
mod aws_iam_group;
mod aws_iam_inline_policy;
mod aws_iam_instance_profile;
mod aws_iam_openid_connect_provider;
mod aws_iam_policy;
mod aws_iam_policy_attachment;
mod aws_iam_principal_policy_attachment;
mod aws_iam_role;
mod aws_iam_role_policy_attachment;
mod aws_iam_service_linked_role;
mod aws_iam_user;
mod aws_iam_user_group_membership;
mod aws_instance;
mod aws_internet_gateway;
mod aws_key_pair;
mod aws_kms_alias;
mod aws_kms_key;
mod aws_lambda_alias;
mod aws_lambda_event_source_mapping;
mod aws_lambda_function;
mod aws_lambda_layer_version;
mod aws_lambda_permission;
mod aws_launch_configuration;
mod aws_launch_template;
mod aws_lb;
mod aws_lb_listener;
mod aws_lb_listener_rule;
mod aws_lb_target_group;
mod aws_lb_target_group_attachment;
mod aws_main_route_table_association;
mod aws_nat_gateway;
mod aws_network_acl;
mod aws_network_acl_association;
pub(crate) mod aws_network_acl_rule;
mod aws_network_interface;
mod aws_network_interface_attachment;
mod aws_route;
mod aws_route53_record;
mod aws_route53_zone;
mod aws_route_table;
mod aws_route_table_association;
mod aws_security_group;
pub(crate) mod aws_security_group_rule;
mod aws_sns_topic;
mod aws_sns_topic_policy;
mod aws_sns_topic_subscription;
pub use aws_sns_topic_subscription::pending_id as sns_pending_subscription_id;
mod aws_spot_instance_request;
mod aws_sqs_queue;
mod aws_sqs_queue_policy;
mod aws_subnet;
mod aws_volume_attachment;
mod aws_vpc;
mod aws_vpc_dhcp_options;
mod aws_vpc_dhcp_options_association;
mod aws_vpc_endpoint;
mod aws_vpc_endpoint_association;
mod aws_vpc_endpoint_route_table_association;
mod aws_vpc_ipv4_cidr_block_association;
mod aws_vpc_peering_connection;
mod aws_vpc_security_group_rule;
mod aws_vpn_gateway;
mod aws_vpn_gateway_attachment;

/// Everything the diff needs to know about one resource type.
#[derive(Debug)]
pub struct TypeRules {
    /// Terraform resource type.
    pub name: &'static str,
    /// The attributes the native AWS lister reads and the diff compares; nothing else is.
    pub compared: &'static [&'static str],
    /// Top-level attributes never compared: Terraform-only arguments, computed noise,
    /// write-only arguments.
    pub ignored: &'static [&'static str],
    /// Top-level attributes whose lists are sets (every list inside them is a set too).
    pub sets: &'static [&'static str],
    /// Top-level map attributes, where a key present on one side only is a change.
    pub maps: &'static [&'static str],
    /// Attributes compared only when the state holds a non-empty value.
    pub when_set: &'static [&'static str],
    /// Severity of a change at a path; `None` falls back to [`default_severity`].
    pub severity: fn(&AttrPath, &Value, &Value) -> Option<Severity>,
    /// Severity of an unmanaged resource of this type.
    pub unmanaged: Severity,
    /// Set for a type that is part of another the lister reads (a route of a route table, a
    /// rule of a security group): it is checked against that parent, with no call of its own.
    pub derived: Option<&'static derive::Derived>,
    /// How `codify` writes the type.
    pub codify: CodifyRules,
    /// True when the very existence of one outside Terraform (or a change to it) is a security
    /// question: who can reach, assume or route what.
    pub security: bool,
    /// Top-level attributes whose values are secrets whatever the provider's schema says (a
    /// Lambda function's environment holds connection strings and keys under any name): never
    /// shown in a report, a log or a snapshot, and never written by `codify`.
    pub secret: &'static [&'static str],
    /// The ID the lister gives the object a state object stands for, where Terraform's own ID
    /// depends on how the configuration was written (a record named `www` or in full); `None`,
    /// or a function returning `None`: the state's ID.
    pub match_id: Option<fn(&Resource) -> Option<String>>,
    /// The state's ID is one the lister gives no other object (an ARN): a listed object found
    /// under it is this one even when `match_id` gave another ID to look for first. False where
    /// a state ID can be another object's listed ID (a scaling policy literally named
    /// `workers/cpu` against group `workers`' policy `cpu`).
    pub state_id_unique: bool,
}

/// State attributes every reader keeps besides `compared`: identity and region.
pub const IDENTITY: &[&str] = &["id", "arn", "region", "availability_zone", "tags_all"];

/// Attributes of catalog types that are not compared but that the state reader must keep: they
/// say which parts of another resource this one manages (`diff::managed`), or what its
/// `match_id` reads.
pub const LINKS: &[(&str, &str)] = &[
    ("aws_instance", "network_interface"),
    ("aws_instance", "ebs_block_device"),
    ("aws_vpc_endpoint", "network_interface_ids"),
    ("aws_ami", "ebs_block_device"),
    ("aws_ami", "root_snapshot_id"),
    (
        "aws_main_route_table_association",
        "original_route_table_id",
    ),
    // The function whose resource policy holds the permission's statement (its listed ID).
    ("aws_lambda_permission", "function_name"),
    // Whether the subscription had an ARN yet when the state was written (its listed ID).
    ("aws_sns_topic_subscription", "pending_confirmation"),
];

/// The attributes a state reader must keep of a `rtype` resource, sorted: `None` for all.
///
/// Catalog types keep what is compared; every other type keeps everything, because it is read
/// through its provider (which compares every attribute) and may manage parts of another
/// resource (`aws_route`'s destination, a rule's ports).
pub fn kept(rtype: &str) -> Option<&'static [&'static str]> {
    static KEPT: OnceLock<HashMap<&'static str, Box<[&'static str]>>> = OnceLock::new();
    let kept = KEPT.get_or_init(|| {
        ALL.iter()
            .map(|r| {
                let mut keys: Vec<&'static str> = IDENTITY
                    .iter()
                    .chain(r.compared)
                    .copied()
                    .chain(LINKS.iter().filter(|(t, _)| *t == r.name).map(|(_, k)| *k))
                    .collect();
                keys.sort_unstable();
                keys.dedup();
                (r.name, keys.into_boxed_slice())
            })
            .collect()
    });
    kept.get(rtype).map(|k| &**k)
}

/// Attributes no type compares: Terraform meta arguments and bookkeeping.
pub const ALWAYS_IGNORED: &[&str] = &["id", "timeouts", "tags_all", "region"];

const ALL: &[&TypeRules] = &[
    &aws_instance::RULES,
    &aws_vpc::RULES,
    &aws_subnet::RULES,
    &aws_security_group::RULES,
    &aws_ebs_volume::RULES,
    &aws_internet_gateway::RULES,
    &aws_route_table::RULES,
    &aws_nat_gateway::RULES,
    &aws_eip::RULES,
    &aws_key_pair::RULES,
    &aws_network_interface::RULES,
    &aws_launch_template::RULES,
    &aws_route_table_association::RULES,
    &aws_route::RULES,
    &aws_security_group_rule::RULES,
    &aws_vpc_security_group_rule::INGRESS,
    &aws_vpc_security_group_rule::EGRESS,
    &aws_default_security_group::RULES,
    &aws_default_vpc::RULES,
    &aws_vpc_endpoint_route_table_association::RULES,
    &aws_default_route_table::RULES,
    &aws_eip_association::RULES,
    &aws_vpc_dhcp_options_association::RULES,
    &aws_network_interface_attachment::RULES,
    &aws_ec2_tag::RULES,
    &aws_iam_role::RULES,
    &aws_iam_policy::RULES,
    &aws_iam_instance_profile::RULES,
    &aws_iam_role_policy_attachment::RULES,
    &aws_vpc_dhcp_options::RULES,
    &aws_vpc_endpoint::RULES,
    &aws_spot_instance_request::RULES,
    &aws_volume_attachment::RULES,
    &aws_network_acl::RULES,
    &aws_default_network_acl::RULES,
    &aws_network_acl_rule::RULES,
    &aws_vpc_ipv4_cidr_block_association::RULES,
    &aws_egress_only_internet_gateway::RULES,
    &aws_flow_log::RULES,
    &aws_vpn_gateway::RULES,
    &aws_customer_gateway::RULES,
    &aws_vpc_peering_connection::RULES,
    &aws_ec2_transit_gateway::RULES,
    &aws_ec2_transit_gateway_route_table::RULES,
    &aws_ec2_transit_gateway_route_table::ROUTE,
    &aws_ec2_transit_gateway_route_table::ASSOCIATION,
    &aws_ec2_transit_gateway_vpc_attachment::RULES,
    &aws_ec2_managed_prefix_list::RULES,
    &aws_ebs_snapshot::RULES,
    &aws_ami::RULES,
    &aws_main_route_table_association::RULES,
    &aws_iam_user::RULES,
    &aws_iam_group::RULES,
    &aws_iam_openid_connect_provider::RULES,
    &aws_cloudwatch_log_group::RULES,
    &aws_cloudwatch_log_metric_filter::RULES,
    &aws_ecr_repository::RULES,
    &aws_ecr_policy::LIFECYCLE,
    &aws_ecr_policy::REPOSITORY,
    &aws_lambda_function::RULES,
    &aws_lambda_event_source_mapping::RULES,
    &aws_lb::RULES,
    &aws_lb::ALB,
    &aws_lb_target_group::RULES,
    &aws_lb_target_group::ALB,
    &aws_lb_listener::RULES,
    &aws_lb_listener::ALB,
    &aws_lb_listener_rule::RULES,
    &aws_lb_listener_rule::ALB,
    &aws_network_acl_association::RULES,
    &aws_default_subnet::RULES,
    &aws_vpc_endpoint_association::SUBNET,
    &aws_vpc_endpoint_association::SECURITY_GROUP,
    &aws_lambda_alias::RULES,
    &aws_lambda_permission::RULES,
    &aws_lambda_layer_version::RULES,
    &aws_vpn_gateway_attachment::RULES,
    &aws_lb_target_group_attachment::RULES,
    &aws_lb_target_group_attachment::ALB,
    &aws_sqs_queue::RULES,
    &aws_sqs_queue_policy::RULES,
    &aws_sqs_queue_policy::REDRIVE,
    &aws_sns_topic::RULES,
    &aws_sns_topic_policy::RULES,
    &aws_sns_topic_subscription::RULES,
    &aws_kms_key::RULES,
    &aws_kms_alias::RULES,
    &aws_autoscaling_group::RULES,
    &aws_autoscaling_attachment::RULES,
    &aws_autoscaling_policy::RULES,
    &aws_autoscaling_schedule::RULES,
    &aws_launch_configuration::RULES,
    &aws_route53_zone::RULES,
    &aws_route53_record::RULES,
    &aws_eks_cluster::RULES,
    &aws_eks_node_group::RULES,
    &aws_eks_addon::RULES,
    &aws_eks_fargate_profile::RULES,
    &aws_guardduty_detector::RULES,
    &aws_guardduty_member::RULES,
    &aws_guardduty_organization_configuration::RULES,
    &aws_guardduty_address_list::IPSET,
    &aws_guardduty_address_list::THREATINTELSET,
    &aws_guardduty_filter::RULES,
    &aws_guardduty_publishing_destination::RULES,
    &aws_guardduty_organization_admin_account::RULES,
    &aws_iam_principal_policy_attachment::USER,
    &aws_iam_principal_policy_attachment::GROUP,
    &aws_iam_inline_policy::ROLE,
    &aws_iam_inline_policy::USER,
    &aws_iam_inline_policy::GROUP,
    &aws_iam_user_group_membership::RULES,
    &aws_iam_service_linked_role::RULES,
    &aws_iam_policy_attachment::RULES,
];

/// Rules for a type the catalog does not know, read through its provider (`--live provider`):
/// every attribute is compared, `tags` key by key.
pub static GENERIC: TypeRules = TypeRules {
    name: "",
    compared: &[],
    ignored: &[],
    sets: &[],
    maps: &["tags"],
    when_set: &[],
    severity: |_, _, _| None,
    unmanaged: Severity::Medium,
    derived: None,
    codify: CodifyRules::NONE,
    security: false,
    secret: &[],
    match_id: None,
    state_id_unique: false,
};

/// How `codify` writes a type.
#[derive(Debug, Clone, Copy, Default)]
pub struct CodifyRules {
    /// The optional+computed arguments a person writes anyway: they say what the resource is
    /// (`ami`, `instance_type`, its network placement, a security group's rules).
    pub keep: &'static [&'static str],
    /// Arguments never written: state holds a derived form (`user_data` is stored hashed), or
    /// they conflict with the ones kept.
    pub skip: &'static [&'static str],
    /// List or set of object attributes written as repeated blocks (`ingress { … }`), the
    /// way people write them (Terraform's "attributes as blocks"); an empty one is written
    /// `name = []` so the configuration pins "none" rather than leaving it to the provider.
    pub blocks: &'static [&'static str],
    /// Optional bools written only when true: false is the provider's reading of "not set",
    /// and written out it needs arguments the provider requires beside it (a record's
    /// `multivalue_answer_routing_policy` needs a `set_identifier`).
    pub only_when_true: &'static [&'static str],
}

impl CodifyRules {
    /// No opinion: every argument the schema allows, written as the provider read it.
    pub const NONE: CodifyRules = CodifyRules {
        keep: &[],
        skip: &[],
        blocks: &[],
        only_when_true: &[],
    };
}

/// How `codify` writes `rtype` (nothing special for a type outside the catalog).
pub fn codify_rules(rtype: &str) -> CodifyRules {
    rules(rtype).map_or(CodifyRules::NONE, |r| r.codify)
}

/// True when `rtype`'s existence outside Terraform is a security question.
pub fn is_security_type(rtype: &str) -> bool {
    rules(rtype).is_some_and(|r| r.security)
}

/// The top-level attributes of `rtype` that are always secret ([`TypeRules::secret`]).
pub fn secret_attributes(rtype: &str) -> &'static [&'static str] {
    rules(rtype).map_or(&[], |r| r.secret)
}

/// [`secret_attributes`] as the paths a resource's `sensitive` marks hold.
pub fn secret_paths(rtype: &str) -> impl Iterator<Item = AttrPath> {
    secret_attributes(rtype).iter().map(|a| AttrPath::attr(a))
}

/// The ID the lister gives the object `state` stands for, when it is not the state's own
/// ([`TypeRules::match_id`]).
pub fn listed_id(state: &Resource) -> Option<String> {
    rules(&state.rtype)?.match_id?(state).filter(|id| *id != state.id)
}

/// The rules for a type, if the catalog knows it.
pub fn rules(rtype: &str) -> Option<&'static TypeRules> {
    ALL.iter().copied().find(|r| r.name == rtype)
}

/// Every type the catalog supports natively (listed, or checked against a listed parent), in
/// a stable order.
pub fn supported_types() -> Vec<&'static str> {
    ALL.iter().map(|r| r.name).collect()
}

/// The types the AWS lister lists with calls of their own (the others are derived).
pub fn listed_types() -> Vec<&'static str> {
    ALL.iter()
        .filter(|r| r.derived.is_none())
        .map(|r| r.name)
        .collect()
}

/// Severity when a type has no opinion: tags and descriptions are cosmetic.
pub fn default_severity(path: &AttrPath) -> Severity {
    match path.root() {
        Some("tags" | "description" | "tags_all") => Severity::Low,
        _ => Severity::Medium,
    }
}

/// A security group rule's protocol as the provider writes it: well-known numbers as names,
/// "all" as `-1`.
pub fn protocol_name(p: &str) -> &str {
    match p {
        "6" => "tcp",
        "17" => "udp",
        "1" => "icmp",
        "58" => "icmpv6",
        "all" => "-1",
        other => other,
    }
}

/// Splits a set element such as a security group rule into one element per source.
///
/// The provider groups rule sources by (protocol, ports, description), but how it groups them
/// depends on the order rules were added; one source per element is the stable form.
pub fn explode(v: &Value) -> Vec<Value> {
    let Value::Object(m) = v else {
        return vec![v.clone()];
    };
    let lists: Vec<&String> = m
        .iter()
        .filter(|(_, v)| matches!(v, Value::Array(a) if !a.is_empty() && a.iter().all(|x| !x.is_object())))
        .map(|(k, _)| k)
        .collect();
    let is_self = m.get("self") == Some(&Value::Bool(true));
    if lists.is_empty()
        || (lists.len() == 1 && !is_self && m[lists[0]].as_array().is_some_and(|a| a.len() == 1))
    {
        return vec![v.clone()];
    }
    let base: Map<String, Value> = m
        .iter()
        .filter(|(k, v)| !(v.is_array() && lists.contains(k)) && k.as_str() != "self")
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    let mut out = Vec::new();
    for k in &lists {
        for item in m[*k].as_array().into_iter().flatten() {
            let mut atom = base.clone();
            atom.insert((*k).clone(), Value::Array(vec![item.clone()]));
            out.push(Value::Object(atom));
        }
    }
    if is_self {
        let mut atom = base;
        atom.insert("self".into(), Value::Bool(true));
        out.push(Value::Object(atom));
    }
    out
}

/// Rules without an opinion on severity.
/// A type that is another's older name (`aws_alb` for `aws_lb`): checked against the object
/// the lister read under the newer one.
const fn alias(parents: &'static [&'static str]) -> derive::Derived {
    derive::Derived {
        parents,
        parent_id: |r| Some(r.id.clone()),
        derive: |_, parent| Some(parent.attributes.map().into_owned()),
        children: None,
    }
}

fn no_opinion(_: &AttrPath, _: &Value, _: &Value) -> Option<Severity> {
    None
}

/// True when a rule present in `live` and absent from `state` admits the whole IPv4 or IPv6
/// internet.
///
/// Each added rule is judged on its own: a group that already had one rule open to the world
/// and gains another (say 3389 next to 443) is newly exposed on that port. `state` and `live`
/// are sets of rules (or single values), compared element by element.
pub fn opens_to_world(state: &Value, live: &Value) -> bool {
    let elements = |v: &Value| match v {
        Value::Array(a) => a.clone(),
        Value::Null => Vec::new(),
        other => vec![other.clone()],
    };
    let before = elements(state);
    elements(live)
        .iter()
        .filter(|rule| !before.contains(rule))
        .any(admits_world)
}

/// True when some string inside `v` is an "anywhere" CIDR.
fn admits_world(v: &Value) -> bool {
    match v {
        Value::String(s) => s == "0.0.0.0/0" || s == "::/0",
        Value::Array(a) => a.iter().any(admits_world),
        Value::Object(m) => m.values().any(admits_world),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn every_type_is_unique_and_found() {
        let types = supported_types();
        assert_eq!(types.len(), 114);
        for t in listed_types() {
            assert!(rules(t).unwrap().derived.is_none());
        }
        // Every derived type's parents are listed types.
        for r in ALL.iter().filter_map(|r| r.derived) {
            for p in r.parents {
                assert!(listed_types().contains(p), "{p}");
            }
        }
        for t in &types {
            assert_eq!(rules(t).unwrap().name, *t);
        }
        assert!(rules("aws_s3_bucket").is_none());
    }

    #[test]
    fn world_open_detection() {
        assert!(opens_to_world(
            &json!([{"cidr_blocks": ["10.0.0.0/8"]}]),
            &json!([{"cidr_blocks": ["10.0.0.0/8"]}, {"cidr_blocks": ["0.0.0.0/0"]}])
        ));
        assert!(!opens_to_world(
            &json!([{"cidr_blocks": ["0.0.0.0/0"]}]),
            &json!([{"cidr_blocks": ["0.0.0.0/0"]}])
        ));
        // A group already open to the world on 443 that opens 3389 too: judged per rule.
        let https = json!({"cidr_blocks": ["0.0.0.0/0"], "from_port": 443, "to_port": 443});
        let rdp = json!({"cidr_blocks": ["0.0.0.0/0"], "from_port": 3389, "to_port": 3389});
        assert!(opens_to_world(
            &json!([https.clone()]),
            &json!([https.clone(), rdp])
        ));
        // A rule removed, or one added from a private range, is not a new exposure.
        let private = json!({"cidr_blocks": ["10.0.0.0/8"], "from_port": 22, "to_port": 22});
        assert!(!opens_to_world(&json!([https.clone()]), &json!([])));
        assert!(!opens_to_world(
            &json!([https.clone()]),
            &json!([https, private])
        ));
    }
}
