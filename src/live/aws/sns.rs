//! SNS, per region: ListTopics and ListSubscriptions list every topic and subscription in
//! bulk; a topic's attributes and tags, and a subscription's attributes, need one call each
//! (the API has no bulk form), made at a bounded concurrency inside the listing. A
//! subscription still waiting for its confirmation is listed without its ARN: it is named by
//! topic, protocol and endpoint (`catalog::sns_pending_subscription_id`), which is also where
//! a state object Terraform recorded as pending is looked for.

use std::collections::HashMap;

use super::*;

/// The SNS types listed here (topic policies are checked against their topic).
pub const TYPES: &[&str] = &["aws_sns_topic", "aws_sns_topic_subscription"];

/// True when the state manages something of this service: it is listed then (or when
/// `--type` asks), so an estate without topics needs no `sns:List*` permission.
pub fn used_by(rtype: &str) -> bool {
    rtype.starts_with("aws_sns_")
}

/// An SNS client on the same configuration as the EC2 ones.
pub(super) async fn client(
    opts: &AwsOptions,
    region: &str,
    calls: &CallCounter,
) -> aws_sdk_sns::Client {
    service_client!(
        aws_sdk_sns,
        opts,
        region,
        calls,
        "AWS_ENDPOINT_URL_SNS",
        "sns"
    )
}

/// What SNS answers for an object deleted between the listing and its read.
const GONE: &str = "NotFound";

/// Lists one SNS type in one region.
pub(super) async fn list(
    client: &aws_sdk_sns::Client,
    rtype: &str,
    region: &str,
) -> Result<Vec<Resource>, ListError> {
    match rtype {
        "aws_sns_topic" => {
            let arns: Vec<String> = paginate!(client.list_topics(), topics)
                .iter()
                .filter_map(|t| t.topic_arn().map(String::from))
                .collect();
            read_each(arns, |arn| {
                let (client, region) = (client.clone(), region.to_string());
                async move {
                    let attributes =
                        match client.get_topic_attributes().topic_arn(&arn).send().await {
                            Ok(a) => a,
                            Err(e) if e.code() == Some(GONE) => return Ok(None),
                            Err(e) => return Err(ListError::from_sdk(e)),
                        };
                    let tags = match client
                        .list_tags_for_resource()
                        .resource_arn(&arn)
                        .send()
                        .await
                    {
                        Ok(t) => t,
                        Err(e) if matches!(e.code(), Some(GONE | "ResourceNotFound")) => {
                            return Ok(None);
                        }
                        Err(e) => return Err(ListError::from_sdk(e)),
                    };
                    let tags = own_tags(tags.tags().iter().map(|t| (t.key(), t.value())));
                    let attrs = attributes.attributes().cloned().unwrap_or_default();
                    Ok(Some(topic(&arn, &attrs, tags, &region)))
                }
            })
            .await
        }
        "aws_sns_topic_subscription" => {
            let listed = paginate!(client.list_subscriptions(), subscriptions);
            // "PendingConfirmation" (or "Deleted") instead of an ARN.
            let (confirmed, waiting): (Vec<_>, Vec<_>) = listed
                .iter()
                .partition(|s| s.subscription_arn().is_some_and(|a| a.starts_with("arn:")));
            let pending: Vec<Resource> = waiting
                .iter()
                .filter(|s| s.subscription_arn() == Some("PendingConfirmation"))
                .filter_map(|s| pending(s, region))
                .collect();
            let arns: Vec<String> = confirmed
                .iter()
                .filter_map(|s| s.subscription_arn().map(String::from))
                .collect();
            let mut read = read_each(arns, |arn| {
                let (client, region) = (client.clone(), region.to_string());
                async move {
                    let read = client
                        .get_subscription_attributes()
                        .subscription_arn(&arn)
                        .send()
                        .await;
                    let attributes = match read {
                        Ok(a) => a,
                        Err(e) if e.code() == Some(GONE) => return Ok(None),
                        Err(e) => return Err(ListError::from_sdk(e)),
                    };
                    let attrs = attributes.attributes().cloned().unwrap_or_default();
                    Ok(Some(subscription(&arn, &attrs, &region)))
                }
            })
            .await?;
            read.extend(pending);
            Ok(read)
        }
        other => Err(unsupported(other)),
    }
}

/// A topic as the provider writes it, from GetTopicAttributes: only what the answer carries
/// (SNS leaves out the FIFO settings of a standard topic, and older or emulated endpoints the
/// signature version and tracing mode).
fn topic(arn: &str, attrs: &HashMap<String, String>, tags: Value, region: &str) -> Resource {
    let mut r = Resource::live("aws_sns_topic", arn, region);
    let get = |k: &str| attrs.get(k).map(String::as_str);
    let a = r.attributes.make_mut();
    put(a, "arn", Some(arn));
    put(a, "name", arn.rsplit(':').next());
    put(a, "owner", get("Owner"));
    // Absent documents and names are what the provider records as "".
    for (key, attr) in [
        ("display_name", "DisplayName"),
        ("policy", "Policy"),
        ("delivery_policy", "DeliveryPolicy"),
        ("kms_master_key_id", "KmsMasterKeyId"),
        ("archive_policy", "ArchivePolicy"),
    ] {
        a.insert(key.into(), json!(get(attr).unwrap_or("")));
    }
    // Delivery status logging per protocol: roles absent are "", sample rates absent are 0.
    for (protocol, name) in [
        ("application", "Application"),
        ("firehose", "Firehose"),
        ("http", "HTTP"),
        ("lambda", "Lambda"),
        ("sqs", "SQS"),
    ] {
        for outcome in ["Success", "Failure"] {
            a.insert(
                format!("{protocol}_{}_feedback_role_arn", outcome.to_lowercase()),
                json!(get(&format!("{name}{outcome}FeedbackRoleArn")).unwrap_or("")),
            );
        }
        a.insert(
            format!("{protocol}_success_feedback_sample_rate"),
            json!(
                get(&format!("{name}SuccessFeedbackSampleRate"))
                    .and_then(|v| v.parse::<i64>().ok())
                    .unwrap_or(0)
            ),
        );
    }
    // A standard topic carries no FIFO attributes: the provider records them as off.
    a.insert("fifo_topic".into(), json!(get("FifoTopic") == Some("true")));
    a.insert(
        "content_based_deduplication".into(),
        json!(get("ContentBasedDeduplication") == Some("true")),
    );
    put(
        a,
        "signature_version",
        get("SignatureVersion").and_then(|v| v.parse::<i64>().ok()),
    );
    put(a, "tracing_config", get("TracingConfig"));
    put(a, "fifo_throughput_scope", get("FifoThroughputScope"));
    a.insert("tags".into(), tags);
    r
}

/// A subscription waiting for its confirmation, from what ListSubscriptions says of it.
fn pending(s: &aws_sdk_sns::types::Subscription, region: &str) -> Option<Resource> {
    let (topic, protocol, endpoint) = (s.topic_arn()?, s.protocol()?, s.endpoint()?);
    let id = catalog::sns_pending_subscription_id(topic, protocol, endpoint);
    let mut r = Resource::live("aws_sns_topic_subscription", &id, region);
    let a = r.attributes.make_mut();
    put(a, "topic_arn", Some(topic));
    put(a, "protocol", Some(protocol));
    put(a, "endpoint", Some(endpoint));
    put(a, "owner_id", s.owner());
    a.insert("pending_confirmation".into(), json!(true));
    Some(r)
}

/// A subscription as the provider writes it, from GetSubscriptionAttributes.
fn subscription(arn: &str, attrs: &HashMap<String, String>, region: &str) -> Resource {
    let mut r = Resource::live("aws_sns_topic_subscription", arn, region);
    let get = |k: &str| attrs.get(k).map(String::as_str);
    let a = r.attributes.make_mut();
    put(a, "arn", Some(arn));
    put(a, "topic_arn", get("TopicArn"));
    put(a, "protocol", get("Protocol"));
    put(a, "endpoint", get("Endpoint"));
    put(a, "owner_id", get("Owner"));
    a.insert(
        "raw_message_delivery".into(),
        json!(get("RawMessageDelivery") == Some("true")),
    );
    for (key, attr) in [
        ("filter_policy", "FilterPolicy"),
        ("delivery_policy", "DeliveryPolicy"),
        ("redrive_policy", "RedrivePolicy"),
        ("subscription_role_arn", "SubscriptionRoleArn"),
        ("replay_policy", "ReplayPolicy"),
    ] {
        a.insert(key.into(), json!(get(attr).unwrap_or("")));
    }
    // SNS names a scope only once a filter policy is set; the provider records what it reads.
    put(a, "filter_policy_scope", get("FilterPolicyScope"));
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_topic_and_a_subscription_read_as_the_provider_writes_them() {
        let arn = "arn:aws:sns:eu-west-1:1:orders.fifo";
        let attrs = HashMap::from([
            ("DisplayName".to_string(), "Orders".to_string()),
            ("FifoTopic".to_string(), "true".to_string()),
            ("SignatureVersion".to_string(), "2".to_string()),
        ]);
        let r = topic(arn, &attrs, json!({"Team": "a"}), "eu-west-1");
        let a = r.attributes.map();
        assert_eq!(r.id, arn);
        assert_eq!(a["name"], "orders.fifo");
        assert_eq!(a["display_name"], "Orders");
        assert_eq!(a["fifo_topic"], true);
        assert_eq!(a["content_based_deduplication"], false);
        assert_eq!(a["signature_version"], 2);
        assert_eq!(a["policy"], "");
        assert!(
            !a.contains_key("tracing_config"),
            "not returned, not compared"
        );

        let sub = format!("{arn}:0f1e");
        let attrs = HashMap::from([
            ("TopicArn".to_string(), arn.to_string()),
            ("Protocol".to_string(), "sqs".to_string()),
            ("RawMessageDelivery".to_string(), "true".to_string()),
        ]);
        let r = subscription(&sub, &attrs, "eu-west-1");
        let a = r.attributes.map();
        assert_eq!(a["topic_arn"], arn);
        assert_eq!(a["raw_message_delivery"], true);
        assert_eq!(a["filter_policy"], "");
        assert!(!a.contains_key("filter_policy_scope"));

        // Waiting for its confirmation: no ARN, named by what it sends where.
        let waiting = aws_sdk_sns::types::Subscription::builder()
            .subscription_arn("PendingConfirmation")
            .topic_arn(arn)
            .protocol("email")
            .endpoint("ops@example.com")
            .build();
        let r = pending(&waiting, "eu-west-1").unwrap();
        assert_eq!(
            r.id,
            catalog::sns_pending_subscription_id(arn, "email", "ops@example.com")
        );
        assert_eq!(r.attributes.map()["pending_confirmation"], true);
    }
}
