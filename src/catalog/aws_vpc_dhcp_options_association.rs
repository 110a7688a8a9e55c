//! `aws_vpc_dhcp_options_association`: which DHCP options a VPC uses. Checked against the VPC
//! as the lister read it.

use serde_json::{Map, Value};

use super::derive::{Derived, text};
use super::{CodifyRules, TypeRules};
use crate::model::{Resource, Severity};

/// Rules for `aws_vpc_dhcp_options_association`.
pub(super) const RULES: TypeRules = TypeRules {
    name: "aws_vpc_dhcp_options_association",
    compared: &["vpc_id", "dhcp_options_id"],
    ignored: &[],
    sets: &[],
    maps: &[],
    when_set: &[],
    // DNS servers decide where names resolve.
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
    parents: &["aws_vpc"],
    parent_id: |r| text(r, "vpc_id"),
    derive,
    children: None,
};

fn derive(_: &Resource, vpc: &Resource) -> Option<Map<String, Value>> {
    let mut m = Map::new();
    m.insert("vpc_id".into(), Value::String(vpc.id.clone()));
    m.insert(
        "dhcp_options_id".into(),
        Value::String(text(vpc, "dhcp_options_id").unwrap_or_default()),
    );
    Some(m)
}
