//! Lambda, per region: ListFunctions lists every function's configuration in bulk (the
//! unpublished `$LATEST`, which is what Terraform manages) and ListEventSourceMappings every
//! mapping; a function's tags need one ListTags each and its aliases one ListAliases each (the
//! API has no bulk form), made at a bounded concurrency inside the listing. Function code and
//! environment values are never shown: the environment is marked sensitive.

use aws_sdk_lambda::types::{
    AliasConfiguration, EventSourceMappingConfiguration, FunctionConfiguration,
};

use super::*;

/// The Lambda types listed here.
pub const TYPES: &[&str] = &[
    "aws_lambda_function",
    "aws_lambda_event_source_mapping",
    "aws_lambda_alias",
];

/// True when the state manages something of this service: it is listed then (or when
/// `--type` asks), so an estate without functions needs no `lambda:List*` permission.
pub fn used_by(rtype: &str) -> bool {
    rtype.starts_with("aws_lambda_")
}

/// A Lambda client on the same configuration as the EC2 ones.
pub(super) async fn client(
    opts: &AwsOptions,
    region: &str,
    calls: &CallCounter,
) -> aws_sdk_lambda::Client {
    service_client!(
        aws_sdk_lambda,
        opts,
        region,
        calls,
        "AWS_ENDPOINT_URL_LAMBDA",
        "lambda"
    )
}

/// Lists one Lambda type in one region.
pub(super) async fn list(
    client: &aws_sdk_lambda::Client,
    rtype: &str,
    region: &str,
) -> Result<Vec<Resource>, ListError> {
    match rtype {
        "aws_lambda_function" => {
            let functions = paginate!(client.list_functions().max_items(50), functions);
            read_each(functions, |f| {
                let (client, region) = (client.clone(), region.to_string());
                async move {
                    let Some(arn) = f.function_arn() else {
                        return Ok(None);
                    };
                    let tags = client
                        .list_tags()
                        .resource(arn)
                        .send()
                        .await
                        .map_err(ListError::from_sdk)?;
                    Ok(function(&f, tags.tags(), &region))
                }
            })
            .await
        }
        "aws_lambda_alias" => {
            let functions = paginate!(client.list_functions().max_items(50), functions);
            let per_function = read_each(functions, |f| {
                let (client, region) = (client.clone(), region.to_string());
                async move {
                    let Some(name) = f.function_name().map(String::from) else {
                        return Ok(None);
                    };
                    let aliases = paginate!(
                        client.list_aliases().function_name(&name).max_items(50),
                        aliases
                    );
                    Ok(Some(
                        aliases
                            .iter()
                            .filter_map(|a| alias(&name, a, &region))
                            .collect::<Vec<_>>(),
                    ))
                }
            })
            .await?;
            Ok(per_function.into_iter().flatten().collect())
        }
        "aws_lambda_event_source_mapping" => Ok(paginate!(
            client.list_event_source_mappings().max_items(100),
            event_source_mappings
        )
        .iter()
        .filter_map(|m| event_source_mapping(m, region))
        .collect()),
        other => Err(unsupported(other)),
    }
}

fn function(
    f: &FunctionConfiguration,
    tags: Option<&std::collections::HashMap<String, String>>,
    region: &str,
) -> Option<Resource> {
    let name = f.function_name()?;
    let mut r = Resource::live("aws_lambda_function", name, region);
    // Environment values are configuration people keep secrets in, whatever their names.
    r.sensitive
        .extend(crate::catalog::secret_paths("aws_lambda_function"));
    let a = r.attributes.make_mut();
    put(a, "function_name", Some(name));
    put(a, "arn", f.function_arn());
    put(a, "role", f.role());
    put(a, "handler", f.handler());
    put(a, "runtime", f.runtime().map(|x| x.as_str()));
    put(a, "memory_size", f.memory_size());
    put(a, "timeout", f.timeout());
    a.insert("description".into(), json!(f.description().unwrap_or("")));
    put(a, "code_sha256", f.code_sha256());
    put(a, "package_type", f.package_type().map(|x| x.as_str()));
    a.insert("kms_key_arn".into(), json!(f.kms_key_arn().unwrap_or("")));
    if !f.architectures().is_empty() {
        let archs: Vec<&str> = f.architectures().iter().map(|x| x.as_str()).collect();
        a.insert("architectures".into(), json!(archs));
    }
    let layers: Vec<&str> = f.layers().iter().filter_map(|l| l.arn()).collect();
    a.insert("layers".into(), json!(layers));
    // No variables and no block are the same to the provider: both are written as none.
    let variables = f.environment().and_then(|e| e.variables());
    a.insert(
        "environment".into(),
        match variables {
            Some(v) if !v.is_empty() => {
                let v: BTreeMap<&str, &str> =
                    v.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
                json!([{ "variables": v }])
            }
            _ => json!([]),
        },
    );
    if let Some(mode) = f.tracing_config().and_then(|t| t.mode()) {
        a.insert("tracing_config".into(), json!([{ "mode": mode.as_str() }]));
    }
    if let Some(size) = f.ephemeral_storage().map(|e| e.size()) {
        a.insert("ephemeral_storage".into(), json!([{ "size": size }]));
    }
    a.insert(
        "dead_letter_config".into(),
        match f.dead_letter_config().and_then(|d| d.target_arn()) {
            Some(arn) => json!([{ "target_arn": arn }]),
            None => json!([]),
        },
    );
    a.insert(
        "vpc_config".into(),
        match f.vpc_config() {
            Some(v) if !v.subnet_ids().is_empty() => json!([{
                "subnet_ids": strs(v.subnet_ids().iter().map(|s| Some(s.as_str()))),
                "security_group_ids":
                    strs(v.security_group_ids().iter().map(|s| Some(s.as_str()))),
            }]),
            _ => json!([]),
        },
    );
    let tags = tags.into_iter().flatten();
    a.insert(
        "tags".into(),
        own_tags(tags.map(|(k, v)| (k.as_str(), v.as_str()))),
    );
    Some(r)
}

fn alias(function: &str, x: &AliasConfiguration, region: &str) -> Option<Resource> {
    let (arn, name) = (x.alias_arn()?, x.name()?);
    let mut r = Resource::live("aws_lambda_alias", arn, region);
    r.import_id = Some(format!("{function}/{name}"));
    let a = r.attributes.make_mut();
    put(a, "arn", Some(arn));
    put(a, "name", Some(name));
    put(a, "function_version", x.function_version());
    a.insert("description".into(), json!(x.description().unwrap_or("")));
    let weights = x
        .routing_config()
        .and_then(|c| c.additional_version_weights())
        .filter(|w| !w.is_empty())
        .map(|w| {
            let w: BTreeMap<&str, f64> = w.iter().map(|(k, v)| (k.as_str(), *v)).collect();
            json!([{ "additional_version_weights": w }])
        });
    a.insert(
        "routing_config".into(),
        weights.unwrap_or_else(|| json!([])),
    );
    Some(r)
}

fn event_source_mapping(m: &EventSourceMappingConfiguration, region: &str) -> Option<Resource> {
    let mut r = Resource::live("aws_lambda_event_source_mapping", m.uuid()?, region);
    let a = r.attributes.make_mut();
    put(a, "uuid", m.uuid());
    put(a, "function_arn", m.function_arn());
    put(a, "event_source_arn", m.event_source_arn());
    put(a, "batch_size", m.batch_size());
    put(
        a,
        "maximum_batching_window_in_seconds",
        m.maximum_batching_window_in_seconds(),
    );
    put(
        a,
        "starting_position",
        m.starting_position().map(|p| p.as_str()),
    );
    // Terraform's `enabled` is the mapping's state: one being switched on is on.
    put(
        a,
        "enabled",
        m.state()
            .map(|s| matches!(s, "Enabled" | "Enabling" | "Creating" | "Updating")),
    );
    if !m.function_response_types().is_empty() {
        let types: Vec<&str> = m
            .function_response_types()
            .iter()
            .map(|t| t.as_str())
            .collect();
        a.insert("function_response_types".into(), json!(types));
    }
    Some(r)
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_lambda::types::{AliasRoutingConfiguration, EnvironmentResponse, Runtime};

    #[test]
    fn an_alias_reads_as_the_provider_writes_it() {
        let x = AliasConfiguration::builder()
            .alias_arn("arn:aws:lambda:eu-west-1:1:function:resize:live")
            .name("live")
            .function_version("3")
            .routing_config(
                AliasRoutingConfiguration::builder()
                    .additional_version_weights("4", 0.1)
                    .build(),
            )
            .build();
        let r = alias("resize", &x, "eu-west-1").unwrap();
        assert_eq!(r.import_id.as_deref(), Some("resize/live"));
        let a = r.attributes.map();
        assert_eq!(a["description"], "");
        assert_eq!(
            a["routing_config"],
            json!([{"additional_version_weights": {"4": 0.1}}])
        );
    }

    #[test]
    fn a_function_reads_as_the_provider_writes_it_and_hides_its_environment() {
        let f = FunctionConfiguration::builder()
            .function_name("resize")
            .function_arn("arn:aws:lambda:eu-west-1:1:function:resize")
            .runtime(Runtime::Python312)
            .environment(
                EnvironmentResponse::builder()
                    .variables("TOKEN", "abc")
                    .build(),
            )
            .build();
        let r = function(&f, None, "eu-west-1").unwrap();
        assert_eq!(r.sensitive, [crate::model::AttrPath::attr("environment")]);
        let a = r.attributes.map();
        assert_eq!(a["runtime"], "python3.12");
        assert_eq!(a["environment"], json!([{"variables": {"TOKEN": "abc"}}]));
        assert_eq!(a["vpc_config"], json!([]));
        assert_eq!(a["layers"], json!([]));
        assert_eq!(a["tags"], json!({}));
        let bare = FunctionConfiguration::builder().function_name("x").build();
        let r = function(&bare, None, "eu-west-1").unwrap();
        assert_eq!(r.attributes.map()["environment"], json!([]));
    }

    #[test]
    fn a_mapping_is_enabled_while_it_is_being_switched_on() {
        let m = |state: &str| {
            let m = EventSourceMappingConfiguration::builder()
                .uuid("u-1")
                .state(state)
                .build();
            event_source_mapping(&m, "eu-west-1")
                .unwrap()
                .attributes
                .map()["enabled"]
                .clone()
        };
        assert_eq!(m("Enabled"), json!(true));
        assert_eq!(m("Enabling"), json!(true));
        assert_eq!(m("Disabled"), json!(false));
        assert_eq!(m("Disabling"), json!(false));
    }
}
