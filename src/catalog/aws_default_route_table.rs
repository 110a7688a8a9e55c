//! `aws_default_route_table`: a VPC's main route table adopted into Terraform. The lister
//! reads it as the `aws_route_table` it is.

use serde_json::{Map, Value};

use super::derive::Derived;
use super::{CodifyRules, TypeRules};
use crate::model::{Resource, Severity};

/// Rules for `aws_default_route_table`.
pub(super) const RULES: TypeRules = TypeRules {
    name: "aws_default_route_table",
    compared: &["vpc_id", "owner_id", "route", "propagating_vgws", "tags"],
    ignored: &[],
    sets: &["route", "propagating_vgws"],
    maps: &["tags"],
    when_set: &[],
    severity: super::aws_route_table::severity,
    unmanaged: Severity::Medium,
    derived: Some(&DERIVED),
    codify: CodifyRules::NONE,
    security: false,
    secret: &[],
    match_id: None,
    state_id_unique: false,
};

static DERIVED: Derived = Derived {
    parents: &["aws_route_table"],
    parent_id: |r| Some(r.id.clone()),
    derive,
    children: None,
};

fn derive(_: &Resource, table: &Resource) -> Option<Map<String, Value>> {
    Some(table.attributes.map().into_owned())
}
