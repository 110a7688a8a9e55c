//! `aws_iam_user_policy_attachment` and `aws_iam_group_policy_attachment`: a managed policy
//! attached to a user or a group (IDs carry a timestamp, so they are matched by principal and
//! policy). Checked against the user or group as listed, whose attached policies the lister
//! keeps aside as `_policy_arns`. A policy attached by hand to a user or group the state
//! manages is an unmanaged attachment (under its import ID, `NAME/POLICY_ARN`). Roles have
//! their own file: their policies are an attribute, where a hand-attached one is a change.

use serde_json::{Map, Value, json};

use super::derive::{Child, Children, Derived, text, texts};
use super::{CodifyRules, TypeRules};
use crate::model::{Resource, Severity};

const fn rules(
    name: &'static str,
    compared: &'static [&'static str],
    derived: &'static Derived,
) -> TypeRules {
    TypeRules {
        name,
        compared,
        ignored: &[],
        sets: &[],
        maps: &[],
        when_set: &[],
        severity: |_, _, _| Some(Severity::High),
        unmanaged: Severity::Medium,
        derived: Some(derived),
        codify: CodifyRules::NONE,
        security: true,
    }
}

/// Rules for `aws_iam_user_policy_attachment`.
pub(super) const USER: TypeRules = rules(
    "aws_iam_user_policy_attachment",
    &["user", "policy_arn"],
    &USER_DERIVED,
);
/// Rules for `aws_iam_group_policy_attachment`.
pub(super) const GROUP: TypeRules = rules(
    "aws_iam_group_policy_attachment",
    &["group", "policy_arn"],
    &GROUP_DERIVED,
);

static USER_DERIVED: Derived = Derived {
    parents: &["aws_iam_user"],
    parent_id: |r| text(r, "user"),
    derive: |s, user| attached(s, user, "user"),
    children: Some(Children {
        of: |user| all_attached(user, "user"),
        claimed: |s| import_id(s, "user"),
    }),
};

static GROUP_DERIVED: Derived = Derived {
    parents: &["aws_iam_group"],
    parent_id: |r| text(r, "group"),
    derive: |s, group| attached(s, group, "group"),
    children: Some(Children {
        of: |group| all_attached(group, "group"),
        claimed: |s| import_id(s, "group"),
    }),
};

/// Terraform's import ID of an attachment: `PRINCIPAL/POLICY_ARN`.
fn import_id(s: &Resource, key: &str) -> Option<String> {
    Some(format!("{}/{}", text(s, key)?, text(s, "policy_arn")?))
}

/// Every managed policy the listed principal has attached, as attachments: those no state
/// object claims were attached by hand.
fn all_attached(principal: &Resource, key: &str) -> Vec<Child> {
    texts(principal, "_policy_arns")
        .into_iter()
        .map(|arn| {
            let mut m = Map::new();
            m.insert(key.into(), json!(principal.id));
            m.insert("policy_arn".into(), json!(arn));
            (format!("{}/{arn}", principal.id), m)
        })
        .collect()
}

/// Present while the principal still has the policy attached.
fn attached(s: &Resource, principal: &Resource, key: &str) -> Option<Map<String, Value>> {
    let arn = text(s, "policy_arn")?;
    if !texts(principal, "_policy_arns").contains(&arn) {
        return None;
    }
    let mut m = Map::new();
    m.insert(key.into(), json!(principal.id));
    m.insert("policy_arn".into(), json!(arn));
    Some(m)
}
