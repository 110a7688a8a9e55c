//! `aws_lambda_alias`: listed with one ListAliases per function. Terraform's ID is the alias's
//! ARN; one made by hand is named by the import ID `FUNCTION/ALIAS`.

use serde_json::Value;

use super::{CodifyRules, TypeRules};
use crate::model::{AttrPath, Severity};

/// Rules for aliases.
pub(super) const RULES: TypeRules = TypeRules {
    name: "aws_lambda_alias",
    compared: &["name", "function_version", "description", "routing_config"],
    // The function is in the ARN; the configuration may name it by name or by ARN.
    ignored: &["function_name", "invoke_arn"],
    sets: &[],
    maps: &[],
    when_set: &[],
    severity,
    unmanaged: Severity::Low,
    derived: None,
    codify: CodifyRules::NONE,
    security: false,
    secret: &[],
    match_id: None,
    state_id_unique: false,
};

/// Which code the alias's callers run.
fn severity(path: &AttrPath, _: &Value, _: &Value) -> Option<Severity> {
    matches!(path.root()?, "function_version" | "routing_config").then_some(Severity::High)
}
