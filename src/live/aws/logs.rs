//! CloudWatch Logs, per region: DescribeLogGroups and DescribeMetricFilters list every log
//! group and metric filter in bulk; a group's tags need one ListTagsForResource each (the API
//! has no bulk form), made at a bounded concurrency inside the listing.

use aws_sdk_cloudwatchlogs::types::{LogGroup, MetricFilter};

use super::*;

/// The Logs types listed here.
pub const TYPES: &[&str] = &[
    "aws_cloudwatch_log_group",
    "aws_cloudwatch_log_metric_filter",
];

/// True when the state manages something of this service: it is listed then (or when
/// `--type` asks), so an EC2-only estate needs no `logs:Describe*` permission.
pub fn used_by(rtype: &str) -> bool {
    rtype.starts_with("aws_cloudwatch_log_")
}

/// A Logs client on the same configuration as the EC2 ones.
pub(super) async fn client(
    opts: &AwsOptions,
    region: &str,
    calls: &CallCounter,
) -> aws_sdk_cloudwatchlogs::Client {
    service_client!(
        aws_sdk_cloudwatchlogs,
        opts,
        region,
        calls,
        "AWS_ENDPOINT_URL_CLOUDWATCH_LOGS",
        "logs"
    )
}

/// Lists one Logs type in one region.
pub(super) async fn list(
    client: &aws_sdk_cloudwatchlogs::Client,
    rtype: &str,
    region: &str,
) -> Result<Vec<Resource>, ListError> {
    match rtype {
        "aws_cloudwatch_log_group" => {
            let groups = paginate!(client.describe_log_groups().limit(50), log_groups);
            read_each(groups, |g| {
                let (client, region) = (client.clone(), region.to_string());
                async move {
                    let Some(arn) = g.arn().map(group_arn) else {
                        return Ok(None);
                    };
                    let tags = client
                        .list_tags_for_resource()
                        .resource_arn(arn)
                        .send()
                        .await
                        .map_err(ListError::from_sdk)?;
                    Ok(log_group(&g, tags.tags(), &region))
                }
            })
            .await
        }
        "aws_cloudwatch_log_metric_filter" => Ok(paginate!(
            client.describe_metric_filters().limit(50),
            metric_filters
        )
        .iter()
        .filter_map(|f| metric_filter(f, region))
        .collect()),
        other => Err(unsupported(other)),
    }
}

/// DescribeLogGroups gives a group's ARN with a `:*` suffix; Terraform (and the tagging API)
/// use it without.
fn group_arn(arn: &str) -> &str {
    arn.strip_suffix(":*").unwrap_or(arn)
}

/// The resource a log group was made for, from the name AWS gives the groups its services
/// create on first use: the group is that resource's, never unmanaged while the state
/// manages it.
fn made_for(name: &str) -> Option<Companion> {
    // (owner type, the owner's attribute the name holds (None: its ID), the name in the group)
    let (owner_type, attr, owner) = if let Some(function) = name.strip_prefix("/aws/lambda/") {
        // Lambda@Edge writes to `/aws/lambda/REGION.NAME` in each region it runs in; a function
        // name never holds a dot.
        let function = function.split_once('.').map_or(function, |(_, f)| f);
        ("aws_lambda_function", None, function)
    } else if let Some(rest) = name.strip_prefix("/aws/eks/") {
        ("aws_eks_cluster", None, rest.strip_suffix("/cluster")?)
    } else if let Some(rest) = name.strip_prefix("/aws/containerinsights/") {
        ("aws_eks_cluster", None, rest.split_once('/')?.0)
    } else if let Some(project) = name.strip_prefix("/aws/codebuild/") {
        ("aws_codebuild_project", Some("name"), project)
    } else if let Some(rest) = name.strip_prefix("/aws/rds/instance/") {
        (
            "aws_db_instance",
            Some("identifier"),
            rest.split_once('/')?.0,
        )
    } else if let Some(rest) = name.strip_prefix("/aws/rds/cluster/") {
        ("aws_rds_cluster", None, rest.split_once('/')?.0)
    } else if let Some(rest) = name.strip_prefix("/aws/ecs/containerinsights/") {
        (
            "aws_ecs_cluster",
            Some("name"),
            rest.strip_suffix("/performance")?,
        )
    } else if let Some(rest) = name.strip_prefix("API-Gateway-Execution-Logs_") {
        ("aws_api_gateway_rest_api", None, rest.split_once('/')?.0)
    } else if let Some(api) = name.strip_prefix("/aws/appsync/apis/") {
        ("aws_appsync_graphql_api", None, api)
    } else {
        return None;
    };
    (!owner.is_empty() && !owner.contains('/')).then(|| Companion {
        owner_type: owner_type.into(),
        owner_id: owner.into(),
        dies_with_owner: false,
        owner_attr: attr.map(Into::into),
    })
}

fn log_group(
    g: &LogGroup,
    tags: Option<&std::collections::HashMap<String, String>>,
    region: &str,
) -> Option<Resource> {
    let name = g.log_group_name()?;
    let mut r = Resource::live("aws_cloudwatch_log_group", name, region);
    r.companion_of = made_for(name);
    let a = r.attributes.make_mut();
    put(a, "name", Some(name));
    put(a, "arn", g.arn().map(group_arn));
    // No retention and no key are what the provider records as 0 and "".
    a.insert(
        "retention_in_days".into(),
        json!(g.retention_in_days().unwrap_or(0)),
    );
    a.insert("kms_key_id".into(), json!(g.kms_key_id().unwrap_or("")));
    put(
        a,
        "log_group_class",
        g.log_group_class().map(|c| c.as_str()),
    );
    a.insert("tags".into(), own_tag_map(tags));
    Some(r)
}

fn metric_filter(f: &MetricFilter, region: &str) -> Option<Resource> {
    let (name, group) = (f.filter_name()?, f.log_group_name()?);
    // Named by the import ID: Terraform's, the name, is not unique (`catalog` matches it).
    let mut r = Resource::live(
        "aws_cloudwatch_log_metric_filter",
        format!("{group}:{name}"),
        region,
    );
    let a = r.attributes.make_mut();
    put(a, "name", Some(name));
    put(a, "log_group_name", Some(group));
    a.insert("pattern".into(), json!(f.filter_pattern().unwrap_or("")));
    let transformations: Vec<Value> = f
        .metric_transformations()
        .iter()
        .map(|m| {
            let dimensions: BTreeMap<&str, &str> = m
                .dimensions()
                .into_iter()
                .flatten()
                .map(|(k, v)| (k.as_str(), v.as_str()))
                .collect();
            json!({
                "name": m.metric_name(),
                "namespace": m.metric_namespace(),
                "value": m.metric_value(),
                // The provider writes the default as text, "" when there is none.
                "default_value": m.default_value().map(|v| v.to_string()).unwrap_or_default(),
                "dimensions": dimensions,
                "unit": m.unit().map_or("None", |u| u.as_str()),
            })
        })
        .collect();
    a.insert(
        "metric_transformation".into(),
        Value::Array(transformations),
    );
    Some(r)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_aws_services_make_belong_to_their_resource() {
        let owner = |name: &str| {
            made_for(name).map(|c| format!("{} {:?}={}", c.owner_type, c.owner_attr, c.owner_id))
        };
        let cases = [
            ("/aws/lambda/resize", "aws_lambda_function None=resize"),
            (
                "/aws/lambda/us-east-1.edge",
                "aws_lambda_function None=edge",
            ),
            ("/aws/eks/prod/cluster", "aws_eks_cluster None=prod"),
            (
                "/aws/containerinsights/prod/performance",
                "aws_eks_cluster None=prod",
            ),
            (
                "/aws/codebuild/ci",
                "aws_codebuild_project Some(\"name\")=ci",
            ),
            (
                "/aws/rds/instance/orders/postgresql",
                "aws_db_instance Some(\"identifier\")=orders",
            ),
            (
                "/aws/rds/cluster/orders/audit",
                "aws_rds_cluster None=orders",
            ),
            (
                "/aws/ecs/containerinsights/web/performance",
                "aws_ecs_cluster Some(\"name\")=web",
            ),
            (
                "API-Gateway-Execution-Logs_a1b2c3/prod",
                "aws_api_gateway_rest_api None=a1b2c3",
            ),
            ("/aws/appsync/apis/xyz", "aws_appsync_graphql_api None=xyz"),
        ];
        for (name, want) in cases {
            assert_eq!(owner(name).as_deref(), Some(want), "{name}");
        }
        for name in [
            "/aws/eks/prod/other",
            "/aws/lambda/",
            "/app/web",
            "/aws/rds/instance/orders",
            "/aws/ecs/containerinsights/web/other",
        ] {
            assert_eq!(owner(name), None, "{name}");
        }
    }

    #[test]
    fn a_group_reads_as_the_provider_writes_it() {
        let g = LogGroup::builder()
            .log_group_name("/app/web")
            .arn("arn:aws:logs:eu-west-1:1:log-group:/app/web:*")
            .build();
        let tags = std::collections::HashMap::from([
            ("Team".to_string(), "a".to_string()),
            ("aws:cloudformation:stack-name".to_string(), "s".to_string()),
        ]);
        let r = log_group(&g, Some(&tags), "eu-west-1").unwrap();
        let a = r.attributes.map();
        assert_eq!(a["arn"], "arn:aws:logs:eu-west-1:1:log-group:/app/web");
        assert_eq!(a["retention_in_days"], 0);
        assert_eq!(a["kms_key_id"], "");
        assert_eq!(a["tags"], json!({"Team": "a"}));
        assert!(
            !a.contains_key("log_group_class"),
            "not returned, not compared"
        );
        assert!(r.companion_of.is_none());
    }

    #[test]
    fn a_metric_filter_is_imported_by_group_and_name() {
        let f = MetricFilter::builder()
            .filter_name("errors")
            .log_group_name("/app/web")
            .filter_pattern("ERROR")
            .metric_transformations(
                aws_sdk_cloudwatchlogs::types::MetricTransformation::builder()
                    .metric_name("Errors")
                    .metric_namespace("App")
                    .metric_value("1")
                    .default_value(0.0)
                    .build()
                    .unwrap(),
            )
            .build();
        let r = metric_filter(&f, "eu-west-1").unwrap();
        assert_eq!(r.id, "/app/web:errors");
        let a = r.attributes.map();
        assert_eq!(a["metric_transformation"][0]["default_value"], "0");
        assert_eq!(a["metric_transformation"][0]["unit"], "None");
        assert_eq!(a["metric_transformation"][0]["dimensions"], json!({}));
    }
}
