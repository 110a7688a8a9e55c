//! `aws_iam_service_linked_role`: a role an AWS service uses, made on request (ID: its ARN).
//! The lister reads it as the `aws_iam_role` it is; its path names the service.

use serde_json::{Map, Value, json};

use super::derive::{Derived, text};
use super::{CodifyRules, TypeRules, no_opinion};
use crate::model::{Resource, Severity};

/// Rules for `aws_iam_service_linked_role`.
pub(super) const RULES: TypeRules = TypeRules {
    name: "aws_iam_service_linked_role",
    compared: &["name", "path", "aws_service_name"],
    // Read with GetRole per role (description) or only at creation (the suffix).
    ignored: &["description", "custom_suffix", "create_date", "unique_id"],
    sets: &[],
    maps: &["tags"],
    when_set: &[],
    severity: no_opinion,
    unmanaged: Severity::Low,
    derived: Some(&DERIVED),
    codify: CodifyRules::NONE,
    security: false,
    secret: &[],
    match_id: None,
    state_id_unique: false,
};

static DERIVED: Derived = Derived {
    parents: &["aws_iam_role"],
    parent_id: |r| text(r, "name"),
    derive,
    children: None,
};

fn derive(_: &Resource, role: &Resource) -> Option<Map<String, Value>> {
    let path = text(role, "path")?;
    // `/aws-service-role/<service>/`
    let service = path
        .strip_prefix("/aws-service-role/")?
        .trim_end_matches('/')
        .to_string();
    let mut m = Map::new();
    m.insert("name".into(), json!(role.id));
    m.insert("path".into(), json!(path));
    m.insert("aws_service_name".into(), json!(service));
    Some(m)
}
