//! Code wins: put the cloud back to what the configuration says, with Terraform as the only
//! execution engine.
//!
//! Managed drift is fixed by a plan that targets exactly the drifted addresses, applied as
//! saved. Before anything is applied, the plan is checked against the drift it was asked to
//! restore ([`verify`]): an attribute the plan leaves as it is live (the configuration does not
//! set it) is reported and its address left out of the apply, so Terraform's refresh does not
//! record the drifted value into the state. After the apply, the cloud is compared with the
//! state as it was before, so nothing counts as fixed unless the cloud holds the old value.
//!
//! Unmanaged objects are deleted (only on request) by importing them into a throw-away
//! Terraform working directory and destroying them there, so Terraform orders the deletes.

use std::collections::{BTreeSet, HashMap};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use serde::Serialize;
use serde_json::Value;

use crate::diff::normalize::equivalent;
use crate::diff::{Drift, Kind, REDACTED, Report, Selection};
use crate::live::provider::Pool;
use crate::model::{AttrPath, PathStep};
use crate::plugin;
use crate::scan::{self, LiveChoice, Refresh, ScanOutput, ScanRequest};
use crate::terraform::{PlanResult, Terraform};

/// A saved plan waiting for approval.
pub struct SavedPlan {
    /// The working directory the plan belongs to.
    pub dir: PathBuf,
    /// The plan file (inside `work`).
    pub file: PathBuf,
    /// `terraform show` of the plan.
    pub text: String,
    /// False when Terraform found nothing to do.
    pub has_changes: bool,
    /// Addresses it targets (managed) or objects it deletes (unmanaged).
    pub subjects: Vec<String>,
    /// Keeps the temporary directory alive while the plan is needed.
    pub work: tempfile::TempDir,
}

/// The addresses of managed resources that drifted (changed or missing), sorted, unique.
pub fn drifted_addresses(report: &Report) -> Vec<String> {
    let set: BTreeSet<String> = report
        .drift
        .iter()
        .filter(|d| matches!(d.kind, Kind::Changed | Kind::Missing))
        .filter_map(|d| d.address.clone())
        .collect();
    set.into_iter().collect()
}

/// Why Terraform will not put a drifted attribute (or resource) back.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "reason", rename_all = "snake_case")]
pub enum Why {
    /// The plan has no entry for the address.
    NotPlanned,
    /// The plan keeps the live value: the configuration does not set the attribute.
    NotPinned,
    /// The plan sets a value that is neither the state's nor the live one: the configuration
    /// says something else than what the state recorded.
    OtherValue {
        /// The value Terraform would set (redacted when sensitive).
        planned: Value,
    },
    /// A missing resource the plan does not create again.
    NotCreated,
}

/// A drifted attribute (or a missing resource) the plan does not restore.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Unrestored {
    /// State address.
    pub address: String,
    /// Attribute path; `None` for the resource as a whole.
    pub path: Option<String>,
    /// Why it stays as it is.
    #[serde(flatten)]
    pub why: Why,
}

impl Unrestored {
    /// One line for people: what stays drifted and why.
    pub fn message(&self) -> String {
        let what = match &self.path {
            Some(p) => format!("{}.{p}", self.address),
            None => self.address.clone(),
        };
        let root = self
            .path
            .as_deref()
            .and_then(|p| AttrPath::parse(p).root().map(str::to_string))
            .unwrap_or_default();
        match &self.why {
            Why::NotPlanned => format!("{what}: terraform plans nothing for this resource"),
            Why::NotCreated => format!("{what}: terraform does not plan to create it again"),
            Why::NotPinned => format!(
                "{what}: terraform keeps the live value because the configuration does not set `{root}`; set it in the configuration to have it restored"
            ),
            Why::OtherValue { planned } => format!(
                "{what}: terraform would set {planned}, not the value in the state: the configuration no longer says what the state recorded"
            ),
        }
    }
}

/// What `after` holds at `path` (a missing member is null); `None` when Terraform knows the
/// value only after the apply (`after_unknown` marks the path or a parent).
fn planned_at(change: &Value, path: &AttrPath) -> Option<Value> {
    let mut unknown = &change["after_unknown"];
    let mut after = &change["after"];
    for step in &path.0 {
        if unknown == &Value::Bool(true) {
            return None;
        }
        (unknown, after) = match step {
            PathStep::Key(k) => (
                unknown.get(k).unwrap_or(&Value::Null),
                after.get(k).unwrap_or(&Value::Null),
            ),
            PathStep::Index(i) => (
                unknown.get(i).unwrap_or(&Value::Null),
                after.get(i).unwrap_or(&Value::Null),
            ),
        };
    }
    if unknown == &Value::Bool(true) {
        return None;
    }
    Some(after.clone())
}

/// True when `sensitive` (a plan's `after_sensitive`) marks `path` or a parent.
fn marked_sensitive(sensitive: &Value, path: &AttrPath) -> bool {
    let mut v = sensitive;
    for step in &path.0 {
        if v == &Value::Bool(true) {
            return true;
        }
        v = match step {
            PathStep::Key(k) => v.get(k).unwrap_or(&Value::Null),
            PathStep::Index(i) => v.get(i).unwrap_or(&Value::Null),
        };
    }
    v == &Value::Bool(true)
}

/// Checks a plan (`terraform show -json` of it, parsed) against the drift it is meant to
/// restore: every drifted attribute of every `targets` address in `report` must be set back
/// to its state value by the plan's `after` (compared as the diff compares: sets as sets,
/// empty equals null), and every missing resource must be created. Attributes whose planned
/// value is known only after the apply are left to the check after the apply.
///
/// Pure: no I/O.
pub fn verify(report: &Report, targets: &[String], plan: &Value) -> Vec<Unrestored> {
    let changes: HashMap<&str, &Value> = plan["resource_changes"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|rc| Some((rc["address"].as_str()?, &rc["change"])))
        .collect();
    let mut out = Vec::new();
    for d in &report.drift {
        let Some(address) = d.address.as_deref() else {
            continue;
        };
        if !targets.iter().any(|t| t == address) {
            continue;
        }
        let change = changes.get(address);
        let actions: Vec<&str> = change
            .and_then(|c| c["actions"].as_array())
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .collect();
        let whole = |why| Unrestored {
            address: address.to_string(),
            path: None,
            why,
        };
        match (d.kind, change) {
            (Kind::Missing, _) if actions.contains(&"create") => {}
            (Kind::Missing, _) => out.push(whole(Why::NotCreated)),
            (Kind::Changed, None) => out.push(whole(Why::NotPlanned)),
            (Kind::Changed, Some(change)) => {
                let rules = crate::catalog::rules(&d.rtype);
                // The diff compares `tags_all` when the state has it (default_tags): so does
                // this check, when the plan carries it.
                let has_tags_all = change["after"].get("tags_all").is_some()
                    || change["after_unknown"].get("tags_all").is_some();
                for c in &d.changes {
                    let mut path = c.path.clone();
                    let root = path.root().unwrap_or_default().to_string();
                    if root == "tags" && has_tags_all {
                        path.0[0] = PathStep::Key("tags_all".into());
                    }
                    let Some(after) = planned_at(change, &path) else {
                        continue;
                    };
                    let as_set = rules.is_some_and(|r| r.sets.contains(&root.as_str()));
                    let redacted = c.sensitive;
                    let why = if redacted {
                        // The values are not in the report: a plan that changes the attribute
                        // is taken at its word, and the check after the apply has the last say.
                        let before =
                            planned_at(&serde_json::json!({"after": change["before"]}), &path);
                        if before.is_some_and(|b| equivalent(&b, &after, as_set)) {
                            Why::NotPinned
                        } else {
                            continue;
                        }
                    } else if equivalent(&c.state, &after, as_set) {
                        continue;
                    } else if equivalent(&c.live, &after, as_set) {
                        Why::NotPinned
                    } else if marked_sensitive(&change["after_sensitive"], &path) {
                        Why::OtherValue {
                            planned: Value::String(REDACTED.into()),
                        }
                    } else {
                        Why::OtherValue { planned: after }
                    };
                    out.push(Unrestored {
                        address: address.to_string(),
                        path: Some(c.path.to_string()),
                        why,
                    });
                }
            }
            (Kind::Unmanaged, _) => {}
        }
    }
    out
}

/// Addresses whose refreshed object a plan would write into the state on apply
/// (`resource_drift`): drift recorded that way disappears from later scans.
pub fn refreshed_addresses(plan: &Value) -> Vec<String> {
    plan["resource_drift"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|r| {
            r["change"]["actions"]
                .as_array()
                .is_some_and(|a| a.iter().any(|x| x == "update"))
        })
        .filter_map(|r| r["address"].as_str().map(str::to_string))
        .collect()
}

/// A plan checked against the drift it restores.
pub struct RestorePlan {
    /// The plan to apply, `None` when Terraform can restore none of the drifted addresses.
    pub plan: Option<SavedPlan>,
    /// The addresses the plan targets (the drifted ones Terraform restores completely).
    pub targets: Vec<String>,
    /// What the plan would not restore: those addresses are left out of it.
    pub unrestored: Vec<Unrestored>,
    /// Left-out addresses Terraform still refreshes (dependencies of a target): applying
    /// records their live values into the state.
    pub recorded: Vec<String>,
}

/// Plans the restore of `targets` (drifted addresses of `report`) in `dir`, checks the plan
/// with [`verify`] and, when some address would not be restored completely, plans again
/// without it so its drift is neither applied over nor refreshed into the state.
pub async fn plan_restore(
    tf: &Terraform,
    dir: &Path,
    report: &Report,
    targets: &[String],
) -> Result<RestorePlan> {
    let plan = plan_managed(tf, dir, targets).await?;
    let json = plan_json(tf, &plan).await?;
    let unrestored = verify(report, targets, &json);
    if unrestored.is_empty() {
        return Ok(RestorePlan {
            plan: Some(plan),
            targets: targets.to_vec(),
            unrestored,
            recorded: Vec::new(),
        });
    }
    let keep: Vec<String> = targets
        .iter()
        .filter(|t| !unrestored.iter().any(|u| &u.address == *t))
        .cloned()
        .collect();
    if keep.is_empty() {
        return Ok(RestorePlan {
            plan: None,
            targets: keep,
            unrestored,
            recorded: Vec::new(),
        });
    }
    drop(plan);
    let plan = plan_managed(tf, dir, &keep).await?;
    let json = plan_json(tf, &plan).await?;
    let mut unrestored = unrestored;
    // The narrower plan is checked too: what it would not restore is not applied either.
    let again = verify(report, &keep, &json);
    if !again.is_empty() {
        unrestored.extend(again);
        return Ok(RestorePlan {
            plan: None,
            targets: Vec::new(),
            unrestored,
            recorded: Vec::new(),
        });
    }
    let recorded = refreshed_addresses(&json)
        .into_iter()
        .filter(|a| unrestored.iter().any(|u| &u.address == a))
        .collect();
    Ok(RestorePlan {
        plan: Some(plan),
        targets: keep,
        unrestored,
        recorded,
    })
}

async fn plan_json(tf: &Terraform, plan: &SavedPlan) -> Result<Value> {
    let bytes = tf.show_json(&plan.dir, &plan.file).await?;
    serde_json::from_slice(&bytes).context("terraform show -json printed something else than JSON")
}

/// `terraform plan -target=…` for every drifted managed address in `dir`.
pub async fn plan_managed(tf: &Terraform, dir: &Path, targets: &[String]) -> Result<SavedPlan> {
    let work = tempfile::tempdir().context("cannot create a temporary directory")?;
    let file = work.path().join("remediate.tfplan");
    let args: Vec<String> = targets.iter().map(|t| format!("-target={t}")).collect();
    let result = tf.plan(dir, &file, &args).await?;
    let text = tf.show_text(dir, &file).await?;
    Ok(SavedPlan {
        dir: dir.to_path_buf(),
        file,
        text,
        has_changes: result == PlanResult::Changes,
        subjects: targets.to_vec(),
        work,
    })
}

/// Applies a saved plan exactly as shown.
pub async fn apply(tf: &Terraform, plan: &SavedPlan) -> Result<()> {
    tf.apply_plan(&plan.dir, &plan.file).await?;
    Ok(())
}

/// What `remediate` is asked to do.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Plan and show only; change nothing.
    pub dry_run: bool,
    /// Also delete unmanaged resources (those `selection` selects; all if it is empty).
    pub delete_unmanaged: bool,
    /// With `delete_unmanaged`: which unmanaged resources.
    pub selection: Selection,
}

impl Options {
    /// True when `d` is an unmanaged finding the user asked to delete.
    fn selects(&self, d: &Drift) -> bool {
        self.delete_unmanaged && d.kind == Kind::Unmanaged && self.selection.wants(d)
    }
}

/// How `remediate` talks with the person running it (the CLI's terminal).
pub trait Ui {
    /// A progress or warning line.
    fn note(&self, line: &str);
    /// Shows `plan` and asks whether to `what` it; `Ok(false)` means declined.
    fn approve(&self, plan: &SavedPlan, what: &str) -> Result<bool>;
}

/// What `remediate` left behind.
pub struct Outcome {
    /// The findings after the run (the first scan's when nothing was applied), with drift the
    /// apply recorded into the state compared against the state as it was before.
    pub report: Report,
    /// What Terraform would not restore (never counted as fixed).
    pub unrestored: Vec<Unrestored>,
    /// How many findings of what was asked for remain: managed drift, the selected unmanaged
    /// resources, and unrestored addresses.
    pub remaining: usize,
}

/// Code wins: scans, plans the restore of every drifted managed address, checks the plan
/// against the drift, applies what restores it (after approval), optionally deletes selected
/// unmanaged resources, and scans again against the state as it was before the apply.
pub async fn remediate(
    tf: &Terraform,
    req: &ScanRequest,
    opts: &Options,
    ui: &dyn Ui,
) -> Result<Outcome> {
    let before = scan::scan(req, &|_| {}).await?;
    before.ensure_complete()?;
    let mut applied_managed = false;
    let mut applied = false;
    let mut unrestored = Vec::new();
    let targets = drifted_addresses(&before.report);
    if targets.is_empty() {
        ui.note("no managed resource drifted");
    } else {
        ui.note(&format!("planning the restore of {}", targets.join(", ")));
        let restore = plan_restore(tf, &req.dir, &before.report, &targets).await?;
        if !restore.unrestored.is_empty() {
            ui.note("terraform will not restore (left out of the apply):");
            for u in &restore.unrestored {
                ui.note(&format!("  {}", u.message()));
            }
        }
        for a in &restore.recorded {
            ui.note(&format!(
                "warning: {a} is refreshed as a dependency of the plan: the apply records its live values into the state, and later scans compare with those"
            ));
        }
        unrestored = restore.unrestored;
        match &restore.plan {
            None => ui.note("nothing left that terraform restores"),
            Some(plan) if !plan.has_changes => ui.note(
                "terraform plans no change for the drifted resources (ignore_changes or provider defaults)",
            ),
            Some(_) if opts.dry_run => ui.note("(dry run: the plan above was not applied)"),
            Some(plan) => {
                if ui.approve(plan, "apply this plan")? {
                    apply(tf, plan).await?;
                    applied_managed = true;
                    applied = true;
                } else {
                    ui.note("not applied");
                }
            }
        }
    }
    if opts.delete_unmanaged {
        let selected: Vec<Drift> = before
            .report
            .drift
            .iter()
            .filter(|d| opts.selects(d))
            .cloned()
            .collect();
        if let Some(id) = opts
            .selection
            .ids
            .iter()
            .find(|id| !selected.iter().any(|d| &d.id == *id))
        {
            bail!("{id} is not an unmanaged resource of this scan; nothing was deleted");
        }
        if selected.is_empty() {
            ui.note("no unmanaged resource selected");
        } else {
            let popts = scan::provider_options(req);
            let (pool, alerts) =
                crate::live::provider::start_for_config(&before.inputs.config, &popts).await;
            let doomed = read_full_objects(&pool, selected).await;
            pool.shutdown().await;
            if let Some(a) = alerts.first() {
                bail!("{}; nothing was deleted", a.message);
            }
            let doomed = doomed.context("nothing was deleted")?;
            let deletion = plan_deletion(tf, &req.dir, &doomed).await?;
            let plan = &deletion.preview;
            if opts.dry_run {
                ui.note("(dry run: nothing was deleted)");
            } else if ui.approve(plan, &format!("delete {}", plan.subjects.join(", ")))? {
                apply_deletion(tf, &deletion).await?;
                applied = true;
            } else {
                ui.note("not deleted");
            }
        }
    }
    let report = if applied {
        let after = scan::scan(req, &|_| {}).await?;
        let mut report = after.report.clone();
        if applied_managed {
            for d in still_drifted(req, &before, &after) {
                let address = d.address.clone().unwrap_or_default();
                if !report
                    .drift
                    .iter()
                    .any(|r| r.address.as_deref() == Some(address.as_str()))
                {
                    ui.note(&format!(
                        "{address}: the apply recorded the live values into the state; compared with the state before the apply it is still drifted"
                    ));
                    report.summary.changed += 1;
                    report.drift.push(d);
                }
            }
            // Reports keep their order: kind, type, address, ID.
            report.drift.sort_by(|a, b| {
                (a.kind, &a.rtype, &a.address, &a.id).cmp(&(b.kind, &b.rtype, &b.address, &b.id))
            });
        }
        report
    } else {
        before.report
    };
    let mut remaining: BTreeSet<(Kind, String, String)> = report
        .drift
        .iter()
        .filter(|d| d.kind != Kind::Unmanaged || opts.selects(d))
        .map(|d| (d.kind, d.address.clone().unwrap_or_default(), d.id.clone()))
        .collect();
    // Never counted as fixed, whatever the re-scan says.
    for u in &unrestored {
        if !remaining.iter().any(|(_, a, _)| a == &u.address) {
            remaining.insert((Kind::Changed, u.address.clone(), String::new()));
        }
    }
    Ok(Outcome {
        report,
        unrestored,
        remaining: remaining.len(),
    })
}

/// Findings of `before`'s changed addresses when the live objects after the apply are
/// compared with the state as it was before the apply: a refresh that recorded a drifted value
/// into the state does not make it fixed. Only for live sources that list whole objects.
fn still_drifted(req: &ScanRequest, before: &ScanOutput, after: &ScanOutput) -> Vec<Drift> {
    let compare = match &req.refresh {
        Refresh::Live(LiveChoice::Provider) => crate::diff::Compare::Everything,
        Refresh::Live(LiveChoice::Aws | LiveChoice::Snapshot(_)) => crate::diff::Compare::Catalog,
        Refresh::Live(LiveChoice::Auto) => crate::diff::Compare::CatalogElseEverything,
        Refresh::Terraform { .. } | Refresh::Plan { .. } => return Vec::new(),
    };
    let changed: BTreeSet<&str> = before
        .report
        .drift
        .iter()
        .filter(|d| d.kind == Kind::Changed)
        .filter_map(|d| d.address.as_deref())
        .collect();
    let report = crate::diff::diff(&crate::diff::Input {
        state: &before.inputs.state,
        live: &after.live,
        config: &before.inputs.config,
        ignore: &before.inputs.ignore,
        options: &crate::diff::Options {
            include_defaults: req.include_defaults,
            default_region: before.inputs.regions.first().cloned(),
            compare,
        },
    });
    report
        .drift
        .into_iter()
        .filter(|d| d.kind == Kind::Changed)
        .filter(|d| d.address.as_deref().is_some_and(|a| changed.contains(a)))
        .collect()
}

/// An unmanaged object with its full attributes (import + read) and schema: what codify writes
/// and `--delete-unmanaged` imports.
pub struct FullObject {
    /// The finding.
    pub drift: Drift,
    /// Attributes as the provider reads them.
    pub attributes: serde_json::Map<String, serde_json::Value>,
    /// The provider's schema for its type.
    pub schema: plugin::schema::Block,
}

/// A Terraform configuration that imports `doomed` objects and nothing else: the provider
/// blocks of the user's configuration and one resource block per object with its required
/// arguments (what `terraform import` needs). Returns the text and `(address, id)` pairs.
pub fn deletion_config(
    provider_blocks: &str,
    doomed: &[FullObject],
) -> (String, Vec<(String, String)>) {
    let mut imports = Vec::new();
    let mut out = String::from(provider_blocks);
    out.push('\n');
    for (i, d) in doomed.iter().enumerate() {
        let name = format!("doomed_{i}");
        let _ = writeln!(out, "resource \"{}\" \"{name}\" {{", d.drift.rtype);
        for a in d.schema.attributes.iter().filter(|a| a.required) {
            if let Some(v) = d.attributes.get(&a.name).filter(|v| !v.is_null()) {
                let _ = writeln!(out, "  {} = {}", a.name, hcl_literal(v));
            }
        }
        out.push_str("}\n\n");
        imports.push((format!("{}.{name}", d.drift.rtype), d.drift.id.clone()));
    }
    (out, imports)
}

/// True when some string inside `attrs` equals `id`.
fn mentions(attrs: &serde_json::Map<String, serde_json::Value>, id: &str) -> bool {
    fn any(v: &serde_json::Value, id: &str) -> bool {
        match v {
            serde_json::Value::String(s) => s == id,
            serde_json::Value::Array(a) => a.iter().any(|x| any(x, id)),
            serde_json::Value::Object(m) => m.values().any(|x| any(x, id)),
            _ => false,
        }
    }
    attrs
        .iter()
        .filter(|(k, _)| k.as_str() != "id" && k.as_str() != "arn")
        .any(|(_, v)| any(v, id))
}

/// A JSON value as an HCL literal (strings escaped so nothing is interpolated): codegen's
/// writer, on one line.
pub fn hcl_literal(v: &serde_json::Value) -> String {
    use crate::codegen::hclvalue::Val;
    use crate::model::schema::Type;
    Val::from_json(v, &Type::Dynamic, &|_| None).inline()
}

/// The `provider` blocks and the `required_providers` of `dir`'s root module, as source text
/// (backends are left out: the throw-away directory keeps its own local state).
pub fn provider_source(dir: &Path) -> Result<String> {
    use hcl::edit::Span;
    use hcl::edit::structure::Body;
    let mut out = String::new();
    let mut required = String::new();
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .with_context(|| format!("cannot read {}", dir.display()))?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "tf"))
        .collect();
    files.sort();
    for f in files {
        let text =
            std::fs::read_to_string(&f).with_context(|| format!("cannot read {}", f.display()))?;
        let body: Body = crate::config::parse_body(&text, &f.display().to_string())?;
        // Copied as written (spans into the source), so nothing is lost in translation.
        let src = |b: &hcl::edit::structure::Block| {
            b.span().and_then(|r| text.get(r)).map(str::to_string)
        };
        for block in body.blocks() {
            match block.ident.as_str() {
                "provider" => {
                    if let Some(t) = src(block) {
                        let _ = writeln!(out, "{t}\n");
                    }
                }
                "terraform" => {
                    for rp in block.body.get_blocks("required_providers") {
                        if let Some(t) = src(rp) {
                            let _ = writeln!(required, "  {t}");
                        }
                    }
                }
                _ => {}
            }
        }
    }
    if required.is_empty() {
        Ok(out)
    } else {
        Ok(format!("terraform {{\n{required}}}\n\n{out}"))
    }
}

/// A prepared deletion: the objects imported into a throw-away working directory whose
/// configuration no longer declares them, so Terraform plans to destroy exactly them.
pub struct Deletion {
    /// The plan of the whole deletion, to show and approve.
    pub preview: SavedPlan,
    /// Addresses in destroy order, in phases: an object that refers to another (an instance
    /// to its attached volume) is destroyed in an earlier phase than the object it refers to.
    pub phases: Vec<Vec<String>>,
}

/// Prepares the deletion of `doomed`: writes a configuration with the user's provider blocks
/// and one block per object, runs `terraform init`, imports every object, then drops the
/// blocks so that the objects are orphans Terraform destroys, and saves that plan.
pub async fn plan_deletion(tf: &Terraform, dir: &Path, doomed: &[FullObject]) -> Result<Deletion> {
    if doomed.is_empty() {
        bail!("nothing selected to delete");
    }
    let work = tempfile::Builder::new()
        .prefix("terraform-drift-delete-")
        .tempdir()
        .context("cannot create a temporary directory")?;
    let providers = provider_source(dir)?;
    let (config, imports) = deletion_config(&providers, doomed);
    std::fs::write(work.path().join("main.tf"), &config)?;
    if let Ok(lock) = std::fs::read(dir.join(".terraform.lock.hcl")) {
        std::fs::write(work.path().join(".terraform.lock.hcl"), lock)?;
    }
    tracing::debug!(dir = %work.path().display(), "deletion workspace:\n{config}");
    tf.init(work.path()).await?;
    for (addr, id) in &imports {
        tf.run_streamed(
            work.path(),
            &["import", "-input=false", "-no-color", addr, id],
            &[0],
        )
        .await?;
    }
    // Imported objects keep no dependencies in state, and provider validation (one of `size`
    // or `snapshot_id`, …) would need a full configuration: as orphans they need neither, and
    // the phases below give the order.
    std::fs::write(work.path().join("main.tf"), &providers)?;
    let file = work.path().join("delete.tfplan");
    let result = tf.plan(work.path(), &file, &[]).await?;
    let text = tf.show_text(work.path(), &file).await?;
    let phases = destroy_phases(doomed, &imports);
    Ok(Deletion {
        preview: SavedPlan {
            dir: work.path().to_path_buf(),
            file,
            text,
            has_changes: result == PlanResult::Changes,
            subjects: doomed
                .iter()
                .map(|d| format!("{} {}", d.drift.rtype, d.drift.id))
                .collect(),
            work,
        },
        phases,
    })
}

/// Destroy order: repeatedly, the objects no remaining object refers to.
fn destroy_phases(doomed: &[FullObject], imports: &[(String, String)]) -> Vec<Vec<String>> {
    let mut left: Vec<usize> = (0..doomed.len()).collect();
    let mut phases = Vec::new();
    while !left.is_empty() {
        let (now, later): (Vec<usize>, Vec<usize>) = left.iter().partition(|&&i| {
            !left
                .iter()
                .any(|&j| j != i && mentions(&doomed[j].attributes, &doomed[i].drift.id))
        });
        // A reference cycle: let Terraform take the rest at once.
        let now = if now.is_empty() { later.clone() } else { now };
        phases.push(now.iter().map(|&i| imports[i].0.clone()).collect());
        left.retain(|i| !now.contains(i));
    }
    phases
}

/// Deletes the objects of an approved deletion, phase by phase (each a targeted plan applied
/// as saved).
pub async fn apply_deletion(tf: &Terraform, deletion: &Deletion) -> Result<()> {
    let dir = &deletion.preview.dir;
    if deletion.phases.len() == 1 {
        return apply(tf, &deletion.preview).await;
    }
    for (n, phase) in deletion.phases.iter().enumerate() {
        let file = dir.join(format!("delete-{n}.tfplan"));
        let targets: Vec<String> = phase.iter().map(|a| format!("-target={a}")).collect();
        tf.plan(dir, &file, &targets).await?;
        tf.apply_plan(dir, &file).await?;
    }
    Ok(())
}

/// Full attributes (import + read through the provider) and schemas of unmanaged findings.
pub async fn read_full_objects(pool: &Pool, selected: Vec<Drift>) -> Result<Vec<FullObject>> {
    let keys: Vec<_> = selected
        .iter()
        .map(|d| (d.rtype.clone(), d.id.clone(), d.region.clone()))
        .collect();
    let full = pool.import_all(&keys).await;
    let mut out = Vec::new();
    for (d, f) in selected.into_iter().zip(full) {
        let Some((attributes, _)) = f else {
            bail!("cannot read {} {} through its provider", d.rtype, d.id);
        };
        let schema = pool
            .schema_of(&d.rtype)
            .with_context(|| format!("no provider schema for {}", d.rtype))?;
        out.push(FullObject {
            drift: d,
            attributes,
            schema,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diff::Change;
    use crate::model::Severity;
    use serde_json::json;

    fn changed(rtype: &str, address: &str, changes: &[(&str, Value, Value)]) -> Drift {
        Drift {
            kind: Kind::Changed,
            rtype: rtype.into(),
            id: format!("id-{address}"),
            address: Some(address.into()),
            region: None,
            severity: Severity::Medium,
            file: None,
            line: None,
            changes: changes
                .iter()
                .map(|(path, state, live)| Change {
                    path: AttrPath::parse(path),
                    state: state.clone(),
                    live: live.clone(),
                    severity: Severity::Medium,
                    sensitive: *state == json!(REDACTED),
                })
                .collect(),
            live_attributes: None,
        }
    }

    fn report(drift: Vec<Drift>) -> Report {
        Report {
            drift,
            ..Report::default()
        }
    }

    fn rule(port: u16, cidr: &str) -> Value {
        json!({"from_port": port, "to_port": port, "protocol": "tcp", "cidr_blocks": [cidr],
               "ipv6_cidr_blocks": [], "prefix_list_ids": [], "security_groups": [],
               "self": false, "description": ""})
    }

    fn plan(changes: Value) -> Value {
        json!({ "resource_changes": changes })
    }

    /// The scenario of issue 13: the group's rules are not in the configuration, so the plan's
    /// `after` keeps the open rule while only the VPC's tag is restored.
    #[test]
    fn an_unpinned_attribute_is_not_restored() {
        let open = json!([rule(22, "10.0.0.0/8"), rule(3389, "0.0.0.0/0")]);
        let r = report(vec![
            changed(
                "aws_security_group",
                "aws_security_group.adopted",
                &[("ingress", json!([rule(22, "10.0.0.0/8")]), open.clone())],
            ),
            changed(
                "aws_vpc",
                "aws_vpc.main",
                &[("tags.Owner", Value::Null, json!("mallory"))],
            ),
        ]);
        let targets = vec![
            "aws_security_group.adopted".to_string(),
            "aws_vpc.main".to_string(),
        ];
        // Set order differs between the plan and the report: compared as sets.
        let reversed = json!([rule(3389, "0.0.0.0/0"), rule(22, "10.0.0.0/8")]);
        let p = plan(json!([
            {"address": "aws_security_group.adopted", "change": {
                "actions": ["no-op"], "before": {"ingress": open}, "after": {"ingress": reversed},
                "after_unknown": {}}},
            {"address": "aws_vpc.main", "change": {
                "actions": ["update"],
                "before": {"tags": {"Name": "m", "Owner": "mallory"}},
                "after": {"tags": {"Name": "m"}, "tags_all": {"Name": "m"}},
                "after_unknown": {}}},
        ]));
        let got = verify(&r, &targets, &p);
        assert_eq!(
            got,
            [Unrestored {
                address: "aws_security_group.adopted".into(),
                path: Some("ingress".into()),
                why: Why::NotPinned,
            }]
        );
        assert_eq!(
            got[0].message(),
            "aws_security_group.adopted.ingress: terraform keeps the live value because the configuration does not set `ingress`; set it in the configuration to have it restored"
        );
    }

    #[test]
    fn pinned_sets_unknowns_and_creates_are_restored() {
        let r = report(vec![
            changed(
                "aws_security_group",
                "aws_security_group.pinned",
                &[(
                    "ingress",
                    json!([rule(443, "10.0.0.0/8")]),
                    json!([rule(443, "10.0.0.0/8"), rule(3389, "0.0.0.0/0")]),
                )],
            ),
            changed(
                "aws_vpc",
                "aws_vpc.main",
                &[("tags.Owner", Value::Null, json!("mallory"))],
            ),
            Drift {
                kind: Kind::Missing,
                changes: Vec::new(),
                ..changed("aws_subnet", "aws_subnet.a", &[])
            },
        ]);
        let targets: Vec<String> = ["aws_security_group.pinned", "aws_vpc.main", "aws_subnet.a"]
            .map(String::from)
            .to_vec();
        // The plan spells the rule with nulls and numbers as floats: the diff's rules say equal.
        let mut planned_rule = rule(443, "10.0.0.0/8");
        planned_rule["description"] = Value::Null;
        planned_rule["from_port"] = json!(443.0);
        let p = plan(json!([
            {"address": "aws_security_group.pinned", "change": {
                "actions": ["update"], "after": {"ingress": [planned_rule]}, "after_unknown": {}}},
            {"address": "aws_vpc.main", "change": {
                "actions": ["update"], "after": {"tags": {"Name": "m"}},
                "after_unknown": {"tags_all": true}}},
            {"address": "aws_subnet.a", "change": {"actions": ["create"], "after": {}}},
        ]));
        assert_eq!(verify(&r, &targets, &p), []);
    }

    #[test]
    fn missing_plans_other_values_and_untargeted() {
        let r = report(vec![
            changed(
                "aws_instance",
                "aws_instance.web",
                &[("instance_type", json!("t3.micro"), json!("t3.large"))],
            ),
            changed(
                "aws_vpc",
                "aws_vpc.main",
                &[("tags.Owner", Value::Null, json!("x"))],
            ),
            Drift {
                kind: Kind::Missing,
                changes: Vec::new(),
                ..changed("aws_subnet", "aws_subnet.a", &[])
            },
            changed(
                "aws_vpc",
                "aws_vpc.other",
                &[("tags.Owner", Value::Null, json!("x"))],
            ),
        ]);
        let targets: Vec<String> = ["aws_instance.web", "aws_vpc.main", "aws_subnet.a"]
            .map(String::from)
            .to_vec();
        let p = plan(json!([
            {"address": "aws_instance.web", "change": {
                "actions": ["update"], "after": {"instance_type": "t3.small"},
                "after_unknown": {}}},
            {"address": "aws_subnet.a", "change": {"actions": ["no-op"], "after": {}}},
        ]));
        let got = verify(&r, &targets, &p);
        let whys: Vec<(&str, Option<&str>, &Why)> = got
            .iter()
            .map(|u| (u.address.as_str(), u.path.as_deref(), &u.why))
            .collect();
        assert_eq!(
            whys,
            [
                (
                    "aws_instance.web",
                    Some("instance_type"),
                    &Why::OtherValue {
                        planned: json!("t3.small")
                    }
                ),
                ("aws_vpc.main", None, &Why::NotPlanned),
                ("aws_subnet.a", None, &Why::NotCreated),
            ]
        );
    }

    #[test]
    fn sensitive_values_stay_hidden() {
        let r = report(vec![changed(
            "aws_db_instance",
            "aws_db_instance.db",
            &[
                ("password", json!(REDACTED), json!(REDACTED)),
                ("port", json!(5432), json!(5433)),
            ],
        )]);
        let targets = vec!["aws_db_instance.db".to_string()];
        // The plan changes the password (taken at its word) and sets a sensitive port.
        let p = plan(json!([
            {"address": "aws_db_instance.db", "change": {
                "actions": ["update"],
                "before": {"password": "live-secret", "port": 5433},
                "after": {"password": "config-secret", "port": 6000},
                "after_unknown": {}, "after_sensitive": {"password": true, "port": true}}},
        ]));
        let got = verify(&r, &targets, &p);
        assert_eq!(
            got,
            [Unrestored {
                address: "aws_db_instance.db".into(),
                path: Some("port".into()),
                why: Why::OtherValue {
                    planned: json!(REDACTED)
                },
            }]
        );
        assert!(!format!("{got:?}").contains("secret"));
        // A plan that keeps the sensitive live value does not restore it.
        let keep = plan(json!([
            {"address": "aws_db_instance.db", "change": {
                "actions": ["no-op"],
                "before": {"password": "live-secret", "port": 5432},
                "after": {"password": "live-secret", "port": 5432},
                "after_unknown": {}}},
        ]));
        assert_eq!(
            verify(&r, &targets, &keep)
                .iter()
                .map(|u| (u.path.as_deref(), &u.why))
                .collect::<Vec<_>>(),
            [(Some("password"), &Why::NotPinned)]
        );
    }

    #[test]
    fn refreshed_addresses_are_updates_in_resource_drift() {
        let p = json!({"resource_drift": [
            {"address": "aws_security_group.adopted", "change": {"actions": ["update"]}},
            {"address": "aws_subnet.gone", "change": {"actions": ["delete"]}},
        ]});
        assert_eq!(refreshed_addresses(&p), ["aws_security_group.adopted"]);
    }

    #[test]
    fn literals_never_interpolate() {
        assert_eq!(
            hcl_literal(&json!("a\"b${x}%{if}\\\n")),
            r#""a\"b$${x}%%{if}\\\n""#
        );
        assert_eq!(hcl_literal(&json!(["x", 1, true])), r#"["x", 1, true]"#);
    }
}
