//! `aws_ecr_lifecycle_policy` and `aws_ecr_repository_policy`: one per repository, read with
//! one GetLifecyclePolicy or GetRepositoryPolicy per repository. Terraform's ID is the
//! repository's name. Documents are compared as policies (`diff::normalize`).

use serde_json::Value;

use super::{CodifyRules, TypeRules, no_opinion};
use crate::model::{AttrPath, Severity};

/// Rules for lifecycle policies.
pub(super) const LIFECYCLE: TypeRules = TypeRules {
    name: "aws_ecr_lifecycle_policy",
    compared: &["repository", "registry_id", "policy"],
    ignored: &[],
    sets: &[],
    maps: &[],
    when_set: &[],
    severity: no_opinion,
    unmanaged: Severity::Low,
    derived: None,
    codify: CodifyRules::NONE,
    security: false,
    secret: &[],
    match_id: None,
    state_id_unique: false,
};

/// Rules for repository policies: who may pull and push.
pub(super) const REPOSITORY: TypeRules = TypeRules {
    name: "aws_ecr_repository_policy",
    compared: &["repository", "registry_id", "policy"],
    ignored: &[],
    sets: &[],
    maps: &[],
    when_set: &[],
    severity,
    unmanaged: Severity::High,
    derived: None,
    codify: CodifyRules::NONE,
    security: true,
    secret: &[],
    match_id: None,
    state_id_unique: false,
};

fn severity(path: &AttrPath, _: &Value, _: &Value) -> Option<Severity> {
    (path.root()? == "policy").then_some(Severity::High)
}
