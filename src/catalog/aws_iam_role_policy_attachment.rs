//! `aws_iam_role_policy_attachment`: a managed policy attached to a role (its ID carries a
//! timestamp, so it is matched by role and policy). Checked against the role as listed.

use serde_json::{Map, Value};

use super::derive::{Derived, text, texts};
use super::{CodifyRules, TypeRules};
use crate::model::{Resource, Severity};

/// Rules for role policy attachments.
pub(super) const RULES: TypeRules = TypeRules {
    name: "aws_iam_role_policy_attachment",
    compared: &["role", "policy_arn"],
    ignored: &[],
    sets: &[],
    maps: &[],
    when_set: &[],
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
    parents: &["aws_iam_role"],
    parent_id: |r| text(r, "role"),
    derive,
    children: None,
};

/// Present while the role still has the policy attached.
fn derive(s: &Resource, role: &Resource) -> Option<Map<String, Value>> {
    let arn = text(s, "policy_arn")?;
    if !texts(role, "managed_policy_arns").contains(&arn) {
        return None;
    }
    let mut m = Map::new();
    m.insert("role".into(), Value::String(role.id.clone()));
    m.insert("policy_arn".into(), Value::String(arn));
    Some(m)
}
