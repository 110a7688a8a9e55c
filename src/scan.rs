//! Orchestration: gathers config, state and live inventory, then runs the diff.
//!
//! The one place that knows where inputs come from; the CLI (and later the server) call it.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};

use crate::catalog;
use crate::config::{self, Config};
use crate::diff::{self, DriftIgnore, Report};
use crate::live::{self, Progress, aws::AwsOptions};
use crate::model::{LiveInventory, Resource};
use crate::state;
use crate::terraform::{self, Terraform};

/// Where live resources come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LiveChoice {
    /// The default: types the AWS lister knows are listed in bulk and compared natively;
    /// every other managed resource is read through its own provider (any installed one).
    Auto,
    /// The AWS APIs alone (types the lister does not know are unchecked).
    Aws,
    /// A snapshot file written by `discover`.
    Snapshot(PathBuf),
    /// The providers themselves (plugin protocol): managed resources of any type refreshed
    /// as Terraform does, plus the AWS lister for unmanaged discovery.
    Provider,
}

impl std::str::FromStr for LiveChoice {
    type Err = std::convert::Infallible;

    /// `auto`, `aws`, `provider`, or the path of a snapshot (as given: see
    /// [`LiveChoice::under`]).
    fn from_str(s: &str) -> Result<LiveChoice, Self::Err> {
        Ok(match s {
            "auto" => LiveChoice::Auto,
            "aws" => LiveChoice::Aws,
            "provider" => LiveChoice::Provider,
            path => LiveChoice::Snapshot(PathBuf::from(path)),
        })
    }
}

impl LiveChoice {
    /// A snapshot path taken relative to `dir` (a settings file's `live` is relative to its
    /// module); other choices as they are.
    pub fn under(self, dir: &Path) -> LiveChoice {
        match self {
            LiveChoice::Snapshot(p) if p.is_relative() => LiveChoice::Snapshot(dir.join(p)),
            other => other,
        }
    }
}

/// What to scan and how.
#[derive(Debug, Clone)]
pub struct ScanRequest {
    /// The Terraform root module.
    pub dir: PathBuf,
    /// `--state` paths or globs; empty means `terraform state pull` or `DIR/terraform.tfstate`.
    pub state: Vec<String>,
    /// `--region` values (override the config's).
    pub regions: Vec<String>,
    /// AWS named profile.
    pub profile: Option<String>,
    /// Report AWS-created defaults as unmanaged.
    pub include_defaults: bool,
    /// Concurrent API calls.
    pub parallelism: usize,
    /// Explicit terraform binary.
    pub terraform: Option<PathBuf>,
    /// Types to list; empty means every supported type.
    pub types: Vec<String>,
    /// `--provider NAME=PATH` binaries for `--live provider`.
    pub providers: std::collections::BTreeMap<String, PathBuf>,
    /// Where managed drift comes from: the live source, or Terraform's refresh (the live
    /// source, if any, then only finds unmanaged resources).
    pub refresh: Refresh,
}

impl ScanRequest {
    /// The live source, if the scan lists one.
    pub fn live(&self) -> Option<&LiveChoice> {
        match &self.refresh {
            Refresh::Live(live) => Some(live),
            Refresh::Terraform { unmanaged } | Refresh::Plan { unmanaged, .. } => {
                unmanaged.as_ref()
            }
        }
    }

    /// A scan of `dir` as `refresh` says, with the defaults `scan` has without flags.
    pub fn new(dir: PathBuf, refresh: Refresh) -> ScanRequest {
        ScanRequest {
            dir,
            state: Vec::new(),
            regions: Vec::new(),
            profile: None,
            include_defaults: false,
            parallelism: 8,
            terraform: None,
            types: Vec::new(),
            providers: Default::default(),
            refresh,
        }
    }
}

/// Managed drift from Terraform itself.
///
/// With Terraform's refresh the live source only lists unmanaged resources, and may be left
/// out; without it the live source is the whole comparison and must be there. The type says
/// so: a scan with neither cannot be built.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refresh {
    /// From the live source (native or provider reads).
    Live(LiveChoice),
    /// `terraform plan -refresh-only` run in the directory.
    Terraform {
        /// Where unmanaged resources are listed (`None`: they are not).
        unmanaged: Option<LiveChoice>,
    },
    /// A saved plan: a binary plan file (read with `terraform show -json`) or its JSON.
    Plan {
        /// The plan file.
        file: PathBuf,
        /// Where unmanaged resources are listed (`None`: they are not).
        unmanaged: Option<LiveChoice>,
    },
}

/// The inputs a scan read, kept for reporting and later stages (codify, patch).
#[derive(Debug, Clone)]
pub struct Inputs {
    /// Configuration.
    pub config: Config,
    /// Managed resources from every state.
    pub state: Vec<Resource>,
    /// `.driftignore`.
    pub ignore: DriftIgnore,
    /// Regions scanned.
    pub regions: Vec<String>,
}

/// Reads the config, the states and `.driftignore` of `req.dir`; a state is required.
pub async fn read_inputs(req: &ScanRequest) -> Result<Inputs> {
    read_inputs_with(req, true).await
}

/// Like [`read_inputs`], but a directory without any state is fine (for `discover`, where the
/// state only contributes regions). Every other problem is still an error.
pub async fn read_inputs_for_discovery(req: &ScanRequest) -> Result<Inputs> {
    read_inputs_with(req, false).await
}

async fn read_inputs_with(req: &ScanRequest, state_required: bool) -> Result<Inputs> {
    let dir = &req.dir;
    if !dir.is_dir() {
        bail!("{} is not a directory", dir.display());
    }
    let config = cpu(|| config::read_dir(dir))?;
    let state = read_states(req, state_required).await?;
    let ignore = read_ignore(dir)?;
    let regions = regions(req, &config, &state).await?;
    Ok(Inputs {
        config,
        state,
        ignore,
        regions,
    })
}

/// `DIR/.driftignore`, empty when absent.
fn read_ignore(dir: &std::path::Path) -> Result<DriftIgnore> {
    let path = dir.join(".driftignore");
    match crate::input_file::read_to_string(&path, crate::input_file::MAX_TEXT_FILE) {
        Ok(text) => {
            DriftIgnore::parse(&text).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(DriftIgnore::default()),
        Err(e) => Err(e).with_context(|| format!("cannot read {}", path.display())),
    }
}

/// How to drive the provider plugins for `req`.
pub fn provider_options(req: &ScanRequest) -> live::provider::ProviderOptions {
    live::provider::ProviderOptions {
        dir: req.dir.clone(),
        parallelism: req.parallelism,
        explicit: req.providers.clone(),
        plugin: crate::plugin::Options::new(&req.dir),
    }
}

async fn read_states(req: &ScanRequest, required: bool) -> Result<Vec<Resource>> {
    // Provider reads compare every attribute, so they need the whole state object.
    let keep: state::Keep = match req.live() {
        Some(LiveChoice::Provider) => &state::keep_all,
        _ => &catalog::kept,
    };
    let mut out = Vec::new();
    if !req.state.is_empty() {
        let mut files = BTreeSet::new();
        for pattern in &req.state {
            let matches: Vec<PathBuf> = glob::glob(pattern)
                .with_context(|| format!("invalid --state pattern {pattern:?}"))?
                .filter_map(Result::ok)
                .collect();
            if matches.is_empty() {
                // A literal path that does not exist deserves the I/O error naming it.
                files.insert(PathBuf::from(pattern));
            }
            files.extend(matches);
        }
        for f in files {
            out.extend(cpu(|| state::read_file_with(&f, keep))?.resources);
        }
        return Ok(out);
    }
    if terraform::has_backend(&req.dir) {
        let tf = Terraform::find(req.terraform.as_deref())?;
        let bytes = tf.state_pull(&req.dir).await?;
        return Ok(cpu(|| state::parse_with(&bytes, "terraform state pull", keep))?.resources);
    }
    let local = req.dir.join("terraform.tfstate");
    if local.is_file() {
        return Ok(cpu(|| state::read_file_with(&local, keep))?.resources);
    }
    if !required {
        return Ok(Vec::new());
    }
    bail!(
        "no state found for {}: pass --state FILE, run `terraform init` for a remote backend, or run from the directory holding terraform.tfstate",
        req.dir.display()
    )
}

async fn regions(req: &ScanRequest, config: &Config, state: &[Resource]) -> Result<Vec<String>> {
    if !req.regions.is_empty() {
        return Ok(req.regions.clone());
    }
    let mut set: BTreeSet<String> = config.aws_regions().into_iter().collect();
    set.extend(
        state
            .iter()
            .filter(|r| catalog::rules(&r.rtype).is_some())
            .filter_map(|r| r.region.clone()),
    );
    if set.is_empty()
        && matches!(req.live(), Some(LiveChoice::Aws | LiveChoice::Auto))
        && let Some(r) = live::aws::default_region(req.profile.as_deref()).await
    {
        set.insert(r);
    }
    Ok(set.into_iter().collect())
}

/// Lists live resources for `inputs`.
pub async fn discover(
    req: &ScanRequest,
    inputs: &Inputs,
    progress: &(dyn Fn(Progress) + Sync),
) -> Result<LiveInventory> {
    match req.live() {
        None => Ok(LiveInventory::default()),
        Some(LiveChoice::Snapshot(p)) => Ok(live::snapshot::read(p)?),
        Some(LiveChoice::Aws | LiveChoice::Provider | LiveChoice::Auto) => {
            if inputs.regions.is_empty() {
                bail!(
                    "no AWS region to scan: set --region, AWS_REGION, or `region` in the provider \"aws\" block"
                );
            }
            let types = match req.types.is_empty() {
                true => live::aws::default_types(inputs.state.iter().map(|r| r.rtype.as_str())),
                false => req.types.clone(),
            };
            let opts = AwsOptions {
                regions: inputs.regions.clone(),
                types,
                endpoints: inputs.config.aws_endpoints(),
                profile: req.profile.clone(),
                concurrency: req.parallelism,
            };
            Ok(live::aws::discover(&opts, progress).await)
        }
    }
}

/// A scan's report with the inputs it compared.
pub struct ScanOutput {
    /// The findings.
    pub report: Report,
    /// Config, state and ignore rules that were read.
    pub inputs: Inputs,
    /// The live inventory that was compared.
    pub live: LiveInventory,
}

impl ScanOutput {
    /// An error naming the alerts when the scan is partial: acting on it could miss or
    /// misjudge resources, so nothing that changes files or the cloud should.
    pub fn ensure_complete(&self) -> Result<()> {
        if self.report.partial {
            bail!(
                "the scan is partial ({}); nothing was changed",
                self.report.partial_reasons()
            );
        }
        Ok(())
    }
}

/// Runs a whole scan.
pub async fn scan(req: &ScanRequest, progress: &(dyn Fn(Progress) + Sync)) -> Result<ScanOutput> {
    let t = std::time::Instant::now();
    // The snapshot is read after the state, not beside it: each parser spreads its work over
    // the cores anyway, and one after the other only one input file is held at a time (at
    // 100k resources the two files are 300 MB of the peak).
    let snapshot = match &req.refresh {
        Refresh::Live(LiveChoice::Snapshot(path)) => Some(path.clone()),
        Refresh::Live(LiveChoice::Aws | LiveChoice::Provider | LiveChoice::Auto) => None,
        Refresh::Terraform { .. } | Refresh::Plan { .. } => {
            return scan_with_plan(req, progress).await;
        }
    };
    let inputs = read_inputs(req).await?;
    match req.refresh {
        Refresh::Live(LiveChoice::Provider) => {
            return scan_with_providers(req, inputs, progress, false).await;
        }
        Refresh::Live(LiveChoice::Auto) if inputs.state.iter().any(needs_provider) => {
            return scan_with_providers(req, inputs, progress, true).await;
        }
        _ => {}
    }
    tracing::info!(
        resources = inputs.state.len(),
        elapsed_ms = t.elapsed().as_millis() as u64,
        "read config and state"
    );
    let t = std::time::Instant::now();
    let mut live = match snapshot {
        Some(path) => cpu(|| live::snapshot::read(&path))?,
        None => discover(req, &inputs, progress).await?,
    };
    cpu(|| {
        catalog::derive::derive_all(&inputs.state, &mut live);
        catalog::derive::add_unclaimed_children(&inputs.state, &mut live);
    });
    tracing::info!(
        resources = live.resources.len(),
        api_calls = live.api_calls,
        elapsed_ms = t.elapsed().as_millis() as u64,
        "listed live resources"
    );
    let t = std::time::Instant::now();
    let report = compare(req, &inputs, &live, diff::Compare::Catalog);
    tracing::info!(elapsed_ms = t.elapsed().as_millis() as u64, "compared");
    Ok(ScanOutput {
        report,
        inputs,
        live,
    })
}

/// True when the AWS lister cannot check `r`: `--live auto` reads it through its provider.
fn needs_provider(r: &Resource) -> bool {
    !r.id.is_empty() && catalog::rules(&r.rtype).is_none()
}

/// `--live provider`: managed resources read by their providers, the AWS lister (when the
/// configuration uses AWS) and ListResource for unmanaged ones, imports for their attributes.
///
/// `auto`: only the resources the AWS lister cannot check are read through their providers;
/// the lister's objects are the managed source for its own types, compared by the catalog.
async fn scan_with_providers(
    req: &ScanRequest,
    mut inputs: Inputs,
    progress: &(dyn Fn(Progress) + Sync),
    auto: bool,
) -> Result<ScanOutput> {
    let t = std::time::Instant::now();
    let uses_aws = uses_aws(&inputs);
    let native = async {
        if uses_aws && !inputs.regions.is_empty() {
            Some(discover(req, &inputs, progress).await)
        } else {
            None
        }
    };
    let opts = provider_options(req);
    let (native, read, pool) =
        if auto {
            // The providers start while the lister lists, but the AWS one is configured only once
            // the lister is done: when it could not reach AWS at all (no credentials, an
            // unreachable endpoint), the AWS provider would fail the same way, slowly (its own
            // retries): its resources are left unchecked under the lister's alert instead.
            let (tell, gate) = tokio::sync::watch::channel(None);
            let native = async {
                let native = native.await;
                let blocked =
                    matches!(&native, Some(Ok(n)) if n.alerts.iter().any(|a| shared_cause(a.kind)));
                tell.send_replace(Some(blocked));
                native
            };
            let (native, (read, pool)) = tokio::join!(
                native,
                live::provider::read_managed(
                    &inputs.state,
                    &needs_provider,
                    &inputs.config,
                    &opts,
                    Some(gate)
                )
            );
            let unread = &read.unreadable;
            pool.normalize_state(inputs.state.iter_mut().filter(|r| {
                needs_provider(r) && !unread.contains(&(r.rtype.clone(), r.id.clone()))
            }));
            (native, read, pool)
        } else {
            let all = |_: &Resource| true;
            let (native, (read, pool)) = tokio::join!(
                native,
                live::provider::read_managed(&inputs.state, &all, &inputs.config, &opts, None)
            );
            pool.normalize_state(inputs.state.iter_mut());
            (native, read, pool)
        };
    let result = async {
        let native = native.transpose()?.unwrap_or_default();
        let mut live = if auto {
            let mut live = combine(native, read);
            cpu(|| {
                catalog::derive::derive_all(&inputs.state, &mut live);
                catalog::derive::add_unclaimed_children(&inputs.state, &mut live);
            });
            live
        } else {
            merge(native, read, &inputs.state)
        };
        pool.list_all(&mut live).await;
        tracing::info!(
            resources = live.resources.len(),
            providers = ?pool.sources(),
            elapsed_ms = t.elapsed().as_millis() as u64,
            "read live resources through providers"
        );
        let mode = match auto {
            true => diff::Compare::CatalogElseEverything,
            false => diff::Compare::Everything,
        };
        let mut report = compare(req, &inputs, &live, mode);
        // The lister's unmanaged objects already carry what it read (auto); provider imports
        // give the others their whole attributes.
        let wanted: Vec<(usize, live::provider::ObjectRef)> = report
            .drift
            .iter()
            .enumerate()
            .filter(|(_, d)| d.kind == diff::Kind::Unmanaged)
            .filter(|(_, d)| !auto || catalog::rules(&d.rtype).is_none())
            .map(|(i, d)| (i, (d.rtype.clone(), d.id.clone(), d.region.clone())))
            .collect();
        let keys: Vec<_> = wanted.iter().map(|(_, k)| k.clone()).collect();
        for ((i, _), full) in wanted.iter().zip(pool.import_all(&keys).await) {
            if let Some((attrs, sensitive)) = full {
                let shown = diff::redact(&report.drift[*i].rtype, &attrs, &sensitive);
                report.drift[*i].live_attributes = Some(shown.into());
            }
        }
        Ok::<_, anyhow::Error>((report, live))
    }
    .await;
    pool.shutdown().await;
    let (report, live) = result?;
    Ok(ScanOutput {
        report,
        inputs,
        live,
    })
}

/// `--refresh terraform` / `--plan FILE`: managed drift from Terraform's refresh
/// (`resource_drift`), any provider; unmanaged resources from the AWS lister when the
/// configuration uses AWS.
async fn scan_with_plan(
    req: &ScanRequest,
    progress: &(dyn Fn(Progress) + Sync),
) -> Result<ScanOutput> {
    let dir = &req.dir;
    if !dir.is_dir() {
        bail!("{} is not a directory", dir.display());
    }
    if !req.state.is_empty() {
        // Terraform's refresh (and a saved plan) compare the module's own state: a state file
        // given here would be silently ignored.
        bail!(
            "--state (or `state` in the settings) cannot be combined with --refresh terraform or --plan, which read the module's own state: drop one of them"
        );
    }
    let config = config::read_dir(dir)?;
    let (bytes, origin) = match &req.refresh {
        Refresh::Plan { file: path, .. } => {
            let raw = crate::input_file::read(path, crate::input_file::MAX_DATA_FILE)
                .with_context(|| format!("cannot read {}", path.display()))?;
            if raw.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'{') {
                (raw, path.display().to_string())
            } else {
                let tf = Terraform::find(req.terraform.as_deref())?;
                let abs = std::fs::canonicalize(path)?;
                (tf.show_json(dir, &abs).await?, path.display().to_string())
            }
        }
        _ => {
            let tf = Terraform::find(req.terraform.as_deref())?;
            let work = tempfile::tempdir()?;
            let plan = work.path().join("refresh.tfplan");
            progress(Progress::Step(format!(
                "running terraform plan -refresh-only in {}",
                dir.display()
            )));
            tf.plan(dir, &plan, &["-refresh-only".to_string()]).await?;
            (
                tf.show_json(dir, &plan).await?,
                "terraform plan -refresh-only".to_string(),
            )
        }
    };
    let mut drift = cpu(|| state::plan_drift(&bytes, &origin))?;
    // Types the catalog has no rules for are compared whole: leave out what only the provider
    // computes, as a provider read does (`--live provider`).
    if drift
        .refreshed
        .iter()
        .any(|r| catalog::rules(&r.rtype).is_none())
    {
        let tf = Terraform::find(req.terraform.as_deref())?;
        match tf.computed_only(dir).await {
            Ok(computed) => {
                for r in drift
                    .refreshed
                    .iter_mut()
                    .filter(|r| catalog::rules(&r.rtype).is_none())
                {
                    let rtype = r.rtype.clone();
                    r.attributes.make_mut().retain(|k, _| {
                        catalog::IDENTITY.contains(&k.as_str())
                            || !computed.contains(&(rtype.clone(), k.clone()))
                    });
                }
            }
            Err(e) => tracing::warn!("cannot read the provider schemas: {e}"),
        }
    }
    let ignore = read_ignore(dir)?;
    let mut regions: BTreeSet<String> = if req.regions.is_empty() {
        config.aws_regions().into_iter().collect()
    } else {
        req.regions.iter().cloned().collect()
    };
    regions.extend(
        drift
            .stored
            .iter()
            .filter(|r| catalog::rules(&r.rtype).is_some())
            .filter_map(|r| r.region.clone()),
    );
    let inputs = Inputs {
        config,
        state: drift.stored,
        ignore,
        regions: regions.into_iter().collect(),
    };
    let mut refreshed = LiveInventory::default();
    for r in &inputs.state {
        refreshed.coverage.add(&r.rtype, None);
    }
    refreshed.resources = drift
        .refreshed
        .into_iter()
        .map(|mut r| {
            // The refreshed object was read where the state points: no region of its own. It
            // keeps the address of the state object it refreshes (several may share an ID).
            r.region = None;
            r
        })
        .collect();
    let uses_aws = uses_aws(&inputs);
    let lists = req.live().is_some();
    let native = if lists && uses_aws && !inputs.regions.is_empty() {
        Some(discover(req, &inputs, progress).await?)
    } else {
        None
    };
    let live = merge(native.unwrap_or_default(), refreshed, &inputs.state);
    let report = compare(req, &inputs, &live, diff::Compare::CatalogElseEverything);
    Ok(ScanOutput {
        report,
        inputs,
        live,
    })
}

/// Runs the engine on what was read.
fn compare(
    req: &ScanRequest,
    inputs: &Inputs,
    live: &LiveInventory,
    mode: diff::Compare,
) -> Report {
    cpu(|| {
        diff::diff(&diff::Input {
            state: &inputs.state,
            live,
            config: &inputs.config,
            ignore: &inputs.ignore,
            options: &diff::Options {
                include_defaults: req.include_defaults,
                default_region: inputs.regions.first().cloned(),
                compare: mode,
            },
        })
    })
}

/// Runs CPU-bound work (parsing configuration and state, the diff) without holding up the
/// runtime: on a multi-threaded runtime the worker first hands its other tasks to the pool
/// (`block_in_place`), so a server scan of a large estate does not stall its requests.
fn cpu<T>(f: impl FnOnce() -> T) -> T {
    match tokio::runtime::Handle::try_current() {
        Ok(h) if h.runtime_flavor() == tokio::runtime::RuntimeFlavor::MultiThread => {
            tokio::task::block_in_place(f)
        }
        _ => f(),
    }
}

/// True when the configuration or the state uses AWS (so the native lister can find
/// unmanaged resources next to another source of managed drift).
fn uses_aws(inputs: &Inputs) -> bool {
    inputs.config.providers.iter().any(|p| p.name == "aws")
        || inputs.state.iter().any(|r| r.rtype.starts_with("aws_"))
}

/// `auto`: the lister's objects (its own types) next to the provider reads (the other types).
fn combine(native: LiveInventory, read: LiveInventory) -> LiveInventory {
    let mut out = native;
    out.resources.extend(read.resources);
    out.coverage.extend(read.coverage);
    add_alerts(&mut out.alerts, read.alerts);
    out.unreadable.extend(read.unreadable);
    out.api_calls += read.api_calls;
    out
}

/// Provider reads win over the lister for managed objects; the lister's other objects are the
/// unmanaged candidates.
fn merge(mut native: LiveInventory, read: LiveInventory, state: &[Resource]) -> LiveInventory {
    // What the lister's parents hold that no state object claims (a policy attached by hand).
    catalog::derive::add_unclaimed_children(state, &mut native);
    let mut managed: std::collections::HashSet<(&str, &str)> = state
        .iter()
        .map(|r| (r.rtype.as_str(), r.id.as_str()))
        .collect();
    // The lister names some objects otherwise than Terraform's ID (a record by its full name).
    let listed: Vec<(&str, String)> = state
        .iter()
        .filter_map(|r| Some((r.rtype.as_str(), catalog::listed_id(r)?)))
        .collect();
    managed.extend(listed.iter().map(|(t, id)| (*t, id.as_str())));
    let mut out = read;
    out.resources.extend(
        native
            .resources
            .into_iter()
            .filter(|r| !managed.contains(&(r.rtype.as_str(), r.id.as_str()))),
    );
    out.coverage.extend(native.coverage);
    let provider_alerts = std::mem::replace(&mut out.alerts, native.alerts);
    add_alerts(&mut out.alerts, provider_alerts);
    out.api_calls += native.api_calls;
    out
}

/// Causes that stop every AWS call alike, the lister's and the AWS provider's.
fn shared_cause(kind: crate::model::AlertKind) -> bool {
    use crate::model::AlertKind;
    matches!(
        kind,
        AlertKind::NoCredentials
            | AlertKind::CredentialsExpired
            | AlertKind::CredentialsInvalid
            | AlertKind::EndpointUnreachable
    )
}

/// Adds the provider path's alerts to the lister's, one line per cause: a cause the lister
/// already named (no credentials, an unreachable endpoint, …) is not said twice; the resources
/// it left unread stay unchecked either way.
fn add_alerts(alerts: &mut Vec<crate::model::Alert>, more: Vec<crate::model::Alert>) {
    for a in more {
        if !(shared_cause(a.kind) && alerts.iter().any(|b| b.kind == a.kind)) {
            alerts.push(a);
        }
    }
}
