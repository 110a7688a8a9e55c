//! Cloud wins: make the configuration describe what the cloud has.
//!
//! `codify` turns unmanaged resources into `import` blocks and resource blocks (their full
//! attributes come from the provider: import + read); `patch` rewrites the literals of changed
//! attributes in place. Both produce [`FileEdit`]s (shown as unified diffs) and write them only
//! when asked, atomically, with a backup, never through a symlink out of the module and never
//! over uncommitted work unless told to. Terraform state is never written.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};

use crate::catalog;
use crate::codegen::{codify, diff as udiff, patch};
use crate::diff::{Drift, Kind, Report, Selection};
use crate::fsutil::{self, Existing};
use crate::live::provider::Pool;
use crate::model::{AttrPath, Resource};
use crate::scan::Inputs;

/// A proposed change to one file.
#[derive(Debug, Clone)]
pub struct FileEdit {
    /// Absolute path.
    pub path: PathBuf,
    /// Path as shown (relative to the module).
    pub display: String,
    /// Current contents (empty for a new file).
    pub old: String,
    /// Proposed contents.
    pub new: String,
    /// True when the file must not exist yet.
    pub create: bool,
}

impl FileEdit {
    /// The unified diff of the edit.
    /// The unified diff of the edit, as shown to people: values under secret-looking names
    /// redacted (the file itself gets the literal).
    pub fn diff(&self) -> String {
        let diff = if self.create {
            udiff::unified(&self.display, "", &self.new).replacen(
                &format!("--- a/{}", self.display),
                "--- /dev/null",
                1,
            )
        } else {
            udiff::unified(&self.display, &self.old, &self.new)
        };
        crate::model::redact_secret_assignments(&diff)
    }
}

/// Cloud IDs of managed objects mapped to the expression that refers to them
/// (`aws_vpc.main.id`, `module.net.aws_subnet.a[0].id`).
pub fn references(state: &[Resource]) -> HashMap<String, String> {
    state
        .iter()
        .filter(|r| !r.id.is_empty())
        .filter_map(|r| {
            r.address
                .as_ref()
                .map(|a| (r.id.clone(), format!("{a}.id")))
        })
        .collect()
}

/// The selected unmanaged findings.
fn unmanaged_selected(report: &Report, selection: &Selection) -> Vec<Drift> {
    report
        .drift
        .iter()
        .filter(|d| d.kind == Kind::Unmanaged && selection.wants(d))
        .cloned()
        .collect()
}

/// Full objects of `selected` from a snapshot's inventory (what `discover` recorded, unredacted)
/// with the providers' schemas: codify without reaching the cloud.
fn objects_from_inventory(
    pool: &Pool,
    live: &crate::model::LiveInventory,
    selected: Vec<Drift>,
) -> Result<Vec<crate::codewins::FullObject>> {
    let by_key: HashMap<(&str, &str), &Resource> = live
        .resources
        .iter()
        .map(|r| ((r.rtype.as_str(), r.id.as_str()), r))
        .collect();
    selected
        .into_iter()
        .map(|d| {
            let r = by_key
                .get(&(d.rtype.as_str(), d.id.as_str()))
                .with_context(|| format!("{} {} is not in the snapshot", d.rtype, d.id))?;
            let schema = pool.schema_of(&d.rtype).with_context(|| {
                format!(
                    "no provider schema for {}: run terraform init in the module or pass --provider",
                    d.rtype
                )
            })?;
            Ok(crate::codewins::FullObject {
                attributes: r.attributes.map().into_owned(),
                drift: d,
                schema,
            })
        })
        .collect()
}

/// The provider configuration each object is imported and managed through: an object in
/// another region than the default provider's needs the root module's `aws` block of its
/// region (`Some("aws.ALIAS")`); without one it cannot be adopted, and the error says so.
fn providers_for<'a>(
    inputs: &Inputs,
    drifts: impl Iterator<Item = &'a Drift>,
) -> Result<Vec<Option<String>>> {
    drifts
        .map(|d| match (&d.region, d.rtype.starts_with("aws_")) {
            (Some(region), true) => inputs.config.aws_provider_for(region).with_context(|| {
                format!(
                    "{} {} is in {region}, which no aws provider block of the root module configures: \
                     add one with alias and region = \"{region}\", then codify again",
                    d.rtype, d.id
                )
            }),
            _ => Ok(None),
        })
        .collect()
}

/// `import` blocks + resource blocks for `owned` (unmanaged objects with their full
/// attributes), in `file` (which must not exist); `script` (Terraform < 1.5) writes
/// `terraform import` commands to `file` with `.sh` instead of import blocks.
pub fn codify(
    dir: &Path,
    inputs: &Inputs,
    owned: &[crate::codewins::FullObject],
    file: &str,
    script: bool,
) -> Result<Vec<FileEdit>> {
    if owned.is_empty() {
        return Ok(Vec::new());
    }
    let providers = providers_for(inputs, owned.iter().map(|o| &o.drift))?;
    let objects: Vec<codify::Object> = owned
        .iter()
        .zip(&providers)
        .map(|(o, provider)| {
            let rules = catalog::codify_rules(&o.drift.rtype);
            codify::Object {
                rtype: &o.drift.rtype,
                id: &o.drift.id,
                import_id: &o.drift.id,
                attributes: &o.attributes,
                schema: &o.schema,
                skip: rules.skip,
                keep_computed: rules.keep,
                only_when_true: rules.only_when_true,
                as_blocks: rules.blocks,
                secret: catalog::secret_attributes(&o.drift.rtype),
                provider: provider.as_deref(),
            }
        })
        .collect();
    let mut refs = references(&inputs.state);
    let taken: BTreeSet<String> = inputs.config.resources.keys().cloned().collect();
    // Objects adopted together refer to each other too (an instance to its new security
    // group): a first pass names them, the second writes the references.
    let first = codify::generate(
        &objects,
        &codify::Options {
            references: &refs,
            import_blocks: !script,
            taken: &taken,
        },
    );
    let mut sorted: Vec<&codify::Object> = objects.iter().collect();
    sorted.sort_by(|a, b| (a.rtype, a.id).cmp(&(b.rtype, b.id)));
    sorted.dedup_by(|a, b| (a.rtype, a.id) == (b.rtype, b.id));
    for (o, addr) in sorted.iter().zip(&first.addresses) {
        refs.entry(o.id.to_string())
            .or_insert_with(|| format!("{addr}.id"));
    }
    let generated = codify::generate(
        &objects,
        &codify::Options {
            references: &refs,
            import_blocks: !script,
            taken: &taken,
        },
    );
    let mut edits = vec![new_file(dir, file, generated.hcl)?];
    if let Some(s) = generated.script {
        edits.push(new_file(dir, &format!("{file}.sh"), s)?);
    }
    Ok(edits)
}

/// Cloud wins, either way: the edits that `codify` (unmanaged resources, through the
/// providers) or `patch` (changed attributes) proposes for a finished scan, plus the changes
/// left for a hand edit. Refuses a partial scan. Writes nothing.
pub async fn propose(
    req: &crate::scan::ScanRequest,
    scanned: &crate::scan::ScanOutput,
    selection: &Selection,
    codify: bool,
    file: &str,
) -> Result<(Vec<FileEdit>, Vec<Skipped>)> {
    scanned.ensure_complete()?;
    if !codify {
        return patch(&req.dir, &scanned.report, &scanned.inputs, selection);
    }
    let selected = unmanaged_selected(&scanned.report, selection);
    if selected.is_empty() {
        return Ok((Vec::new(), Vec::new()));
    }
    // Before any import: the provider would read an object of an unconfigured region in the
    // default one's, and fail less clearly.
    providers_for(&scanned.inputs, selected.iter())?;
    // From a snapshot, the attributes are the snapshot's and the providers only give schemas
    // (no credentials, no cloud call); otherwise the providers import and read each object.
    let from_snapshot = matches!(req.live(), Some(crate::scan::LiveChoice::Snapshot(_)));
    let opts = crate::scan::provider_options(req);
    let (pool, alerts) = if from_snapshot {
        crate::live::provider::start_for_schemas(&scanned.inputs.config, &opts).await
    } else {
        crate::live::provider::start_for_config(&scanned.inputs.config, &opts).await
    };
    if let Some(a) = alerts.first() {
        pool.shutdown().await;
        bail!("{}", a.message);
    }
    // Import blocks need Terraform 1.5; older versions get a `terraform import` script.
    let script = match crate::terraform::Terraform::find(req.terraform.as_deref()) {
        Ok(tf) => tf
            .version(&req.dir)
            .await
            .ok()
            .and_then(|v| {
                let mut it = v.split('.').map(|p| p.parse::<u32>().unwrap_or(0));
                Some((it.next()?, it.next()?))
            })
            .is_some_and(|(major, minor)| major < 1 || (major == 1 && minor < 5)),
        Err(_) => false,
    };
    let owned = if from_snapshot {
        objects_from_inventory(&pool, &scanned.live, selected)
    } else {
        crate::codewins::read_full_objects(&pool, selected).await
    };
    pool.shutdown().await;
    let edits = self::codify(&req.dir, &scanned.inputs, &owned?, file, script)?;
    Ok((edits, Vec::new()))
}

/// True for a file name codify may create: a `.tf` file (or the `.tf.sh` import script of
/// Terraform < 1.5) inside the module, named relative to it without `..`. Anything else
/// (`/etc/passwd`, `.driftignore`, `.terraform-drift.toml`, `../x.tf`) is refused before its
/// existence is even looked at, so the answer says nothing about paths outside the module.
pub fn is_codify_target(name: &str) -> bool {
    let p = Path::new(name);
    let inside = !name.is_empty()
        && p.components()
            .all(|c| matches!(c, std::path::Component::Normal(_)));
    let file = p
        .file_name()
        .map(|f| f.to_string_lossy().into_owned())
        .unwrap_or_default();
    inside
        && !file.starts_with('.')
        && (file.ends_with(".tf") || file.ends_with(".tf.sh"))
        && file.len() > ".tf".len()
}

fn new_file(dir: &Path, name: &str, contents: String) -> Result<FileEdit> {
    if !is_codify_target(name) {
        bail!(
            "{:?} is not a .tf file name inside the module: choose --file like drift_imports.tf",
            crate::model::truncate_for_message(name)
        );
    }
    let path = dir.join(name);
    if path.exists() || path.is_symlink() {
        bail!("{} already exists: choose another --file", path.display());
    }
    Ok(FileEdit {
        path,
        display: name.to_string(),
        old: String::new(),
        new: contents,
        create: true,
    })
}

/// Why a change could not be patched, for the report.
#[derive(Debug, Clone, PartialEq)]
pub struct Skipped {
    /// `address.path`.
    pub what: String,
    /// `file:line` when known.
    pub location: String,
    /// Why, and the live value to put in by hand.
    pub reason: String,
}

/// How many state instances share each resource block, by its `(file, line)`: every
/// `count`/`for_each` instance, and the instances of every call of a module.
fn instances_per_block(inputs: &Inputs) -> HashMap<(String, usize), usize> {
    let mut addresses: HashMap<(String, usize), BTreeSet<String>> = HashMap::new();
    for r in inputs.state.iter().filter(|r| r.companion_of.is_none()) {
        let Some(address) = &r.address else { continue };
        if let Some(c) = inputs.config.resources.get(&address.config_key()) {
            addresses
                .entry((c.loc.file.clone(), c.loc.line))
                .or_default()
                .insert(address.to_string());
        }
    }
    addresses.into_iter().map(|(k, v)| (k, v.len())).collect()
}

/// Rewrites the configured literals of changed attributes to their live values; a literal
/// shared by several instances only when all of them drifted to the same value.
pub fn patch(
    dir: &Path,
    report: &Report,
    inputs: &Inputs,
    selection: &Selection,
) -> Result<(Vec<FileEdit>, Vec<Skipped>)> {
    let instances = instances_per_block(inputs);
    // file -> (drift, change path, live value)
    let mut by_file: BTreeMap<String, Vec<(&Drift, AttrPath, &serde_json::Value)>> =
        BTreeMap::new();
    let mut skipped = Vec::new();
    for d in report
        .drift
        .iter()
        .filter(|d| d.kind == Kind::Changed && selection.wants(d))
    {
        let (Some(address), Some(file)) = (&d.address, &d.file) else {
            continue;
        };
        let rules = catalog::rules(&d.rtype);
        for c in &d.changes {
            let path = c.path.clone();
            let root = path.root().unwrap_or_default().to_string();
            let what = format!("{address}.{}", c.path);
            let location = format!("{file}:{}", d.line.unwrap_or(0));
            if c.sensitive {
                skipped.push(Skipped {
                    what,
                    location,
                    reason: "sensitive value: set it by hand".into(),
                });
                continue;
            }
            // Set-valued rules are compared split per source; their shape is not what the
            // configuration writes.
            if rules.is_some_and(|r| r.sets.contains(&root.as_str())) {
                skipped.push(Skipped {
                    what,
                    location,
                    reason: format!("set of rules: edit by hand to {}", c.live),
                });
                continue;
            }
            // Computed-only attributes (instance_state, …) cannot be written in configuration.
            if root == "instance_state" {
                skipped.push(Skipped {
                    what,
                    location,
                    reason: format!("not configurable (live: {})", c.live),
                });
                continue;
            }
            by_file
                .entry(file.clone())
                .or_default()
                .push((d, path, &c.live));
        }
    }
    let root =
        std::fs::canonicalize(dir).with_context(|| format!("cannot read {}", dir.display()))?;
    let mut edits = Vec::new();
    for (file, changes) in by_file {
        let path = root.join(&file);
        let old = std::fs::read_to_string(&path)
            .with_context(|| format!("cannot read {}", path.display()))?;
        let names: Vec<String> = changes
            .iter()
            .map(|(d, _, _)| resource_name(d.address.as_deref().unwrap_or_default(), &d.rtype))
            .collect();
        let steps: Vec<Vec<patch::PathStep>> =
            changes.iter().map(|(_, p, _)| p.0.clone()).collect();
        let list: Vec<patch::Change> = changes
            .iter()
            .zip(&names)
            .zip(&steps)
            .map(|(((d, _, live), name), steps)| patch::Change {
                rtype: &d.rtype,
                name,
                // Drifted resources come from the state, so their block is counted; 1 is a
                // fallback only.
                instances: d
                    .line
                    .and_then(|line| instances.get(&(file.clone(), line)))
                    .copied()
                    .unwrap_or(1),
                path: steps,
                live,
            })
            .collect();
        let (new, outcomes) = patch::apply(&old, &list);
        for ((d, p, live), outcome) in changes.iter().zip(&outcomes) {
            let what = format!("{}.{p}", d.address.as_deref().unwrap_or_default());
            match outcome {
                patch::Outcome::Patched => {}
                patch::Outcome::Shared { line, instances } => skipped.push(Skipped {
                    what,
                    location: format!("{file}:{line}"),
                    reason: format!(
                        "shared by {instances} instances; edit by hand (live here: {live})"
                    ),
                }),
                patch::Outcome::NotLiteral { line, expr } => skipped.push(Skipped {
                    what,
                    location: format!("{file}:{line}"),
                    reason: format!("set by `{expr}`, not a literal: change it to {live}"),
                }),
                patch::Outcome::NotFound => skipped.push(Skipped {
                    what,
                    location: format!("{file}:{}", d.line.unwrap_or(0)),
                    reason: format!("not found in the resource block: set it to {live}"),
                }),
            }
        }
        if new != old {
            edits.push(FileEdit {
                path,
                display: file,
                old,
                new,
                create: false,
            });
        }
    }
    Ok((edits, skipped))
}

/// The resource name of an address of type `rtype`, without its instance key.
fn resource_name(address: &str, rtype: &str) -> String {
    let marker = format!("{rtype}.");
    let rest = address
        .rfind(&marker)
        .map_or(address, |i| &address[i + marker.len()..]);
    rest.find('[').map_or(rest, |i| &rest[..i]).to_string()
}

/// Writes an edit safely: inside `dir` only (no symlink out of it), refusing files with
/// uncommitted changes unless `allow_dirty`, with a backup of the old contents
/// (`FILE.terraform-drift.bak`), atomically (temp file in the same directory, then rename).
pub fn write(dir: &Path, edit: &FileEdit, allow_dirty: bool) -> Result<()> {
    let root =
        std::fs::canonicalize(dir).with_context(|| format!("cannot read {}", dir.display()))?;
    let parent = edit.path.parent().unwrap_or(dir);
    let real_parent = std::fs::canonicalize(parent)
        .with_context(|| format!("cannot read {}", parent.display()))?;
    if !real_parent.starts_with(&root) {
        bail!(
            "{} is outside {}: not written",
            edit.display,
            root.display()
        );
    }
    let meta = std::fs::symlink_metadata(&edit.path);
    if let Ok(m) = &meta {
        if edit.create {
            bail!("{} already exists: not overwritten", edit.display);
        }
        if m.file_type().is_symlink() {
            let target = std::fs::canonicalize(&edit.path)?;
            if !target.starts_with(&root) {
                bail!(
                    "{} is a symlink out of {}: not written",
                    edit.display,
                    root.display()
                );
            }
            bail!(
                "{} is a symlink: edit {} instead",
                edit.display,
                target.display()
            );
        }
        if m.permissions().readonly() {
            bail!(
                "{} is read-only: not written (make it writable to let the tool edit it)",
                edit.display
            );
        }
        let current = std::fs::read_to_string(&edit.path)?;
        if current != edit.old {
            bail!("{} changed since it was read: run again", edit.display);
        }
        if !allow_dirty && git_dirty(&root, &edit.path) {
            bail!(
                "{} has uncommitted changes: commit or stash them, or pass --allow-dirty",
                edit.display
            );
        }
        fsutil::write_with_permissions(
            &backup_path(&edit.path),
            current.as_bytes(),
            Existing::Replace,
            Some(m.permissions()),
        )
        .with_context(|| format!("cannot back up {}", edit.display))?;
    }
    let existing = if edit.create {
        Existing::Refuse
    } else {
        Existing::Replace
    };
    // Into the directory checked above.
    let target = real_parent.join(edit.path.file_name().unwrap_or_default());
    fsutil::write_atomic(&target, edit.new.as_bytes(), existing)
        .with_context(|| format!("cannot write {}", edit.display))
}

/// Where the previous contents of `path` are kept.
pub fn backup_path(path: &Path) -> PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(".terraform-drift.bak");
    path.with_file_name(name)
}

/// True when `path` has uncommitted changes in a git work tree (false outside git).
fn git_dirty(root: &Path, path: &Path) -> bool {
    std::process::Command::new("git")
        .arg("-C")
        .arg(root)
        .args(["status", "--porcelain", "--"])
        .arg(path)
        .output()
        .ok()
        .filter(|o| o.status.success())
        .is_some_and(|o| !o.stdout.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_backups() {
        assert_eq!(resource_name("module.a.aws_vpc.main", "aws_vpc"), "main");
        assert_eq!(resource_name("aws_instance.w[\"x\"]", "aws_instance"), "w");
        assert_eq!(
            backup_path(Path::new("/m/main.tf")),
            PathBuf::from("/m/main.tf.terraform-drift.bak")
        );
    }

    #[test]
    fn codify_targets_are_tf_files_inside_the_module() {
        for ok in ["drift_imports.tf", "adopted/net.tf", "drift_imports.tf.sh"] {
            assert!(is_codify_target(ok), "{ok}");
        }
        for bad in [
            "/etc/passwd",
            "/tmp/x.tf",
            "../x.tf",
            "a/../../x.tf",
            ".driftignore",
            ".terraform-drift.toml",
            ".tf",
            "main.tf/..",
            "notes.txt",
            "",
        ] {
            assert!(!is_codify_target(bad), "{bad}");
        }
    }

    #[test]
    fn a_backup_path_that_is_a_symlink_is_replaced_not_followed() {
        let outside = tempfile::tempdir().unwrap();
        let dir = tempfile::tempdir().unwrap();
        let victim = outside.path().join("victim.txt");
        std::fs::write(&victim, "precious").unwrap();
        let tf = dir.path().join("main.tf");
        std::fs::write(&tf, "a = 1\n").unwrap();
        std::os::unix::fs::symlink(&victim, backup_path(&tf)).unwrap();
        let edit = FileEdit {
            path: tf.clone(),
            display: "main.tf".into(),
            old: "a = 1\n".into(),
            new: "a = 2\n".into(),
            create: false,
        };
        write(dir.path(), &edit, true).unwrap();
        assert_eq!(std::fs::read_to_string(&victim).unwrap(), "precious");
        let bak = backup_path(&tf);
        assert!(!bak.is_symlink(), "the link itself was replaced");
        assert_eq!(std::fs::read_to_string(&bak).unwrap(), "a = 1\n");
        assert_eq!(std::fs::read_to_string(&tf).unwrap(), "a = 2\n");
        // A read-only file is left alone.
        use std::os::unix::fs::PermissionsExt as _;
        std::fs::set_permissions(&tf, std::fs::Permissions::from_mode(0o444)).unwrap();
        let edit = FileEdit {
            old: "a = 2\n".into(),
            new: "a = 3\n".into(),
            ..edit
        };
        let e = write(dir.path(), &edit, true).unwrap_err().to_string();
        assert!(e.contains("read-only"), "{e}");
        assert_eq!(std::fs::read_to_string(&tf).unwrap(), "a = 2\n");
    }

    #[test]
    fn writes_refuse_symlinks_out_and_existing_files() {
        let outside = tempfile::tempdir().unwrap();
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(outside.path().join("x.tf"), "a = 1\n").unwrap();
        std::os::unix::fs::symlink(outside.path().join("x.tf"), dir.path().join("x.tf")).unwrap();
        let edit = FileEdit {
            path: dir.path().join("x.tf"),
            display: "x.tf".into(),
            old: "a = 1\n".into(),
            new: "a = 2\n".into(),
            create: false,
        };
        let err = write(dir.path(), &edit, true).unwrap_err().to_string();
        assert!(err.contains("symlink out of"), "{err}");
        assert_eq!(
            std::fs::read_to_string(outside.path().join("x.tf")).unwrap(),
            "a = 1\n"
        );
        std::fs::write(dir.path().join("new.tf"), "").unwrap();
        let create = FileEdit {
            path: dir.path().join("new.tf"),
            display: "new.tf".into(),
            old: String::new(),
            new: "b = 1\n".into(),
            create: true,
        };
        assert!(write(dir.path(), &create, true).is_err());
        std::fs::write(dir.path().join("y.tf"), "a = 1\n").unwrap();
        let ok = FileEdit {
            path: dir.path().join("y.tf"),
            display: "y.tf".into(),
            old: "a = 1\n".into(),
            new: "a = 2\n".into(),
            create: false,
        };
        write(dir.path(), &ok, true).unwrap();
        assert_eq!(
            std::fs::read_to_string(dir.path().join("y.tf")).unwrap(),
            "a = 2\n"
        );
        assert_eq!(
            std::fs::read_to_string(dir.path().join("y.tf.terraform-drift.bak")).unwrap(),
            "a = 1\n"
        );
    }
}
