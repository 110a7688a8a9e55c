//! `aws_iam_role_policy`, `aws_iam_user_policy` and `aws_iam_group_policy`: a policy embedded
//! in a role, user or group (ID `principal:name`). Checked against the principal as listed,
//! whose inline policies the lister keeps aside as `_inline_policies` (name → document). An
//! inline policy put by hand on a user or group the state manages is unmanaged, under its
//! import ID; a role's is a change of the role's `inline_policy`.

use serde_json::{Map, Value, json};

use super::derive::{Child, Children, Derived, text, texts};
use super::{CodifyRules, TypeRules};
use crate::model::{AttrPath, Resource, Severity};

const fn rules(
    name: &'static str,
    compared: &'static [&'static str],
    derived: &'static Derived,
) -> TypeRules {
    TypeRules {
        name,
        compared,
        ignored: &["name_prefix"],
        sets: &[],
        maps: &[],
        when_set: &[],
        severity,
        unmanaged: Severity::Medium,
        derived: Some(derived),
        codify: CodifyRules::NONE,
        security: true,
        secret: &[],
        match_id: None,
        state_id_unique: false,
    }
}

/// Rules for `aws_iam_role_policy`.
pub(super) const ROLE: TypeRules = rules(
    "aws_iam_role_policy",
    &["role", "name", "policy"],
    &ROLE_DERIVED,
);
/// Rules for `aws_iam_user_policy`.
pub(super) const USER: TypeRules = rules(
    "aws_iam_user_policy",
    &["user", "name", "policy"],
    &USER_DERIVED,
);
/// Rules for `aws_iam_group_policy`.
pub(super) const GROUP: TypeRules = rules(
    "aws_iam_group_policy",
    &["group", "name", "policy"],
    &GROUP_DERIVED,
);

fn severity(path: &AttrPath, _: &Value, _: &Value) -> Option<Severity> {
    (path.root()? == "policy").then_some(Severity::High)
}

static ROLE_DERIVED: Derived = Derived {
    parents: &["aws_iam_role"],
    parent_id: |r| text(r, "role"),
    derive: |s, role| inline(s, role, "role"),
    children: None,
};

static USER_DERIVED: Derived = Derived {
    parents: &["aws_iam_user"],
    parent_id: |r| text(r, "user"),
    derive: |s, user| inline(s, user, "user"),
    children: Some(Children {
        of: |user| all_inline(user, "user"),
        claimed_by: &[
            ("aws_iam_user_policy", |s| own(s, "user")),
            ("aws_iam_user_policies_exclusive", |s| every(s, "user_name")),
        ],
    }),
};

static GROUP_DERIVED: Derived = Derived {
    parents: &["aws_iam_group"],
    parent_id: |r| text(r, "group"),
    derive: |s, group| inline(s, group, "group"),
    children: Some(Children {
        of: |group| all_inline(group, "group"),
        claimed_by: &[
            ("aws_iam_group_policy", |s| own(s, "group")),
            ("aws_iam_group_policies_exclusive", |s| {
                every(s, "group_name")
            }),
        ],
    }),
};

/// The principal's inline policy of the state's name, if it still has one.
fn inline(s: &Resource, principal: &Resource, key: &str) -> Option<Map<String, Value>> {
    let name = text(s, "name")?;
    let policies = principal.attributes.get("_inline_policies")?;
    let document = policies.get(&name)?.as_str()?.to_string();
    let mut m = Map::new();
    m.insert(key.into(), json!(principal.id));
    m.insert("name".into(), json!(name));
    m.insert("policy".into(), json!(document));
    Some(m)
}

/// The inline policy a state object is, by Terraform's import ID `PRINCIPAL:NAME`.
fn own(s: &Resource, key: &str) -> Vec<String> {
    match (text(s, key), text(s, "name")) {
        (Some(principal), Some(name)) => vec![format!("{principal}:{name}")],
        _ => Vec::new(),
    }
}

/// The inline policies a `*_policies_exclusive` makes: every one of its principal.
fn every(s: &Resource, key: &str) -> Vec<String> {
    let Some(principal) = text(s, key) else {
        return Vec::new();
    };
    texts(s, "policy_names")
        .iter()
        .map(|name| format!("{principal}:{name}"))
        .collect()
}

/// Every inline policy of the listed principal.
fn all_inline(principal: &Resource, key: &str) -> Vec<Child> {
    let Some(policies) = principal.attributes.get("_inline_policies") else {
        return Vec::new();
    };
    policies
        .as_object()
        .into_iter()
        .flatten()
        .filter_map(|(name, document)| {
            let mut m = Map::new();
            m.insert(key.into(), json!(principal.id));
            m.insert("name".into(), json!(name));
            m.insert("policy".into(), json!(document.as_str()?));
            Some((format!("{}:{name}", principal.id), m))
        })
        .collect()
}
