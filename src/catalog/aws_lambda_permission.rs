//! `aws_lambda_permission`: a statement of a function's (or an alias's, or a published
//! version's) resource policy, read with one GetPolicy per function, alias and version. Terraform's ID is the statement ID alone, which
//! repeats across functions: the lister names each by the import ID `FUNCTION/SID`
//! (`FUNCTION:QUALIFIER/SID`), and a state object is matched by the same.

use serde_json::Value;

use super::derive::text;
use super::{CodifyRules, TypeRules};
use crate::model::{AttrPath, Resource, Severity};

/// Rules for Lambda permissions.
pub(super) const RULES: TypeRules = TypeRules {
    name: "aws_lambda_permission",
    compared: &[
        "statement_id",
        "qualifier",
        "action",
        "principal",
        "source_arn",
        "source_account",
        "principal_org_id",
        "event_source_token",
        "function_url_auth_type",
    ],
    // The function is in the ID; the configuration may name it by name or by ARN.
    ignored: &["function_name", "statement_id_prefix"],
    sets: &[],
    maps: &[],
    when_set: &[],
    severity,
    // Who may invoke the function.
    unmanaged: Severity::High,
    derived: None,
    codify: CodifyRules::NONE,
    security: true,
    secret: &[],
    match_id: Some(listed_id),
    state_id_unique: false,
};

/// Who may invoke, and from where, is a security question.
fn severity(path: &AttrPath, _: &Value, _: &Value) -> Option<Severity> {
    matches!(
        path.root()?,
        "principal" | "source_arn" | "source_account" | "principal_org_id" | "action"
    )
    .then_some(Severity::High)
}

/// The import ID the lister gives the permission a state object stands for: the function's
/// name (from a name or an ARN, whose qualifier counts as one), its qualifier, the statement.
fn listed_id(state: &Resource) -> Option<String> {
    let (function, sid) = (text(state, "function_name")?, text(state, "statement_id")?);
    // A name, a full ARN (`arn:aws:lambda:REGION:ACCOUNT:function:NAME[:QUALIFIER]`) or a
    // partial one (`ACCOUNT:function:NAME[:QUALIFIER]`): the name follows `function`.
    let parts: Vec<&str> = function.split(':').collect();
    let (name, from_arn) = match parts.iter().position(|p| *p == "function") {
        Some(i) if i + 1 < parts.len() => (
            parts[i + 1].to_string(),
            parts.get(i + 2).map(|q| q.to_string()),
        ),
        _ => (function.clone(), None),
    };
    Some(match text(state, "qualifier").or(from_arn) {
        Some(q) => format!("{name}:{q}/{sid}"),
        None => format!("{name}/{sid}"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_function_may_be_named_by_name_or_arn() {
        let state = |attrs: Value| {
            let mut r = Resource::live("aws_lambda_permission", "s3", "eu-west-1");
            *r.attributes.make_mut() = attrs.as_object().unwrap().clone();
            r
        };
        let by_name = state(json!({"function_name": "resize", "statement_id": "s3"}));
        assert_eq!(listed_id(&by_name).as_deref(), Some("resize/s3"));
        let by_arn = state(json!({
            "function_name": "arn:aws:lambda:eu-west-1:111111111111:function:resize",
            "statement_id": "s3", "qualifier": ""}));
        assert_eq!(listed_id(&by_arn).as_deref(), Some("resize/s3"));
        let alias = state(json!({"function_name": "resize", "statement_id": "s3",
                                 "qualifier": "live"}));
        assert_eq!(listed_id(&alias).as_deref(), Some("resize:live/s3"));
        let alias_arn = state(json!({
            "function_name": "arn:aws:lambda:eu-west-1:111111111111:function:resize:live",
            "statement_id": "s3"}));
        assert_eq!(listed_id(&alias_arn).as_deref(), Some("resize:live/s3"));
        let partial = state(json!({"function_name": "111111111111:function:resize",
                                   "statement_id": "s3", "qualifier": "3"}));
        assert_eq!(listed_id(&partial).as_deref(), Some("resize:3/s3"));
    }
}
