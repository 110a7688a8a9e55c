//! `aws_main_route_table_association`: which route table is a VPC's main one. Checked against
//! that table as the lister read it (its main association, kept aside as `_main`); the table
//! that was main before is the VPC's own, never unmanaged (`diff::managed`).

use serde_json::{Map, Value, json};

use super::derive::{Derived, text};
use super::{CodifyRules, TypeRules};
use crate::model::{Resource, Severity};

/// Rules for `aws_main_route_table_association`.
pub(super) const RULES: TypeRules = TypeRules {
    name: "aws_main_route_table_association",
    compared: &["vpc_id", "route_table_id"],
    ignored: &["original_route_table_id"],
    sets: &[],
    maps: &[],
    when_set: &[],
    // Every subnet without an association of its own routes through the main table.
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
    parents: &["aws_route_table"],
    parent_id: |r| text(r, "route_table_id"),
    derive,
    children: None,
};

/// The association exists while the table is still its VPC's main one, under the same ID.
fn derive(s: &Resource, table: &Resource) -> Option<Map<String, Value>> {
    let main = text(table, "_main")?;
    if main != s.id {
        return None;
    }
    let mut m = Map::new();
    m.insert("vpc_id".into(), json!(text(table, "vpc_id")));
    m.insert("route_table_id".into(), json!(table.id));
    Some(m)
}
