//! `aws_vpc_security_group_ingress_rule` and `aws_vpc_security_group_egress_rule`: one rule
//! with one source each (the provider's newer rule resources). Checked against the group as the
//! lister read it.

use serde_json::{Map, Value};

use super::aws_security_group_rule::{Atom, group_atoms, group_id};
use super::derive::{Derived, copy_from_state, number, text};
use super::{CodifyRules, TypeRules};
use crate::model::{Resource, Severity};

const COMPARED: &[&str] = &[
    "security_group_id",
    "ip_protocol",
    "from_port",
    "to_port",
    "cidr_ipv4",
    "cidr_ipv6",
    "prefix_list_id",
    "referenced_security_group_id",
    "description",
];

/// Rules for `aws_vpc_security_group_ingress_rule`.
pub(super) const INGRESS: TypeRules = TypeRules {
    name: "aws_vpc_security_group_ingress_rule",
    compared: COMPARED,
    ignored: &[],
    sets: &[],
    maps: &[],
    when_set: &[],
    severity: |_, _, _| None,
    unmanaged: Severity::Medium,
    derived: Some(&DERIVED),
    codify: CodifyRules::NONE,
    security: true,
    secret: &[],
    match_id: None,
    state_id_unique: false,
};

/// Rules for `aws_vpc_security_group_egress_rule`.
pub(super) const EGRESS: TypeRules = TypeRules {
    name: "aws_vpc_security_group_egress_rule",
    ..INGRESS
};

static DERIVED: Derived = Derived {
    parents: &["aws_security_group"],
    parent_id: |r| text(r, "security_group_id"),
    derive,
    children: None,
};

/// The group, side and one atom of a rule of either kind.
pub(super) fn atoms(r: &Resource) -> Option<(String, &'static str, Vec<Atom>)> {
    let group = text(r, "security_group_id")?;
    let side = if r.rtype.ends_with("ingress_rule") {
        "ingress"
    } else {
        "egress"
    };
    let source = if let Some(c) = text(r, "cidr_ipv4") {
        ("cidr_blocks", c)
    } else if let Some(c) = text(r, "cidr_ipv6") {
        ("ipv6_cidr_blocks", c)
    } else if let Some(p) = text(r, "prefix_list_id") {
        ("prefix_list_ids", p)
    } else {
        let g = group_id(&text(r, "referenced_security_group_id")?);
        if g == group {
            ("self", String::new())
        } else {
            ("security_groups", g)
        }
    };
    let atom = Atom::new(
        &text(r, "ip_protocol").unwrap_or_default(),
        number(r, "from_port"),
        number(r, "to_port"),
        source,
    );
    Some((group, side, vec![atom]))
}

fn derive(s: &Resource, group: &Resource) -> Option<Map<String, Value>> {
    let (_, side, atoms) = atoms(s)?;
    let (_, description) = group_atoms(group, side)
        .into_iter()
        .find(|(a, _)| *a == atoms[0])?;
    let mut m = Map::new();
    copy_from_state(s, COMPARED, &mut m);
    m.insert(
        "description".into(),
        match description {
            Value::Null => Value::String(String::new()),
            d => d,
        },
    );
    Some(m)
}
