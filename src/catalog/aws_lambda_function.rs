//! `aws_lambda_function`: the unpublished configuration (`$LATEST`), listed with ListFunctions;
//! tags with one ListTags per function. The environment is compared but never shown.

use serde_json::Value;

use super::{CodifyRules, TypeRules};
use crate::model::{AttrPath, Severity};

/// Rules for functions.
pub(super) const RULES: TypeRules = TypeRules {
    name: "aws_lambda_function",
    compared: &[
        "function_name",
        "role",
        "handler",
        "runtime",
        "memory_size",
        "timeout",
        "description",
        "code_sha256",
        "package_type",
        "kms_key_arn",
        "architectures",
        "layers",
        "environment",
        "tracing_config",
        "ephemeral_storage",
        "dead_letter_config",
        "vpc_config",
        "tags",
    ],
    // Terraform's own arguments and where the code came from (the live side has only its
    // hash, `code_sha256`).
    ignored: &[
        "filename",
        "s3_bucket",
        "s3_key",
        "s3_object_version",
        "source_code_hash",
        "publish",
        "skip_destroy",
        "replace_security_groups_on_destroy",
        "replacement_security_group_ids",
        "last_modified",
        "version",
        "qualified_arn",
        "qualified_invoke_arn",
        "invoke_arn",
        "source_code_size",
    ],
    sets: &[],
    maps: &["tags"],
    when_set: &[],
    severity,
    unmanaged: Severity::Medium,
    derived: None,
    codify: CodifyRules {
        keep: &["handler", "runtime", "memory_size", "timeout"],
        skip: &["code_sha256", "source_code_hash", "publish", "skip_destroy"],
        blocks: &[
            "environment",
            "tracing_config",
            "ephemeral_storage",
            "dead_letter_config",
            "vpc_config",
        ],
        only_when_true: &[],
    },
    security: false,
    // Connection strings and keys live here under names no word list catches.
    secret: &["environment"],
    match_id: None,
    state_id_unique: false,
};

/// Code and the role it runs as decide what a function can do.
fn severity(path: &AttrPath, _: &Value, _: &Value) -> Option<Severity> {
    matches!(path.root()?, "code_sha256" | "role" | "layers").then_some(Severity::High)
}
