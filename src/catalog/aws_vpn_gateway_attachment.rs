//! `aws_vpn_gateway_attachment`: a virtual private gateway attached to a VPC by its own
//! resource. Checked against the gateway's `vpc_id` as the lister read it (the attached VPC);
//! the gateway's own copy of it is judged here (`diff::managed`).

use serde_json::{Map, Value};

use super::derive::{Derived, text};
use super::{CodifyRules, TypeRules};
use crate::model::{Resource, Severity};

/// Rules for `aws_vpn_gateway_attachment`.
pub(super) const RULES: TypeRules = TypeRules {
    name: "aws_vpn_gateway_attachment",
    compared: &["vpn_gateway_id", "vpc_id"],
    ignored: &[],
    sets: &[],
    maps: &[],
    when_set: &[],
    // Which network the VPN reaches.
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
    parents: &["aws_vpn_gateway"],
    parent_id: |r| text(r, "vpn_gateway_id"),
    derive,
    children: None,
};

fn derive(state: &Resource, gateway: &Resource) -> Option<Map<String, Value>> {
    let vpc = text(state, "vpc_id")?;
    (text(gateway, "vpc_id")? == vpc).then(|| {
        let mut m = Map::new();
        m.insert("vpn_gateway_id".into(), Value::String(gateway.id.clone()));
        m.insert("vpc_id".into(), Value::String(vpc));
        m
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_attachment_is_there_while_the_gateway_is_attached_to_the_vpc() {
        let mut state = Resource::live(RULES.name, "vpn-attachment-1", "us-east-1");
        *state.attributes.make_mut() = json!({"vpn_gateway_id": "vgw-1", "vpc_id": "vpc-2"})
            .as_object()
            .unwrap()
            .clone();
        let mut gateway = Resource::live("aws_vpn_gateway", "vgw-1", "us-east-1");
        gateway
            .attributes
            .make_mut()
            .insert("vpc_id".into(), json!("vpc-2"));
        assert!(derive(&state, &gateway).is_some());
        gateway
            .attributes
            .make_mut()
            .insert("vpc_id".into(), json!(""));
        assert!(derive(&state, &gateway).is_none());
    }
}
