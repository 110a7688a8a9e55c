//! Code wins: put the cloud back to what the configuration says, with Terraform as the only
//! execution engine.
//!
//! Managed drift is fixed by a plan that targets exactly the drifted addresses, applied as
//! saved. Unmanaged objects are deleted (only on request) by importing them into a throw-away
//! Terraform working directory and destroying them there, so Terraform orders the deletes.

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};

use crate::diff::{Drift, Kind, Report};
use crate::live::provider::Pool;
use crate::plugin;
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

/// A JSON value as an HCL literal (strings escaped so nothing is interpolated).
pub fn hcl_literal(v: &serde_json::Value) -> String {
    use crate::remediate::hclvalue::{key, string_lit};
    match v {
        serde_json::Value::String(s) => string_lit(s),
        serde_json::Value::Array(a) => {
            let items: Vec<String> = a.iter().map(hcl_literal).collect();
            format!("[{}]", items.join(", "))
        }
        serde_json::Value::Object(m) => {
            let items: Vec<String> = m
                .iter()
                .map(|(k, v)| format!("{} = {}", key(k), hcl_literal(v)))
                .collect();
            format!("{{ {} }}", items.join(", "))
        }
        other => other.to_string(),
    }
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
    use serde_json::json;

    #[test]
    fn literals_never_interpolate() {
        assert_eq!(
            hcl_literal(&json!("a\"b${x}%{if}\\\n")),
            r#""a\"b$${x}%%{if}\\\n""#
        );
        assert_eq!(hcl_literal(&json!(["x", 1, true])), r#"["x", 1, true]"#);
    }
}
