//! The server's configuration file (TOML). Secrets never live in it: it names the environment
//! variables that hold them.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use serde::Deserialize;

use crate::insight::TagRules;
use crate::scan::{LiveChoice, Refresh, ScanRequest};

/// `terraform-drift serve --config FILE`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServeConfig {
    /// Default listen address (`--listen` wins).
    #[serde(default)]
    pub listen: Option<String>,
    /// JSON-lines audit log of mutating requests (default: `terraform-drift-audit.jsonl` next
    /// to the configuration file).
    #[serde(default)]
    pub audit_log: Option<PathBuf>,
    /// Largest request body accepted, in bytes (plan callbacks are small; 1 MiB default).
    #[serde(default = "default_body_limit")]
    pub body_limit_bytes: usize,
    /// Public base URL of this server, linked from run-task results.
    #[serde(default)]
    pub public_url: Option<String>,
    /// Connections served at once; more are closed as they arrive (default 256, well under
    /// the usual 1,024 descriptors, so scans and terraform keep theirs).
    #[serde(default = "default_max_connections")]
    pub max_connections: usize,
    /// Seconds a client has to send a request's headers, and that an idle keep-alive
    /// connection is kept (default 15).
    #[serde(default = "default_header_timeout")]
    pub header_timeout_seconds: u64,
    /// Seconds a scan may run before it is stopped and recorded as failed (default 1,800).
    #[serde(default = "default_scan_timeout")]
    pub scan_timeout_seconds: u64,
    /// Run-task settings.
    #[serde(default)]
    pub run_task: RunTask,
    /// Bearer tokens.
    #[serde(default)]
    pub tokens: Vec<TokenConfig>,
    /// Terraform root modules the server scans.
    #[serde(default)]
    pub workspaces: Vec<Workspace>,
    /// Required-tag rules for `GET /api/v1/compliance`.
    #[serde(default)]
    pub compliance: TagRules,
}

fn default_body_limit() -> usize {
    1024 * 1024
}

fn default_max_connections() -> usize {
    256
}

fn default_header_timeout() -> u64 {
    15
}

fn default_scan_timeout() -> u64 {
    1_800
}

/// `[run_task]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RunTask {
    /// Environment variable holding the HMAC key registered with the run task.
    #[serde(default = "default_hmac_env")]
    pub hmac_key_env: String,
    /// Seconds to wait before the first callback retry (doubles each time).
    #[serde(default = "default_retry_base")]
    pub retry_base_seconds: f64,
    /// Callback attempts before giving up.
    #[serde(default = "default_attempts")]
    pub callback_attempts: u32,
}

impl Default for RunTask {
    fn default() -> Self {
        RunTask {
            hmac_key_env: default_hmac_env(),
            retry_base_seconds: default_retry_base(),
            callback_attempts: default_attempts(),
        }
    }
}

fn default_hmac_env() -> String {
    "TF_DRIFT_RUN_TASK_HMAC_KEY".into()
}
fn default_retry_base() -> f64 {
    1.0
}
fn default_attempts() -> u32 {
    6
}

/// What a bearer token may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Read everything, start scans, preview remediation.
    Read,
    /// Also apply remediation (write files, run `terraform apply`).
    Remediate,
}

/// `[[tokens]]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TokenConfig {
    /// Who holds it (shown in the audit log, never the token).
    pub name: String,
    /// Environment variable holding the token.
    pub token_env: String,
    /// Its role.
    pub role: Role,
}

/// `[[workspaces]]`: one Terraform root module.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Workspace {
    /// Name used in the API and the dashboard.
    pub name: String,
    /// The module directory (relative to the configuration file).
    pub dir: PathBuf,
    /// `aws` (default), `provider`, or a snapshot file.
    #[serde(default)]
    pub live: Option<String>,
    /// Regions (default: from the configuration and state).
    #[serde(default)]
    pub regions: Vec<String>,
    /// AWS named profile.
    #[serde(default)]
    pub profile: Option<String>,
    /// State files or globs (default: as `scan`).
    #[serde(default)]
    pub state: Vec<String>,
    /// Concurrent API calls.
    #[serde(default)]
    pub parallelism: Option<usize>,
    /// HCP Terraform workspace names whose run-task requests this workspace answers (with
    /// unmanaged discovery); default: its own name.
    #[serde(default)]
    pub hcp_workspaces: Vec<String>,
    /// Scan on a schedule: every this many seconds (the first scan at start-up).
    #[serde(default)]
    pub scan_every_seconds: Option<u64>,
}

impl Workspace {
    /// The scan this workspace stands for; `refresh` puts its live source where the scan
    /// takes it (`Refresh::Live`, or as the unmanaged lister of a plan).
    pub fn request(&self, refresh: impl FnOnce(LiveChoice) -> Refresh) -> ScanRequest {
        let live = match self.live.as_deref() {
            None => LiveChoice::Auto,
            Some(s) => s
                .parse::<LiveChoice>()
                .unwrap_or_else(|e| match e {})
                .under(&self.dir),
        };
        ScanRequest {
            state: self
                .state
                .iter()
                .map(|s| self.dir.join(s).display().to_string())
                .collect(),
            regions: self.regions.clone(),
            profile: self.profile.clone(),
            parallelism: self.parallelism.unwrap_or(8),
            ..ScanRequest::new(self.dir.clone(), refresh(live))
        }
    }

    /// True when run-task requests for HCP workspace `name` are this workspace's.
    pub fn answers(&self, name: &str) -> bool {
        if self.hcp_workspaces.is_empty() {
            self.name == name
        } else {
            self.hcp_workspaces.iter().any(|w| w == name)
        }
    }
}

impl ServeConfig {
    /// Reads and checks `path`; relative paths inside are made relative to its directory.
    pub fn read(path: &Path) -> Result<ServeConfig> {
        let text = crate::input_file::read_to_string(path, crate::input_file::MAX_TEXT_FILE)
            .with_context(|| format!("cannot read {}", path.display()))?;
        let mut cfg: ServeConfig = toml::from_str(&text)
            .map_err(|e| anyhow::anyhow!("{}: {}", path.display(), e.message()))?;
        let base = path.parent().unwrap_or(Path::new("."));
        let base = if base.as_os_str().is_empty() {
            Path::new(".")
        } else {
            base
        };
        for w in &mut cfg.workspaces {
            if w.dir.is_relative() {
                w.dir = base.join(&w.dir);
            }
            if w.scan_every_seconds == Some(0) {
                bail!(
                    "{}: workspace {:?}: scan_every_seconds must be at least 1",
                    path.display(),
                    w.name
                );
            }
            if !w.dir.is_dir() {
                bail!(
                    "{}: workspace {:?}: {} is not a directory",
                    path.display(),
                    w.name,
                    w.dir.display()
                );
            }
        }
        let mut names = std::collections::HashSet::new();
        for w in &cfg.workspaces {
            if !names.insert(&w.name) {
                bail!(
                    "{}: workspace {:?} is defined twice",
                    path.display(),
                    w.name
                );
            }
        }
        cfg.audit_log = Some(match cfg.audit_log.take() {
            Some(p) if p.is_relative() => base.join(p),
            Some(p) => p,
            None => base.join("terraform-drift-audit.jsonl"),
        });
        Ok(cfg)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_workspaces_relative_to_the_file() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("prod")).unwrap();
        let file = dir.path().join("serve.toml");
        std::fs::write(
            &file,
            r#"
[[tokens]]
name = "ci"
token_env = "CI_TOKEN"
role = "read"

[[workspaces]]
name = "prod"
dir = "prod"
live = "snap.json"

[compliance]
required_tags = ["Owner"]
"#,
        )
        .unwrap();
        let cfg = ServeConfig::read(&file).unwrap();
        assert_eq!(cfg.workspaces[0].dir, dir.path().join("prod"));
        assert_eq!(cfg.tokens[0].role, Role::Read);
        assert_eq!(cfg.body_limit_bytes, 1024 * 1024);
        let req = cfg.workspaces[0].request(Refresh::Live);
        assert!(
            matches!(req.live(), Some(LiveChoice::Snapshot(p)) if *p == dir.path().join("prod/snap.json"))
        );
        assert!(cfg.workspaces[0].answers("prod"));
    }

    #[test]
    fn rejects_unknown_keys_and_missing_dirs() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("serve.toml");
        std::fs::write(
            &file,
            "[[tokens]]\nname = \"x\"\ntoken = \"inline\"\nrole = \"read\"\n",
        )
        .unwrap();
        let err = ServeConfig::read(&file).unwrap_err().to_string();
        assert!(err.contains("token"), "{err}");
        std::fs::write(&file, "[[workspaces]]\nname = \"a\"\ndir = \"nope\"\n").unwrap();
        let err = ServeConfig::read(&file).unwrap_err().to_string();
        assert!(err.contains("is not a directory"), "{err}");
    }
}
