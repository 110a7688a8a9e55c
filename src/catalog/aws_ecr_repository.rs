//! `aws_ecr_repository`. Listed with DescribeRepositories; tags with one
//! ListTagsForResource per repository.

use super::{CodifyRules, TypeRules};
use crate::model::Severity;

/// Rules for container repositories.
pub(super) const RULES: TypeRules = TypeRules {
    name: "aws_ecr_repository",
    compared: &[
        "name",
        "registry_id",
        "repository_url",
        "image_tag_mutability",
        "image_scanning_configuration",
        "encryption_configuration",
        "tags",
    ],
    // `force_delete` is Terraform's own argument.
    ignored: &["force_delete"],
    sets: &[],
    maps: &["tags"],
    when_set: &[],
    // Mutable tags let anyone who can push replace an image a deployment already trusts.
    severity: |p, _, _| (p.root()? == "image_tag_mutability").then_some(Severity::High),
    unmanaged: Severity::Low,
    derived: None,
    codify: CodifyRules {
        keep: &["name", "image_tag_mutability"],
        skip: &["force_delete"],
        blocks: &["image_scanning_configuration", "encryption_configuration"],
        only_when_true: &[],
    },
    security: false,
    secret: &[],
    match_id: None,
    state_id_unique: false,
};
