//! `aws_iam_policy_attachment`: every role, user and group a managed policy is attached to
//! (exclusive: Terraform detaches the policy from any other). Checked against the policy as
//! listed, whose attachments the lister gathers from the same authorization-details call
//! (`_roles`, `_users`, `_groups`); AWS managed policies attached in the account are listed for
//! this too, and are never unmanaged.

use serde_json::{Map, Value, json};

use super::derive::{Derived, copy_from_state, text, texts};
use super::{CodifyRules, TypeRules};
use crate::model::{Resource, Severity};

/// Rules for `aws_iam_policy_attachment`.
pub(super) const RULES: TypeRules = TypeRules {
    name: "aws_iam_policy_attachment",
    compared: &["name", "policy_arn", "roles", "users", "groups"],
    ignored: &[],
    sets: &["roles", "users", "groups"],
    maps: &[],
    when_set: &[],
    // Who holds the policy's permissions.
    severity: |_, _, _| Some(Severity::High),
    unmanaged: Severity::Medium,
    derived: Some(&DERIVED),
    codify: CodifyRules::NONE,
    security: true,
    secret: &[],
    match_id: None,
    state_id_unique: false,
};

static DERIVED: Derived = Derived {
    parents: &["aws_iam_policy"],
    parent_id: |r| text(r, "policy_arn"),
    derive,
    children: None,
};

/// Present while the policy is attached to anything.
fn derive(s: &Resource, policy: &Resource) -> Option<Map<String, Value>> {
    let (roles, users, groups) = (
        texts(policy, "_roles"),
        texts(policy, "_users"),
        texts(policy, "_groups"),
    );
    if roles.is_empty() && users.is_empty() && groups.is_empty() {
        return None;
    }
    let mut m = Map::new();
    copy_from_state(s, &["name"], &mut m);
    m.insert("policy_arn".into(), json!(policy.id));
    m.insert("roles".into(), json!(roles));
    m.insert("users".into(), json!(users));
    m.insert("groups".into(), json!(groups));
    Some(m)
}
