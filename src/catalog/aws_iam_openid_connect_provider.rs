//! `aws_iam_openid_connect_provider`: an identity provider whose tokens may assume roles (EKS
//! service accounts, CI systems). Listed with ListOpenIDConnectProviders and one
//! GetOpenIDConnectProvider per provider (accounts hold a handful).

use super::{CodifyRules, TypeRules};
use crate::model::Severity;

/// Rules for OIDC providers.
pub(super) const RULES: TypeRules = TypeRules {
    name: "aws_iam_openid_connect_provider",
    compared: &["url", "client_id_list", "thumbprint_list", "tags"],
    ignored: &[],
    sets: &["client_id_list", "thumbprint_list"],
    maps: &["tags"],
    when_set: &[],
    // Who may present tokens, and which issuer's keys are trusted.
    severity: |p, _, _| (p.root()? != "tags").then_some(Severity::High),
    unmanaged: Severity::High,
    derived: None,
    codify: CodifyRules::NONE,
    security: true,
    secret: &[],
    match_id: None,
    state_id_unique: false,
};
