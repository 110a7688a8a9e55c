//! `aws_volume_attachment`: a volume attached to an instance at a device. Checked against the
//! volume's attachments as the lister read them; no call of its own. An attachment of a
//! volume the state manages that no state object makes was made by hand: it is unmanaged,
//! under its import ID `DEVICE:VOLUME:INSTANCE` (a volume an instance was launched with is
//! the instance's).

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
    secret: &[],
    match_id: None,
    state_id_unique: false,
};

static DERIVED: Derived = Derived {
    parents: &["aws_ebs_volume"],
    parent_id: |r| text(r, "volume_id"),
    derive,
    children: Some(Children {
        of: attachments,
        claimed_by: &[
            ("aws_volume_attachment", |s| {
                match (
                    text(s, "device_name"),
                    text(s, "volume_id"),
                    text(s, "instance_id"),
                ) {
                    (Some(d), Some(v), Some(i)) => vec![import_id(&d, &v, &i)],
                    _ => Vec::new(),
                }
            }),
            ("aws_instance", launched_with),
        ],
    }),
};

/// The volumes an instance was launched with are attached by the instance itself, even when
/// one of them is also managed as an `aws_ebs_volume`.
fn launched_with(instance: &Resource) -> Vec<String> {
    let members = instance.attributes.members();
    ["root_block_device", "ebs_block_device"]
        .iter()
        .filter_map(|k| members.get(k))
        .flat_map(|devices| {
            devices
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|d| {
                    let (device, volume) = (d["device_name"].as_str()?, d["volume_id"].as_str()?);
                    (!volume.is_empty()).then(|| import_id(device, volume, &instance.id))
                })
                .collect::<Vec<_>>()
        })
        .collect()
}

/// Terraform's import ID of an attachment.
fn import_id(device: &str, volume: &str, instance: &str) -> String {
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
