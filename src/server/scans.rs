//! Scans started through the API: their records, the last result per workspace, and the
//! background task that runs one and publishes its progress.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};

use serde::Serialize;
use serde_json::json;

use super::{App, Workspace, now_ms};
use crate::diff::Summary;
use crate::live::Progress;
use crate::scan::{self, Refresh, ScanOutput, ScanRequest};

/// How many finished scan records are kept.
const KEEP: usize = 200;

/// A scan's lifecycle.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum Status {
    Running,
    Succeeded,
    Failed,
}

/// What the API shows of a scan.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Record {
    pub(crate) id: String,
    pub(crate) workspace: String,
    pub(crate) status: Status,
    pub(crate) started_ms: u64,
    pub(crate) finished_ms: Option<u64>,
    /// Listings finished so far (type, region, count).
    pub(crate) progress: Vec<serde_json::Value>,
    pub(crate) summary: Option<Summary>,
    pub(crate) partial: bool,
    pub(crate) error: Option<String>,
}

/// The last successful scan of a workspace, with what it compared.
pub(crate) struct Latest {
    pub(crate) scan_id: String,
    pub(crate) finished_ms: u64,
    pub(crate) request: ScanRequest,
    pub(crate) output: ScanOutput,
}

/// Scan records and results.
#[derive(Default)]
pub(crate) struct Scans {
    records: Mutex<BTreeMap<u64, Record>>,
    running: Mutex<HashMap<String, String>>,
    latest: Mutex<HashMap<String, Arc<Latest>>>,
    next: Mutex<u64>,
}

impl Scans {
    /// A record by ID.
    pub(crate) fn get(&self, id: &str) -> Option<Record> {
        let n = id.strip_prefix("scan-")?.parse::<u64>().ok()?;
        self.records.lock().ok()?.get(&n).cloned()
    }

    /// Recent records, newest first.
    pub(crate) fn list(&self) -> Vec<Record> {
        self.records
            .lock()
            .map(|r| r.values().rev().cloned().collect())
            .unwrap_or_default()
    }

    /// The running scan of a workspace.
    pub(crate) fn running(&self, workspace: &str) -> Option<String> {
        self.running.lock().ok()?.get(workspace).cloned()
    }

    /// The last successful result of a workspace.
    pub(crate) fn latest(&self, workspace: &str) -> Option<Arc<Latest>> {
        self.latest.lock().ok()?.get(workspace).cloned()
    }

    fn update(&self, id: u64, f: impl FnOnce(&mut Record)) {
        if let Ok(mut r) = self.records.lock()
            && let Some(rec) = r.get_mut(&id)
        {
            f(rec);
        }
    }
}

/// A lock that survives a panic elsewhere: the registry's data stays consistent between
/// statements, so a poisoned lock is taken over rather than turned into a panic here.
fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Starts a scan of `ws` unless one is running; returns its ID and whether it is new.
pub(crate) fn start(app: &Arc<App>, ws: &Workspace) -> (String, bool) {
    let mut running = lock(&app.scans.running);
    if let Some(id) = running.get(&ws.name) {
        return (id.clone(), false);
    }
    let n = {
        let mut next = lock(&app.scans.next);
        *next += 1;
        *next
    };
    let id = format!("scan-{n}");
    running.insert(ws.name.clone(), id.clone());
    drop(running);
    {
        let mut records = lock(&app.scans.records);
        records.insert(
            n,
            Record {
                id: id.clone(),
                workspace: ws.name.clone(),
                status: Status::Running,
                started_ms: now_ms(),
                finished_ms: None,
                progress: Vec::new(),
                summary: None,
                partial: false,
                error: None,
            },
        );
        while records.len() > KEEP {
            records.pop_first();
        }
    }
    app.publish(json!({"type": "scan_started", "scan_id": id, "workspace": ws.name}));
    let app2 = app.clone();
    let ws = ws.clone();
    let id2 = id.clone();
    app.tasks.spawn(async move { run(app2, ws, n, id2).await });
    (id, true)
}

async fn run(app: Arc<App>, ws: Workspace, n: u64, id: String) {
    let req = ws.request(Refresh::Live);
    let started = std::time::Instant::now();
    let (app2, ws2, id2) = (app.clone(), ws.clone(), id.clone());
    let progress = move |p: Progress| {
        let (app, ws, id) = (&app2, &ws2, &id2);
        let Progress::Listed {
            rtype,
            region,
            count,
        } = p
        else {
            // Steps (a terraform refresh) have no count for the scan's record; the log has them.
            return;
        };
        let step = json!({"resource_type": rtype, "region": region, "count": count});
        app.scans.update(n, |r| r.progress.push(step.clone()));
        app.publish(json!({
            "type": "scan_progress",
            "scan_id": id,
            "workspace": ws.name,
            "resource_type": rtype,
            "region": region,
            "count": count,
        }));
    };
    let req2 = req.clone();
    // A scan that never ends (a hung provider, a pathological input) must neither hold the
    // workspace forever nor keep shutdown waiting: past the deadline it is dropped, which
    // stops its provider and terraform processes, and it is recorded as failed.
    let secs = app.config.scan_timeout_seconds.max(1);
    let result = super::off_thread(move || async move {
        tokio::time::timeout(
            std::time::Duration::from_secs(secs),
            scan::scan(&req2, &progress),
        )
        .await
        .unwrap_or_else(|_| {
            Err(anyhow::anyhow!(
                "the scan did not finish within {secs} s (scan_timeout_seconds) and was stopped"
            ))
        })
    })
    .await;
    let took = started.elapsed();
    let finished = now_ms();
    match result {
        Ok(output) => {
            let s = output.report.summary.clone();
            let partial = output.report.partial;
            app.metrics.cloud_calls(&ws.name, output.live.api_calls);
            app.metrics.scan(
                &ws.name,
                if partial { "partial" } else { "succeeded" },
                took,
                &[
                    ("changed", s.changed),
                    ("missing", s.missing),
                    ("unmanaged", s.unmanaged),
                    ("unchecked", s.unchecked),
                ],
            );
            app.scans.update(n, |r| {
                r.status = Status::Succeeded;
                r.finished_ms = Some(finished);
                r.summary = Some(s.clone());
                r.partial = partial;
            });
            if let Ok(mut latest) = app.scans.latest.lock() {
                latest.insert(
                    ws.name.clone(),
                    Arc::new(Latest {
                        scan_id: id.clone(),
                        finished_ms: finished,
                        request: req,
                        output,
                    }),
                );
            }
            tracing::info!(workspace = %ws.name, scan = %id, elapsed_ms = took.as_millis() as u64, "scan finished");
            app.publish(json!({
                "type": "scan_finished",
                "scan_id": id,
                "workspace": ws.name,
                "status": "succeeded",
                "summary": s,
                "partial": partial,
            }));
        }
        Err(e) => {
            let msg = format!("{e:#}");
            app.metrics.scan(&ws.name, "failed", took, &[]);
            app.scans.update(n, |r| {
                r.status = Status::Failed;
                r.finished_ms = Some(finished);
                r.error = Some(msg.clone());
            });
            tracing::warn!(workspace = %ws.name, scan = %id, error = %msg, "scan failed");
            app.publish(json!({
                "type": "scan_finished",
                "scan_id": id,
                "workspace": ws.name,
                "status": "failed",
                "error": msg,
            }));
        }
    }
    if let Ok(mut running) = app.scans.running.lock() {
        running.remove(&ws.name);
    }
}
