//! `aws_default_subnet`: a default VPC's subnet in one zone, adopted into Terraform. The lister
//! reads it as the `aws_subnet` it is (AWS's own, never unmanaged).

use serde_json::{Map, Value};

use super::derive::Derived;
use super::{CodifyRules, TypeRules, no_opinion};
use crate::model::{Resource, Severity};

/// Rules for `aws_default_subnet`: those of `aws_subnet`, and Terraform's own arguments.
pub(super) const RULES: TypeRules = TypeRules {
    name: "aws_default_subnet",
    compared: super::aws_subnet::RULES.compared,
    ignored: &[
        "force_destroy",
        "existing_default_subnet",
        "availability_zone_id",
        "ipv6_native",
    ],
    sets: &[],
    maps: &["tags"],
    when_set: &[],
    severity: no_opinion,
    unmanaged: Severity::Medium,
    derived: Some(&DERIVED),
    codify: CodifyRules::NONE,
    security: false,
    secret: &[],
    match_id: None,
};

static DERIVED: Derived = Derived {
    parents: &["aws_subnet"],
    parent_id: |r| Some(r.id.clone()),
    derive,
    children: None,
};

fn derive(_: &Resource, subnet: &Resource) -> Option<Map<String, Value>> {
    Some(subnet.attributes.map().into_owned())
}
