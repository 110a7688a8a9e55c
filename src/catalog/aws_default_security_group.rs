//! `aws_default_security_group`: a VPC's default group adopted into Terraform. The lister
//! reads it as the `aws_security_group` it is.

use serde_json::{Map, Value};

use super::derive::Derived;
use super::{CodifyRules, TypeRules};
use crate::model::{Resource, Severity};

/// Rules for `aws_default_security_group`.
pub(super) const RULES: TypeRules = TypeRules {
    name: "aws_default_security_group",
    compared: &["vpc_id", "owner_id", "ingress", "egress", "tags"],
    ignored: &["revoke_rules_on_delete"],
    sets: &["ingress", "egress"],
    maps: &["tags"],
    when_set: &[],
    severity: super::aws_security_group::severity,
    unmanaged: Severity::Medium,
    derived: Some(&DERIVED),
    codify: CodifyRules::NONE,
    security: true,
    secret: &[],
    match_id: None,
    state_id_unique: false,
};

static DERIVED: Derived = Derived {
    parents: &["aws_security_group"],
    parent_id: |r| Some(r.id.clone()),
    derive,
    children: None,
};

fn derive(_: &Resource, group: &Resource) -> Option<Map<String, Value>> {
    Some(group.attributes.map().into_owned())
}
