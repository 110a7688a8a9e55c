//! Orchestration: gathers config, state and live inventory, then runs the diff.
//!
//! The one place that knows where inputs come from; the CLI (and later the server) call it.

use std::collections::BTreeSet;
use std::path::PathBuf;

use anyhow::{Context, Result, bail};

use crate::catalog;
use crate::config::{self, Config};
use crate::diff::{self, DriftIgnore, Report};
use crate::live::{self, Progress, aws::AwsOptions};
use crate::model::{LiveInventory, Resource};
use crate::state;
use crate::terraform::{self, Terraform};

/// Where live resources come from.
#[derive(Debug, Clone)]
pub enum LiveChoice {
    /// The AWS APIs.
    Aws,
    /// A snapshot file written by `discover`.
    Snapshot(PathBuf),
}

/// What to scan and how.
#[derive(Debug, Clone)]
pub struct ScanRequest {
    /// The Terraform root module.
    pub dir: PathBuf,
    /// `--state` paths or globs; empty means `terraform state pull` or `DIR/terraform.tfstate`.
    pub state: Vec<String>,
    /// Live source.
    pub live: LiveChoice,
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
    let config = config::read_dir(dir)?;
    let state = read_states(req, state_required).await?;
    let ignore_path = dir.join(".driftignore");
    let ignore = match std::fs::read_to_string(&ignore_path) {
        Ok(text) => DriftIgnore::parse(&text),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => DriftIgnore::default(),
        Err(e) => return Err(e).with_context(|| format!("cannot read {}", ignore_path.display())),
    };
    let regions = regions(req, &config, &state).await?;
    Ok(Inputs {
        config,
        state,
        ignore,
        regions,
    })
}

async fn read_states(req: &ScanRequest, required: bool) -> Result<Vec<Resource>> {
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
            out.extend(state::read_file_with(&f, &catalog::keeps)?.resources);
        }
        return Ok(out);
    }
    if terraform::has_backend(&req.dir) {
        let tf = Terraform::find(req.terraform.as_deref())?;
        let bytes = tf.state_pull(&req.dir).await?;
        return Ok(state::parse_with(&bytes, "terraform state pull", &catalog::keeps)?.resources);
    }
    let local = req.dir.join("terraform.tfstate");
    if local.is_file() {
        return Ok(state::read_file_with(&local, &catalog::keeps)?.resources);
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
        && let LiveChoice::Aws = req.live
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
    let source = match &req.live {
        LiveChoice::Snapshot(p) => live::Source::Snapshot(p.clone()),
        LiveChoice::Aws => {
            if inputs.regions.is_empty() {
                bail!(
                    "no AWS region to scan: set --region, AWS_REGION, or `region` in the provider \"aws\" block"
                );
            }
            live::Source::Aws(AwsOptions {
                regions: inputs.regions.clone(),
                types: req.types.clone(),
                endpoint_url: inputs.config.aws_endpoint("ec2"),
                profile: req.profile.clone(),
                concurrency: req.parallelism,
            })
        }
    };
    live::discover(&source, progress).await
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

/// Runs a whole scan.
pub async fn scan(req: &ScanRequest, progress: &(dyn Fn(Progress) + Sync)) -> Result<ScanOutput> {
    let t = std::time::Instant::now();
    // A snapshot does not depend on the state: read both at once.
    let snapshot = match &req.live {
        LiveChoice::Snapshot(path) => {
            let path = path.clone();
            Some(tokio::task::spawn_blocking(move || {
                live::snapshot::read(&path)
            }))
        }
        LiveChoice::Aws => None,
    };
    let inputs = read_inputs(req).await?;
    tracing::info!(
        resources = inputs.state.len(),
        elapsed_ms = t.elapsed().as_millis() as u64,
        "read config and state"
    );
    let t = std::time::Instant::now();
    let live = match snapshot {
        Some(task) => task.await.context("snapshot reader stopped")??,
        None => discover(req, &inputs, progress).await?,
    };
    tracing::info!(
        resources = live.resources.len(),
        elapsed_ms = t.elapsed().as_millis() as u64,
        "listed live resources"
    );
    let t = std::time::Instant::now();
    let options = diff::Options {
        include_defaults: req.include_defaults,
        default_region: inputs.regions.first().cloned(),
    };
    let report = diff::diff(&diff::Input {
        state: &inputs.state,
        live: &live,
        config: &inputs.config,
        ignore: &inputs.ignore,
        options: &options,
    });
    tracing::info!(elapsed_ms = t.elapsed().as_millis() as u64, "compared");
    Ok(ScanOutput {
        report,
        inputs,
        live,
    })
}

#[cfg(test)]
mod tests {
    /// The pure core never reaches for I/O modules (see ARCHITECTURE.md).
    #[test]
    fn pure_core_does_not_import_io_modules() {
        let forbidden = ["live", "terraform", "scan", "cli", "server", "plugin"];
        for module in ["model", "catalog", "diff", "render"] {
            let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("src")
                .join(module);
            for entry in std::fs::read_dir(&dir).unwrap() {
                let path = entry.unwrap().path();
                if path.extension().is_none_or(|e| e != "rs") {
                    continue;
                }
                let text = std::fs::read_to_string(&path).unwrap();
                for f in forbidden {
                    for pat in [
                        format!("crate::{f}::"),
                        format!("crate::{f};"),
                        format!("crate::{{{f}"),
                    ] {
                        assert!(!text.contains(&pat), "{} uses {pat}", path.display());
                    }
                }
                assert!(!text.contains("tokio::"), "{} uses tokio", path.display());
            }
        }
    }
}
