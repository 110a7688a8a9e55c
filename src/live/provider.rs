//! Live reads through provider plugins (`--live provider`): managed resources of any type are
//! refreshed with the provider's own UpgradeResourceState + ReadResource, unmanaged ones get
//! their full attributes by ImportResourceState + ReadResource, and providers that implement
//! ListResource list their types.

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;
use std::sync::Arc;

use futures::StreamExt;

use crate::catalog;
use crate::config::Config;
use crate::model::{Alert, AttrPath, LiveInventory, Resource};
use crate::plugin::{self, Provider, find};

/// How to find and drive providers.
#[derive(Debug, Clone)]
pub struct ProviderOptions {
    /// The Terraform root module (where `.terraform/providers` lives).
    pub dir: PathBuf,
    /// Concurrent reads per provider.
    pub parallelism: usize,
    /// `--provider NAME=PATH` overrides (by local name or full source address).
    pub explicit: BTreeMap<String, PathBuf>,
    /// Process and RPC limits.
    pub plugin: plugin::Options,
}

/// An object to import: `(type, id, region)`.
pub type ObjectRef = (String, String, Option<String>);

/// Full attributes of an imported object and its sensitive paths.
pub type FullObject = (serde_json::Map<String, serde_json::Value>, Vec<AttrPath>);

/// One configured provider process.
struct Configured {
    /// The state's provider configuration address.
    config_addr: String,
    source: find::SourceAddr,
    region: Option<String>,
    alias: Option<String>,
    provider: Arc<Provider>,
}

/// The providers started for a scan, kept for later reads (unmanaged resources), then shut down.
#[derive(Default)]
pub struct Pool {
    configured: Vec<Configured>,
    parallelism: usize,
}

/// Holds AWS providers after their start (process and schema), before they are configured,
/// until the AWS lister has run: `Some(true)` when it found AWS unreachable (no credentials, no
/// endpoint). The provider would retry the same failure slowly, so it is stopped and its
/// resources stay unchecked under the lister's alert. Starting it meanwhile overlaps its start
/// with the listing.
pub type AwsGate = tokio::sync::watch::Receiver<Option<bool>>;

/// Reads every state resource through its provider. Resources whose provider could not be
/// started, configured or read are recorded as unreadable with a partial alert, never missing.
/// With a `gate`, AWS providers wait for it between their start and their configuration.
pub async fn read_managed(
    state: &[Resource],
    select: &(dyn Fn(&Resource) -> bool + Sync),
    config: &Config,
    opts: &ProviderOptions,
    gate: Option<AwsGate>,
) -> (LiveInventory, Pool) {
    let mut inv = LiveInventory::default();
    let mut pool = Pool {
        configured: Vec::new(),
        parallelism: opts.parallelism.max(1),
    };
    let mut groups: BTreeMap<&str, Vec<&Resource>> = BTreeMap::new();
    for r in state.iter().filter(|r| !r.id.is_empty() && select(r)) {
        match &r.provider {
            Some(p) => groups.entry(p.as_str()).or_default().push(r),
            None => {
                inv.unreadable.insert((r.rtype.clone(), r.id.clone()));
            }
        }
    }
    // The region each group's resources record in the state (ARNs, availability zones): a
    // provider block whose region cannot be evaluated reads there; one configured for another
    // region is not trusted to judge them.
    let mut regions: BTreeMap<&str, Option<String>> = BTreeMap::new();
    for (addr, members) in &groups {
        let mut named = members.iter().filter_map(|r| r.region.as_deref());
        let first = named.next();
        let unique = first.filter(|f| named.all(|r| r == *f)).map(str::to_string);
        regions.insert(addr, unique);
    }
    let mut skipped: Vec<&str> = Vec::new();
    for (addr, recorded) in &regions {
        let Some(recorded) = recorded else { continue };
        let configured = config.provider_block(addr).and_then(|b| b.region.clone());
        match configured {
            None if addr.contains("/aws\"]") => inv.alerts.push(Alert {
                kind: crate::model::AlertKind::RegionFromState,
                message: format!(
                    "{addr}: the region cannot be evaluated from the configuration; its resources were read in {recorded}, where the state records them"
                ),
                partial: false,
            }),
            Some(c) if c != *recorded => {
                inv.alerts.push(Alert {
                    kind: crate::model::AlertKind::ProviderFailed,
                    message: format!(
                        "{addr} is configured for region {c}, but its resources in the state live in {recorded}: they were not checked; fix the provider's region or pass the state that belongs to it"
                    ),
                    partial: true,
                });
                skipped.push(addr);
            }
            _ => {}
        }
    }
    for addr in skipped {
        for r in groups.remove(addr).unwrap_or_default() {
            inv.unreadable.insert((r.rtype.clone(), r.id.clone()));
        }
    }
    let started = futures::future::join_all(groups.keys().map(|addr| {
        let region = regions.get(addr).cloned().flatten();
        let gate = gate.clone();
        async move {
            let (source, provider) = start(addr, opts).await?;
            if source.name == "aws"
                && let Some(mut gate) = gate
                && gate
                    .wait_for(Option::is_some)
                    .await
                    .is_ok_and(|blocked| *blocked == Some(true))
            {
                provider.shutdown().await;
                return Ok(None);
            }
            configure_started(addr, source, provider, config, true, region)
                .await
                .map(Some)
        }
    }))
    .await;
    for ((addr, members), started) in groups.into_iter().zip(started) {
        match started {
            // Held back: the AWS lister found AWS unreachable.
            Ok(None) => {
                for r in members {
                    inv.unreadable.insert((r.rtype.clone(), r.id.clone()));
                }
            }
            Ok(Some(c)) => {
                read_group(&c.provider, &members, pool.parallelism, &mut inv).await;
                pool.configured.push(c);
            }
            Err(e) => {
                inv.alerts.push(start_failure(addr, &e));
                for r in members {
                    inv.unreadable.insert((r.rtype.clone(), r.id.clone()));
                }
            }
        }
    }
    (inv, pool)
}

/// Starts and configures one provider per root-module provider block of `config` (for reads
/// of objects no state knows, such as unmanaged ones to import). Failures become alerts.
pub async fn start_for_config(config: &Config, opts: &ProviderOptions) -> (Pool, Vec<Alert>) {
    start_pool(config, opts, true).await
}

/// Starts one provider per root-module provider block of `config` without configuring it:
/// enough for schemas (`codify` from a snapshot), needs no cloud credentials and makes no call.
pub async fn start_for_schemas(config: &Config, opts: &ProviderOptions) -> (Pool, Vec<Alert>) {
    start_pool(config, opts, false).await
}

async fn start_pool(
    config: &Config,
    opts: &ProviderOptions,
    configure: bool,
) -> (Pool, Vec<Alert>) {
    let addrs: Vec<String> = config
        .providers
        .iter()
        .filter(|p| p.module.is_empty())
        .map(|p| {
            let alias = p
                .alias
                .as_ref()
                .map(|a| format!(".{a}"))
                .unwrap_or_default();
            format!(
                "provider[\"registry.terraform.io/hashicorp/{}\"]{alias}",
                p.name
            )
        })
        .collect();
    let started = futures::future::join_all(
        addrs
            .iter()
            .map(|a| start_configured(a, config, opts, configure, None)),
    )
    .await;
    let mut pool = Pool {
        configured: Vec::new(),
        parallelism: opts.parallelism.max(1),
    };
    let mut alerts = Vec::new();
    for (addr, r) in addrs.iter().zip(started) {
        match r {
            Ok(c) => pool.configured.push(c),
            Err(e) => alerts.push(start_failure(addr, &e)),
        }
    }
    (pool, alerts)
}

/// The alert for a provider that could not be started or configured: one line, by cause.
///
/// A provider that cannot configure for want of credentials, or cannot reach its endpoint, says
/// so in many lines of its own words; the cause is the same one the native lister names, so it
/// gets the same kind (and the scan merges the two: one line per cause).
fn start_failure(addr: &str, e: &plugin::PluginError) -> Alert {
    use crate::model::AlertKind;
    let text = e.to_string();
    let lower = text.to_ascii_lowercase();
    let (kind, message) = if lower.contains("no valid credential sources") {
        (
            AlertKind::NoCredentials,
            "no AWS credentials found: set AWS_PROFILE or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY (or log in with `aws sso login`)".to_string(),
        )
    } else if [
        "connection refused",
        "dial tcp",
        "no such host",
        "i/o timeout",
    ]
    .iter()
    .any(|k| lower.contains(k))
    {
        (
            AlertKind::EndpointUnreachable,
            "the provider could not reach its endpoint: check the network, a proxy or the provider's endpoints".to_string(),
        )
    } else {
        // The provider's first line (its diagnostics carry escaped newlines too).
        let first = text
            .split(['\n', '\r'])
            .next()
            .unwrap_or_default()
            .split("\\n")
            .next()
            .unwrap_or_default()
            .to_string();
        (AlertKind::ProviderFailed, first)
    };
    Alert {
        kind,
        message: crate::model::truncate_for_message_at(&format!("{addr}: {message}"), 400),
        partial: true,
    }
}

/// Starts the provider of state address `addr` and configures it with its block (when
/// `configure`). `recorded` is the region the state's resources name: it stands in for an AWS
/// provider region the block does not give in a form that can be evaluated.
async fn start_configured(
    addr: &str,
    config: &Config,
    opts: &ProviderOptions,
    configure: bool,
    recorded: Option<String>,
) -> Result<Configured, plugin::PluginError> {
    let (source, provider) = start(addr, opts).await?;
    configure_started(addr, source, provider, config, configure, recorded).await
}

/// Finds and starts the provider of the state address `addr` (its process and schema).
async fn start(
    addr: &str,
    opts: &ProviderOptions,
) -> Result<(find::SourceAddr, Provider), plugin::PluginError> {
    let source = find::SourceAddr::from_state_provider(addr).ok_or_else(|| {
        plugin::PluginError::Find(format!("cannot read the provider address {addr:?}"))
    })?;
    let bin = find::find_provider(&opts.dir, &source, &opts.explicit)?;
    let provider = Provider::start(&bin, &opts.plugin).await?;
    Ok((source, provider))
}

/// Configures a started provider with its block (or, with `configure` false, only records it).
async fn configure_started(
    addr: &str,
    source: find::SourceAddr,
    provider: Provider,
    config: &Config,
    configure: bool,
    recorded: Option<String>,
) -> Result<Configured, plugin::PluginError> {
    let block = config.provider_block(addr);
    if !configure {
        return Ok(Configured {
            config_addr: addr.to_string(),
            source,
            region: block.and_then(|b| b.region.clone()),
            alias: block.and_then(|b| b.alias.clone()),
            provider: Arc::new(provider),
        });
    }
    let mut body = block.map(|b| b.body.clone()).unwrap_or_default();
    let mut region = block.and_then(|b| b.region.clone());
    if source.name == "aws"
        && region.is_none()
        && let Some(r) = recorded
    {
        tracing::info!(
            provider = addr,
            region = %r,
            "the provider's region cannot be evaluated from the configuration; reading where the state's resources are"
        );
        body.insert("region".into(), serde_json::Value::String(r.clone()));
        region = Some(r);
    }
    let value = provider
        .schema()
        .provider
        .block
        .config_value(&body)
        .map_err(|messages| plugin::PluginError::Diagnostics {
            provider: provider.name().to_string(),
            rpc: "ConfigureProvider",
            subject: "provider block".into(),
            messages,
        })?;
    if let Err(e) = provider.configure(&value).await {
        provider.shutdown().await;
        return Err(e);
    }
    Ok(Configured {
        config_addr: addr.to_string(),
        source,
        region,
        alias: block.and_then(|b| b.alias.clone()),
        provider: Arc::new(provider),
    })
}

async fn read_group(
    provider: &Provider,
    members: &[&Resource],
    parallelism: usize,
    inv: &mut LiveInventory,
) {
    let t = std::time::Instant::now();
    // By index: a closure taking a reference makes the futures not provably `Send`.
    let results: Vec<_> = futures::stream::iter((0..members.len()).map(|i| async move {
        let r = members[i];
        let res = provider
            .refresh(&r.rtype, &r.id, r.schema_version, &r.attributes.map())
            .await;
        (r, res)
    }))
    .buffer_unordered(parallelism)
    .collect()
    .await;
    tracing::info!(
        provider = provider.name(),
        resources = members.len(),
        elapsed_ms = t.elapsed().as_millis() as u64,
        "read through the provider"
    );
    let mut failures: HashMap<String, usize> = HashMap::new();
    for (r, res) in results {
        inv.coverage.add(&r.rtype, None);
        match res {
            Ok(Some(v)) => inv.resources.push(live_resource(provider, r, &v)),
            Ok(None) => {}
            Err(e) => {
                tracing::warn!("{e}");
                let n = failures.entry(r.rtype.clone()).or_default();
                if *n == 0 {
                    inv.alerts.push(Alert {
                        kind: crate::model::AlertKind::ReadFailed,
                        message: e.to_string(),
                        partial: true,
                    });
                }
                *n += 1;
                inv.unreadable.insert((r.rtype.clone(), r.id.clone()));
            }
        }
    }
}

fn live_resource(provider: &Provider, state: &Resource, v: &plugin::cty::Value) -> Resource {
    let mut attributes = match v.to_json_lossy() {
        serde_json::Value::Object(m) => m,
        _ => serde_json::Map::new(),
    };
    sort_sets(provider, &state.rtype, &mut attributes);
    // Attributes only the provider sets are not configuration: they change as a consequence
    // of other changes (an EIP association fills `private_dns`), which is not drift. The
    // catalog opts the meaningful ones back in (`instance_state`); identity stays.
    if let Ok(schema) = provider.resource_schema(&state.rtype) {
        let rules = catalog::rules(&state.rtype);
        attributes.retain(|k, _| {
            !schema.block.is_computed_only(k)
                || catalog::IDENTITY.contains(&k.as_str())
                || rules.is_some_and(|r| r.compared.contains(&k.as_str()))
        });
    }
    let id = attributes
        .get("id")
        .and_then(|i| i.as_str())
        .map_or_else(|| state.id.clone(), str::to_string);
    Resource {
        rtype: state.rtype.clone(),
        id,
        // Which state object this is a read of (several may share an ID).
        address: state.address.clone(),
        // The provider read the object where the state says it is.
        region: None,
        provider: state.provider.clone(),
        attributes: attributes.into(),
        sensitive: sensitive_paths(provider, &state.rtype),
        aws_default: false,
        companion_of: None,
        import_id: None,
        origin: None,
        schema_version: state.schema_version,
    }
}

/// Canonical set order for one object's attributes (see [`plugin::schema::sort_sets`]).
fn sort_sets(
    provider: &Provider,
    rtype: &str,
    attrs: &mut serde_json::Map<String, serde_json::Value>,
) {
    if let Ok(schema) = provider.resource_schema(rtype)
        && let plugin::cty::Type::Object(types) = schema.block.implied_type()
    {
        for (k, v) in attrs.iter_mut() {
            if let Some(t) = types.get(k) {
                plugin::schema::sort_sets(v, t);
            }
        }
    }
}

/// What the schema marks sensitive, and what the catalog holds secret whatever the schema says.
fn sensitive_paths(provider: &Provider, rtype: &str) -> Vec<AttrPath> {
    let mut paths = provider
        .resource_schema(rtype)
        .map(|s| s.block.sensitive_paths())
        .unwrap_or_default();
    paths.extend(crate::catalog::secret_paths(rtype));
    paths
}

impl Pool {
    /// True when no provider runs.
    pub fn is_empty(&self) -> bool {
        self.configured.is_empty()
    }

    /// Puts the sets of state objects in the same canonical order as the provider reads.
    pub fn normalize_state<'a>(&self, state: impl IntoIterator<Item = &'a mut Resource>) {
        let mut by_addr: HashMap<&str, &Provider> = HashMap::new();
        for c in &self.configured {
            by_addr.insert(c.config_addr.as_str(), &c.provider);
        }
        for r in state {
            if let Some(p) = r.provider.as_deref().and_then(|a| by_addr.get(a)) {
                sort_sets(p, &r.rtype, r.attributes.make_mut());
            }
        }
    }

    /// Lists the types of every provider that implements ListResource.
    pub async fn list_all(&self, inv: &mut LiveInventory) {
        let mut known: std::collections::HashSet<(String, String)> = inv
            .resources
            .iter()
            .map(|r| (r.rtype.clone(), r.id.clone()))
            .collect();
        for c in &self.configured {
            let types: Vec<String> = c.provider.schema().list_resources.keys().cloned().collect();
            for rtype in types {
                match c.provider.list(&rtype, 100_000).await {
                    Ok(items) => {
                        inv.coverage.add(&rtype, None);
                        for item in items {
                            let Some(obj) = item.object else { continue };
                            let attributes = match obj.to_json_lossy() {
                                serde_json::Value::Object(m) => m,
                                _ => continue,
                            };
                            let Some(id) = attributes.get("id").and_then(|i| i.as_str()) else {
                                continue;
                            };
                            let id = id.to_string();
                            if !known.insert((rtype.clone(), id.clone())) {
                                continue;
                            }
                            let mut attributes = attributes;
                            sort_sets(&c.provider, &rtype, &mut attributes);
                            let mut r = Resource::live(&rtype, id, "");
                            r.region = c.region.clone();
                            r.sensitive = sensitive_paths(&c.provider, &rtype);
                            r.attributes = attributes.into();
                            inv.resources.push(r);
                        }
                    }
                    Err(e) => inv.alerts.push(Alert {
                        kind: crate::model::AlertKind::ListFailed,
                        message: e.to_string(),
                        partial: true,
                    }),
                }
            }
        }
    }

    /// The provider to read an unmanaged resource of `rtype` in `region` with: one of that
    /// type's provider configured for the region, else its default (unaliased) configuration.
    fn for_resource(&self, rtype: &str, region: Option<&str>) -> Option<&Configured> {
        let candidates: Vec<&Configured> = self
            .configured
            .iter()
            .filter(|c| c.provider.schema().resources.contains_key(rtype))
            .collect();
        candidates
            .iter()
            .find(|c| region.is_some() && c.region.as_deref() == region)
            .or_else(|| candidates.iter().find(|c| c.alias.is_none()))
            .or_else(|| candidates.first())
            .copied()
    }

    /// Full attributes of unmanaged objects by import + read, with the schema's sensitive
    /// paths; `(type, id, region)` in, the same order out (`None` where it failed or is gone).
    pub async fn import_all(&self, wanted: &[ObjectRef]) -> Vec<Option<FullObject>> {
        // By index: a closure taking a reference makes the futures not provably `Send`.
        futures::stream::iter((0..wanted.len()).map(|i| async move {
            let (rtype, id, region) = &wanted[i];
            let c = self.for_resource(rtype, region.as_deref())?;
            match c.provider.import_and_read(rtype, id).await {
                Ok(Some(v)) => match v.to_json_lossy() {
                    serde_json::Value::Object(m) => Some((m, sensitive_paths(&c.provider, rtype))),
                    _ => None,
                },
                Ok(None) => None,
                Err(e) => {
                    tracing::warn!("import of {rtype} {id} through {}: {e}", c.config_addr);
                    None
                }
            }
        }))
        .buffered(self.parallelism)
        .collect()
        .await
    }

    /// The schema of a resource type from the first provider that has it.
    pub fn schema_of(&self, rtype: &str) -> Option<plugin::schema::Block> {
        self.configured
            .iter()
            .find_map(|c| c.provider.resource_schema(rtype).ok())
            .map(|s| s.block.clone())
    }

    /// Source addresses of the running providers, for messages.
    pub fn sources(&self) -> Vec<String> {
        self.configured
            .iter()
            .map(|c| c.source.to_string())
            .collect()
    }

    /// Shuts every provider down.
    pub async fn shutdown(self) {
        futures::future::join_all(self.configured.iter().map(|c| c.provider.shutdown())).await;
    }
}
