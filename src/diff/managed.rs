//! Parts of one resource that another resource in the same state manages, and objects AWS
//! creates for a managed resource.
//!
//! Public modules write a route table's routes as `aws_route`, a security group's rules as
//! `aws_security_group_rule` / `aws_vpc_security_group_{ingress,egress}_rule`, a VPC's DHCP
//! options through an association. The parent's own state copy of such a part was written
//! before (or without) the child and goes stale; the live parent carries it. That difference
//! is not drift: the part is judged once, on the resource that manages it. What is left of the
//! parent once the managed parts are taken out of both sides is still compared, so a rule added
//! by hand to a group whose rules are separate resources is still found (on the group).

use std::collections::{HashMap, HashSet};

use serde_json::Value;

use crate::catalog::aws_network_acl_rule::is_egress;
use crate::catalog::aws_security_group_rule::{Atom, element_atom, rule_atoms};
use crate::catalog::derive::{number, text, texts};
use crate::catalog::explode;
use crate::model::Resource;

/// One part of an owner that a resource in the state manages.
#[derive(Debug, Clone, PartialEq)]
enum Cover {
    /// The whole attribute (`dhcp_options_id`, an interface's `attachment`).
    Attribute(&'static str),
    /// Elements of a list attribute whose member `key` has `value` (a route by destination).
    Element {
        attr: &'static str,
        key: &'static str,
        value: String,
    },
    /// One source of a security group rule (`ingress` or `egress`).
    Rule { attr: &'static str, atom: Atom },
    /// One key of a map attribute (a tag `aws_ec2_tag` manages).
    MapKey { attr: &'static str, key: String },
    /// One member of a list of strings (a subnet an ACL association puts in its ACL).
    Member { attr: &'static str, value: String },
}

/// What the state says other resources manage.
#[derive(Debug, Default)]
pub struct Managed {
    /// Owner ID → (owner type, part): keyed by ID alone so lookups need no allocation.
    covers: HashMap<String, Vec<(&'static str, Cover)>>,
    /// ID → type of objects AWS created for managed resources.
    created: HashMap<String, &'static str>,
}

const ROUTE_TABLES: &[&str] = &["aws_route_table", "aws_default_route_table"];
const GROUPS: &[&str] = &["aws_security_group", "aws_default_security_group"];
const ACLS: &[&str] = &["aws_network_acl", "aws_default_network_acl"];

impl Managed {
    /// Reads the relationships out of the state.
    pub fn from_state(state: &[Resource]) -> Managed {
        // Some types are read out of their attribute text (an instance's network interfaces):
        // on large states that is worth the cores. Parts are merged in state order, so the
        // result is the one a single pass builds.
        let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
        let chunk = state.len().div_ceil(threads).max(4096);
        let parts: Vec<Managed> = std::thread::scope(|scope| {
            let handles: Vec<_> = state
                .chunks(chunk)
                .map(|part| {
                    scope.spawn(move || {
                        let mut m = Managed::default();
                        part.iter().for_each(|r| m.read(r));
                        m
                    })
                })
                .collect();
            handles
                .into_iter()
                .map(|h| h.join().unwrap_or_else(|p| std::panic::resume_unwind(p)))
                .collect()
        });
        let mut m = Managed::default();
        for part in parts {
            for (id, covers) in part.covers {
                m.covers.entry(id).or_default().extend(covers);
            }
            m.created.extend(part.created);
        }
        m
    }

    fn add(&mut self, owners: &[&'static str], id: &str, cover: Cover) {
        let entry = self.covers.entry(id.to_string()).or_default();
        for owner in owners {
            entry.push((owner, cover.clone()));
        }
    }

    /// A part of whatever resource has ID `id` (tags: any type).
    fn add_any(&mut self, id: &str, cover: Cover) {
        self.covers
            .entry(id.to_string())
            .or_default()
            .push(("*", cover));
    }

    fn read(&mut self, r: &Resource) {
        match r.rtype.as_str() {
            "aws_route" => {
                let Some(table) = text(r, "route_table_id") else {
                    return;
                };
                for (from, key) in [
                    ("destination_cidr_block", "cidr_block"),
                    ("destination_ipv6_cidr_block", "ipv6_cidr_block"),
                    ("destination_prefix_list_id", "destination_prefix_list_id"),
                ] {
                    if let Some(value) = text(r, from) {
                        let cover = Cover::Element {
                            attr: "route",
                            key,
                            value,
                        };
                        self.add(ROUTE_TABLES, &table, cover);
                    }
                }
            }
            // An interface endpoint's network interfaces are the endpoint's (AWS marks them
            // requester-managed; not every API copy does).
            "aws_vpc_endpoint" => {
                for eni in texts(r, "network_interface_ids") {
                    self.created.insert(eni, "aws_network_interface");
                }
            }
            "aws_security_group_rule"
            | "aws_vpc_security_group_ingress_rule"
            | "aws_vpc_security_group_egress_rule" => {
                if let Some((group, attr, atoms)) = rule_atoms(r) {
                    for atom in atoms {
                        self.add(GROUPS, &group, Cover::Rule { attr, atom });
                    }
                }
            }
            // Tags one `aws_ec2_tag` manages on a resource of any type.
            "aws_ec2_tag" => {
                if let (Some(owner), Some(key)) = (text(r, "resource_id"), text(r, "key")) {
                    for attr in ["tags", "tags_all"] {
                        let cover = Cover::MapKey {
                            attr,
                            key: key.clone(),
                        };
                        self.add_any(&owner, cover);
                    }
                }
            }
            "aws_vpc_dhcp_options_association" => {
                if let Some(vpc) = text(r, "vpc_id") {
                    let cover = Cover::Attribute("dhcp_options_id");
                    self.add(&["aws_vpc", "aws_default_vpc"], &vpc, cover);
                }
            }
            // A route table associated with a gateway endpoint by its own resource: the
            // endpoint's copy of its tables was written without it.
            "aws_vpc_endpoint_route_table_association" => {
                if let (Some(endpoint), Some(table)) =
                    (text(r, "vpc_endpoint_id"), text(r, "route_table_id"))
                {
                    let cover = Cover::Member {
                        attr: "route_table_ids",
                        value: table,
                    };
                    self.add(&["aws_vpc_endpoint"], &endpoint, cover);
                }
            }
            // A subnet or a security group an interface endpoint is given by its own
            // resource: the endpoint's copy of its list was written without it.
            "aws_vpc_endpoint_subnet_association"
            | "aws_vpc_endpoint_security_group_association" => {
                let (attr, member) = match r.rtype.as_str() {
                    "aws_vpc_endpoint_subnet_association" => ("subnet_ids", "subnet_id"),
                    _ => ("security_group_ids", "security_group_id"),
                };
                if let (Some(endpoint), Some(value)) = (text(r, "vpc_endpoint_id"), text(r, member))
                {
                    self.add(
                        &["aws_vpc_endpoint"],
                        &endpoint,
                        Cover::Member { attr, value },
                    );
                }
            }
            "aws_network_interface_attachment" => {
                if let Some(eni) = text(r, "network_interface_id") {
                    let cover = Cover::Attribute("attachment");
                    self.add(&["aws_network_interface"], &eni, cover);
                }
            }
            // An instance launched with `network_interface { network_interface_id = … }`
            // attaches that interface: the interface's state, written before, says unattached.
            "aws_instance" => {
                let nics = r.attributes.get("network_interface");
                for nic in nics
                    .as_deref()
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                {
                    if let Some(eni) = nic["network_interface_id"].as_str() {
                        let cover = Cover::Attribute("attachment");
                        self.add(&["aws_network_interface"], eni, cover);
                    }
                }
            }
            "aws_eip_association" => {
                if let Some(eip) = text(r, "allocation_id") {
                    for attr in [
                        "instance",
                        "network_interface",
                        "private_ip",
                        "association_id",
                    ] {
                        self.add(&["aws_eip"], &eip, Cover::Attribute(attr));
                    }
                }
            }
            "aws_iam_role_policy_attachment" => {
                if let Some(role) = text(r, "role") {
                    let cover = Cover::Attribute("managed_policy_arns");
                    self.add(&["aws_iam_role"], &role, cover);
                }
            }
            "aws_iam_policy_attachment" => {
                for role in texts(r, "roles") {
                    let cover = Cover::Attribute("managed_policy_arns");
                    self.add(&["aws_iam_role"], &role, cover);
                }
            }
            "aws_iam_role_policy" => {
                if let Some(role) = text(r, "role") {
                    self.add(&["aws_iam_role"], &role, Cover::Attribute("inline_policy"));
                }
            }
            // An entry of a network ACL written as an `aws_network_acl_rule`.
            "aws_network_acl_rule" => {
                if let (Some(acl), Some(rule_no)) =
                    (text(r, "network_acl_id"), number(r, "rule_number"))
                {
                    let attr = if is_egress(r) { "egress" } else { "ingress" };
                    let cover = Cover::Element {
                        attr,
                        key: "rule_no",
                        value: rule_no.to_string(),
                    };
                    self.add(ACLS, &acl, cover);
                }
            }
            // A subnet put in an ACL by an association: the ACL's copy of its subnets was
            // written without it.
            "aws_network_acl_association" => {
                if let (Some(acl), Some(subnet)) = (text(r, "network_acl_id"), text(r, "subnet_id"))
                {
                    let cover = Cover::Member {
                        attr: "subnet_ids",
                        value: subnet,
                    };
                    self.add(ACLS, &acl, cover);
                }
            }
            // The table that was main before is the one AWS made with the VPC.
            "aws_main_route_table_association" => {
                if let Some(table) = text(r, "original_route_table_id") {
                    self.created.insert(table, "aws_route_table");
                }
            }
            "aws_vpn_gateway_attachment" => {
                if let Some(gateway) = text(r, "vpn_gateway_id") {
                    let cover = Cover::Attribute("vpc_id");
                    self.add(&["aws_vpn_gateway"], &gateway, cover);
                }
            }
            // The snapshots an image was registered from or made for itself are the image's.
            "aws_ami" | "aws_ami_copy" | "aws_ami_from_instance" => {
                let devices = r.attributes.get("ebs_block_device");
                let snapshots = devices
                    .as_deref()
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                    .filter_map(|d| d["snapshot_id"].as_str().map(String::from))
                    .chain(text(r, "root_snapshot_id"));
                for snapshot in snapshots.filter(|s| !s.is_empty()) {
                    self.created.insert(snapshot, "aws_ebs_snapshot");
                }
            }
            // A target group or classic load balancer attached to a group by its own resource:
            // the group's copy of its list was written without it.
            "aws_autoscaling_attachment" => {
                if let Some(group) = text(r, "autoscaling_group_name") {
                    let covers = [
                        ("target_group_arns", text(r, "lb_target_group_arn")),
                        ("load_balancers", text(r, "elb")),
                    ];
                    for (attr, value) in covers {
                        if let Some(value) = value.filter(|v| !v.is_empty()) {
                            let cover = Cover::Member { attr, value };
                            self.add(&["aws_autoscaling_group"], &group, cover);
                        }
                    }
                }
            }
            // A VPC associated with a private zone by its own resource: the zone's copy of its
            // VPCs was written without it.
            "aws_route53_zone_association" => {
                if let (Some(zone), Some(vpc)) = (text(r, "zone_id"), text(r, "vpc_id")) {
                    let cover = Cover::Element {
                        attr: "vpc",
                        key: "vpc_id",
                        value: vpc,
                    };
                    self.add(&["aws_route53_zone"], &zone, cover);
                }
            }
            // A queue's documents written as their own resources.
            "aws_sqs_queue_policy"
            | "aws_sqs_queue_redrive_policy"
            | "aws_sqs_queue_redrive_allow_policy" => {
                if let Some(queue) = text(r, "queue_url") {
                    let attr = match r.rtype.as_str() {
                        "aws_sqs_queue_policy" => "policy",
                        "aws_sqs_queue_redrive_policy" => "redrive_policy",
                        _ => "redrive_allow_policy",
                    };
                    self.add(&["aws_sqs_queue"], &queue, Cover::Attribute(attr));
                }
            }
            // A topic's policy written as its own resource.
            "aws_sns_topic_policy" => {
                if let Some(topic) = text(r, "arn") {
                    self.add(&["aws_sns_topic"], &topic, Cover::Attribute("policy"));
                }
            }
            // The same object under its older name: the state accounts for the one listed
            // under the newer.
            "aws_alb" | "aws_alb_target_group" | "aws_alb_listener" | "aws_alb_listener_rule" => {
                let listed = match r.rtype.as_str() {
                    "aws_alb" => "aws_lb",
                    "aws_alb_target_group" => "aws_lb_target_group",
                    "aws_alb_listener" => "aws_lb_listener",
                    _ => "aws_lb_listener_rule",
                };
                self.created.insert(r.id.clone(), listed);
            }
            // Keys Terraform manages under other types (a replica, imported key material):
            // ListKeys shows them as keys like any other.
            "aws_kms_replica_key" | "aws_kms_external_key" | "aws_kms_replica_external_key" => {
                self.created.insert(r.id.clone(), "aws_kms_key");
            }
            // The instance a fulfilled spot request launched is the request's, never unmanaged.
            "aws_spot_instance_request" => {
                if let Some(instance) = text(r, "spot_instance_id") {
                    self.created.insert(instance, "aws_instance");
                }
            }
            _ => {}
        }
    }

    /// True when AWS created the live object `(rtype, id)` for a resource in the state.
    pub fn created(&self, rtype: &str, id: &str) -> bool {
        self.created.get(id).is_some_and(|t| *t == rtype)
    }

    /// True when other resources manage parts of `(rtype, id)`.
    pub fn has_parts(&self, rtype: &str, id: &str) -> bool {
        self.covers
            .get(id)
            .is_some_and(|c| c.iter().any(|(t, _)| *t == rtype || *t == "*"))
    }

    /// `r` without the parts other resources manage (a copy; `r` itself when there are none).
    pub fn without_parts(&self, r: &Resource) -> Resource {
        let mut out = r.clone();
        let Some(all) = self.covers.get(&r.id) else {
            return out;
        };
        let covers: Vec<&Cover> = all
            .iter()
            .filter(|(t, _)| *t == r.rtype || *t == "*")
            .map(|(_, c)| c)
            .collect();
        let attrs = out.attributes.make_mut();
        for cover in &covers {
            match cover {
                Cover::Attribute(a) => {
                    attrs.remove(*a);
                }
                Cover::Element { attr, key, value } => {
                    if let Some(Value::Array(items)) = attrs.get_mut(*attr) {
                        items.retain(|e| !same_key(&e[*key], value));
                    }
                }
                Cover::MapKey { attr, key } => {
                    if let Some(Value::Object(m)) = attrs.get_mut(*attr) {
                        m.remove(key);
                    }
                }
                Cover::Member { attr, value } => {
                    if let Some(Value::Array(items)) = attrs.get_mut(*attr) {
                        items.retain(|v| v.as_str() != Some(value.as_str()));
                    }
                }
                Cover::Rule { .. } => {}
            }
        }
        for attr in ["ingress", "egress"] {
            let atoms: HashSet<&Atom> = covers
                .iter()
                .filter_map(|c| match c {
                    Cover::Rule { attr: a, atom } if *a == attr => Some(atom),
                    _ => None,
                })
                .collect();
            if atoms.is_empty() {
                continue;
            }
            if let Some(Value::Array(rules)) = attrs.get_mut(attr) {
                let kept: Vec<Value> = rules
                    .iter()
                    .flat_map(explode)
                    .filter(|e| element_atom(e).is_none_or(|a| !atoms.contains(&a)))
                    .collect();
                *rules = kept;
            }
        }
        out
    }
}

/// True when an element's key member is `value` (a string, or a number such as a rule number).
fn same_key(member: &Value, value: &str) -> bool {
    match member {
        Value::String(s) => s == value,
        Value::Number(n) => n.to_string() == value,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn res(rtype: &str, id: &str, attrs: Value) -> Resource {
        let mut r = Resource::live(rtype, id, "eu-west-1");
        r.attributes = attrs.as_object().unwrap().clone().into();
        r
    }

    #[test]
    fn separate_rules_are_taken_out_of_both_sides_and_the_rest_stays() {
        let state = vec![
            res(
                "aws_security_group_rule",
                "sgrule-1",
                json!({"security_group_id": "sg-1", "type": "ingress", "protocol": "6",
                       "from_port": 443, "to_port": 443, "cidr_blocks": ["10.0.0.0/8", "10.1.0.0/16"]}),
            ),
            res(
                "aws_security_group_rule",
                "sgrule-2",
                json!({"security_group_id": "sg-1", "type": "egress", "protocol": "-1",
                       "from_port": 0, "to_port": 0, "cidr_blocks": ["0.0.0.0/0"]}),
            ),
            res(
                "aws_vpc_security_group_ingress_rule",
                "sgr-3",
                json!({"security_group_id": "sg-1", "ip_protocol": "tcp", "from_port": 22,
                       "to_port": 22, "referenced_security_group_id": "sg-1"}),
            ),
        ];
        let m = Managed::from_state(&state);
        assert!(m.has_parts("aws_security_group", "sg-1"));
        let live = res(
            "aws_security_group",
            "sg-1",
            json!({
                "ingress": [
                    {"protocol": "tcp", "from_port": 443, "to_port": 443, "description": "",
                     "cidr_blocks": ["10.0.0.0/8", "10.1.0.0/16", "0.0.0.0/0"], "self": true},
                    {"protocol": "tcp", "from_port": 22, "to_port": 22, "cidr_blocks": [], "self": true}
                ],
                "egress": [{"protocol": "-1", "from_port": -1, "to_port": -1, "cidr_blocks": ["0.0.0.0/0"]}]
            }),
        );
        let cut = m.without_parts(&live);
        // What is left: the hand-made 0.0.0.0/0 on 443 and the self rule on 443.
        let ingress = cut.attributes.get("ingress").unwrap().into_owned();
        let ingress = ingress.as_array().unwrap();
        assert_eq!(ingress.len(), 2, "{ingress:?}");
        assert!(
            ingress
                .iter()
                .any(|e| e["cidr_blocks"] == json!(["0.0.0.0/0"]))
        );
        assert!(
            ingress
                .iter()
                .any(|e| e["self"] == json!(true) && e["from_port"] == 443)
        );
        assert_eq!(
            cut.attributes.get("egress").unwrap().into_owned(),
            json!([])
        );
        assert!(!m.has_parts("aws_security_group", "sg-2"));
    }

    #[test]
    fn routes_endpoints_and_whole_attributes() {
        let state = vec![
            res(
                "aws_route",
                "r-rtb-11080289494",
                json!({"route_table_id": "rtb-1", "destination_cidr_block": "0.0.0.0/0"}),
            ),
            res(
                "aws_vpc_endpoint",
                "vpce-1",
                json!({"route_table_ids": ["rtb-1"], "network_interface_ids": ["eni-7"]}),
            ),
            res(
                "aws_vpc_dhcp_options_association",
                "dopt-1-vpc-1",
                json!({"vpc_id": "vpc-1", "dhcp_options_id": "dopt-1"}),
            ),
            res(
                "aws_instance",
                "i-1",
                json!({"network_interface": [{"network_interface_id": "eni-1", "device_index": 0}]}),
            ),
            res(
                "aws_spot_instance_request",
                "sir-1",
                json!({"spot_instance_id": "i-9"}),
            ),
        ];
        let m = Managed::from_state(&state);
        let table = res(
            "aws_route_table",
            "rtb-1",
            json!({"route": [
                {"cidr_block": "0.0.0.0/0", "nat_gateway_id": "nat-1"},
                {"cidr_block": "192.168.0.0/16", "gateway_id": "igw-1"}
            ]}),
        );
        let cut = m.without_parts(&table);
        assert_eq!(
            cut.attributes.get("route").unwrap().into_owned(),
            json!([{"cidr_block": "192.168.0.0/16", "gateway_id": "igw-1"}])
        );
        let vpc = res(
            "aws_vpc",
            "vpc-1",
            json!({"dhcp_options_id": "dopt-1", "cidr_block": "10.0.0.0/16"}),
        );
        assert_eq!(
            m.without_parts(&vpc)
                .attributes
                .map()
                .keys()
                .collect::<Vec<_>>(),
            ["cidr_block"]
        );
        let eni = res("aws_network_interface", "eni-1", json!({"attachment": []}));
        assert!(m.without_parts(&eni).attributes.get("attachment").is_none());
        assert!(m.created("aws_instance", "i-9"));
        assert!(m.created("aws_network_interface", "eni-7"));
        assert!(!m.created("aws_instance", "i-1"));
    }

    #[test]
    fn objects_managed_under_another_name_are_accounted_for() {
        let state = vec![
            res("aws_alb", "arn:lb", json!({})),
            res("aws_kms_replica_key", "mrk-1", json!({})),
        ];
        let m = Managed::from_state(&state);
        assert!(m.created("aws_lb", "arn:lb"));
        assert!(m.created("aws_kms_key", "mrk-1"));
        assert!(!m.created("aws_kms_key", "arn:lb"));
    }

    #[test]
    fn attached_targets_and_associated_vpcs_are_taken_out_of_their_lists() {
        let state = vec![
            res(
                "aws_autoscaling_attachment",
                "workers-1",
                json!({"autoscaling_group_name": "workers", "lb_target_group_arn": "arn:tg/2"}),
            ),
            res(
                "aws_route53_zone_association",
                "Z1:vpc-2",
                json!({"zone_id": "Z1", "vpc_id": "vpc-2"}),
            ),
        ];
        let m = Managed::from_state(&state);
        let group = res(
            "aws_autoscaling_group",
            "workers",
            json!({"target_group_arns": ["arn:tg/1", "arn:tg/2"], "load_balancers": []}),
        );
        let cut = m.without_parts(&group);
        assert_eq!(
            cut.attributes
                .get("target_group_arns")
                .unwrap()
                .into_owned(),
            json!(["arn:tg/1"])
        );
        let zone = res(
            "aws_route53_zone",
            "Z1",
            json!({"vpc": [{"vpc_id": "vpc-1", "vpc_region": "us-east-1"},
                           {"vpc_id": "vpc-2", "vpc_region": "us-east-1"}]}),
        );
        let cut = m.without_parts(&zone);
        assert_eq!(
            cut.attributes.get("vpc").unwrap().into_owned(),
            json!([{"vpc_id": "vpc-1", "vpc_region": "us-east-1"}])
        );
    }

    #[test]
    fn acl_rules_are_taken_out_by_number_and_an_images_snapshots_are_its_own() {
        let state = vec![
            res(
                "aws_network_acl_rule",
                "nacl-1",
                json!({"network_acl_id": "acl-1", "rule_number": 100, "egress": false}),
            ),
            res(
                "aws_network_acl_association",
                "aclassoc-1",
                json!({"network_acl_id": "acl-1", "subnet_id": "subnet-9"}),
            ),
            res(
                "aws_ami",
                "ami-1",
                json!({"root_snapshot_id": "snap-1",
                       "ebs_block_device": [{"snapshot_id": "snap-2"}]}),
            ),
        ];
        let m = Managed::from_state(&state);
        let acl = res(
            "aws_network_acl",
            "acl-1",
            json!({
                "subnet_ids": ["subnet-1", "subnet-9"],
                "ingress": [{"rule_no": 100, "protocol": "6"}, {"rule_no": 200, "protocol": "6"}],
                "egress": [{"rule_no": 100, "protocol": "-1"}]
            }),
        );
        let cut = m.without_parts(&acl);
        assert_eq!(
            cut.attributes.get("ingress").unwrap().into_owned(),
            json!([{"rule_no": 200, "protocol": "6"}])
        );
        assert_eq!(
            cut.attributes.get("egress").unwrap().into_owned(),
            json!([{"rule_no": 100, "protocol": "-1"}])
        );
        assert_eq!(
            cut.attributes.get("subnet_ids").unwrap().into_owned(),
            json!(["subnet-1"])
        );
        assert!(m.created("aws_ebs_snapshot", "snap-1"));
        assert!(m.created("aws_ebs_snapshot", "snap-2"));
    }
}
