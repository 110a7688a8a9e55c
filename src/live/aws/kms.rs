//! KMS, per region: ListKeys and ListAliases list every key and alias in bulk; a key's
//! metadata, rotation, policy and tags need one call each (the API has no bulk form), made at
//! a bounded concurrency inside the listing. Keys AWS manages for its services, and their
//! `alias/aws/*` aliases, are never listed; a key pending deletion is gone, as for Terraform.

use aws_sdk_kms::types::{KeyManagerType, KeyState};

use super::*;

/// The KMS types listed here.
pub const TYPES: &[&str] = &["aws_kms_key", "aws_kms_alias"];

/// True when the state manages something of this service: it is listed then (or when
/// `--type` asks), so an estate without keys needs no `kms:List*` permission.
pub fn used_by(rtype: &str) -> bool {
    rtype.starts_with("aws_kms_")
}

/// A KMS client on the same configuration as the EC2 ones.
pub(super) async fn client(
    opts: &AwsOptions,
    region: &str,
    calls: &CallCounter,
) -> aws_sdk_kms::Client {
    service_client!(
        aws_sdk_kms,
        opts,
        region,
        calls,
        "AWS_ENDPOINT_URL_KMS",
        "kms"
    )
}

/// Lists one KMS type in one region.
pub(super) async fn list(
    client: &aws_sdk_kms::Client,
    rtype: &str,
    region: &str,
) -> Result<Vec<Resource>, ListError> {
    match rtype {
        "aws_kms_key" => {
            let ids: Vec<String> = paginate!(client.list_keys().limit(1000), keys)
                .iter()
                .filter_map(|k| k.key_id().map(String::from))
                .collect();
            read_each(ids, |id| {
                let (client, region) = (client.clone(), region.to_string());
                async move { key(&client, &id, &region).await }
            })
            .await
        }
        "aws_kms_alias" => {
            let mut out = Vec::new();
            let mut pages = client.list_aliases().limit(100).into_paginator().send();
            while let Some(page) = pages.next().await {
                let page = page.map_err(ListError::from_sdk)?;
                for alias in page.aliases() {
                    let (Some(name), Some(target)) = (alias.alias_name(), alias.target_key_id())
                    else {
                        continue;
                    };
                    if name.starts_with("alias/aws/") {
                        continue;
                    }
                    let mut r = Resource::live("aws_kms_alias", name, region);
                    let a = r.attributes.make_mut();
                    put(a, "name", Some(name));
                    put(a, "arn", alias.alias_arn());
                    put(a, "target_key_id", Some(target));
                    out.push(r);
                }
            }
            Ok(out)
        }
        other => Err(unsupported(other)),
    }
}

/// One customer managed key, `None` for AWS's and for one pending deletion.
async fn key(
    client: &aws_sdk_kms::Client,
    id: &str,
    region: &str,
) -> Result<Option<Resource>, ListError> {
    let described = client
        .describe_key()
        .key_id(id)
        .send()
        .await
        .map_err(ListError::from_sdk)?;
    let Some(m) = described.key_metadata() else {
        return Ok(None);
    };
    if m.key_manager() == Some(&KeyManagerType::Aws)
        || matches!(
            m.key_state(),
            Some(KeyState::PendingDeletion | KeyState::PendingReplicaDeletion)
        )
    {
        return Ok(None);
    }
    let rotation = client
        .get_key_rotation_status()
        .key_id(id)
        .send()
        .await
        .map_err(ListError::from_sdk)?;
    let policy = client
        .get_key_policy()
        .key_id(id)
        .policy_name("default")
        .send()
        .await
        .map_err(ListError::from_sdk)?;
    let tags = client
        .list_resource_tags()
        .key_id(id)
        .limit(50)
        .send()
        .await
        .map_err(ListError::from_sdk)?;
    let mut r = Resource::live("aws_kms_key", id, region);
    let a = r.attributes.make_mut();
    put(a, "key_id", Some(id));
    put(a, "arn", m.arn());
    a.insert("description".into(), json!(m.description().unwrap_or("")));
    put(a, "key_usage", m.key_usage().map(|u| u.as_str()));
    put(
        a,
        "customer_master_key_spec",
        m.key_spec().map(|s| s.as_str()),
    );
    put(a, "multi_region", m.multi_region());
    a.insert("is_enabled".into(), json!(m.enabled()));
    a.insert(
        "enable_key_rotation".into(),
        json!(rotation.key_rotation_enabled()),
    );
    put(
        a,
        "rotation_period_in_days",
        rotation.rotation_period_in_days(),
    );
    put(a, "policy", policy.policy());
    a.insert(
        "tags".into(),
        own_tags(tags.tags().iter().map(|t| (t.tag_key(), t.tag_value()))),
    );
    Ok(Some(r))
}
