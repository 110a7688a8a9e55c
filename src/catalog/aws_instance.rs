//! `aws_instance`.

use serde_json::Value;

use super::{CodifyRules, TypeRules};
use crate::model::{AttrPath, Severity};

/// Rules for EC2 instances.
pub(super) const RULES: TypeRules = TypeRules {
    name: "aws_instance",
    compared: &[
        "ami",
        "instance_type",
        "instance_state",
        "availability_zone",
        "tenancy",
        "subnet_id",
        "key_name",
        "private_ip",
        "ebs_optimized",
        "source_dest_check",
        "monitoring",
        "iam_instance_profile",
        "vpc_security_group_ids",
        "metadata_options",
        "tags",
        "root_block_device",
    ],
    // user_data, disable_api_termination, disable_api_stop and the shutdown behaviour need one
    // DescribeInstanceAttribute call each per instance: the bulk lister leaves them out of
    // `compared`, the provider path (`--live provider`) reads and compares them. Never
    // compared: Terraform-side arguments and values only AWS computes.
    ignored: &[
        "user_data_replace_on_change",
        "get_password_data",
        "password_data",
        "volume_tags",
        "primary_network_interface_id",
        // Volumes attached by `aws_volume_attachment` appear here on every read (Terraform's
        // docs advise ignore_changes for it); an out-of-band volume is reported as an
        // unmanaged `aws_ebs_volume` instead.
        "ebs_block_device",
    ],
    sets: &[
        "vpc_security_group_ids",
        "security_groups",
        "secondary_private_ips",
    ],
    maps: &["tags"],
    when_set: &[],
    severity,
    unmanaged: Severity::Medium,
    derived: None,
    codify: CodifyRules {
        keep: &[
            "ami",
            "instance_type",
            "subnet_id",
            "vpc_security_group_ids",
            "key_name",
        ],
        skip: &[
            "user_data",
            "user_data_base64",
            "security_groups",
            "network_interface",
            "ebs_block_device",
            "ephemeral_block_device",
            "root_block_device",
            "volume_tags",
            "cpu_core_count",
            "cpu_threads_per_core",
            "ipv6_address_count",
            "ipv6_addresses",
            "secondary_private_ips",
            "private_ip",
            "associate_public_ip_address",
            "launch_template",
            "source_dest_check",
            "get_password_data",
            "user_data_replace_on_change",
            "hibernation",
            "instance_initiated_shutdown_behavior",
        ],
        blocks: &[],
        only_when_true: &[],
    },
    security: false,
    secret: &[],
    match_id: None,
    state_id_unique: false,
};

fn severity(path: &AttrPath, _: &Value, _: &Value) -> Option<Severity> {
    match path.root()? {
        "vpc_security_group_ids"
        | "security_groups"
        | "iam_instance_profile"
        | "associate_public_ip_address"
        | "public_ip"
        | "metadata_options" => Some(Severity::High),
        _ => None,
    }
}
