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
        secret: &[],
        match_id: None,
        state_id_unique: false,
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
        claimed_by: &[
            ("aws_iam_user_policy_attachment", |s| own(s, "user")),
            ("aws_iam_policy_attachment", |s| exclusive(s, "users")),
            ("aws_iam_user_policy_attachments_exclusive", |s| {
                every(s, "user_name")
            }),
        ],
    }),
};

static GROUP_DERIVED: Derived = Derived {
    parents: &["aws_iam_group"],
    parent_id: |r| text(r, "group"),
    derive: |s, group| attached(s, group, "group"),
    children: Some(Children {
        of: |group| all_attached(group, "group"),
        claimed_by: &[
            ("aws_iam_group_policy_attachment", |s| own(s, "group")),
            ("aws_iam_policy_attachment", |s| exclusive(s, "groups")),
            ("aws_iam_group_policy_attachments_exclusive", |s| {
                every(s, "group_name")
            }),
        ],
    }),
};

/// Terraform's import ID of an attachment: `PRINCIPAL/POLICY_ARN`.
fn import_id(principal: &str, arn: &str) -> String {
    format!("{principal}/{arn}")
}

/// The attachment a state attachment is.
fn own(s: &Resource, key: &str) -> Vec<String> {
    match (text(s, key), text(s, "policy_arn")) {
        (Some(principal), Some(arn)) => vec![import_id(&principal, &arn)],
        _ => Vec::new(),
    }
}

/// The attachments the exclusive `aws_iam_policy_attachment` makes: its policy on each of its
/// users (or groups).
fn exclusive(s: &Resource, key: &str) -> Vec<String> {
    let Some(arn) = text(s, "policy_arn") else {
        return Vec::new();
    };
    texts(s, key).iter().map(|p| import_id(p, &arn)).collect()
}

/// The attachments a `*_policy_attachments_exclusive` makes: every policy of its principal.
fn every(s: &Resource, key: &str) -> Vec<String> {
    let Some(principal) = text(s, key) else {
        return Vec::new();
    };
    texts(s, "policy_arns")
        .iter()
        .map(|arn| import_id(&principal, arn))
        .collect()
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
            (import_id(&principal.id, &arn), m)
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
