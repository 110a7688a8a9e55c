//! The Terraform runner: finds the `terraform` (or `tofu`) binary and runs it.
//!
//! Every run is non-interactive (`TF_IN_AUTOMATION`, `-input=false` where accepted) and keeps
//! stderr for the error message.

use std::path::{Path, PathBuf};
use std::process::Stdio;

use thiserror::Error;
use tokio::process::Command;

/// Why a Terraform run failed.
#[derive(Debug, Error)]
pub enum RunnerError {
    /// No binary found.
    #[error(
        "terraform not found on PATH (also looked for tofu): install it or pass --terraform PATH"
    )]
    NotFound,
    /// The binary could not be started.
    #[error("cannot run {bin}: {source}")]
    Spawn {
        /// Binary path.
        bin: String,
        /// Underlying error.
        source: std::io::Error,
    },
    /// The command did not finish in time and was killed.
    #[error("`{command}` in {dir} did not finish in {}s and was stopped", DEADLINE.as_secs())]
    Timeout {
        /// The command line.
        command: String,
        /// Working directory.
        dir: String,
    },
    /// The command exited with a failure.
    #[error("`{command}` in {dir} failed (exit code {code}): {stderr}")]
    Failed {
        /// The command line.
        command: String,
        /// Working directory.
        dir: String,
        /// Exit code (-1 when killed by a signal).
        code: i32,
        /// Last lines of stderr.
        stderr: String,
    },
}

/// How long one read-only Terraform command may run.
pub const DEADLINE: std::time::Duration = std::time::Duration::from_secs(600);

/// A located Terraform-compatible binary.
#[derive(Debug, Clone)]
pub struct Terraform {
    /// Path to the binary.
    pub bin: PathBuf,
}

impl Terraform {
    /// Uses `explicit` when given, else `terraform` on PATH, else `tofu`.
    pub fn find(explicit: Option<&Path>) -> Result<Terraform, RunnerError> {
        if let Some(p) = explicit {
            return Ok(Terraform {
                bin: p.to_path_buf(),
            });
        }
        which::which("terraform")
            .or_else(|_| which::which("tofu"))
            .map(|bin| Terraform { bin })
            .map_err(|_| RunnerError::NotFound)
    }

    fn command(&self, dir: &Path, args: &[&str]) -> Command {
        let mut c = Command::new(&self.bin);
        c.args(args)
            .current_dir(dir)
            .env("TF_IN_AUTOMATION", "1")
            .env("TF_INPUT", "0")
            .stdin(Stdio::null())
            .kill_on_drop(true);
        c
    }

    /// Runs a command and returns its stdout; a non-zero exit is an error with stderr.
    ///
    /// A run longer than [`DEADLINE`] (a hung backend, a lock never released) is killed and
    /// reported rather than waited on forever.
    pub async fn output(&self, dir: &Path, args: &[&str]) -> Result<Vec<u8>, RunnerError> {
        let command = format!("{} {}", self.bin.display(), args.join(" "));
        let out = tokio::time::timeout(DEADLINE, self.command(dir, args).output())
            .await
            .map_err(|_| RunnerError::Timeout {
                command: command.clone(),
                dir: dir.display().to_string(),
            })?
            .map_err(|source| RunnerError::Spawn {
                bin: self.bin.display().to_string(),
                source,
            })?;
        if !out.status.success() {
            return Err(RunnerError::Failed {
                command,
                dir: dir.display().to_string(),
                code: out.status.code().unwrap_or(-1),
                stderr: tail(&String::from_utf8_lossy(&out.stderr), 20),
            });
        }
        Ok(out.stdout)
    }

    /// `terraform state pull`: the current state from whatever backend `dir` is initialised with.
    pub async fn state_pull(&self, dir: &Path) -> Result<Vec<u8>, RunnerError> {
        self.output(dir, &["state", "pull"]).await
    }
}

/// True when `dir` was initialised with a backend (`terraform init` wrote `.terraform/terraform.tfstate`).
pub fn has_backend(dir: &Path) -> bool {
    std::fs::read(dir.join(".terraform").join("terraform.tfstate"))
        .ok()
        .and_then(|b| serde_json::from_slice::<serde_json::Value>(&b).ok())
        .is_some_and(|v| v.get("backend").is_some_and(|b| b.is_object()))
}

/// The last `n` non-empty lines of `s`, joined with " / " so errors stay on one line.
fn tail(s: &str, n: usize) -> String {
    let lines: Vec<&str> = s.lines().map(str::trim).filter(|l| !l.is_empty()).collect();
    lines[lines.len().saturating_sub(n)..].join(" / ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backend_detection() {
        let d = tempfile::tempdir().unwrap();
        assert!(!has_backend(d.path()));
        std::fs::create_dir(d.path().join(".terraform")).unwrap();
        std::fs::write(
            d.path().join(".terraform/terraform.tfstate"),
            r#"{"version": 3, "backend": {"type": "s3", "config": {}}}"#,
        )
        .unwrap();
        assert!(has_backend(d.path()));
    }

    #[tokio::test]
    async fn failures_carry_stderr() {
        let sh = Terraform { bin: "sh".into() };
        let d = tempfile::tempdir().unwrap();
        let err = sh
            .output(d.path(), &["-c", "echo boom >&2; exit 3"])
            .await
            .unwrap_err()
            .to_string();
        assert!(err.contains("exit code 3") && err.contains("boom"), "{err}");
        let ok = sh.output(d.path(), &["-c", "echo hi"]).await.unwrap();
        assert_eq!(ok, b"hi\n");
    }
}
