//! `aws_security_group_rule`: one rule (one or more sources) of a security group, written as a
//! resource of its own as public modules do. Checked against its group as the lister read it.

use serde_json::{Map, Value};

use super::derive::{Derived, copy_from_state, number, text, texts};
use super::{CodifyRules, TypeRules, explode, protocol_name};
use crate::model::{Resource, Severity};

/// Rules for `aws_security_group_rule`.
pub(super) const RULES: TypeRules = TypeRules {
    name: "aws_security_group_rule",
    compared: &[
        "security_group_id",
        "type",
        "protocol",
        "from_port",
        "to_port",
        "cidr_blocks",
        "ipv6_cidr_blocks",
        "prefix_list_ids",
        "source_security_group_id",
        "self",
        "description",
    ],
    ignored: &[],
    sets: &["cidr_blocks", "ipv6_cidr_blocks", "prefix_list_ids"],
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

static DERIVED: Derived = Derived {
    parents: &["aws_security_group"],
    parent_id: |r| text(r, "security_group_id"),
    derive,
    children: None,
};

/// A security group rule reduced to one source: what a rule resource adds to its group, and
/// what one exploded element of a group's `ingress`/`egress` holds.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Atom {
    protocol: String,
    /// `None` for "all protocols", whose ports mean nothing (the API says -1 or 0).
    ports: Option<(i64, i64)>,
    /// (`cidr_blocks` | `ipv6_cidr_blocks` | `prefix_list_ids` | `security_groups` | `self`,
    /// value).
    source: (&'static str, String),
}

impl Atom {
    /// An atom of `protocol` and ports with one source.
    pub fn new(
        protocol: &str,
        from: Option<i64>,
        to: Option<i64>,
        source: (&'static str, String),
    ) -> Atom {
        let protocol = protocol_name(protocol).to_string();
        let ports = (protocol != "-1").then(|| (from.unwrap_or(0), to.unwrap_or(0)));
        Atom {
            protocol,
            ports,
            source,
        }
    }

    /// The source's value.
    fn value(&self) -> &str {
        &self.source.1
    }
}

/// A group ID without the `account/` prefix cross-account references carry.
pub fn group_id(s: &str) -> String {
    s.rsplit('/').next().unwrap_or(s).to_string()
}

/// The group, the side (`ingress`/`egress`) and the atoms a rule resource of either kind adds.
pub fn rule_atoms(r: &Resource) -> Option<(String, &'static str, Vec<Atom>)> {
    match r.rtype.as_str() {
        "aws_security_group_rule" => {
            let group = text(r, "security_group_id")?;
            let side = match text(r, "type")?.as_str() {
                "ingress" => "ingress",
                "egress" => "egress",
                _ => return None,
            };
            let protocol = text(r, "protocol").unwrap_or_default();
            let (from, to) = (number(r, "from_port"), number(r, "to_port"));
            let mut sources: Vec<(&'static str, String)> = Vec::new();
            for key in ["cidr_blocks", "ipv6_cidr_blocks", "prefix_list_ids"] {
                sources.extend(texts(r, key).into_iter().map(|v| (key, v)));
            }
            if let Some(g) = text(r, "source_security_group_id") {
                sources.push(("security_groups", group_id(&g)));
            }
            if r.attributes.get("self").as_deref() == Some(&Value::Bool(true)) {
                sources.push(("self", String::new()));
            }
            let atoms = sources
                .into_iter()
                .map(|s| Atom::new(&protocol, from, to, s))
                .collect();
            Some((group, side, atoms))
        }
        "aws_vpc_security_group_ingress_rule" | "aws_vpc_security_group_egress_rule" => {
            super::aws_vpc_security_group_rule::atoms(r)
        }
        _ => None,
    }
}

/// The one source of an exploded element of a group's `ingress`/`egress`, as an [`Atom`].
pub fn element_atom(e: &Value) -> Option<Atom> {
    let source = if e["self"] == Value::Bool(true) {
        ("self", String::new())
    } else {
        [
            "cidr_blocks",
            "ipv6_cidr_blocks",
            "prefix_list_ids",
            "security_groups",
        ]
        .into_iter()
        .find_map(|k| {
            let v = e[k].as_array()?.first()?.as_str()?;
            let v = match k {
                "security_groups" => group_id(v),
                _ => v.to_string(),
            };
            Some((k, v))
        })?
    };
    Some(Atom::new(
        e["protocol"].as_str().unwrap_or_default(),
        e["from_port"].as_i64(),
        e["to_port"].as_i64(),
        source,
    ))
}

/// The atoms a group shows on `side`, each with its description.
pub fn group_atoms(group: &Resource, side: &str) -> Vec<(Atom, Value)> {
    let rules = group.attributes.get(side);
    rules
        .as_deref()
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .flat_map(explode)
        .filter_map(|e| Some((element_atom(&e)?, e["description"].clone())))
        .collect()
}

/// The rule as its group shows it: the sources still there (none: the rule is gone), the
/// description the group holds for them.
fn derive(s: &Resource, group: &Resource) -> Option<Map<String, Value>> {
    let (_, side, atoms) = rule_atoms(s)?;
    let live = group_atoms(group, side);
    let found: Vec<(&Atom, &Value)> = atoms
        .iter()
        .filter_map(|a| live.iter().find(|(l, _)| l == a).map(|(_, d)| (a, d)))
        .collect();
    let (_, description) = found.first()?;
    let mut m = Map::new();
    copy_from_state(
        s,
        &[
            "security_group_id",
            "type",
            "protocol",
            "from_port",
            "to_port",
            "source_security_group_id",
        ],
        &mut m,
    );
    for key in ["cidr_blocks", "ipv6_cidr_blocks", "prefix_list_ids"] {
        let kept: Vec<&str> = found
            .iter()
            .filter(|(a, _)| a.source.0 == key)
            .map(|(a, _)| a.value())
            .collect();
        m.insert(key.into(), serde_json::json!(kept));
    }
    let has_self = found.iter().any(|(a, _)| a.source.0 == "self");
    if s.attributes.get("self").is_some() {
        m.insert("self".into(), Value::Bool(has_self));
    }
    m.insert(
        "description".into(),
        match description {
            Value::Null => Value::String(String::new()),
            d => (*d).clone(),
        },
    );
    Some(m)
}
