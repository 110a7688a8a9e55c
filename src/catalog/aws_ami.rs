//! `aws_ami`: an image the account registered. Images AWS makes on a schedule (`aws:` tags)
//! are never unmanaged; the snapshots behind an image are its own (`diff::managed`).

use super::{CodifyRules, TypeRules};
use crate::model::Severity;

/// Rules for images.
pub(super) const RULES: TypeRules = TypeRules {
    name: "aws_ami",
    compared: &[
        "name",
        "description",
        "architecture",
        "virtualization_type",
        "root_device_name",
        "ena_support",
        "sriov_net_support",
        "boot_mode",
        "imds_support",
        "tpm_support",
        "public",
        "owner_id",
        "tags",
    ],
    ignored: &["manage_ebs_snapshots", "uefi_data"],
    sets: &[],
    maps: &["tags"],
    when_set: &[
        "architecture",
        "virtualization_type",
        "sriov_net_support",
        "boot_mode",
        "imds_support",
        "tpm_support",
    ],
    // A public image is readable by every account.
    severity: |p, _, live| {
        (p.root()? == "public" && live.as_bool() == Some(true)).then_some(Severity::High)
    },
    unmanaged: Severity::Low,
    derived: None,
    codify: CodifyRules::NONE,
    security: false,
    secret: &[],
    match_id: None,
    state_id_unique: false,
};
