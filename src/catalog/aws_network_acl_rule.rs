//! `aws_network_acl_rule`: one entry of a network ACL, written as a resource of its own as the
//! public VPC module does. Checked against its ACL as the lister read it; its entry is the
//! rule's, not the ACL's (`diff::managed`).

use serde_json::{Map, Value, json};

use super::aws_network_acl::protocol_number;
use super::derive::{Derived, copy_from_state, number, text};
use super::{CodifyRules, TypeRules};
use crate::model::{Resource, Severity};

/// Rules for `aws_network_acl_rule`.
pub(super) const RULES: TypeRules = TypeRules {
    name: "aws_network_acl_rule",
    compared: &[
        "network_acl_id",
        "egress",
        "rule_number",
        "rule_action",
        "protocol",
        "cidr_block",
        "ipv6_cidr_block",
        "from_port",
        "to_port",
        "icmp_type",
        "icmp_code",
    ],
    ignored: &[],
    sets: &[],
    maps: &[],
    when_set: &[],
    severity: |_, _, _| Some(Severity::High),
    unmanaged: Severity::Medium,
    derived: Some(&DERIVED),
    codify: CodifyRules::NONE,
    security: true,
    secret: &[],
    match_id: None,
    state_id_unique: false,
};

static DERIVED: Derived = Derived {
    parents: &["aws_network_acl"],
    parent_id: |r| text(r, "network_acl_id"),
    derive,
    children: None,
};

/// True when the state says the rule is an egress rule.
pub fn is_egress(r: &Resource) -> bool {
    match r.attributes.get("egress").as_deref() {
        Some(Value::Bool(b)) => *b,
        Some(Value::String(s)) => s == "true",
        _ => false,
    }
}

fn derive(s: &Resource, acl: &Resource) -> Option<Map<String, Value>> {
    let rule_no = number(s, "rule_number")?;
    let side = if is_egress(s) { "egress" } else { "ingress" };
    let entries = acl.attributes.get(side)?.into_owned();
    let entry = entries
        .as_array()?
        .iter()
        .find(|e| e["rule_no"].as_i64() == Some(rule_no))?
        .clone();
    let mut m = Map::new();
    copy_from_state(s, &["network_acl_id", "egress", "rule_number"], &mut m);
    m.insert("rule_action".into(), entry["action"].clone());
    // The state keeps the protocol as written when it names the same number.
    let live_protocol = entry["protocol"].as_str().unwrap_or_default();
    let state_protocol = text(s, "protocol").unwrap_or_default();
    m.insert(
        "protocol".into(),
        json!(if protocol_number(&state_protocol) == live_protocol {
            state_protocol.as_str()
        } else {
            live_protocol
        }),
    );
    for key in ["cidr_block", "ipv6_cidr_block", "from_port", "to_port"] {
        m.insert(key.into(), entry[key].clone());
    }
    // ICMP type and code mean something only for ICMP; elsewhere the state's value (often null)
    // stands.
    if matches!(live_protocol, "1" | "58") {
        m.insert("icmp_type".into(), entry["icmp_type"].clone());
        m.insert("icmp_code".into(), entry["icmp_code"].clone());
    } else {
        copy_from_state(s, &["icmp_type", "icmp_code"], &mut m);
    }
    Some(m)
}
