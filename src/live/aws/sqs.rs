//! SQS, per region: ListQueues lists every queue in bulk; a queue's attributes and tags need
//! one GetQueueAttributes and one ListQueueTags each (the API has no bulk form), made at a
//! bounded concurrency inside the listing.

use std::collections::HashMap;

use aws_sdk_sqs::types::QueueAttributeName as Q;

use super::*;

/// The SQS types listed here (queue policies are checked against their queue).
pub const TYPES: &[&str] = &["aws_sqs_queue"];

/// True when the state manages something of this service: it is listed then (or when
/// `--type` asks), so an estate without queues needs no `sqs:List*` permission.
pub fn used_by(rtype: &str) -> bool {
    rtype.starts_with("aws_sqs_")
}

/// An SQS client on the same configuration as the EC2 ones.
pub(super) async fn client(
    opts: &AwsOptions,
    region: &str,
    calls: &CallCounter,
) -> aws_sdk_sqs::Client {
    service_client!(
        aws_sdk_sqs,
        opts,
        region,
        calls,
        "AWS_ENDPOINT_URL_SQS",
        "sqs"
    )
}

/// Lists one SQS type in one region.
pub(super) async fn list(
    client: &aws_sdk_sqs::Client,
    rtype: &str,
    region: &str,
) -> Result<Vec<Resource>, ListError> {
    if !TYPES.contains(&rtype) {
        return Err(unsupported(rtype));
    }
    let urls = paginate!(client.list_queues().max_results(1000), queue_urls);
    read_each(urls, |url| {
        let (client, region) = (client.clone(), region.to_string());
        async move {
            let attributes = client
                .get_queue_attributes()
                .queue_url(&url)
                .attribute_names(Q::All)
                .send()
                .await;
            // A queue deleted between the listing and this read is gone.
            let attributes = match attributes {
                Ok(a) => a,
                Err(e) if e.code() == Some("AWS.SimpleQueueService.NonExistentQueue") => {
                    return Ok(None);
                }
                Err(e) => return Err(ListError::from_sdk(e)),
            };
            let tags = client
                .list_queue_tags()
                .queue_url(&url)
                .send()
                .await
                .map_err(ListError::from_sdk)?;
            Ok(Some(queue(
                &url,
                attributes.attributes().unwrap_or(&HashMap::new()),
                tags.tags(),
                &region,
            )))
        }
    })
    .await
}

fn queue(
    url: &str,
    attrs: &HashMap<Q, String>,
    tags: Option<&HashMap<String, String>>,
    region: &str,
) -> Resource {
    let mut r = Resource::live("aws_sqs_queue", url, region);
    let get = |k: Q| attrs.get(&k).map(String::as_str);
    let number = |k: Q| get(k).and_then(|v| v.parse::<i64>().ok());
    let flag = |k: Q| get(k).map(|v| v == "true");
    let a = r.attributes.make_mut();
    put(a, "url", Some(url));
    put(a, "name", url.rsplit('/').next());
    put(a, "arn", get(Q::QueueArn));
    put(a, "delay_seconds", number(Q::DelaySeconds));
    put(a, "max_message_size", number(Q::MaximumMessageSize));
    put(
        a,
        "message_retention_seconds",
        number(Q::MessageRetentionPeriod),
    );
    put(
        a,
        "receive_wait_time_seconds",
        number(Q::ReceiveMessageWaitTimeSeconds),
    );
    put(
        a,
        "visibility_timeout_seconds",
        number(Q::VisibilityTimeout),
    );
    // A standard queue carries no FIFO attributes: the provider records them as off.
    a.insert(
        "fifo_queue".into(),
        json!(flag(Q::FifoQueue).unwrap_or(false)),
    );
    a.insert(
        "content_based_deduplication".into(),
        json!(flag(Q::ContentBasedDeduplication).unwrap_or(false)),
    );
    put(a, "sqs_managed_sse_enabled", flag(Q::SqsManagedSseEnabled));
    put(
        a,
        "kms_data_key_reuse_period_seconds",
        number(Q::KmsDataKeyReusePeriodSeconds),
    );
    // Absent documents and keys are what the provider records as "".
    for (key, attr) in [
        ("kms_master_key_id", Q::KmsMasterKeyId),
        ("policy", Q::Policy),
        ("redrive_policy", Q::RedrivePolicy),
        ("redrive_allow_policy", Q::RedriveAllowPolicy),
    ] {
        a.insert(key.into(), json!(get(attr).unwrap_or("")));
    }
    a.insert("tags".into(), own_tag_map(tags));
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_queue_reads_as_the_provider_writes_it() {
        let attrs = HashMap::from([
            (Q::VisibilityTimeout, "180".to_string()),
            (Q::QueueArn, "arn:aws:sqs:eu-west-1:1:jobs".to_string()),
        ]);
        let r = queue("https://sqs/1/jobs", &attrs, None, "eu-west-1");
        let a = r.attributes.map();
        assert_eq!(r.id, "https://sqs/1/jobs");
        assert_eq!(a["name"], "jobs");
        assert_eq!(a["visibility_timeout_seconds"], 180);
        assert_eq!(a["fifo_queue"], false);
        assert_eq!(a["policy"], "");
        assert!(
            !a.contains_key("delay_seconds"),
            "not returned, not compared"
        );
    }
}
