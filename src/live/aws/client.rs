//! What every service's client shares: timeouts, retries and endpoints from the options,
//! every call counted, SDK failures classified into one line per cause, per-object reads at a
//! bound, and tags as the provider writes them.

use super::*;

/// Why one listing failed.
#[derive(Debug, Clone)]
pub struct ListError {
    /// The cause.
    pub kind: AlertKind,
    /// AWS error code (`UnauthorizedOperation`, `RequestLimitExceeded`, …).
    pub code: Option<String>,
    /// One line: the cause and what to do (the SDK's full error chain goes to the debug log).
    pub message: String,
}

impl ListError {
    pub(super) fn from_sdk<E, R>(e: SdkError<E, R>) -> ListError
    where
        E: ProvideErrorMetadata + std::error::Error + 'static,
        R: std::fmt::Debug + 'static,
    {
        let full = DisplayErrorContext(&e).to_string();
        tracing::debug!("AWS call failed: {full}");
        let code = e.code().map(str::to_string);
        let (kind, message) = classify(&e, code.as_deref(), e.message(), &full);
        ListError {
            kind,
            code,
            message,
        }
    }
}

/// One cause per failure, in words a person can act on; the SDK's error chains run to 2 KB.
pub(super) fn classify<E, R>(
    e: &SdkError<E, R>,
    code: Option<&str>,
    aws_message: Option<&str>,
    full: &str,
) -> (AlertKind, String)
where
    E: std::error::Error + 'static,
    R: std::fmt::Debug + 'static,
{
    let lower = full.to_ascii_lowercase();
    match code {
        Some(
            "ExpiredToken" | "ExpiredTokenException" | "RequestExpired" | "TokenRefreshRequired",
        ) => {
            return (
                AlertKind::CredentialsExpired,
                "the AWS credentials have expired: refresh them (e.g. `aws sso login`) and scan again".into(),
            );
        }
        Some(
            c @ ("AuthFailure"
            | "InvalidClientTokenId"
            | "UnrecognizedClientException"
            | "SignatureDoesNotMatch"
            | "IncompleteSignature"),
        ) => {
            return (
                AlertKind::CredentialsInvalid,
                format!("AWS rejected the credentials ({c}): check AWS_PROFILE or the access keys"),
            );
        }
        Some(
            c @ ("UnauthorizedOperation"
            | "AccessDenied"
            | "AccessDeniedException"
            | "UnauthorizedAccess"),
        ) => {
            return (
                AlertKind::AccessDenied,
                format!("access denied ({c}): grant the scanning role the Describe permission"),
            );
        }
        _ => {}
    }
    if let SdkError::DispatchFailure(d) = e {
        if lower.contains("credential") || lower.contains("auth scheme") {
            return (
                AlertKind::NoCredentials,
                "no AWS credentials found: set AWS_PROFILE or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY (or log in with `aws sso login`)".into(),
            );
        }
        if d.is_timeout() || d.is_io() {
            let what = if d.is_timeout() {
                "timed out"
            } else {
                "failed"
            };
            return (
                AlertKind::EndpointUnreachable,
                format!(
                    "the connection to the AWS endpoint {what} ({}): check the network, a proxy or AWS_ENDPOINT_URL",
                    root_cause(e)
                ),
            );
        }
    }
    if let SdkError::TimeoutError(_) = e {
        return (
            AlertKind::EndpointUnreachable,
            "the AWS call timed out: check the network, a proxy or AWS_ENDPOINT_URL".into(),
        );
    }
    let detail = match (code, aws_message) {
        (Some(c), Some(m)) => format!("{c}: {m}"),
        (Some(c), None) => c.to_string(),
        _ => root_cause(e),
    };
    (
        AlertKind::ListFailed,
        crate::model::truncate_for_message(detail.lines().next().unwrap_or_default()),
    )
}

/// The innermost error's text: the part that says what actually went wrong.
pub(super) fn root_cause(e: &(dyn std::error::Error + 'static)) -> String {
    let mut cur = e;
    while let Some(next) = cur.source() {
        cur = next;
    }
    crate::model::truncate_for_message(cur.to_string().lines().next().unwrap_or_default())
}

/// The SDK's default region (env, profile), if any.
pub async fn default_region(profile: Option<&str>) -> Option<String> {
    let mut loader = aws_config::defaults(BehaviorVersion::latest());
    if let Some(p) = profile {
        loader = loader.profile_name(p);
    }
    loader.load().await.region().map(|r| r.to_string())
}

/// Counts the HTTP requests the SDK sends (every attempt, retries included): the number of
/// cloud API calls a scan cost, for `/metrics` and the logs.
#[derive(Debug, Clone, Default)]
pub(super) struct CallCounter(pub(super) std::sync::Arc<std::sync::atomic::AtomicU64>);

impl aws_sdk_ec2::config::Intercept for CallCounter {
    fn name(&self) -> &'static str {
        "terraform-drift call counter"
    }

    fn read_before_transmit(
        &self,
        _: &aws_sdk_ec2::config::interceptors::BeforeTransmitInterceptorContextRef<'_>,
        _: &aws_sdk_ec2::config::RuntimeComponents,
        _: &mut aws_sdk_ec2::config::ConfigBag,
    ) -> Result<(), aws_sdk_ec2::error::BoxError> {
        self.0.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        Ok(())
    }
}

/// The SDK configuration every service client starts from: region, retries, timeouts,
/// profile, and the endpoint override unless `AWS_ENDPOINT_URL` or the service's own variable
/// (`env_key`) is set.
pub(super) async fn sdk_config(
    opts: &AwsOptions,
    region: &str,
    env_key: &str,
    endpoint: Option<&str>,
) -> aws_config::SdkConfig {
    let mut loader = aws_config::defaults(BehaviorVersion::latest())
        .region(aws_config::Region::new(region.to_string()))
        // Standard mode retries throttling (RequestLimitExceeded) and 5xx with jittered backoff.
        .retry_config(
            RetryConfig::standard()
                .with_max_attempts(6)
                .with_initial_backoff(Duration::from_millis(200)),
        )
        .timeout_config(
            TimeoutConfig::builder()
                .connect_timeout(Duration::from_secs(10))
                .operation_attempt_timeout(Duration::from_secs(120))
                .build(),
        );
    if let Some(p) = &opts.profile {
        loader = loader.profile_name(p);
    }
    let env_override = ["AWS_ENDPOINT_URL", env_key]
        .iter()
        .any(|k| std::env::var_os(k).is_some_and(|v| !v.is_empty()));
    if let (Some(url), false) = (endpoint, env_override) {
        loader = loader.endpoint_url(url);
    }
    loader.load().await
}

pub(super) async fn client(opts: &AwsOptions, region: &str, calls: &CallCounter) -> Client {
    let conf = sdk_config(opts, region, "AWS_ENDPOINT_URL_EC2", opts.endpoint("ec2")).await;
    let conf = aws_sdk_ec2::config::Builder::from(&conf)
        .interceptor(calls.clone())
        .build();
    Client::from_conf(conf)
}

/// A service's client on the configuration every client shares (see [`sdk_config`]), each
/// call counted: `service_client!(aws_sdk_sqs, opts, region, calls, "AWS_ENDPOINT_URL_SQS",
/// "sqs")`, the last two being the service's endpoint variable and provider endpoint key.
macro_rules! service_client {
    ($sdk:ident, $opts:expr, $region:expr, $calls:expr, $env:literal, $key:literal) => {{
        let conf = sdk_config($opts, $region, $env, $opts.endpoint($key)).await;
        let conf = $sdk::config::Builder::from(&conf)
            .interceptor($calls.clone())
            .build();
        $sdk::Client::from_conf(conf)
    }};
}
pub(super) use service_client;

/// Per-object reads in flight in one listing (tags, policies, attributes the bulk call leaves
/// out).
pub(super) const PER_OBJECT_READS: usize = 8;

/// Reads each of `items` with `read`, [`PER_OBJECT_READS`] at a time and in order; `None`s
/// (objects gone meanwhile, or not the account's) are left out, the first error is the
/// listing's. A read yields a resource, or what a listing puts together (a zone's records).
///
/// `read` takes its item by value and returns a future owning what it uses: futures borrowing
/// through a closure's reference argument are not provably `Send`, and the server spawns
/// scans on its runtime.
pub(super) async fn read_each<T, O, F, Fut>(items: Vec<T>, read: F) -> Result<Vec<O>, ListError>
where
    F: FnMut(T) -> Fut,
    Fut: std::future::Future<Output = Result<Option<O>, ListError>>,
{
    let listed: Vec<Result<Option<O>, ListError>> =
        futures::stream::iter(items.into_iter().map(read))
            .buffered(PER_OBJECT_READS)
            .collect()
            .await;
    listed.into_iter().filter_map(Result::transpose).collect()
}

/// The error for a type a service's lister does not list.
pub(super) fn unsupported(rtype: &str) -> ListError {
    ListError {
        kind: AlertKind::ListFailed,
        code: None,
        message: format!("the AWS lister does not support {rtype}"),
    }
}

/// Tags as the provider writes them, AWS's own (`aws:`) left out.
pub(super) fn own_tags<'a>(pairs: impl Iterator<Item = (&'a str, &'a str)>) -> Value {
    let tags: BTreeMap<&str, &str> = pairs.filter(|(k, _)| !k.starts_with("aws:")).collect();
    json!(tags)
}

/// Tags as the provider writes them from an API that returns them as a map (EKS, GuardDuty,
/// Lambda, Logs, SQS): AWS's own (`aws:`) left out, none as `{}`.
pub(super) fn own_tag_map(tags: Option<&HashMap<String, String>>) -> Value {
    own_tags(
        tags.into_iter()
            .flatten()
            .map(|(k, v)| (k.as_str(), v.as_str())),
    )
}

/// Every item of a paginated request, the first failed page being the listing's error:
/// `paginate!(client.describe_vpcs().max_results(1000), vpcs)`.
macro_rules! paginate {
    ($req:expr, $items:ident) => {{
        let mut out = Vec::new();
        let mut pages = $req.into_paginator().send();
        while let Some(page) = pages.next().await {
            out.extend(page.map_err(ListError::from_sdk)?.$items().iter().cloned());
        }
        out
    }};
}
pub(super) use paginate;
