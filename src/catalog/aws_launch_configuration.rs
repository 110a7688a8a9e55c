//! `aws_launch_configuration`: listed with DescribeLaunchConfigurations. A configuration cannot
//! be changed once made, so what is compared says which one it is.

use serde_json::Value;

use super::{CodifyRules, TypeRules};
use crate::model::{AttrPath, Severity};

/// Rules for launch configurations.
pub(super) const RULES: TypeRules = TypeRules {
    name: "aws_launch_configuration",
    compared: &[
        "name",
        "image_id",
        "instance_type",
        "key_name",
        "security_groups",
        "iam_instance_profile",
        "ebs_optimized",
        "enable_monitoring",
        "placement_tenancy",
        "spot_price",
    ],
    // The state keeps a hash of the user data; AWS returns it whole.
    ignored: &["name_prefix", "user_data", "user_data_base64"],
    sets: &["security_groups"],
    maps: &[],
    when_set: &[
        "key_name",
        "iam_instance_profile",
        "placement_tenancy",
        "spot_price",
    ],
    severity,
    unmanaged: Severity::Low,
    derived: None,
    codify: CodifyRules {
        keep: &["name", "image_id", "instance_type"],
        skip: &["name_prefix", "user_data"],
        blocks: &[],
        only_when_true: &[],
    },
    security: false,
    secret: &[],
    match_id: None,
    state_id_unique: false,
};

/// The image, the network access and the role an instance starts with.
fn severity(path: &AttrPath, _: &Value, _: &Value) -> Option<Severity> {
    matches!(
        path.root()?,
        "image_id" | "security_groups" | "iam_instance_profile"
    )
    .then_some(Severity::High)
}
