//! ECR, per region: DescribeRepositories lists every repository in bulk; a repository's tags,
//! lifecycle policy and repository policy need one call each (the API has no bulk form), made
//! at a bounded concurrency inside the listing, and only for the types asked for.

use aws_sdk_ecr::types::Repository;

use super::*;

/// The ECR types listed here.
pub const TYPES: &[&str] = &[
    "aws_ecr_repository",
    "aws_ecr_lifecycle_policy",
    "aws_ecr_repository_policy",
];

/// True when the state manages something of this service: it is listed then (or when
/// `--type` asks), so an estate without registries needs no `ecr:Describe*` permission.
pub fn used_by(rtype: &str) -> bool {
    rtype.starts_with("aws_ecr_")
}

/// An ECR client on the same configuration as the EC2 ones.
pub(super) async fn client(
    opts: &AwsOptions,
    region: &str,
    calls: &CallCounter,
) -> aws_sdk_ecr::Client {
    service_client!(
        aws_sdk_ecr,
        opts,
        region,
        calls,
        "AWS_ENDPOINT_URL_ECR",
        "ecr"
    )
}

/// Lists one ECR type in one region.
pub(super) async fn list(
    client: &aws_sdk_ecr::Client,
    rtype: &str,
    region: &str,
) -> Result<Vec<Resource>, ListError> {
    if !TYPES.contains(&rtype) {
        return Err(unsupported(rtype));
    }
    let repos = paginate!(
        client.describe_repositories().max_results(1000),
        repositories
    );
    read_each(repos, |repo| {
        let (client, rtype, region) = (client.clone(), rtype.to_string(), region.to_string());
        async move { read(&client, &rtype, &repo, &region).await }
    })
    .await
}

/// The `rtype` object of one repository: the repository itself, or its policy (`None` when
/// it has none).
async fn read(
    client: &aws_sdk_ecr::Client,
    rtype: &str,
    repo: &Repository,
    region: &str,
) -> Result<Option<Resource>, ListError> {
    let (Some(name), Some(registry)) = (repo.repository_name(), repo.registry_id()) else {
        return Ok(None);
    };
    let text = match rtype {
        "aws_ecr_repository" => {
            let Some(arn) = repo.repository_arn() else {
                return Ok(None);
            };
            let tags = client
                .list_tags_for_resource()
                .resource_arn(arn)
                .send()
                .await
                .map_err(ListError::from_sdk)?;
            return Ok(Some(repository(repo, tags.tags(), region)));
        }
        "aws_ecr_lifecycle_policy" => {
            let got = client
                .get_lifecycle_policy()
                .repository_name(name)
                .registry_id(registry)
                .send()
                .await;
            match got {
                Ok(out) => out.lifecycle_policy_text().map(String::from),
                Err(e) if e.code() == Some("LifecyclePolicyNotFoundException") => None,
                Err(e) => return Err(ListError::from_sdk(e)),
            }
        }
        _ => {
            let got = client
                .get_repository_policy()
                .repository_name(name)
                .registry_id(registry)
                .send()
                .await;
            match got {
                Ok(out) => out.policy_text().map(String::from),
                Err(e) if e.code() == Some("RepositoryPolicyNotFoundException") => None,
                Err(e) => return Err(ListError::from_sdk(e)),
            }
        }
    };
    Ok(text.map(|policy| {
        let mut r = Resource::live(rtype, name, region);
        let a = r.attributes.make_mut();
        put(a, "repository", Some(name));
        put(a, "registry_id", Some(registry));
        a.insert("policy".into(), json!(policy));
        r
    }))
}

fn repository(repo: &Repository, tags: &[aws_sdk_ecr::types::Tag], region: &str) -> Resource {
    let name = repo.repository_name().unwrap_or_default();
    let mut r = Resource::live("aws_ecr_repository", name, region);
    let a = r.attributes.make_mut();
    put(a, "name", Some(name));
    put(a, "arn", repo.repository_arn());
    put(a, "registry_id", repo.registry_id());
    put(a, "repository_url", repo.repository_uri());
    put(
        a,
        "image_tag_mutability",
        repo.image_tag_mutability().map(|m| m.as_str()),
    );
    if let Some(scan) = repo.image_scanning_configuration() {
        a.insert(
            "image_scanning_configuration".into(),
            json!([{"scan_on_push": scan.scan_on_push()}]),
        );
    }
    if let Some(enc) = repo.encryption_configuration() {
        a.insert(
            "encryption_configuration".into(),
            json!([{
                "encryption_type": enc.encryption_type().as_str(),
                // The provider records no key as "".
                "kms_key": enc.kms_key().unwrap_or(""),
            }]),
        );
    }
    a.insert(
        "tags".into(),
        own_tags(tags.iter().map(|t| (t.key(), t.value()))),
    );
    r
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_ecr::types::{EncryptionConfiguration, EncryptionType, ImageScanningConfiguration};

    #[test]
    fn a_repository_reads_as_the_provider_writes_it() {
        let repo = Repository::builder()
            .repository_name("web")
            .registry_id("123456789012")
            .repository_arn("arn:aws:ecr:eu-west-1:123456789012:repository/web")
            .image_scanning_configuration(
                ImageScanningConfiguration::builder()
                    .scan_on_push(true)
                    .build(),
            )
            .encryption_configuration(
                EncryptionConfiguration::builder()
                    .encryption_type(EncryptionType::Aes256)
                    .build()
                    .unwrap(),
            )
            .build();
        let tags = [aws_sdk_ecr::types::Tag::builder()
            .key("Team")
            .value("a")
            .build()
            .unwrap()];
        let r = repository(&repo, &tags, "eu-west-1");
        let a = r.attributes.map();
        assert_eq!(r.id, "web");
        assert_eq!(
            a["image_scanning_configuration"],
            json!([{"scan_on_push": true}])
        );
        assert_eq!(
            a["encryption_configuration"],
            json!([{"encryption_type": "AES256", "kms_key": ""}])
        );
        assert_eq!(a["tags"], json!({"Team": "a"}));
        assert!(
            !a.contains_key("image_tag_mutability"),
            "not returned, not compared"
        );
    }
}
