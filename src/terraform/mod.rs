//! The Terraform runner: finds the `terraform` (or `tofu`) binary and runs it.
//!
//! Every run is non-interactive (`TF_IN_AUTOMATION`, `-input=false` where accepted) and keeps
//! stderr for the error message. Terraform's progress lines go to an [`Output`] sink, never to
//! the process's own stderr: the CLI shows them on the terminal, the server logs them.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::Arc;

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
    /// The user interrupted the run (Ctrl-C); Terraform was asked to stop once.
    #[error("`{command}` in {dir} was interrupted")]
    Interrupted {
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

/// How long a plan or apply may run (they wait on the cloud, and on state locks).
pub const LONG_DEADLINE: std::time::Duration = std::time::Duration::from_secs(4 * 3600);

/// What `terraform plan -detailed-exitcode` found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PlanResult {
    /// Exit code 0: nothing to do.
    NoChanges,
    /// Exit code 2: the plan has changes (not a failure).
    Changes,
}

/// Ctrl-C handling shared by every run: the first interrupt is forwarded to Terraform (which
/// then stops cleanly and saves its state), a second one kills its whole process group. With no
/// run active, an interrupt ends the process as usual.
mod interrupt {
    use std::sync::OnceLock;
    use std::sync::atomic::{AtomicUsize, Ordering};

    use tokio::sync::watch;

    static ACTIVE: AtomicUsize = AtomicUsize::new(0);
    static COUNT: OnceLock<watch::Receiver<u32>> = OnceLock::new();

    /// A receiver of the number of interrupts so far (installs the handler on first use).
    ///
    /// The handler is in place when this returns: registered here, not in the task (whose first
    /// poll may come after Terraform has started and a Ctrl-C has already arrived).
    pub fn receiver() -> watch::Receiver<u32> {
        COUNT
            .get_or_init(|| {
                let (tx, rx) = watch::channel(0u32);
                let signal =
                    tokio::signal::unix::signal(tokio::signal::unix::SignalKind::interrupt());
                tokio::spawn(async move {
                    let Ok(mut signal) = signal else {
                        return;
                    };
                    let mut n = 0;
                    while signal.recv().await.is_some() {
                        if ACTIVE.load(Ordering::SeqCst) == 0 {
                            std::process::exit(130);
                        }
                        n += 1;
                        let _ = tx.send(n);
                    }
                });
                rx
            })
            .clone()
    }

    /// Marks a run active while the guard lives.
    pub struct Active;

    impl Active {
        /// Starts an active run.
        pub fn start() -> Active {
            ACTIVE.fetch_add(1, Ordering::SeqCst);
            Active
        }
    }

    impl Drop for Active {
        fn drop(&mut self) {
            ACTIVE.fetch_sub(1, Ordering::SeqCst);
        }
    }
}

/// Which stream of Terraform a progress line came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stream {
    /// Standard output.
    Stdout,
    /// Standard error.
    Stderr,
}

/// Where the lines of long-running commands (init, plan, apply, import) go.
pub type Output = Arc<dyn Fn(Stream, &str) + Send + Sync>;

/// The default sink: each line as a `tracing` event with the line as a field, so a server's
/// JSON log stays one object per line and a CLI shows them only with `-v`.
pub fn log_output() -> Output {
    Arc::new(|stream, line| {
        let stream = match stream {
            Stream::Stdout => "stdout",
            Stream::Stderr => "stderr",
        };
        tracing::info!(stream, line = %crate::model::scrub_secrets(line), "terraform");
    })
}

/// A located Terraform-compatible binary.
#[derive(Clone)]
pub struct Terraform {
    /// Path to the binary.
    pub bin: PathBuf,
    /// Extra environment for every run.
    env: Vec<(OsString, OsString)>,
    /// Where progress lines go.
    output: Output,
}

impl std::fmt::Debug for Terraform {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Terraform")
            .field("bin", &self.bin)
            .field("env", &self.env)
            .finish_non_exhaustive()
    }
}

impl Terraform {
    /// The binary at `bin`, logging its progress through `tracing` (see [`log_output`]).
    pub fn new(bin: impl Into<PathBuf>) -> Terraform {
        Terraform {
            bin: bin.into(),
            env: Vec::new(),
            output: log_output(),
        }
    }

    /// Uses `explicit` when given, else `terraform` on PATH, else `tofu`.
    pub fn find(explicit: Option<&Path>) -> Result<Terraform, RunnerError> {
        if let Some(p) = explicit {
            return Ok(Terraform::new(p));
        }
        which::which("terraform")
            .or_else(|_| which::which("tofu"))
            .map(Terraform::new)
            .map_err(|_| RunnerError::NotFound)
    }

    /// The same runner with `key=value` in the environment of every run (the process's own
    /// environment is never changed).
    pub fn with_env(mut self, key: impl Into<OsString>, value: impl Into<OsString>) -> Terraform {
        self.env.push((key.into(), value.into()));
        self
    }

    /// The same runner sending progress lines to `output`.
    pub fn with_output(mut self, output: Output) -> Terraform {
        self.output = output;
        self
    }

    fn command(&self, dir: &Path, args: &[&str]) -> Command {
        let mut c = Command::new(&self.bin);
        c.args(args)
            .current_dir(dir)
            .env("TF_IN_AUTOMATION", "1")
            .env("TF_INPUT", "0")
            .envs(self.env.iter().map(|(k, v)| (k, v)))
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

    /// Runs a command that changes things or takes long (init, plan, apply): its output lines
    /// go to the runner's [`Output`] as they come, its stderr tail kept for the error, Ctrl-C forwarded
    /// once. Returns the exit code when it is one of `ok`.
    pub async fn run_streamed(
        &self,
        dir: &Path,
        args: &[&str],
        ok: &[i32],
    ) -> Result<i32, RunnerError> {
        use tokio::io::{AsyncBufReadExt, BufReader};

        let command = format!("{} {}", self.bin.display(), args.join(" "));
        let dir_s = dir.display().to_string();
        let mut interrupts = interrupt::receiver();
        let _active = interrupt::Active::start();
        // Interrupts from here on are this run's: one that comes while Terraform is being
        // started is forwarded as soon as it runs.
        let seen = *interrupts.borrow_and_update();
        let mut cmd = self.command(dir, args);
        // Its own process group: a terminal's Ctrl-C reaches only us, and we forward it exactly
        // once (Terraform stops cleanly on the first and abandons state on the second).
        cmd.stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .process_group(0);
        let mut child = cmd.spawn().map_err(|source| RunnerError::Spawn {
            bin: self.bin.display().to_string(),
            source,
        })?;
        let pid = child.id().map(|p| p as i32);
        let out = child.stdout.take().map(|o| {
            let sink = self.output.clone();
            tokio::spawn(async move {
                let mut lines = BufReader::new(o).lines();
                while let Ok(Some(l)) = lines.next_line().await {
                    // Plans print tag values under secret names in the clear: never pass them on.
                    sink(Stream::Stdout, &crate::model::redact_secret_assignments(&l));
                }
            })
        });
        let err_tail = std::sync::Arc::new(std::sync::Mutex::new(Vec::<String>::new()));
        let err = child.stderr.take().map(|e| {
            let tail = err_tail.clone();
            let sink = self.output.clone();
            tokio::spawn(async move {
                let mut lines = BufReader::new(e).lines();
                while let Ok(Some(l)) = lines.next_line().await {
                    sink(Stream::Stderr, &crate::model::redact_secret_assignments(&l));
                    if let Ok(mut t) = tail.lock() {
                        t.push(l);
                    }
                }
            })
        });
        let mut forwarded = false;
        let mut listening = true;
        let deadline = tokio::time::sleep(LONG_DEADLINE);
        tokio::pin!(deadline);
        let status = loop {
            tokio::select! {
                st = child.wait() => break st.map_err(|source| RunnerError::Spawn {
                    bin: self.bin.display().to_string(),
                    source,
                })?,
                changed = interrupts.changed(), if listening => {
                    if changed.is_err() {
                        // No handler (it could not be installed): nothing more will come.
                        listening = false;
                        continue;
                    }
                    let n = *interrupts.borrow() - seen;
                    if let Some(pid) = pid {
                        // SAFETY: kill(2) on the child's pid / process group; no memory involved.
                        unsafe {
                            if n == 1 && !forwarded {
                                forwarded = true;
                                libc::kill(pid, libc::SIGINT);
                            } else if n > 1 {
                                libc::kill(-pid, libc::SIGKILL);
                            }
                        }
                    }
                }
                () = &mut deadline => {
                    if let Some(pid) = pid {
                        // SAFETY: as above.
                        unsafe { libc::kill(-pid, libc::SIGKILL) };
                    }
                    return Err(RunnerError::Timeout { command, dir: dir_s });
                }
            }
        };
        if let Some(pid) = pid {
            // Whatever Terraform left behind in its group (provider plugins) goes with it.
            // SAFETY: as above.
            unsafe { libc::kill(-pid, libc::SIGKILL) };
        }
        for t in [out, err].into_iter().flatten() {
            let _ = t.await;
        }
        if forwarded {
            return Err(RunnerError::Interrupted {
                command,
                dir: dir_s,
            });
        }
        let code = status.code().unwrap_or(-1);
        if ok.contains(&code) {
            Ok(code)
        } else {
            let stderr = err_tail.lock().map(|t| t.join("\n")).unwrap_or_default();
            Err(RunnerError::Failed {
                command,
                dir: dir_s,
                code,
                stderr: tail(&stderr, 20),
            })
        }
    }

    /// `terraform version`: the version string, e.g. `1.11.4`.
    pub async fn version(&self, dir: &Path) -> Result<String, RunnerError> {
        let out = self.output(dir, &["version", "-json"]).await?;
        let v: serde_json::Value = serde_json::from_slice(&out).unwrap_or_default();
        Ok(v["terraform_version"]
            .as_str()
            .map(str::to_string)
            .unwrap_or_else(|| {
                // OpenTofu and old versions: "Terraform v1.4.0" on the first line.
                String::from_utf8_lossy(&out)
                    .split_whitespace()
                    .find_map(|w| w.strip_prefix('v').map(str::to_string))
                    .unwrap_or_default()
            }))
    }

    /// `terraform init -input=false`.
    pub async fn init(&self, dir: &Path) -> Result<(), RunnerError> {
        self.run_streamed(dir, &["init", "-input=false", "-no-color"], &[0])
            .await
            .map(|_| ())
    }

    /// `terraform plan -detailed-exitcode -out=PLAN` with `extra` arguments (`-refresh-only`,
    /// `-target=…`, `-destroy`).
    pub async fn plan(
        &self,
        dir: &Path,
        out: &Path,
        extra: &[String],
    ) -> Result<PlanResult, RunnerError> {
        let out_arg = format!("-out={}", out.display());
        let mut args = vec![
            "plan",
            "-input=false",
            "-no-color",
            "-detailed-exitcode",
            &out_arg,
        ];
        args.extend(extra.iter().map(String::as_str));
        match self.run_streamed(dir, &args, &[0, 2]).await? {
            2 => Ok(PlanResult::Changes),
            _ => Ok(PlanResult::NoChanges),
        }
    }

    /// `terraform show -json PLAN`: the plan's JSON representation.
    pub async fn show_json(&self, dir: &Path, plan: &Path) -> Result<Vec<u8>, RunnerError> {
        let p = plan.display().to_string();
        self.output(dir, &["show", "-json", "-no-color", &p]).await
    }

    /// `terraform show PLAN`: the plan as a person reads it.
    pub async fn show_text(&self, dir: &Path, plan: &Path) -> Result<String, RunnerError> {
        let p = plan.display().to_string();
        let out = self.output(dir, &["show", "-no-color", &p]).await?;
        // For people (the CLI, the API's plan preview): secret-named values redacted.
        Ok(crate::model::redact_secret_assignments(
            &String::from_utf8_lossy(&out),
        ))
    }

    /// `terraform apply PLAN`: applies exactly a saved plan.
    pub async fn apply_plan(&self, dir: &Path, plan: &Path) -> Result<(), RunnerError> {
        let p = plan.display().to_string();
        self.run_streamed(dir, &["apply", "-input=false", "-no-color", &p], &[0])
            .await
            .map(|_| ())
    }

    /// `(type, attribute)` pairs the providers of `dir` compute and never take from the
    /// configuration (`terraform providers schema -json`): a refresh that changes one (a
    /// policy's `attachment_count`) is a consequence of other changes, not drift.
    pub async fn computed_only(
        &self,
        dir: &Path,
    ) -> Result<std::collections::HashSet<(String, String)>, RunnerError> {
        let out = self
            .output(dir, &["providers", "schema", "-json", "-no-color"])
            .await?;
        Ok(computed_only_in(&out))
    }

    /// `terraform state pull`: the current state from whatever backend `dir` is initialised with.
    pub async fn state_pull(&self, dir: &Path) -> Result<Vec<u8>, RunnerError> {
        self.output(dir, &["state", "pull"]).await
    }
}

/// The computed-only attributes in `terraform providers schema -json` output (nothing when
/// it cannot be read: then nothing is left out).
fn computed_only_in(json: &[u8]) -> std::collections::HashSet<(String, String)> {
    let mut set = std::collections::HashSet::new();
    let Ok(v) = serde_json::from_slice::<serde_json::Value>(json) else {
        return set;
    };
    let providers = v["provider_schemas"].as_object().into_iter().flatten();
    for (_, p) in providers {
        for (rtype, rs) in p["resource_schemas"].as_object().into_iter().flatten() {
            for (name, a) in rs["block"]["attributes"].as_object().into_iter().flatten() {
                let yes = |k: &str| a[k].as_bool().unwrap_or(false);
                if yes("computed") && !yes("optional") && !yes("required") {
                    set.insert((rtype.clone(), name.clone()));
                }
            }
        }
    }
    set
}

/// True when `dir` was initialised with a backend (`terraform init` wrote `.terraform/terraform.tfstate`).
pub fn has_backend(dir: &Path) -> bool {
    std::fs::read(dir.join(".terraform").join("terraform.tfstate"))
        .ok()
        .and_then(|b| serde_json::from_slice::<serde_json::Value>(&b).ok())
        .is_some_and(|v| v.get("backend").is_some_and(|b| b.is_object()))
}

/// The last `n` non-empty lines of `s`, joined with " / " so errors stay on one line.
/// Credential-looking values are masked (see [`crate::model::scrub_secrets`]).
fn tail(s: &str, n: usize) -> String {
    let lines: Vec<&str> = s.lines().map(str::trim).filter(|l| !l.is_empty()).collect();
    lines[lines.len().saturating_sub(n)..]
        .iter()
        .map(|l| crate::model::scrub_secrets(l))
        .collect::<Vec<_>>()
        .join(" / ")
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
    async fn progress_goes_to_the_sink_with_the_runner_env() {
        let seen = Arc::new(std::sync::Mutex::new(Vec::new()));
        let log = seen.clone();
        let sh = Terraform::new("sh")
            .with_env("TF_DRIFT_RUNNER_TEST", "from-the-runner")
            .with_output(Arc::new(move |stream, line| {
                log.lock().unwrap().push((stream, line.to_string()))
            }));
        let d = tempfile::tempdir().unwrap();
        let code = sh
            .run_streamed(
                d.path(),
                &[
                    "-c",
                    "echo \"out $TF_DRIFT_RUNNER_TEST\"; echo err >&2; exit 2",
                ],
                &[0, 2],
            )
            .await
            .unwrap();
        assert_eq!(code, 2);
        let mut seen = seen.lock().unwrap().clone();
        seen.sort_by_key(|(s, _)| *s == Stream::Stderr);
        assert_eq!(
            seen,
            [
                (Stream::Stdout, "out from-the-runner".to_string()),
                (Stream::Stderr, "err".to_string())
            ]
        );
    }

    #[tokio::test]
    async fn failures_carry_stderr() {
        let sh = Terraform::new("sh");
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
