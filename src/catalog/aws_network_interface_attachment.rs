//! `aws_network_interface_attachment`: an interface attached to an instance. Checked against
//! the interface as the lister read it.

use serde_json::{Map, Value};

use super::derive::{Derived, text};
use super::{CodifyRules, TypeRules};
use crate::model::{Resource, Severity};

/// Rules for `aws_network_interface_attachment`.
pub(super) const RULES: TypeRules = TypeRules {
    name: "aws_network_interface_attachment",
    compared: &["network_interface_id", "instance_id", "device_index"],
    ignored: &[],
    sets: &[],
    maps: &[],
    when_set: &[],
    severity: |_, _, _| None,
    unmanaged: Severity::Medium,
    derived: Some(&DERIVED),
    codify: CodifyRules::NONE,
    security: false,
    secret: &[],
    match_id: None,
    state_id_unique: false,
};

static DERIVED: Derived = Derived {
    parents: &["aws_network_interface"],
    parent_id: |r| text(r, "network_interface_id"),
    derive,
    children: None,
};

/// The attachment as the interface shows it; detached (or attached anew, under another
/// attachment ID) means this one is gone.
fn derive(s: &Resource, eni: &Resource) -> Option<Map<String, Value>> {
    let attachment = eni.attributes.get("attachment")?;
    let att = attachment.as_array()?.first()?;
    if att["attachment_id"].as_str().is_some_and(|id| id != s.id) {
        return None;
    }
    let mut m = Map::new();
    m.insert("network_interface_id".into(), Value::String(eni.id.clone()));
    m.insert("instance_id".into(), att["instance"].clone());
    m.insert("device_index".into(), att["device_index"].clone());
    Some(m)
}
