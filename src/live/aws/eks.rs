//! EKS, per region: ListClusters names the clusters; a cluster, and each node group, add-on
//! and Fargate profile of one, needs a Describe call of its own (the API has no bulk form),
//! made at a bounded concurrency, and only for the types asked for.

use aws_sdk_eks::types::{Addon, Cluster, FargateProfile, Nodegroup};

use super::*;

/// The EKS types listed here.
pub const TYPES: &[&str] = &[
    "aws_eks_cluster",
    "aws_eks_node_group",
    "aws_eks_addon",
    "aws_eks_fargate_profile",
];

/// True when the state manages something of this service: it is listed then (or when
/// `--type` asks), so an estate without clusters needs no `eks:List*` permission.
pub fn used_by(rtype: &str) -> bool {
    rtype.starts_with("aws_eks_")
}

/// An EKS client on the same configuration as the EC2 ones.
pub(super) async fn client(
    opts: &AwsOptions,
    region: &str,
    calls: &CallCounter,
) -> aws_sdk_eks::Client {
    service_client!(
        aws_sdk_eks,
        opts,
        region,
        calls,
        "AWS_ENDPOINT_URL_EKS",
        "eks"
    )
}

/// Lists one EKS type in one region.
pub(super) async fn list(
    client: &aws_sdk_eks::Client,
    rtype: &str,
    region: &str,
) -> Result<Vec<Resource>, ListError> {
    let clusters: Vec<String> = paginate!(client.list_clusters().max_results(100), clusters);
    let region = region.to_string();
    match rtype {
        "aws_eks_cluster" => {
            read_each(clusters, |name| {
                let (client, region) = (client.clone(), region.clone());
                async move {
                    let got = client.describe_cluster().name(&name).send().await;
                    Ok(gone_is_none(got)?.and_then(|o| o.cluster().map(|c| cluster(c, &region))))
                }
            })
            .await
        }
        "aws_eks_node_group" | "aws_eks_addon" | "aws_eks_fargate_profile" => {
            // The members' names of every cluster first, then one Describe per member.
            let rtype = rtype.to_string();
            let names = read_each(clusters, |name| {
                let (client, rtype) = (client.clone(), rtype.clone());
                async move { members(&client, &rtype, name).await.map(Some) }
            })
            .await?;
            let pairs: Vec<(String, String)> = names.into_iter().flatten().collect();
            read_each(pairs, |(cluster, member)| {
                let (client, rtype, region) = (client.clone(), rtype.clone(), region.clone());
                async move { describe(&client, &rtype, &cluster, &member, &region).await }
            })
            .await
        }
        _ => Err(unsupported(rtype)),
    }
}

/// The names of one cluster's node groups, add-ons or Fargate profiles, with the cluster's.
async fn members(
    client: &aws_sdk_eks::Client,
    rtype: &str,
    cluster: String,
) -> Result<Vec<(String, String)>, ListError> {
    // A cluster deleted since ListClusters has no members left to judge.
    let listed: Result<Vec<String>, ListError> = async {
        Ok(match rtype {
            "aws_eks_node_group" => paginate!(
                client
                    .list_nodegroups()
                    .cluster_name(&cluster)
                    .max_results(100),
                nodegroups
            ),
            "aws_eks_addon" => paginate!(
                client.list_addons().cluster_name(&cluster).max_results(100),
                addons
            ),
            _ => paginate!(
                client
                    .list_fargate_profiles()
                    .cluster_name(&cluster)
                    .max_results(100),
                fargate_profile_names
            ),
        })
    }
    .await;
    match listed {
        Ok(names) => Ok(names.into_iter().map(|n| (cluster.clone(), n)).collect()),
        Err(e) if e.code.as_deref() == Some(NOT_FOUND) => Ok(Vec::new()),
        Err(e) => Err(e),
    }
}

/// EKS's error code for a cluster or member that does not exist (any more).
const NOT_FOUND: &str = "ResourceNotFoundException";

/// `None` for an object deleted between the listing and its Describe call.
fn gone_is_none<T, E, R>(got: Result<T, SdkError<E, R>>) -> Result<Option<T>, ListError>
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
    R: std::fmt::Debug + 'static,
{
    match got {
        Ok(out) => Ok(Some(out)),
        Err(e) if e.code() == Some(NOT_FOUND) => Ok(None),
        Err(e) => Err(ListError::from_sdk(e)),
    }
}

/// One node group, add-on or Fargate profile, described.
async fn describe(
    client: &aws_sdk_eks::Client,
    rtype: &str,
    cluster: &str,
    member: &str,
    region: &str,
) -> Result<Option<Resource>, ListError> {
    Ok(match rtype {
        "aws_eks_node_group" => {
            let got = client
                .describe_nodegroup()
                .cluster_name(cluster)
                .nodegroup_name(member)
                .send()
                .await;
            gone_is_none(got)?.and_then(|o| o.nodegroup().map(|n| node_group(n, region)))
        }
        "aws_eks_addon" => {
            let got = client
                .describe_addon()
                .cluster_name(cluster)
                .addon_name(member)
                .send()
                .await;
            gone_is_none(got)?.and_then(|o| o.addon().map(|a| addon(a, region)))
        }
        _ => {
            let got = client
                .describe_fargate_profile()
                .cluster_name(cluster)
                .fargate_profile_name(member)
                .send()
                .await;
            gone_is_none(got)?.and_then(|o| o.fargate_profile().map(|p| fargate_profile(p, region)))
        }
    })
}

/// A set of strings as the state holds it: sorted.
fn sorted(items: &[String]) -> Value {
    let mut v: Vec<&str> = items.iter().map(String::as_str).collect();
    v.sort_unstable();
    json!(v)
}

fn cluster(c: &Cluster, region: &str) -> Resource {
    let name = c.name().unwrap_or_default();
    let mut r = Resource::live("aws_eks_cluster", name, region);
    let a = r.attributes.make_mut();
    put(a, "name", Some(name));
    put(a, "arn", c.arn());
    put(a, "role_arn", c.role_arn());
    put(a, "version", c.version());
    if let Some(v) = c.resources_vpc_config() {
        // Only what the response carries: a missing flag is not compared.
        let mut block = Map::new();
        block.insert("subnet_ids".into(), sorted(v.subnet_ids()));
        block.insert("security_group_ids".into(), sorted(v.security_group_ids()));
        put(
            &mut block,
            "cluster_security_group_id",
            v.cluster_security_group_id(),
        );
        put(&mut block, "vpc_id", v.vpc_id());
        block.insert(
            "endpoint_public_access".into(),
            json!(v.endpoint_public_access()),
        );
        block.insert(
            "endpoint_private_access".into(),
            json!(v.endpoint_private_access()),
        );
        if !v.public_access_cidrs().is_empty() {
            block.insert(
                "public_access_cidrs".into(),
                sorted(v.public_access_cidrs()),
            );
        }
        a.insert("vpc_config".into(), json!([block]));
    }
    if let Some(logging) = c.logging() {
        let mut enabled: Vec<&str> = logging
            .cluster_logging()
            .iter()
            .filter(|s| s.enabled() == Some(true))
            .flat_map(|s| s.types().iter().map(|t| t.as_str()))
            .collect();
        enabled.sort_unstable();
        enabled.dedup();
        a.insert("enabled_cluster_log_types".into(), json!(enabled));
    }
    a.insert("tags".into(), own_tag_map(c.tags()));
    r
}

fn node_group(n: &Nodegroup, region: &str) -> Resource {
    let (cluster, name) = (
        n.cluster_name().unwrap_or_default(),
        n.nodegroup_name().unwrap_or_default(),
    );
    let mut r = Resource::live("aws_eks_node_group", format!("{cluster}:{name}"), region);
    let a = r.attributes.make_mut();
    put(a, "cluster_name", Some(cluster));
    put(a, "node_group_name", Some(name));
    put(a, "arn", n.nodegroup_arn());
    put(a, "node_role_arn", n.node_role());
    put(a, "version", n.version());
    put(a, "capacity_type", n.capacity_type().map(|t| t.as_str()));
    put(a, "ami_type", n.ami_type().map(|t| t.as_str()));
    put(a, "disk_size", n.disk_size());
    a.insert("subnet_ids".into(), sorted(n.subnets()));
    if !n.instance_types().is_empty() {
        a.insert("instance_types".into(), json!(n.instance_types()));
    }
    if let Some(s) = n.scaling_config() {
        let mut block = Map::new();
        put(&mut block, "desired_size", s.desired_size());
        put(&mut block, "max_size", s.max_size());
        put(&mut block, "min_size", s.min_size());
        a.insert("scaling_config".into(), json!([block]));
    }
    let labels: BTreeMap<&str, &str> = n
        .labels()
        .into_iter()
        .flatten()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    a.insert("labels".into(), json!(labels));
    a.insert("tags".into(), own_tag_map(n.tags()));
    r
}

fn addon(x: &Addon, region: &str) -> Resource {
    let (cluster, name) = (
        x.cluster_name().unwrap_or_default(),
        x.addon_name().unwrap_or_default(),
    );
    let mut r = Resource::live("aws_eks_addon", format!("{cluster}:{name}"), region);
    let a = r.attributes.make_mut();
    put(a, "cluster_name", Some(cluster));
    put(a, "addon_name", Some(name));
    put(a, "arn", x.addon_arn());
    put(a, "addon_version", x.addon_version());
    // The provider records no role and no configuration as "".
    put(
        a,
        "service_account_role_arn",
        Some(x.service_account_role_arn().unwrap_or("")),
    );
    put(
        a,
        "configuration_values",
        Some(x.configuration_values().unwrap_or("")),
    );
    a.insert("tags".into(), own_tag_map(x.tags()));
    r
}

fn fargate_profile(p: &FargateProfile, region: &str) -> Resource {
    let (cluster, name) = (
        p.cluster_name().unwrap_or_default(),
        p.fargate_profile_name().unwrap_or_default(),
    );
    let mut r = Resource::live(
        "aws_eks_fargate_profile",
        format!("{cluster}:{name}"),
        region,
    );
    let a = r.attributes.make_mut();
    put(a, "cluster_name", Some(cluster));
    put(a, "fargate_profile_name", Some(name));
    put(a, "arn", p.fargate_profile_arn());
    put(a, "pod_execution_role_arn", p.pod_execution_role_arn());
    a.insert("subnet_ids".into(), sorted(p.subnets()));
    let selectors: Vec<Value> = p
        .selectors()
        .iter()
        .map(|s| {
            let labels: BTreeMap<&str, &str> = s
                .labels()
                .into_iter()
                .flatten()
                .map(|(k, v)| (k.as_str(), v.as_str()))
                .collect();
            json!({"namespace": s.namespace().unwrap_or(""), "labels": labels})
        })
        .collect();
    a.insert("selector".into(), json!(selectors));
    a.insert("tags".into(), own_tag_map(p.tags()));
    r
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_eks::types::{
        LogSetup, LogType, Logging, NodegroupScalingConfig, VpcConfigResponse,
    };

    #[test]
    fn a_cluster_reads_as_the_provider_writes_it() {
        let c = Cluster::builder()
            .name("main")
            .role_arn("arn:aws:iam::123456789012:role/eks")
            .version("1.31")
            .resources_vpc_config(
                VpcConfigResponse::builder()
                    .subnet_ids("subnet-b")
                    .subnet_ids("subnet-a")
                    .endpoint_public_access(true)
                    .endpoint_private_access(false)
                    .build(),
            )
            .logging(
                Logging::builder()
                    .cluster_logging(
                        LogSetup::builder()
                            .types(LogType::Audit)
                            .types(LogType::Api)
                            .enabled(true)
                            .build(),
                    )
                    .cluster_logging(
                        LogSetup::builder()
                            .types(LogType::Scheduler)
                            .enabled(false)
                            .build(),
                    )
                    .build(),
            )
            .tags("Team", "a")
            .tags("aws:eks:internal", "x")
            .build();
        let r = cluster(&c, "eu-west-1");
        let a = r.attributes.map();
        assert_eq!(r.id, "main");
        assert_eq!(a["enabled_cluster_log_types"], json!(["api", "audit"]));
        assert_eq!(
            a["vpc_config"][0]["subnet_ids"],
            json!(["subnet-a", "subnet-b"])
        );
        assert_eq!(a["vpc_config"][0]["endpoint_public_access"], json!(true));
        assert!(a["vpc_config"][0].get("vpc_id").is_none(), "not returned");
        assert_eq!(a["tags"], json!({"Team": "a"}));
    }

    /// Add-ons, from an EKS endpoint answering in the API's documented response shapes (moto
    /// serves no add-on calls): two clusters, one deleted between ListClusters and ListAddons.
    #[tokio::test]
    async fn add_ons_are_listed_by_cluster() {
        use axum::extract::Path;
        use axum::http::StatusCode;
        use axum::routing::get;
        let app = axum::Router::new()
            .route(
                "/clusters",
                get(|| async { axum::Json(json!({"clusters": ["main", "gone"]})) }),
            )
            .route(
                "/clusters/{name}/addons",
                get(|Path(name): Path<String>| async move {
                    match name.as_str() {
                        "main" => (
                            StatusCode::OK,
                            axum::Json(json!({"addons": ["vpc-cni", "coredns"]})),
                        ),
                        _ => (
                            StatusCode::NOT_FOUND,
                            axum::Json(json!({"__type": "ResourceNotFoundException",
                                              "message": "No cluster found for name: gone."})),
                        ),
                    }
                }),
            )
            .route(
                "/clusters/{name}/addons/{addon}",
                get(|Path((cluster, addon)): Path<(String, String)>| async move {
                    let role = match addon.as_str() {
                        "vpc-cni" => json!("arn:aws:iam::111111111111:role/cni"),
                        _ => Value::Null,
                    };
                    axum::Json(json!({"addon": {
                        "addonName": addon, "clusterName": cluster, "status": "ACTIVE",
                        "addonVersion": "v1.19.0-eksbuild.1", "serviceAccountRoleArn": role,
                        "addonArn": format!("arn:aws:eks:eu-west-1:111111111111:addon/{cluster}/{addon}/x"),
                        "tags": {"Team": "platform"}
                    }}))
                }),
            );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        let client = aws_sdk_eks::Client::from_conf(
            aws_sdk_eks::Config::builder()
                .behavior_version(BehaviorVersion::latest())
                .region(aws_config::Region::new("eu-west-1"))
                .endpoint_url(url)
                .credentials_provider(aws_sdk_eks::config::Credentials::new(
                    "a", "b", None, None, "test",
                ))
                .retry_config(RetryConfig::disabled())
                .build(),
        );
        let addons = list(&client, "aws_eks_addon", "eu-west-1").await.unwrap();
        let ids: Vec<&str> = addons.iter().map(|r| r.id.as_str()).collect();
        assert_eq!(ids, ["main:vpc-cni", "main:coredns"]);
        let (cni, dns) = (addons[0].attributes.map(), addons[1].attributes.map());
        assert_eq!(
            cni["service_account_role_arn"],
            json!("arn:aws:iam::111111111111:role/cni")
        );
        assert_eq!(dns["service_account_role_arn"], json!(""), "none is \"\"");
        assert_eq!(dns["addon_version"], json!("v1.19.0-eksbuild.1"));
        assert_eq!(dns["tags"], json!({"Team": "platform"}));
    }

    #[test]
    fn a_node_group_is_named_by_its_cluster() {
        let n = Nodegroup::builder()
            .cluster_name("main")
            .nodegroup_name("workers")
            .subnets("subnet-b")
            .subnets("subnet-a")
            .scaling_config(
                NodegroupScalingConfig::builder()
                    .min_size(1)
                    .max_size(3)
                    .desired_size(2)
                    .build(),
            )
            .disk_size(20)
            .build();
        let r = node_group(&n, "eu-west-1");
        let a = r.attributes.map();
        assert_eq!(r.id, "main:workers");
        assert_eq!(
            a["scaling_config"],
            json!([{"desired_size": 2, "max_size": 3, "min_size": 1}])
        );
        assert_eq!(a["subnet_ids"], json!(["subnet-a", "subnet-b"]));
        assert!(!a.contains_key("instance_types"), "not returned");
    }
}
