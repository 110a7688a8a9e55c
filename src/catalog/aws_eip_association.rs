//! `aws_eip_association`: an Elastic IP associated with an instance or interface. Checked
//! against the address as the lister read it.

use serde_json::{Map, Value};

use super::derive::{Derived, text};
use super::{CodifyRules, TypeRules};
use crate::model::{Resource, Severity};

/// Rules for `aws_eip_association`.
pub(super) const RULES: TypeRules = TypeRules {
    name: "aws_eip_association",
    compared: &[
        "allocation_id",
        "instance_id",
        "network_interface_id",
        "private_ip_address",
    ],
    ignored: &[],
    sets: &[],
    maps: &[],
    when_set: &["instance_id", "network_interface_id", "private_ip_address"],
    severity: |_, _, _| Some(Severity::High),
    unmanaged: Severity::Medium,
    derived: Some(&DERIVED),
    codify: CodifyRules::NONE,
    security: false,
    secret: &[],
    match_id: None,
    state_id_unique: false,
};

static DERIVED: Derived = Derived {
    parents: &["aws_eip"],
    parent_id: |r| text(r, "allocation_id"),
    derive,
    children: None,
};

/// The association as the address shows it; another association ID means this one is gone.
fn derive(s: &Resource, eip: &Resource) -> Option<Map<String, Value>> {
    if text(eip, "association_id")? != s.id {
        return None;
    }
    let mut m = Map::new();
    m.insert("allocation_id".into(), Value::String(eip.id.clone()));
    for (to, from) in [
        ("instance_id", "instance"),
        ("network_interface_id", "network_interface"),
        ("private_ip_address", "private_ip"),
    ] {
        m.insert(
            to.into(),
            Value::String(text(eip, from).unwrap_or_default()),
        );
    }
    Some(m)
}
