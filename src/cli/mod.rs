//! Command-line interface: argument types, one function per subcommand, and the only writer to
//! stdout and stderr.

#![expect(
    clippy::print_stdout,
    clippy::print_stderr,
    reason = "the CLI is the one writer to the terminal"
)]

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context, Result};
use clap::{Args, Parser, Subcommand};

use crate::fsutil::{self, Existing};
use crate::live::{Progress, snapshot};
use crate::model::Severity;
use crate::render::{self, Format};
use crate::scan::{self, LiveChoice, ScanRequest};

/// How a command ended, as its process exit code: 0 in sync, 1 error or usage, 2 drift.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// In sync (or done, for commands that change things).
    Ok = 0,
    /// Error, usage error, or a partial or unchecked result not accepted by a flag.
    Error = 1,
    /// Drift found (or left).
    Drift = 2,
}

impl From<Exit> for std::process::ExitCode {
    fn from(e: Exit) -> std::process::ExitCode {
        std::process::ExitCode::from(e as u8)
    }
}

/// Find and fix drift between Terraform and the real cloud.
#[derive(Debug, Parser)]
#[command(name = "terraform-drift", version, about)]
pub struct Cli {
    /// Log verbosity (`-v` info, `-vv` debug); RUST_LOG overrides.
    #[arg(short, long, action = clap::ArgAction::Count, global = true)]
    verbose: u8,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Compare state with the cloud and report missing, unmanaged and changed resources.
    ///
    /// Exit codes: 0 in sync, 2 drift found, 1 error.
    Scan(ScanArgs),
    /// Write the live inventory to a snapshot file (for `scan --live FILE`).
    Discover(DiscoverArgs),
    /// Code wins: put the cloud back to what the configuration says, through `terraform
    /// plan -target` / `apply` of exactly the drifted resources; optionally delete unmanaged
    /// resources. Drift the plan would not undo (an attribute the configuration does not
    /// set) is reported before applying, left out of the apply and never counted as fixed.
    ///
    /// Exit codes: 0 nothing left drifted, 2 drift remains, 1 error.
    Remediate(RemediateArgs),
    /// Cloud wins for unmanaged resources: `import` blocks and resource blocks in a new file.
    ///
    /// Prints the diff; `--write` writes it. Exit codes: 0 done (or nothing to do), 1 error.
    Codify(CodifyArgs),
    /// Cloud wins for changed attributes: rewrite the configured literals to the live values,
    /// keeping every other byte of the files.
    ///
    /// Prints the diff; `--write` writes it. Exit codes: 0 done, 2 some changes need a hand
    /// edit (listed), 1 error.
    Patch(PatchArgs),
    /// Run the server: HCP Terraform run task (`POST /runtask`), REST API (`/api/v1`), live
    /// updates, dashboard (`/`) and `/metrics`, for the workspaces of a configuration file.
    ///
    /// Runs until Ctrl-C or SIGTERM, then finishes the work in hand.
    Serve(ServeArgs),
    /// Print a shell completion script: `terraform-drift completions bash >
    /// /etc/bash_completion.d/terraform-drift` (zsh: a `_terraform-drift` file on `$fpath`;
    /// fish: `~/.config/fish/completions/terraform-drift.fish`).
    Completions {
        /// The shell.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print a manual page (roff): `terraform-drift man > terraform-drift.1` for the command,
    /// `terraform-drift man scan > terraform-drift-scan.1` for a subcommand; read one with
    /// `man ./terraform-drift.1`.
    Man {
        /// The subcommand whose page to print (default: the command's own).
        subcommand: Option<String>,
    },
}

#[derive(Debug, Args)]
struct ServeArgs {
    /// The server configuration (TOML: workspaces, tokens, run task, compliance rules).
    #[arg(long, short, default_value = "terraform-drift-serve.toml")]
    config: PathBuf,
    /// Address to listen on (default: the configuration's `listen`, else 127.0.0.1:8080).
    #[arg(long)]
    listen: Option<String>,
    /// Accept run-task requests without an HMAC signature (testing only).
    #[arg(long)]
    insecure_no_hmac: bool,
    /// Log JSON lines (one object per event, with its fields) instead of text.
    #[arg(long)]
    log_json: bool,
}

/// Where live resources come from; one resolution for every command that scans.
#[derive(Debug, Args)]
struct LiveArg {
    /// Live source: `auto` (default: the AWS lister for the types it knows, each other
    /// resource read through its provider), `aws` (the lister alone), `provider` (every
    /// resource read through its provider), or a snapshot file written by `discover`;
    /// default: `live` in the settings file, else `auto`.
    #[arg(long, value_name = "auto|aws|provider|FILE")]
    live: Option<String>,
    /// Provider binary to read through, as NAME=PATH (NAME: `aws` or
    /// `registry.terraform.io/hashicorp/aws`); default: what `terraform init` installed.
    #[arg(long = "provider", value_name = "NAME=PATH", value_parser = parse_provider)]
    providers: Vec<(String, PathBuf)>,
}

impl LiveArg {
    /// The flag, else the settings file's `live` (a path there is relative to DIR), else
    /// auto; with the provider binaries named.
    fn resolve(&self, dir: &Path, settings: &Settings) -> Live {
        let parse = |s: &str| s.parse::<LiveChoice>().unwrap_or_else(|e| match e {});
        let choice = match (&self.live, &settings.live) {
            (Some(flag), _) => parse(flag),
            (None, Some(setting)) => parse(setting).under(dir),
            (None, None) => LiveChoice::Auto,
        };
        Live {
            choice,
            providers: self.providers.clone(),
        }
    }
}

/// The resolved live source, with the provider binaries `--provider` named.
struct Live {
    choice: LiveChoice,
    providers: Vec<(String, PathBuf)>,
}

impl Live {
    /// The native lister alone (`discover`: no provider reads).
    fn native() -> Live {
        Live {
            choice: LiveChoice::Aws,
            providers: Vec::new(),
        }
    }
}

#[derive(Debug, Args)]
struct AdoptArgs {
    #[command(flatten)]
    common: Common,
    #[command(flatten)]
    live: LiveArg,
    /// Write the files (default: print the diff only).
    #[arg(long)]
    write: bool,
    /// Edit files that have uncommitted git changes.
    #[arg(long)]
    allow_dirty: bool,
    /// Only resources of these types (repeatable).
    #[arg(long = "type", value_name = "TYPE")]
    types: Vec<String>,
    /// Only these cloud IDs (repeatable).
    #[arg(long = "id", value_name = "ID")]
    ids: Vec<String>,
}

#[derive(Debug, Args)]
struct CodifyArgs {
    #[command(flatten)]
    adopt: AdoptArgs,
    /// The file to create, relative to DIR.
    #[arg(long, default_value = "drift_imports.tf")]
    file: String,
}

#[derive(Debug, Args)]
struct PatchArgs {
    #[command(flatten)]
    adopt: AdoptArgs,
    /// Only these state addresses (repeatable).
    #[arg(long = "address", value_name = "ADDR")]
    addresses: Vec<String>,
}

#[derive(Debug, Args)]
struct RemediateArgs {
    #[command(flatten)]
    common: Common,
    #[command(flatten)]
    live: LiveArg,
    /// Apply without asking (required when not on a terminal).
    #[arg(long)]
    auto_approve: bool,
    /// Show the plan only; change nothing.
    #[arg(long)]
    dry_run: bool,
    /// Also delete unmanaged resources (those selected by --type/--id; all if neither).
    #[arg(long)]
    delete_unmanaged: bool,
    /// With --delete-unmanaged: only unmanaged resources of these types (repeatable).
    #[arg(long = "type", value_name = "TYPE")]
    types: Vec<String>,
    /// With --delete-unmanaged: only these cloud IDs (repeatable).
    #[arg(long = "id", value_name = "ID")]
    ids: Vec<String>,
}

#[derive(Debug, Args)]
struct Common {
    /// Terraform root module.
    #[arg(default_value = ".")]
    dir: PathBuf,
    /// State file(s) or globs (tfstate v4 or `terraform show -json` output); repeatable.
    #[arg(long, value_name = "PATH")]
    state: Vec<String>,
    /// AWS region(s) to list; default: the provider blocks' regions and the state's.
    #[arg(long, value_name = "REGION")]
    region: Vec<String>,
    /// AWS named profile.
    #[arg(long, env = "AWS_PROFILE")]
    profile: Option<String>,
    /// Concurrent API calls [default: 8].
    #[arg(long)]
    parallelism: Option<usize>,
    /// terraform (or tofu) binary.
    #[arg(long, value_name = "PATH")]
    terraform: Option<PathBuf>,
}

fn parse_provider(s: &str) -> Result<(String, PathBuf), String> {
    let (name, path) = s
        .split_once('=')
        .ok_or_else(|| format!("expected NAME=PATH, got {s:?}"))?;
    if name.is_empty() || path.is_empty() {
        return Err(format!("expected NAME=PATH, got {s:?}"));
    }
    Ok((name.to_string(), PathBuf::from(path)))
}

#[derive(Debug, Args)]
struct ScanArgs {
    #[command(flatten)]
    common: Common,
    #[command(flatten)]
    live: LiveArg,
    /// Take managed drift from Terraform's own refresh (`terraform plan -refresh-only`, any
    /// provider); the live source then only finds unmanaged resources.
    #[arg(long, value_name = "terraform", value_parser = ["terraform"], conflicts_with = "plan")]
    refresh: Option<String>,
    /// Take managed drift from a saved plan (binary plan file or `terraform show -json` of it),
    /// e.g. Atlantis's `$SHOWFILE` or an HCP Terraform run task's plan JSON.
    #[arg(long, value_name = "FILE")]
    plan: Option<PathBuf>,
    /// Output format [default: table].
    #[arg(long, value_parser = format_parser())]
    format: Option<Format>,
    /// Write the report to FILE instead of stdout.
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
    /// Also report what AWS creates by itself (default VPC, default security groups, …).
    #[arg(long)]
    include_defaults: bool,
    /// Exit 0/2 even when some types could not be listed (the report still says so).
    #[arg(long)]
    allow_partial: bool,
    /// Exit 0/2 even when some state resources were not checked (the report lists them).
    #[arg(long)]
    allow_unchecked: bool,
    /// Exit 2 only for findings of at least this severity (`low`, `medium`, `high`); the
    /// report still lists every finding [default: low, i.e. any finding].
    #[arg(long, value_name = "LEVEL", value_parser = severity_parser())]
    fail_on: Option<Severity>,
    /// Never colour the table.
    #[arg(long, env = "NO_COLOR", value_parser = clap::builder::FalseyValueParser::new())]
    no_color: bool,
}

#[derive(Debug, Args)]
struct DiscoverArgs {
    #[command(flatten)]
    common: Common,
    /// Snapshot file to write.
    #[arg(long, value_name = "FILE")]
    out: PathBuf,
    /// Only these resource types (repeatable); default: every supported type.
    #[arg(long = "type", value_name = "TYPE")]
    types: Vec<String>,
    /// Write the snapshot even when some listings failed (it then covers only the types and
    /// regions that were listed, and carries the alerts).
    #[arg(long)]
    allow_partial: bool,
}

/// Parses the command line and runs it; returns the exit code.
pub fn run() -> Result<Exit> {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        // `--help` and `--version` print to stdout and succeed; a usage error is an error
        // (exit 1, as Terraform does), never 2, which means "drift found" to a CI gate.
        Err(e) => {
            let _ = e.print();
            return Ok(if e.use_stderr() {
                Exit::Error
            } else {
                Exit::Ok
            });
        }
    };
    // Generated from the same definitions as the parser, so they never disagree with it.
    match &cli.command {
        Command::Completions { shell } => {
            let mut cmd = <Cli as clap::CommandFactory>::command();
            // Generated into memory: the generator panics on a write error (a closed pipe).
            let mut script = Vec::new();
            clap_complete::generate(*shell, &mut cmd, "terraform-drift", &mut script);
            let mut out = std::io::stdout().lock();
            out.write_all(&script)?;
            out.flush()?;
            return Ok(Exit::Ok);
        }
        Command::Man { subcommand } => {
            let cmd = <Cli as clap::CommandFactory>::command();
            let page = match subcommand {
                None => clap_mangen::Man::new(cmd),
                Some(name) => {
                    let Some(sub) = cmd.find_subcommand(name) else {
                        let names: Vec<&str> =
                            cmd.get_subcommands().map(|s| s.get_name()).collect();
                        anyhow::bail!("no subcommand {name:?}; one of: {}", names.join(", "));
                    };
                    // Pages of subcommands are named as git names them: terraform-drift-scan(1).
                    let sub = sub.clone().bin_name(format!("terraform-drift {name}"));
                    clap_mangen::Man::new(sub).title(format!("terraform-drift-{name}"))
                }
            };
            let mut out = std::io::stdout().lock();
            page.render(&mut out)?;
            out.flush()?;
            return Ok(Exit::Ok);
        }
        _ => {}
    }
    match &cli.command {
        // A server logs every request by default, with timestamps, optionally as JSON lines.
        Command::Serve(args) => init_logging(cli.verbose.max(1), true, args.log_json),
        _ => init_logging(cli.verbose, false, false),
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    runtime.block_on(async {
        match cli.command {
            Command::Scan(args) => scan_cmd(args).await,
            Command::Discover(args) => discover_cmd(args).await,
            Command::Remediate(args) => remediate_cmd(args).await,
            Command::Codify(args) => adopt_cmd(args.adopt, Vec::new(), Some(&args.file)).await,
            Command::Patch(args) => adopt_cmd(args.adopt, args.addresses, None).await,
            Command::Serve(args) => serve_cmd(args).await,
            // Answered above, before the runtime starts.
            Command::Completions { .. } | Command::Man { .. } => Ok(Exit::Ok),
        }
    })
}

fn init_logging(verbose: u8, timestamps: bool, json: bool) {
    let default = match verbose {
        0 => "warn",
        1 => "info",
        _ => "debug",
    };
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default));
    let fmt = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal() && !json);
    if json {
        // A panic would print plain text on stderr: keep the log one JSON object per line.
        std::panic::set_hook(Box::new(|info| {
            let location = info
                .location()
                .map(|l| format!("{}:{}", l.file(), l.line()))
                .unwrap_or_default();
            let payload = crate::model::panic_message(info.payload());
            tracing::error!(
                panic = %crate::model::scrub_secrets(&payload),
                location,
                "a task panicked"
            );
        }));
    }
    let _ = match (json, timestamps) {
        (true, _) => fmt.json().try_init(),
        (false, true) => fmt.try_init(),
        (false, false) => fmt.without_time().try_init(),
    };
}

/// `DIR/.terraform-drift.toml`: defaults for flags (flags and environment win).
#[derive(Debug, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Settings {
    live: Option<String>,
    region: Option<Vec<String>>,
    state: Option<Vec<String>>,
    profile: Option<String>,
    parallelism: Option<usize>,
    include_defaults: Option<bool>,
    allow_partial: Option<bool>,
    allow_unchecked: Option<bool>,
    format: Option<String>,
    fail_on: Option<String>,
}

/// The settings file name, looked up in the scanned directory.
pub const SETTINGS_FILE: &str = ".terraform-drift.toml";

fn settings(dir: &Path) -> Result<Settings> {
    let path = dir.join(SETTINGS_FILE);
    match crate::input_file::read_to_string(&path, crate::input_file::MAX_TEXT_FILE) {
        Ok(text) => toml::from_str(&text)
            .map_err(|e| anyhow::anyhow!("{}: {}", path.display(), e.message())),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Settings::default()),
        Err(e) => Err(e).with_context(|| format!("cannot read {}", path.display())),
    }
}

/// A path from the settings file is relative to the directory holding it.
fn relative_to(dir: &Path, p: &str) -> String {
    if Path::new(p).is_absolute() {
        p.to_string()
    } else {
        dir.join(p).display().to_string()
    }
}

fn request(common: Common, settings: &Settings, live: Live, include_defaults: bool) -> ScanRequest {
    let Live { choice, providers } = live;
    let dir = common.dir;
    let state = if common.state.is_empty() {
        settings
            .state
            .iter()
            .flatten()
            .map(|p| relative_to(&dir, p))
            .collect()
    } else {
        common.state
    };
    ScanRequest {
        state,
        regions: if common.region.is_empty() {
            settings.region.clone().unwrap_or_default()
        } else {
            common.region
        },
        profile: common.profile.or_else(|| settings.profile.clone()),
        include_defaults,
        parallelism: common
            .parallelism
            .or(settings.parallelism)
            .unwrap_or(8)
            .max(1),
        terraform: common.terraform,
        types: Vec::new(),
        providers: providers.into_iter().collect(),
        refresh: scan::Refresh::Live(choice),
        dir,
    }
}

/// A spinner on stderr while listing, only on a terminal.
fn spinner() -> Option<indicatif::ProgressBar> {
    if !std::io::stderr().is_terminal() {
        return None;
    }
    let pb = indicatif::ProgressBar::new_spinner();
    pb.set_message("listing cloud resources…");
    pb.enable_steady_tick(Duration::from_millis(100));
    Some(pb)
}

fn progress_fn(pb: &Option<indicatif::ProgressBar>) -> impl Fn(Progress) + Sync + '_ {
    move |p| match (p, pb) {
        (
            Progress::Listed {
                rtype,
                region,
                count,
            },
            Some(pb),
        ) => pb.set_message(format!("listed {count} {rtype} in {region}")),
        (Progress::Listed { .. }, None) => {}
        (Progress::Step(line), Some(pb)) => pb.println(line),
        (Progress::Step(line), None) => eprintln!("{line}"),
    }
}

/// `--format`: the names [`Format`] knows, listed in `--help` and in usage errors.
fn format_parser() -> impl clap::builder::TypedValueParser<Value = Format> {
    use clap::builder::TypedValueParser as _;
    clap::builder::PossibleValuesParser::new(Format::NAMES.map(|(n, _)| n))
        .map(|name| name.parse::<Format>().expect("a listed name"))
}

fn severity_parser() -> impl clap::builder::TypedValueParser<Value = Severity> {
    use clap::builder::TypedValueParser as _;
    clap::builder::PossibleValuesParser::new(["low", "medium", "high"])
        .map(|name| name.parse::<Severity>().expect("a listed severity"))
}

async fn scan_cmd(args: ScanArgs) -> Result<Exit> {
    let settings = settings(&args.common.dir)?;
    let live = args.live.resolve(&args.common.dir, &settings);
    let format = match (args.format, settings.format.as_deref()) {
        (Some(f), _) => f,
        (None, Some(name)) => name
            .parse()
            .map_err(|e| anyhow::anyhow!("{SETTINGS_FILE}: {e}"))?,
        (None, None) => Format::Table,
    };
    let allow_partial = args.allow_partial || settings.allow_partial.unwrap_or(false);
    let allow_unchecked = args.allow_unchecked || settings.allow_unchecked.unwrap_or(false);
    let include_defaults = args.include_defaults || settings.include_defaults.unwrap_or(false);
    let fail_on = match (args.fail_on, settings.fail_on.as_deref()) {
        (Some(level), _) => level,
        (None, Some(name)) => name
            .parse()
            .map_err(|e| anyhow::anyhow!("{SETTINGS_FILE}: fail_on: {e}"))?,
        (None, None) => Severity::Low,
    };
    // SARIF names files as seen from where the scan runs (the repository's root in CI).
    let module_dir = {
        let dir = &args.common.dir;
        let cwd = std::env::current_dir().unwrap_or_default();
        dir.strip_prefix(&cwd)
            .unwrap_or(dir)
            .to_string_lossy()
            .into_owned()
    };
    let mut req = request(args.common, &settings, live, include_defaults);
    req.refresh = match (&args.refresh, &args.plan, req.refresh) {
        (_, Some(p), scan::Refresh::Live(live)) => scan::Refresh::Plan {
            file: p.clone(),
            unmanaged: Some(live),
        },
        (Some(_), None, scan::Refresh::Live(live)) => scan::Refresh::Terraform {
            unmanaged: Some(live),
        },
        (_, _, refresh) => refresh,
    };
    let pb = spinner();
    let report = scan::scan(&req, &progress_fn(&pb)).await;
    if let Some(pb) = &pb {
        pb.finish_and_clear();
    }
    let scanned = report?;
    let report = scanned.report;
    // The process ends right after printing: freeing millions of small attribute values one
    // by one would only add to the wall time of large scans.
    std::mem::forget((scanned.inputs, scanned.live));
    let color = !args.no_color && args.out.is_none() && std::io::stdout().is_terminal();
    match &args.out {
        Some(path) => {
            fsutil::write_atomic_with(path, Existing::Replace, |w| {
                render::write_to(&report, format, color, &module_dir, w)
            })?;
            eprintln!("{}", render::summary_line(&report));
        }
        None => {
            let mut out = std::io::stdout().lock();
            render::write_to(&report, format, color, &module_dir, &mut out)?;
            out.flush()?;
        }
    }
    Ok(if report.partial && !allow_partial {
        eprintln!(
            "error: the scan is partial (see the alerts above); pass --allow-partial to accept it"
        );
        Exit::Error
    } else if let n @ 1.. = unaccepted_unchecked(&report, allow_partial)
        && !allow_unchecked
    {
        eprintln!(
            "error: {n} resource{} could not be checked (listed in the report); pass --allow-unchecked to accept that",
            if n == 1 { "" } else { "s" }
        );
        Exit::Error
    } else if report.drift.iter().any(|d| d.severity >= fail_on) {
        Exit::Drift
    } else {
        if report.has_drift() {
            // Exit 0 must not read as "in sync": say why the findings above do not fail.
            eprintln!(
                "{} finding{} below --fail-on {fail_on}: exit 0",
                report.drift.len(),
                if report.drift.len() == 1 { "" } else { "s" }
            );
        }
        Exit::Ok
    })
}

/// How many unchecked resources the user has not accepted yet: `--allow-partial` accepts those
/// that a failed listing or read left unchecked, never types the live source does not read.
fn unaccepted_unchecked(report: &crate::diff::Report, allow_partial: bool) -> usize {
    use crate::diff::UncheckedReason;
    report
        .unchecked
        .iter()
        .filter(|u| !(report.partial && allow_partial && u.code != UncheckedReason::TypeNotListed))
        .count()
}

/// Shows a saved plan and asks for approval; `Ok(false)` means declined.
fn approve(plan: &crate::codewins::SavedPlan, what: &str, auto: bool) -> Result<bool> {
    // The plan was streamed above as Terraform printed it; only its summary is repeated.
    if let Some(summary) = plan.text.lines().rev().find(|l| l.starts_with("Plan:")) {
        eprintln!("\n{summary}");
    }
    if auto {
        return Ok(true);
    }
    if !std::io::stdin().is_terminal() {
        anyhow::bail!(
            "refusing to {what} without confirmation: pass --auto-approve (stdin is not a terminal)"
        );
    }
    eprint!("\nDo you want to {what}? Only 'yes' will be accepted: ");
    std::io::stderr().flush()?;
    let mut answer = String::new();
    std::io::stdin().read_line(&mut answer)?;
    Ok(answer.trim() == "yes")
}

/// The terminal as `remediate` sees it: notes on stderr, approval by prompt.
struct Terminal {
    auto_approve: bool,
}

impl crate::codewins::Ui for Terminal {
    fn note(&self, line: &str) {
        eprintln!("{line}");
    }

    fn approve(&self, plan: &crate::codewins::SavedPlan, what: &str) -> Result<bool> {
        approve(plan, what, self.auto_approve)
    }
}

async fn remediate_cmd(args: RemediateArgs) -> Result<Exit> {
    use crate::codewins;
    let settings = settings(&args.common.dir)?;
    let live = args.live.resolve(&args.common.dir, &settings);
    let req = request(args.common, &settings, live, false);
    // Terraform's progress is shown as it runs, indented under our own lines.
    let tf = crate::terraform::Terraform::find(req.terraform.as_deref())?
        .with_output(std::sync::Arc::new(|_, line: &str| eprintln!("  {line}")));
    let opts = codewins::Options {
        dry_run: args.dry_run,
        delete_unmanaged: args.delete_unmanaged,
        selection: crate::diff::Selection {
            types: args.types,
            ids: args.ids,
            addresses: Vec::new(),
        },
    };
    let ui = Terminal {
        auto_approve: args.auto_approve,
    };
    let outcome = codewins::remediate(&tf, &req, &opts, &ui).await?;
    let mut out = std::io::stdout().lock();
    out.write_all(render::render(&outcome.report, Format::Table, false).as_bytes())?;
    Ok(if outcome.remaining == 0 {
        Exit::Ok
    } else {
        Exit::Drift
    })
}

/// `codify` (with the file to create) or `patch` (with the addresses to patch).
async fn adopt_cmd(args: AdoptArgs, addresses: Vec<String>, codify: Option<&str>) -> Result<Exit> {
    use crate::cloudwins;
    let settings = settings(&args.common.dir)?;
    let live = args.live.resolve(&args.common.dir, &settings);
    let req = request(args.common, &settings, live, false);
    let scanned = scan::scan(&req, &|_| {}).await?;
    let selection = crate::diff::Selection {
        types: args.types,
        ids: args.ids,
        addresses,
    };
    let (edits, skipped) = cloudwins::propose(
        &req,
        &scanned,
        &selection,
        codify.is_some(),
        codify.unwrap_or_default(),
    )
    .await?;
    let mut out = std::io::stdout().lock();
    for e in &edits {
        out.write_all(e.diff().as_bytes())?;
    }
    out.flush()?;
    for s in &skipped {
        eprintln!("not patched: {} ({}): {}", s.what, s.location, s.reason);
    }
    if edits.is_empty() {
        eprintln!(
            "nothing to {}",
            if codify.is_some() { "codify" } else { "patch" }
        );
    } else if args.write {
        for e in &edits {
            cloudwins::write(&req.dir, e, args.allow_dirty)?;
            eprintln!("wrote {}", e.display);
        }
    } else {
        eprintln!("(dry run: pass --write to write these files)");
    }
    Ok(if skipped.is_empty() {
        Exit::Ok
    } else {
        Exit::Drift
    })
}

async fn serve_cmd(args: ServeArgs) -> Result<Exit> {
    let config = crate::server::ServeConfig::read(&args.config)?;
    let listen = args
        .listen
        .or_else(|| config.listen.clone())
        .unwrap_or_else(|| "127.0.0.1:8080".into());
    let listen: std::net::SocketAddr = listen
        .parse()
        .with_context(|| format!("invalid listen address {listen:?}"))?;
    let listener = tokio::net::TcpListener::bind(listen)
        .await
        .with_context(|| format!("cannot listen on {listen}"))?;
    // Printed on stdout for scripts and tests that started us on port 0.
    println!("listening on http://{}", listener.local_addr()?);
    std::io::stdout().flush()?;
    crate::server::run(
        config,
        crate::server::Options {
            insecure_no_hmac: args.insecure_no_hmac,
        },
        listener,
        crate::server::shutdown_signal(),
    )
    .await?;
    Ok(Exit::Ok)
}

async fn discover_cmd(args: DiscoverArgs) -> Result<Exit> {
    let settings = settings(&args.common.dir)?;
    let mut req = request(args.common, &settings, Live::native(), false);
    for t in &args.types {
        anyhow::ensure!(
            crate::catalog::listed_types().contains(&t.as_str()),
            "unknown resource type {t:?}; supported: {}",
            crate::catalog::listed_types().join(", ")
        );
    }
    req.types = args.types;
    let inputs = scan::read_inputs_for_discovery(&req).await?;
    let pb = spinner();
    let inv = scan::discover(&req, &inputs, &progress_fn(&pb)).await;
    if let Some(pb) = &pb {
        pb.finish_and_clear();
    }
    let inv = inv?;
    for a in &inv.alerts {
        eprintln!("warning: {}", a.message);
    }
    let failed = inv.alerts.iter().any(|a| a.partial);
    if failed && !args.allow_partial {
        anyhow::bail!(
            "some listings failed (see the warnings); {} was not written (pass --allow-partial to write what was listed)",
            args.out.display()
        );
    }
    let snap = snapshot::from_inventory(&inv, &inputs.regions);
    let mut text = serde_json::to_string_pretty(&snap)?;
    text.push('\n');
    fsutil::write_atomic(&args.out, text.as_bytes(), Existing::Replace)?;
    eprintln!(
        "wrote {} resources of {} types in {} region(s) to {}",
        snap.resources.len(),
        snap.types.as_ref().map_or(0, Vec::len),
        inputs.regions.len(),
        args.out.display()
    );
    Ok(if failed { Exit::Error } else { Exit::Ok })
}
