//! Elastic Load Balancing v2, per region: DescribeLoadBalancers and DescribeTargetGroups list
//! every load balancer and target group in bulk, DescribeTags reads the tags of 20 at a time;
//! listeners need one DescribeListeners per load balancer, their rules one DescribeRules per
//! listener, and a target group's targets one DescribeTargetHealth each (the API has no bulk
//! form), made at a bounded concurrency.

use std::collections::HashMap;

use aws_sdk_elasticloadbalancingv2::Client as ElbClient;
use aws_sdk_elasticloadbalancingv2::types::{
    Action, Listener, LoadBalancer, Rule, RuleCondition, TargetGroup,
};

use super::*;

/// The ELBv2 types listed here (target group attachments are checked against their group).
pub const TYPES: &[&str] = &[
    "aws_lb",
    "aws_lb_target_group",
    "aws_lb_listener",
    "aws_lb_listener_rule",
];

/// True when the state manages something of this service (under either name Terraform
/// gives it): it is listed then (or when `--type` asks).
pub fn used_by(rtype: &str) -> bool {
    rtype.starts_with("aws_lb") || rtype.starts_with("aws_alb")
}

/// DescribeTags takes at most this many ARNs.
const TAGS_PER_CALL: usize = 20;

/// An ELBv2 client on the same configuration as the EC2 ones.
pub(super) async fn client(opts: &AwsOptions, region: &str, calls: &CallCounter) -> ElbClient {
    service_client!(
        aws_sdk_elasticloadbalancingv2,
        opts,
        region,
        calls,
        "AWS_ENDPOINT_URL_ELASTIC_LOAD_BALANCING_V2",
        "elbv2"
    )
}

/// Lists one ELBv2 type in one region.
pub(super) async fn list(
    client: &ElbClient,
    rtype: &str,
    region: &str,
) -> Result<Vec<Resource>, ListError> {
    match rtype {
        "aws_lb" => {
            let lbs = load_balancers(client).await?;
            let tags = tags(client, arns(lbs.iter().map(|l| l.load_balancer_arn()))).await?;
            Ok(lbs
                .iter()
                .filter_map(|l| load_balancer(l, &tags, region))
                .collect())
        }
        "aws_lb_target_group" => {
            let groups = paginate!(
                client.describe_target_groups().page_size(400),
                target_groups
            );
            let group_arns = arns(groups.iter().map(|g| g.target_group_arn()));
            let tags = tags(client, group_arns.clone()).await?;
            // Owned futures: ones borrowing through the closure's argument are not provably
            // `Send`, and the server spawns scans on its runtime.
            let reads = group_arns.into_iter().map(|arn| {
                let client = client.clone();
                async move {
                    let health = client
                        .describe_target_health()
                        .target_group_arn(&arn)
                        .send()
                        .await
                        .map_err(ListError::from_sdk)?;
                    let targets: Vec<Value> = health
                        .target_health_descriptions()
                        .iter()
                        .filter_map(|d| d.target())
                        .map(|t| json!({"target_id": t.id(), "port": t.port()}))
                        .collect();
                    Ok::<_, ListError>((arn, targets))
                }
            });
            let targets: HashMap<String, Vec<Value>> = futures::stream::iter(reads)
                .buffered(PER_OBJECT_READS)
                .collect::<Vec<_>>()
                .await
                .into_iter()
                .collect::<Result<_, _>>()?;
            Ok(groups
                .iter()
                .filter_map(|g| target_group(g, &tags, &targets, region))
                .collect())
        }
        "aws_lb_listener" => {
            let listeners = listeners(client).await?;
            let tags = tags(client, arns(listeners.iter().map(|l| l.listener_arn()))).await?;
            Ok(listeners
                .iter()
                .filter_map(|l| listener(l, &tags, region))
                .collect())
        }
        "aws_lb_listener_rule" => {
            let listener_arns = arns(listeners(client).await?.iter().map(|l| l.listener_arn()));
            let reads = listener_arns.into_iter().map(|arn| {
                let client = client.clone();
                async move {
                    let rules = paginate!(
                        client.describe_rules().listener_arn(&arn).page_size(400),
                        rules
                    );
                    Ok::<_, ListError>((arn, rules))
                }
            });
            let per_listener: Vec<(String, Vec<Rule>)> = futures::stream::iter(reads)
                .buffered(PER_OBJECT_READS)
                .collect::<Vec<_>>()
                .await
                .into_iter()
                .collect::<Result<_, _>>()?;
            // A listener's default rule is its default action, not a rule of its own.
            let rules: Vec<(&str, &Rule)> = per_listener
                .iter()
                .flat_map(|(arn, rules)| rules.iter().map(move |r| (arn.as_str(), r)))
                .filter(|(_, r)| r.is_default() != Some(true))
                .collect();
            let tags = tags(client, arns(rules.iter().map(|(_, r)| r.rule_arn()))).await?;
            Ok(rules
                .iter()
                .filter_map(|(listener, r)| rule(listener, r, &tags, region))
                .collect())
        }
        other => Err(unsupported(other)),
    }
}

/// Every listener of every load balancer: one DescribeListeners per load balancer.
async fn listeners(client: &ElbClient) -> Result<Vec<Listener>, ListError> {
    let lbs = load_balancers(client).await?;
    let lb_arns = arns(lbs.iter().map(|l| l.load_balancer_arn()));
    let reads = lb_arns.into_iter().map(|arn| {
        let client = client.clone();
        async move {
            let out = paginate!(
                client
                    .describe_listeners()
                    .load_balancer_arn(arn)
                    .page_size(400),
                listeners
            );
            Ok::<_, ListError>(out)
        }
    });
    Ok(futures::stream::iter(reads)
        .buffered(PER_OBJECT_READS)
        .collect::<Vec<_>>()
        .await
        .into_iter()
        .collect::<Result<Vec<_>, _>>()?
        .into_iter()
        .flatten()
        .collect())
}

async fn load_balancers(client: &ElbClient) -> Result<Vec<LoadBalancer>, ListError> {
    let out = paginate!(
        client.describe_load_balancers().page_size(400),
        load_balancers
    );
    Ok(out)
}

/// The ARNs present, owned.
fn arns<'a>(arns: impl Iterator<Item = Option<&'a str>>) -> Vec<String> {
    arns.flatten().map(String::from).collect()
}

/// Tags by ARN, 20 ARNs a call, AWS's own (`aws:`) left out.
async fn tags(
    client: &ElbClient,
    arns: Vec<String>,
) -> Result<HashMap<String, BTreeMap<String, String>>, ListError> {
    let chunks: Vec<Vec<String>> = arns.chunks(TAGS_PER_CALL).map(<[String]>::to_vec).collect();
    let reads = chunks.into_iter().map(|chunk| {
        let client = client.clone();
        async move {
            client
                .describe_tags()
                .set_resource_arns(Some(chunk))
                .send()
                .await
                .map_err(ListError::from_sdk)
        }
    });
    let mut out = HashMap::new();
    for page in futures::stream::iter(reads)
        .buffered(PER_OBJECT_READS)
        .collect::<Vec<_>>()
        .await
    {
        for d in page?.tag_descriptions() {
            let Some(arn) = d.resource_arn() else {
                continue;
            };
            let tags = d
                .tags()
                .iter()
                .filter_map(|t| Some((t.key()?, t.value().unwrap_or(""))))
                .filter(|(k, _)| !k.starts_with("aws:"))
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect();
            out.insert(arn.to_string(), tags);
        }
    }
    Ok(out)
}

fn tags_of(tags: &HashMap<String, BTreeMap<String, String>>, arn: &str) -> Value {
    json!(tags.get(arn).cloned().unwrap_or_default())
}

fn load_balancer(
    l: &LoadBalancer,
    tags: &HashMap<String, BTreeMap<String, String>>,
    region: &str,
) -> Option<Resource> {
    let arn = l.load_balancer_arn()?;
    let mut r = Resource::live("aws_lb", arn, region);
    let a = r.attributes.make_mut();
    put(a, "arn", Some(arn));
    put(a, "name", l.load_balancer_name());
    put(a, "internal", l.scheme().map(|s| s.as_str() == "internal"));
    put(a, "load_balancer_type", l.r#type().map(|t| t.as_str()));
    put(
        a,
        "ip_address_type",
        l.ip_address_type().map(|t| t.as_str()),
    );
    put(a, "dns_name", l.dns_name());
    put(a, "zone_id", l.canonical_hosted_zone_id());
    put(a, "vpc_id", l.vpc_id());
    a.insert(
        "security_groups".into(),
        strs(l.security_groups().iter().map(|s| Some(s.as_str()))),
    );
    a.insert(
        "subnets".into(),
        strs(l.availability_zones().iter().map(|z| z.subnet_id())),
    );
    a.insert("tags".into(), tags_of(tags, arn));
    Some(r)
}

fn target_group(
    g: &TargetGroup,
    tags: &HashMap<String, BTreeMap<String, String>>,
    targets: &HashMap<String, Vec<Value>>,
    region: &str,
) -> Option<Resource> {
    let arn = g.target_group_arn()?;
    let mut r = Resource::live("aws_lb_target_group", arn, region);
    let a = r.attributes.make_mut();
    put(a, "arn", Some(arn));
    put(a, "name", g.target_group_name());
    put(a, "port", g.port());
    put(a, "protocol", g.protocol().map(|p| p.as_str()));
    put(a, "protocol_version", g.protocol_version());
    put(a, "vpc_id", g.vpc_id());
    put(a, "target_type", g.target_type().map(|t| t.as_str()));
    put(
        a,
        "ip_address_type",
        g.ip_address_type().map(|t| t.as_str()),
    );
    let mut check = Map::new();
    put(&mut check, "enabled", g.health_check_enabled());
    put(&mut check, "healthy_threshold", g.healthy_threshold_count());
    put(
        &mut check,
        "unhealthy_threshold",
        g.unhealthy_threshold_count(),
    );
    put(&mut check, "interval", g.health_check_interval_seconds());
    put(&mut check, "timeout", g.health_check_timeout_seconds());
    put(&mut check, "path", g.health_check_path());
    put(&mut check, "port", g.health_check_port());
    put(
        &mut check,
        "protocol",
        g.health_check_protocol().map(|p| p.as_str()),
    );
    put(
        &mut check,
        "matcher",
        g.matcher().and_then(|m| m.http_code().or(m.grpc_code())),
    );
    a.insert("health_check".into(), json!([check]));
    a.insert("tags".into(), tags_of(tags, arn));
    // Read by `aws_lb_target_group_attachment`; never compared (a leading `_`).
    a.insert(
        "_targets".into(),
        Value::Array(targets.get(arn).cloned().unwrap_or_default()),
    );
    Some(r)
}

fn listener(
    l: &Listener,
    tags: &HashMap<String, BTreeMap<String, String>>,
    region: &str,
) -> Option<Resource> {
    let arn = l.listener_arn()?;
    let mut r = Resource::live("aws_lb_listener", arn, region);
    let a = r.attributes.make_mut();
    put(a, "arn", Some(arn));
    put(a, "load_balancer_arn", l.load_balancer_arn());
    put(a, "port", l.port());
    put(a, "protocol", l.protocol().map(|p| p.as_str()));
    a.insert("ssl_policy".into(), json!(l.ssl_policy().unwrap_or("")));
    // The listener's default certificate; the others are `aws_lb_listener_certificate`s.
    let certificate = l
        .certificates()
        .iter()
        .find(|c| c.is_default() != Some(false))
        .and_then(|c| c.certificate_arn());
    a.insert("certificate_arn".into(), json!(certificate.unwrap_or("")));
    a.insert("default_action".into(), actions(l.default_actions()));
    a.insert("tags".into(), tags_of(tags, arn));
    Some(r)
}

/// Actions by type, target group and order: what the listings return of them.
fn actions(list: &[Action]) -> Value {
    list.iter()
        .map(|x| {
            let mut m = Map::new();
            put(&mut m, "type", x.r#type().map(|t| t.as_str()));
            put(&mut m, "target_group_arn", x.target_group_arn());
            put(&mut m, "order", x.order());
            Value::Object(m)
        })
        .collect()
}

fn rule(
    listener: &str,
    x: &Rule,
    tags: &HashMap<String, BTreeMap<String, String>>,
    region: &str,
) -> Option<Resource> {
    let arn = x.rule_arn()?;
    let mut r = Resource::live("aws_lb_listener_rule", arn, region);
    let a = r.attributes.make_mut();
    put(a, "arn", Some(arn));
    put(a, "listener_arn", Some(listener));
    put(
        a,
        "priority",
        x.priority().and_then(|p| p.parse::<i64>().ok()),
    );
    a.insert("action".into(), actions(x.actions()));
    let conditions: Vec<Value> = x.conditions().iter().filter_map(condition).collect();
    a.insert("condition".into(), Value::Array(conditions));
    a.insert("tags".into(), tags_of(tags, arn));
    Some(r)
}

/// A rule's condition as the provider writes it: one block of six, the others empty. A
/// condition AWS returns in its older form (a field and values) reads the same.
fn condition(c: &RuleCondition) -> Option<Value> {
    let sorted = |v: &[String]| {
        let mut v = v.to_vec();
        v.sort();
        json!([{ "values": v }])
    };
    let mut block = json!({
        "host_header": [], "http_header": [], "http_request_method": [],
        "path_pattern": [], "query_string": [], "source_ip": [],
    });
    let legacy = c.values();
    match c.field()? {
        "host-header" => {
            let v = c.host_header_config().map_or(legacy, |h| h.values());
            block["host_header"] = sorted(v);
        }
        "path-pattern" => {
            let v = c.path_pattern_config().map_or(legacy, |p| p.values());
            block["path_pattern"] = sorted(v);
        }
        "http-request-method" => {
            let v = c
                .http_request_method_config()
                .map_or(legacy, |m| m.values());
            block["http_request_method"] = sorted(v);
        }
        "source-ip" => {
            let v = c.source_ip_config().map_or(legacy, |s| s.values());
            block["source_ip"] = sorted(v);
        }
        "http-header" => {
            let h = c.http_header_config()?;
            let mut v = h.values().to_vec();
            v.sort();
            block["http_header"] = json!([{"http_header_name": h.http_header_name(), "values": v}]);
        }
        "query-string" => {
            let mut pairs: Vec<Value> = c
                .query_string_config()?
                .values()
                .iter()
                .map(|p| json!({"key": p.key().unwrap_or(""), "value": p.value()}))
                .collect();
            pairs.sort_by_key(|p| p.to_string());
            block["query_string"] = json!(pairs);
        }
        _ => return None,
    }
    Some(block)
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_elasticloadbalancingv2::types::{
        Action, ActionTypeEnum, AvailabilityZone, Certificate, LoadBalancerSchemeEnum, Matcher,
    };

    #[test]
    fn a_load_balancer_reads_as_the_provider_writes_it() {
        let l = LoadBalancer::builder()
            .load_balancer_arn("arn:lb")
            .scheme(LoadBalancerSchemeEnum::Internal)
            .availability_zones(AvailabilityZone::builder().subnet_id("subnet-b").build())
            .availability_zones(AvailabilityZone::builder().subnet_id("subnet-a").build())
            .build();
        let tags = HashMap::from([(
            "arn:lb".to_string(),
            BTreeMap::from([("Team".to_string(), "a".to_string())]),
        )]);
        let a = load_balancer(&l, &tags, "us-east-1")
            .unwrap()
            .attributes
            .map()
            .into_owned();
        assert_eq!(a["internal"], true);
        assert_eq!(a["subnets"], json!(["subnet-a", "subnet-b"]));
        assert_eq!(a["security_groups"], json!([]));
        assert_eq!(a["tags"], json!({"Team": "a"}));
    }

    #[test]
    fn a_target_group_carries_its_health_check_and_targets() {
        let g = TargetGroup::builder()
            .target_group_arn("arn:tg")
            .health_check_path("/health")
            .matcher(Matcher::builder().http_code("200").build())
            .build();
        let targets = HashMap::from([(
            "arn:tg".to_string(),
            vec![json!({"target_id": "i-1", "port": 80})],
        )]);
        let r = target_group(&g, &HashMap::new(), &targets, "us-east-1").unwrap();
        let a = r.attributes.map();
        assert_eq!(
            a["health_check"],
            json!([{"path": "/health", "matcher": "200"}])
        );
        assert_eq!(a["_targets"], json!([{"target_id": "i-1", "port": 80}]));
        assert_eq!(a["tags"], json!({}));
    }

    #[test]
    fn rule_conditions_read_as_the_provider_writes_them() {
        use aws_sdk_elasticloadbalancingv2::types::{
            HostHeaderConditionConfig, QueryStringConditionConfig, QueryStringKeyValuePair,
        };
        let host = RuleCondition::builder()
            .field("host-header")
            .host_header_config(
                HostHeaderConditionConfig::builder()
                    .values("b.example.com")
                    .values("a.example.com")
                    .build(),
            )
            .build();
        let c = condition(&host).unwrap();
        assert_eq!(
            c["host_header"],
            json!([{"values": ["a.example.com", "b.example.com"]}])
        );
        assert_eq!(c["path_pattern"], json!([]));
        // The older form: a field and its values.
        let legacy = RuleCondition::builder()
            .field("path-pattern")
            .values("/api/*")
            .build();
        assert_eq!(
            condition(&legacy).unwrap()["path_pattern"],
            json!([{"values": ["/api/*"]}])
        );
        let query = RuleCondition::builder()
            .field("query-string")
            .query_string_config(
                QueryStringConditionConfig::builder()
                    .values(QueryStringKeyValuePair::builder().value("on").build())
                    .build(),
            )
            .build();
        assert_eq!(
            condition(&query).unwrap()["query_string"],
            json!([{"key": "", "value": "on"}])
        );
    }

    #[test]
    fn a_listener_names_its_default_certificate_and_actions() {
        let l = Listener::builder()
            .listener_arn("arn:listener")
            .certificates(
                Certificate::builder()
                    .certificate_arn("arn:cert")
                    .is_default(true)
                    .build(),
            )
            .default_actions(
                Action::builder()
                    .r#type(ActionTypeEnum::Forward)
                    .target_group_arn("arn:tg")
                    .build(),
            )
            .build();
        let a = listener(&l, &HashMap::new(), "us-east-1")
            .unwrap()
            .attributes
            .map()
            .into_owned();
        assert_eq!(a["certificate_arn"], "arn:cert");
        assert_eq!(a["ssl_policy"], "");
        assert_eq!(
            a["default_action"],
            json!([{"type": "forward", "target_group_arn": "arn:tg"}])
        );
    }
}
