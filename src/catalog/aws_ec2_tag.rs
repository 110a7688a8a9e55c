//! `aws_ec2_tag`: one tag on an EC2 resource Terraform may not otherwise manage. Checked
//! against the tagged resource as the lister read it.

use serde_json::{Map, Value};

use super::derive::{Derived, text};
use super::{CodifyRules, TypeRules};
use crate::model::{Resource, Severity};

/// Rules for `aws_ec2_tag`.
pub(super) const RULES: TypeRules = TypeRules {
    name: "aws_ec2_tag",
    compared: &["resource_id", "key", "value"],
    ignored: &[],
    sets: &[],
    maps: &[],
    when_set: &[],
    severity: |_, _, _| Some(Severity::Low),
    unmanaged: Severity::Low,
    derived: Some(&DERIVED),
    codify: CodifyRules::NONE,
    security: false,
    secret: &[],
    match_id: None,
    state_id_unique: false,
};

static DERIVED: Derived = Derived {
    parents: &[
        "aws_instance",
        "aws_vpc",
        "aws_subnet",
        "aws_security_group",
        "aws_ebs_volume",
        "aws_internet_gateway",
        "aws_route_table",
        "aws_nat_gateway",
        "aws_eip",
        "aws_network_interface",
        "aws_launch_template",
    ],
    parent_id,
    derive,
    children: None,
};

/// The tagged resource's ID, when its prefix is one of a type the lister reads (`i-`, `vpc-`,
/// …); a tag on anything else (a transit gateway, an AMI) cannot be checked here.
fn parent_id(r: &Resource) -> Option<String> {
    const PREFIXES: &[&str] = &[
        "i-",
        "vpc-",
        "subnet-",
        "sg-",
        "vol-",
        "igw-",
        "rtb-",
        "nat-",
        "eipalloc-",
        "eni-",
        "lt-",
    ];
    text(r, "resource_id").filter(|id| PREFIXES.iter().any(|p| id.starts_with(p)))
}

/// The tag as the resource shows it; a resource without the key means the tag is gone.
fn derive(s: &Resource, parent: &Resource) -> Option<Map<String, Value>> {
    let key = text(s, "key")?;
    let tags = parent.attributes.get("tags")?;
    let value = tags.as_object()?.get(&key)?.clone();
    let mut m = Map::new();
    m.insert("resource_id".into(), Value::String(parent.id.clone()));
    m.insert("key".into(), Value::String(key));
    m.insert("value".into(), value);
    Some(m)
}
