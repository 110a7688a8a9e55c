//! `aws_volume_attachment`: a volume attached to an instance at a device. Checked against the
//! volume's attachments as the lister read them; no call of its own. An attachment of a
//! volume the state manages that no state object makes was made by hand: it is unmanaged,
//! under its import ID `DEVICE:VOLUME:INSTANCE` (a volume an instance was launched with is
//! the instance's, `diff::managed`).

use serde_json::{Map, Value};

use super::derive::{Child, Children, Derived, text};
use super::{CodifyRules, TypeRules};
use crate::model::{Resource, Severity};

/// Rules for `aws_volume_attachment`.
pub(super) const RULES: TypeRules = TypeRules {
    name: "aws_volume_attachment",
    compared: &["device_name", "instance_id", "volume_id"],
    ignored: &[
        "force_detach",
        "skip_destroy",
        "stop_instance_before_detaching",
    ],
    sets: &[],
    maps: &[],
    when_set: &[],
    severity: |_, _, _| Some(Severity::Medium),
    unmanaged: Severity::Low,
    derived: Some(&DERIVED),
    codify: CodifyRules::NONE,
    security: false,
};

static DERIVED: Derived = Derived {
    parents: &["aws_ebs_volume"],
    parent_id: |r| text(r, "volume_id"),
    derive,
    children: Some(Children {
        of: attachments,
        claimed: |s| {
            Some(import_id(
                &text(s, "device_name")?,
                &text(s, "volume_id")?,
                &text(s, "instance_id")?,
            ))
        },
    }),
};

/// Terraform's import ID of an attachment.
pub(crate) fn import_id(device: &str, volume: &str, instance: &str) -> String {
    format!("{device}:{volume}:{instance}")
}

/// Every attachment the listed volume has.
fn attachments(volume: &Resource) -> Vec<Child> {
    let Some(list) = volume.attributes.get("_attachments") else {
        return Vec::new();
    };
    list.as_array()
        .into_iter()
        .flatten()
        .filter_map(|a| {
            let (instance, device) = (a["instance_id"].as_str()?, a["device"].as_str()?);
            let mut m = Map::new();
            m.insert("device_name".into(), Value::String(device.into()));
            m.insert("instance_id".into(), Value::String(instance.into()));
            m.insert("volume_id".into(), Value::String(volume.id.clone()));
            Some((import_id(device, &volume.id, instance), m))
        })
        .collect()
}

/// The attachment as the volume shows it. The attachment's identity is the instance and the
/// device: a volume attached elsewhere (or nowhere) no longer has this one.
fn derive(s: &Resource, volume: &Resource) -> Option<Map<String, Value>> {
    let (instance, device) = (text(s, "instance_id")?, text(s, "device_name")?);
    let attachments = volume.attributes.get("_attachments")?;
    let found = attachments.as_array()?.iter().any(|a| {
        a["instance_id"].as_str() == Some(instance.as_str())
            && a["device"].as_str() == Some(device.as_str())
    });
    if !found {
        return None;
    }
    let mut m = Map::new();
    m.insert("device_name".into(), Value::String(device));
    m.insert("instance_id".into(), Value::String(instance));
    m.insert("volume_id".into(), Value::String(volume.id.clone()));
    Some(m)
}
