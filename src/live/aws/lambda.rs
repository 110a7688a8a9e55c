//! Lambda, per region: ListFunctions lists every function's configuration in bulk (the
//! unpublished `$LATEST`, which is what Terraform manages) and ListEventSourceMappings every
//! mapping; a function's tags need one ListTags each, its aliases one ListAliases each and its
//! permissions one GetPolicy per function, alias and published version (the API has no bulk
//! form), made at a
//! bounded concurrency inside the listing; ListLayers names the layers and ListLayerVersions
//! lists each one's versions. Function code and environment values are never shown: the
//! environment is marked sensitive.

use aws_sdk_lambda::types::{
    AliasConfiguration, EventSourceMappingConfiguration, FunctionConfiguration,
};

use super::*;

/// The Lambda types listed here.
pub const TYPES: &[&str] = &[
    "aws_lambda_function",
    "aws_lambda_event_source_mapping",
    "aws_lambda_alias",
    "aws_lambda_permission",
    "aws_lambda_layer_version",
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
        "aws_lambda_permission" => {
            let functions = paginate!(client.list_functions().max_items(50), functions);
            // Each function's resource policy, and each of its aliases' and versions' (a
            // permission given on an alias or a version lives in that one's policy).
            let targets = read_each(functions, |f| {
                let client = client.clone();
                async move {
                    let Some(name) = f.function_name().map(String::from) else {
                        return Ok(None);
                    };
                    let aliases = paginate!(
                        client.list_aliases().function_name(&name).max_items(50),
                        aliases
                    );
                    // Published versions have policies of their own too (`qualifier =
                    // aws_lambda_function.x.version`).
                    let versions = paginate!(
                        client
                            .list_versions_by_function()
                            .function_name(&name)
                            .max_items(50),
                        versions
                    );
                    let mut targets = vec![(name.clone(), None)];
                    targets.extend(
                        aliases
                            .iter()
                            .filter_map(|a| a.name())
                            .chain(versions.iter().filter_map(|v| v.version()))
                            .filter(|q| *q != "$LATEST")
                            .map(|q| (name.clone(), Some(q.to_string()))),
                    );
                    Ok(Some(targets))
                }
            })
            .await?;
            let targets: Vec<(String, Option<String>)> = targets.into_iter().flatten().collect();
            let per_policy = read_each(targets, |(name, qualifier)| {
                let (client, region) = (client.clone(), region.to_string());
                async move {
                    let got = client
                        .get_policy()
                        .function_name(&name)
                        .set_qualifier(qualifier.clone())
                        .send()
                        .await;
                    let policy = match got {
                        Ok(out) => out.policy().map(String::from),
                        // No permission given: no policy.
                        Err(e) if e.code() == Some("ResourceNotFoundException") => None,
                        Err(e) => return Err(ListError::from_sdk(e)),
                    };
                    Ok(Some(policy.map_or_else(Vec::new, |p| {
                        permissions(&name, qualifier.as_deref(), &p, &region)
                    })))
                }
            })
            .await?;
            Ok(per_policy.into_iter().flatten().collect())
        }
        "aws_lambda_layer_version" => {
            let layers = paginate!(client.list_layers().max_items(50), layers);
            let per_layer = read_each(layers, |l| {
                let (client, region) = (client.clone(), region.to_string());
                async move {
                    let Some(name) = l.layer_name().map(String::from) else {
                        return Ok(None);
                    };
                    let versions = paginate!(
                        client.list_layer_versions().layer_name(&name).max_items(50),
                        layer_versions
                    );
                    let latest = versions.iter().map(|v| v.version()).max();
                    Ok(Some(
                        versions
                            .iter()
                            .filter_map(|v| layer_version(&name, v, latest, &region))
                            .collect::<Vec<_>>(),
                    ))
                }
            })
            .await?;
            Ok(per_layer.into_iter().flatten().collect())
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
    a.insert("tags".into(), own_tag_map(tags));
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

/// One version of a layer; Terraform's ID is the version's ARN. A layer's superseded versions
/// are what `skip_destroy` keeps when the configuration publishes a new one: only the latest
/// stands for a layer nobody manages.
fn layer_version(
    name: &str,
    v: &aws_sdk_lambda::types::LayerVersionsListItem,
    latest: Option<i64>,
    region: &str,
) -> Option<Resource> {
    let arn = v.layer_version_arn()?;
    let mut r = Resource::live("aws_lambda_layer_version", arn, region);
    r.aws_default = Some(v.version()) != latest;
    let a = r.attributes.make_mut();
    put(a, "arn", Some(arn));
    put(a, "layer_name", Some(name));
    // The provider keeps the version number as a string.
    put(a, "version", Some(v.version().to_string()));
    a.insert("description".into(), json!(v.description().unwrap_or("")));
    a.insert("license_info".into(), json!(v.license_info().unwrap_or("")));
    let mut runtimes: Vec<&str> = v.compatible_runtimes().iter().map(|r| r.as_str()).collect();
    runtimes.sort_unstable();
    a.insert("compatible_runtimes".into(), json!(runtimes));
    let mut archs: Vec<&str> = v
        .compatible_architectures()
        .iter()
        .map(|x| x.as_str())
        .collect();
    archs.sort_unstable();
    a.insert("compatible_architectures".into(), json!(archs));
    Some(r)
}

/// The permissions a function's (or an alias's) resource policy grants, as
/// `aws_lambda_permission` writes them: one statement each, named by the import ID
/// `FUNCTION/SID` (`FUNCTION:QUALIFIER/SID` on an alias). A statement whose resource is another
/// qualifier's is that policy's, not this one's.
fn permissions(
    function: &str,
    qualifier: Option<&str>,
    policy: &str,
    region: &str,
) -> Vec<Resource> {
    let Ok(policy) = serde_json::from_str::<Value>(policy) else {
        return Vec::new();
    };
    let statements = match &policy["Statement"] {
        Value::Array(items) => items.clone(),
        one @ Value::Object(_) => vec![one.clone()],
        _ => Vec::new(),
    };
    statements
        .iter()
        .filter_map(|st| {
            let sid = st["Sid"].as_str()?;
            let resource = st["Resource"].as_str().unwrap_or_default();
            let suffix = resource
                .rsplit_once(&format!("function:{function}"))
                .map(|(_, q)| q);
            let on = suffix
                .and_then(|q| q.strip_prefix(':'))
                .filter(|q| !q.is_empty());
            if on != qualifier {
                return None;
            }
            let id = match qualifier {
                Some(q) => format!("{function}:{q}/{sid}"),
                None => format!("{function}/{sid}"),
            };
            let mut r = Resource::live("aws_lambda_permission", id, region);
            let a = r.attributes.make_mut();
            put(a, "statement_id", Some(sid));
            put(a, "qualifier", Some(qualifier.unwrap_or("")));
            let action = match &st["Action"] {
                Value::Array(items) => items.first().and_then(Value::as_str),
                other => other.as_str(),
            };
            put(a, "action", action);
            put(a, "principal", principal(&st["Principal"]));
            // Terraform's arguments, from the statement's conditions ("" where none).
            for (key, condition) in [
                ("source_arn", "aws:sourcearn"),
                ("source_account", "aws:sourceaccount"),
                ("principal_org_id", "aws:principalorgid"),
                ("event_source_token", "lambda:eventsourcetoken"),
                ("function_url_auth_type", "lambda:functionurlauthtype"),
            ] {
                a.insert(
                    key.into(),
                    json!(condition_value(&st["Condition"], condition)),
                );
            }
            Some(r)
        })
        .collect()
}

/// A statement's principal as the provider reads it back: the service's name, `*`, or the
/// policy's principal as it stands (an account given by its ID reads back as its root's ARN,
/// as Terraform's own refresh records it).
fn principal(p: &Value) -> Option<String> {
    let one = match p {
        Value::String(s) => s.as_str(),
        Value::Object(m) => m
            .get("Service")
            .or_else(|| m.get("AWS"))
            .or_else(|| m.get("Federated"))
            .and_then(Value::as_str)?,
        _ => return None,
    };
    Some(one.to_string())
}

/// The value a statement's conditions give `key` (case-insensitive, as IAM reads it), under
/// any operator; "" where none does.
fn condition_value(conditions: &Value, key: &str) -> String {
    let Some(operators) = conditions.as_object() else {
        return String::new();
    };
    operators
        .values()
        .filter_map(Value::as_object)
        .flat_map(|m| m.iter())
        .find(|(k, _)| k.eq_ignore_ascii_case(key))
        .and_then(|(_, v)| match v {
            Value::Array(items) => items.first().and_then(Value::as_str).map(String::from),
            other => other.as_str().map(String::from),
        })
        .unwrap_or_default()
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

    #[test]
    fn a_layers_superseded_versions_are_never_unmanaged() {
        use aws_sdk_lambda::types::LayerVersionsListItem;
        let version = |n: i64| {
            LayerVersionsListItem::builder()
                .layer_version_arn(format!("arn:aws:lambda:eu-west-1:1:layer:libs:{n}"))
                .version(n)
                .compatible_runtimes(Runtime::Python312)
                .compatible_runtimes(Runtime::Python311)
                .build()
        };
        let old = layer_version("libs", &version(1), Some(2), "eu-west-1").unwrap();
        let new = layer_version("libs", &version(2), Some(2), "eu-west-1").unwrap();
        assert!(old.aws_default && !new.aws_default);
        let a = new.attributes.map();
        assert_eq!(a["version"], json!("2"));
        assert_eq!(
            a["compatible_runtimes"],
            json!(["python3.11", "python3.12"])
        );
        assert_eq!(a["description"], json!(""));
    }

    #[test]
    fn permissions_are_the_statements_of_their_own_policy() {
        let policy = json!({"Version": "2012-10-17", "Id": "default", "Statement": [
            {"Sid": "s3", "Effect": "Allow", "Principal": {"Service": "s3.amazonaws.com"},
             "Action": "lambda:InvokeFunction",
             "Resource": "arn:aws:lambda:eu-west-1:111111111111:function:resize",
             "Condition": {"ArnLike": {"AWS:SourceArn": "arn:aws:s3:::uploads"},
                           "StringEquals": {"AWS:SourceAccount": "111111111111"}}},
            {"Sid": "partner", "Effect": "Allow",
             "Principal": {"AWS": "arn:aws:iam::222222222222:root"},
             "Action": "lambda:InvokeFunction",
             "Resource": "arn:aws:lambda:eu-west-1:111111111111:function:resize"},
            {"Sid": "events", "Effect": "Allow", "Principal": {"Service": "events.amazonaws.com"},
             "Action": "lambda:InvokeFunction",
             "Resource": "arn:aws:lambda:eu-west-1:111111111111:function:resize:live"}
        ]})
        .to_string();
        let own = permissions("resize", None, &policy, "eu-west-1");
        let ids: Vec<&str> = own.iter().map(|r| r.id.as_str()).collect();
        assert_eq!(
            ids,
            ["resize/s3", "resize/partner"],
            "the alias's is not the function's"
        );
        let s3 = own[0].attributes.map();
        assert_eq!(s3["principal"], json!("s3.amazonaws.com"));
        assert_eq!(s3["source_arn"], json!("arn:aws:s3:::uploads"));
        assert_eq!(s3["source_account"], json!("111111111111"));
        assert_eq!(s3["principal_org_id"], json!(""));
        assert_eq!(
            own[1].attributes.map()["principal"],
            json!("arn:aws:iam::222222222222:root")
        );
        let live = permissions("resize", Some("live"), &policy, "eu-west-1");
        let ids: Vec<&str> = live.iter().map(|r| r.id.as_str()).collect();
        assert_eq!(ids, ["resize:live/events"]);
        assert_eq!(live[0].attributes.map()["qualifier"], json!("live"));
    }
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
