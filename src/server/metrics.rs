//! `/metrics` in the Prometheus text exposition format, counted by hand (a handful of series).

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::State;
use axum::response::IntoResponse;

use super::App;

/// Counters and gauges, keyed by metric name and rendered label set.
#[derive(Default)]
pub(crate) struct Metrics {
    series: Mutex<BTreeMap<(&'static str, String), f64>>,
}

/// Help text and type of each metric, in output order.
const FAMILIES: &[(&str, &str, &str)] = &[
    (
        "terraform_drift_http_requests_total",
        "counter",
        "HTTP requests served, by route and status.",
    ),
    (
        "terraform_drift_http_request_seconds_sum",
        "counter",
        "Time spent serving HTTP requests.",
    ),
    (
        "terraform_drift_scans_total",
        "counter",
        "Scans finished, by workspace and outcome.",
    ),
    (
        "terraform_drift_scan_duration_seconds_sum",
        "counter",
        "Total scan time, by workspace.",
    ),
    (
        "terraform_drift_scan_duration_seconds_count",
        "counter",
        "Scans timed, by workspace.",
    ),
    (
        "terraform_drift_resources",
        "gauge",
        "Findings of the last scan, by workspace and kind.",
    ),
    (
        "terraform_drift_cloud_api_calls_total",
        "counter",
        "Requests scans sent to cloud APIs (retries included), by workspace.",
    ),
    (
        "terraform_drift_run_tasks_total",
        "counter",
        "Run-task requests, by outcome.",
    ),
    (
        "terraform_drift_outbound_requests_total",
        "counter",
        "HTTP calls made to HCP Terraform, by purpose and status.",
    ),
];

fn labels(pairs: &[(&str, &str)]) -> String {
    let inner: Vec<String> = pairs
        .iter()
        .map(|(k, v)| {
            let v = v
                .replace('\\', "\\\\")
                .replace('"', "\\\"")
                .replace('\n', "\\n");
            format!("{k}=\"{v}\"")
        })
        .collect();
    format!("{{{}}}", inner.join(","))
}

impl Metrics {
    fn add(&self, name: &'static str, pairs: &[(&str, &str)], v: f64) {
        debug_assert!(
            FAMILIES.iter().any(|f| f.0 == name),
            "{name} has no HELP/TYPE"
        );
        if let Ok(mut s) = self.series.lock() {
            *s.entry((name, labels(pairs))).or_default() += v;
        }
    }

    fn set(&self, name: &'static str, pairs: &[(&str, &str)], v: f64) {
        debug_assert!(
            FAMILIES.iter().any(|f| f.0 == name),
            "{name} has no HELP/TYPE"
        );
        if let Ok(mut s) = self.series.lock() {
            s.insert((name, labels(pairs)), v);
        }
    }

    /// One HTTP request served.
    pub(crate) fn http_request(&self, method: &str, route: &str, status: u16, took: Duration) {
        // Clients choose the method: only the ones routed here get a label of their own.
        let method = match method {
            "GET" | "POST" | "HEAD" => method,
            _ => "other",
        };
        let status = status.to_string();
        let l = [
            ("method", method),
            ("route", route),
            ("status", status.as_str()),
        ];
        self.add("terraform_drift_http_requests_total", &l, 1.0);
        self.add(
            "terraform_drift_http_request_seconds_sum",
            &[("route", route)],
            took.as_secs_f64(),
        );
    }

    /// One scan finished.
    pub(crate) fn scan(
        &self,
        workspace: &str,
        outcome: &str,
        took: Duration,
        counts: &[(&str, usize)],
    ) {
        self.add(
            "terraform_drift_scans_total",
            &[("workspace", workspace), ("outcome", outcome)],
            1.0,
        );
        let w = [("workspace", workspace)];
        self.add(
            "terraform_drift_scan_duration_seconds_sum",
            &w,
            took.as_secs_f64(),
        );
        self.add("terraform_drift_scan_duration_seconds_count", &w, 1.0);
        for (kind, n) in counts {
            self.set(
                "terraform_drift_resources",
                &[("workspace", workspace), ("kind", kind)],
                *n as f64,
            );
        }
    }

    /// Cloud API requests a scan sent.
    pub(crate) fn cloud_calls(&self, workspace: &str, calls: u64) {
        self.add(
            "terraform_drift_cloud_api_calls_total",
            &[("workspace", workspace)],
            calls as f64,
        );
    }

    /// One run-task request, by outcome (`rejected`, `verification`, `replay`, `passed`, …).
    pub(crate) fn run_task(&self, outcome: &str) {
        self.add(
            "terraform_drift_run_tasks_total",
            &[("outcome", outcome)],
            1.0,
        );
    }

    /// One outbound call.
    pub(crate) fn outbound(&self, purpose: &str, status: &str) {
        self.add(
            "terraform_drift_outbound_requests_total",
            &[("purpose", purpose), ("status", status)],
            1.0,
        );
    }

    /// The exposition text.
    pub(crate) fn text(&self) -> String {
        let series = self.series.lock().map(|s| s.clone()).unwrap_or_default();
        let mut out = String::new();
        for (name, kind, help) in FAMILIES {
            let _ = writeln!(out, "# HELP {name} {help}");
            let _ = writeln!(out, "# TYPE {name} {kind}");
            for ((n, l), v) in &series {
                if n == name {
                    let _ = writeln!(out, "{n}{l} {v}");
                }
            }
        }
        out
    }
}

/// `GET /metrics`.
pub(crate) async fn render(State(app): State<Arc<App>>) -> impl IntoResponse {
    (
        [(
            axum::http::header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        app.metrics.text(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_prometheus_text() {
        let m = Metrics::default();
        m.scan(
            "prod \"a\"",
            "succeeded",
            Duration::from_millis(1500),
            &[("changed", 2)],
        );
        m.scan(
            "prod \"a\"",
            "succeeded",
            Duration::from_millis(500),
            &[("changed", 1)],
        );
        // Every other series: each must have its HELP/TYPE (debug assertion) and show up.
        m.cloud_calls("prod \"a\"", 12);
        m.run_task("replay");
        m.outbound("callback", "500");
        m.http_request("GET", "/metrics", 200, Duration::from_millis(1));
        let t = m.text();
        assert_eq!(t.lines().filter(|l| !l.starts_with('#')).count(), 9, "{t}");
        assert!(
            t.contains("# TYPE terraform_drift_scans_total counter"),
            "{t}"
        );
        assert!(
            t.contains(
                r#"terraform_drift_scans_total{workspace="prod \"a\"",outcome="succeeded"} 2"#
            ),
            "{t}"
        );
        assert!(
            t.contains(r#"terraform_drift_scan_duration_seconds_sum{workspace="prod \"a\""} 2"#),
            "{t}"
        );
        assert!(
            t.contains(r#"terraform_drift_resources{workspace="prod \"a\"",kind="changed"} 1"#),
            "{t}"
        );
    }
}
