//! `aws_lambda_layer_version`: every version of every layer (ListLayers, one ListLayerVersions
//! each); Terraform's ID is the version's ARN. Superseded versions (what `skip_destroy` keeps)
//! are never unmanaged: only a layer's latest version stands for it.

use super::{CodifyRules, TypeRules};
use crate::model::Severity;

/// Rules for Lambda layer versions.
pub(super) const RULES: TypeRules = TypeRules {
    name: "aws_lambda_layer_version",
    compared: &[
        "layer_name",
        "version",
        "description",
        "license_info",
        "compatible_runtimes",
        "compatible_architectures",
    ],
    // Terraform's own arguments: where the code came from, whether to keep old versions.
    ignored: &[
        "filename",
        "s3_bucket",
        "s3_key",
        "s3_object_version",
        "source_code_hash",
        "skip_destroy",
    ],
    sets: &["compatible_runtimes", "compatible_architectures"],
    maps: &[],
    when_set: &[],
    severity: |_, _, _| None,
    unmanaged: Severity::Low,
    derived: None,
    codify: CodifyRules::NONE,
    security: false,
    secret: &[],
    match_id: None,
    state_id_unique: false,
};
