//! One report, many formats: a terminal table, the stable JSON contract, markdown for PR
//! comments, SARIF for code scanning and JUnit XML for CI test reports.

use std::fmt::Write as _;

use serde_json::Value;

use crate::diff::{Drift, Kind, Report, Unchecked};

mod junit;
mod sarif;
pub use junit::junit;
pub use sarif::sarif;

/// Output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Aligned text for a terminal.
    Table,
    /// The stable JSON contract (`format_version` "1").
    Json,
    /// GitHub-flavoured markdown, fit for a pull request comment.
    Markdown,
    /// SARIF 2.1.0, for code scanning.
    Sarif,
    /// JUnit XML, for CI test reports.
    Junit,
}

impl Format {
    /// Every format by its name on the command line and in settings files.
    pub const NAMES: [(&'static str, Format); 5] = [
        ("table", Format::Table),
        ("json", Format::Json),
        ("markdown", Format::Markdown),
        ("sarif", Format::Sarif),
        ("junit", Format::Junit),
    ];
}

impl std::str::FromStr for Format {
    type Err = String;

    /// A format by name, ignoring case.
    fn from_str(s: &str) -> Result<Format, String> {
        Format::NAMES
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(s))
            .map(|(_, f)| *f)
            .ok_or_else(|| format!("unknown format {s:?} (table, json, markdown, sarif or junit)"))
    }
}

/// Renders `report` in `format`; `color` adds ANSI colours (tables only). SARIF names files
/// relative to the scanned module; see [`write_to`] for other places.
pub fn render(report: &Report, format: Format, color: bool) -> String {
    match format {
        Format::Table => table(report, color),
        Format::Json => json(report),
        Format::Markdown => markdown(report),
        Format::Sarif => sarif_text(report, "."),
        Format::Junit => junit(report),
    }
}

fn sarif_text(report: &Report, module_dir: &str) -> String {
    let mut s = serde_json::to_string_pretty(&sarif(report, module_dir))
        .expect("a SARIF log always serializes");
    s.push('\n');
    s
}

/// [`render`] into `out`. JSON is serialized straight into the writer: a report of 300k
/// unmanaged resources is larger than the snapshot it came from, and holding it as one string
/// on top of the scan's data would raise the peak memory by that much.
///
/// `module_dir` is the scanned module's directory as the user named it: SARIF gives files
/// relative to where the scan ran.
pub fn write_to(
    report: &Report,
    format: Format,
    color: bool,
    module_dir: &str,
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    match format {
        Format::Sarif => out.write_all(sarif_text(report, module_dir).as_bytes()),
        Format::Json => {
            use std::io::Write as _;
            let mut out = std::io::BufWriter::with_capacity(1 << 16, out);
            serde_json::to_writer_pretty(&mut out, report)?;
            out.write_all(b"\n")?;
            out.flush()
        }
        other => out.write_all(render(report, other, color).as_bytes()),
    }
}

/// The JSON contract. Field names are stable: add, never rename.
pub fn json(report: &Report) -> String {
    let mut s = serde_json::to_string_pretty(report).expect("a report always serializes");
    s.push('\n');
    s
}

/// The one-line summary used by every format.
pub fn summary_line(report: &Report) -> String {
    let s = &report.summary;
    let coverage = match s.coverage_percent {
        Some(c) => format!("{c:.1}%"),
        None => "n/a (nothing was checked)".to_string(),
    };
    let mut line = format!(
        "{} managed, {} changed, {} missing, {} unmanaged, {} unchecked; coverage {coverage}",
        s.managed, s.changed, s.missing, s.unmanaged, s.unchecked
    );
    if report.partial {
        line.push_str(" (PARTIAL: some resources could not be checked, see alerts)");
    }
    line
}

/// `s` with control characters (ESC, BEL, CR, …) written as escapes: cloud IDs, tag keys and
/// for_each keys are input, and a raw escape sequence could rewrite the reader's terminal.
fn safe(s: &str) -> std::borrow::Cow<'_, str> {
    if s.chars().any(char::is_control) {
        std::borrow::Cow::Owned(
            s.chars()
                .map(|c| {
                    if c.is_control() {
                        c.escape_default().to_string()
                    } else {
                        c.to_string()
                    }
                })
                .collect(),
        )
    } else {
        std::borrow::Cow::Borrowed(s)
    }
}

fn show(v: &Value) -> String {
    match v {
        Value::Null => "null".to_string(),
        other => other.to_string(),
    }
}

fn resource_label(d: &Drift) -> String {
    if let Some(a) = &d.address {
        return a.clone();
    }
    // Unmanaged resources have no address; their Name tag is what people recognise.
    match d
        .live_attributes
        .as_ref()
        .and_then(|a| a.get("tags"))
        .and_then(|t| t.get("Name").and_then(Value::as_str).map(str::to_string))
    {
        Some(name) => format!("{} {}", d.rtype, Value::String(name)),
        None => d.rtype.clone(),
    }
}

/// Change lines for the table: sets and lists as added/removed elements, scalars as a -> b.
fn change_lines(path: &str, state: &Value, live: &Value) -> Vec<String> {
    if let (Value::Array(s), Value::Array(l)) = (state, live) {
        let mut lines: Vec<String> = s
            .iter()
            .filter(|x| !l.contains(x))
            .map(|x| format!("    - {path}: {}", show(x)))
            .collect();
        lines.extend(
            l.iter()
                .filter(|x| !s.contains(x))
                .map(|x| format!("    + {path}: {}", show(x))),
        );
        if !lines.is_empty() {
            return lines;
        }
    }
    vec![format!("    ~ {path}: {} -> {}", show(state), show(live))]
}

fn unchecked_label(u: &Unchecked) -> String {
    match &u.address {
        Some(a) => format!("{a} ({})", u.id),
        None => format!("{} {}", u.rtype, u.id),
    }
}

fn location(d: &Drift) -> String {
    match (&d.file, d.line) {
        (Some(f), Some(l)) => format!("{f}:{l}"),
        (Some(f), None) => f.clone(),
        _ => "-".to_string(),
    }
}

fn paint(text: &str, code: &str, color: bool) -> String {
    if color {
        format!("\x1b[{code}m{text}\x1b[0m")
    } else {
        text.to_string()
    }
}

fn kind_color(k: Kind) -> &'static str {
    match k {
        Kind::Changed => "33",
        Kind::Missing => "31",
        Kind::Unmanaged => "35",
    }
}

/// The headline when nothing drifted: "no drift" only when everything was checked.
fn clean_headline(report: &Report) -> Option<String> {
    if report.is_complete() {
        return None;
    }
    let n = report.unchecked.len();
    Some(if n == 0 {
        "Not everything could be checked (see the warnings below); the checked resources did not drift.".to_string()
    } else {
        format!(
            "{n} resource{} not checked (listed below): drift unknown for {}; the checked resources did not drift.",
            plural(n),
            if n == 1 { "it" } else { "them" }
        )
    })
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

fn table(report: &Report, color: bool) -> String {
    let mut out = String::new();
    if report.drift.is_empty() {
        match clean_headline(report) {
            None => out.push_str(&paint("No drift detected.", "32", color)),
            Some(h) => out.push_str(&paint(&h, "33;1", color)),
        }
        out.push('\n');
    } else {
        let header = ["KIND", "RESOURCE", "ID", "REGION", "SEVERITY", "LOCATION"];
        let rows: Vec<[String; 6]> = report
            .drift
            .iter()
            .map(|d| {
                [
                    d.kind.as_str().to_string(),
                    safe(&resource_label(d)).into_owned(),
                    safe(&d.id).into_owned(),
                    safe(d.region.as_deref().unwrap_or("-")).into_owned(),
                    d.severity.to_string(),
                    safe(&location(d)).into_owned(),
                ]
            })
            .collect();
        let mut widths = header.map(str::len);
        for r in &rows {
            for (w, c) in widths.iter_mut().zip(r) {
                *w = (*w).max(c.chars().count());
            }
        }
        let line = |cells: [&str; 6]| {
            let mut s = String::new();
            for (i, (c, w)) in cells.iter().zip(widths).enumerate() {
                if i == 5 {
                    s.push_str(c);
                } else {
                    let _ = write!(s, "{c:<w$}  ");
                }
            }
            s.trim_end().to_string()
        };
        out.push_str(&paint(&line(header), "1", color));
        out.push('\n');
        for (d, r) in report.drift.iter().zip(&rows) {
            let kind = format!("{:<w$}", r[0], w = widths[0]);
            let rest = line([
                "",
                r[1].as_str(),
                r[2].as_str(),
                r[3].as_str(),
                r[4].as_str(),
                r[5].as_str(),
            ]);
            let _ = writeln!(
                out,
                "{}{}",
                paint(&kind, kind_color(d.kind), color),
                &rest[widths[0]..]
            );
            for c in &d.changes {
                for line in change_lines(&c.path.to_string(), &c.state, &c.live) {
                    out.push_str(&safe(&line));
                    out.push('\n');
                }
            }
        }
    }
    if !report.unchecked.is_empty() {
        out.push('\n');
        let width = report
            .unchecked
            .iter()
            .map(|u| unchecked_label(u).chars().count())
            .max()
            .unwrap_or(0)
            .max("RESOURCE".len());
        out.push_str(&paint(
            &format!("{:<9}  {:<width$}  REASON", "UNCHECKED", "RESOURCE"),
            "1",
            color,
        ));
        out.push('\n');
        for u in &report.unchecked {
            let _ = writeln!(
                out,
                "{}  {:<width$}  {}",
                paint(&format!("{:<9}", "unchecked"), "36", color),
                safe(&unchecked_label(u)),
                safe(&u.reason)
            );
        }
    }
    for a in &report.alerts {
        let _ = writeln!(
            out,
            "{} {}",
            paint("warning:", "33;1", color),
            safe(&a.message)
        );
    }
    out.push('\n');
    out.push_str(&summary_line(report));
    out.push('\n');
    out
}

/// Escapes text for a markdown table cell written between backticks (the report's markdown,
/// the run task's outcomes): control characters, backslashes, pipes, newlines and backticks.
pub fn markdown_cell(s: &str) -> String {
    safe(s)
        .replace('\\', "\\\\")
        .replace('|', "\\|")
        .replace('\n', " ")
        .replace('`', "'")
}

fn markdown(report: &Report) -> String {
    let mut out = String::new();
    let n = report.drift.len();
    if n == 0 {
        match clean_headline(report) {
            None => out.push_str("### ✅ terraform-drift: no drift\n\n"),
            Some(h) => {
                let _ = writeln!(out, "### ⚠️ terraform-drift: {h}\n");
            }
        }
    } else {
        let _ = writeln!(
            out,
            "### ⚠️ terraform-drift: {n} resource{} drifted\n",
            if n == 1 { "" } else { "s" }
        );
        out.push_str("| Kind | Resource | ID | Region | Severity | Where |\n");
        out.push_str("|---|---|---|---|---|---|\n");
        for d in &report.drift {
            let _ = writeln!(
                out,
                "| {} | `{}` | `{}` | {} | {} | {} |",
                d.kind.as_str(),
                markdown_cell(&resource_label(d)),
                markdown_cell(&d.id),
                markdown_cell(d.region.as_deref().unwrap_or("-")),
                d.severity,
                markdown_cell(&location(d)),
            );
        }
        let changed: Vec<&Drift> = report
            .drift
            .iter()
            .filter(|d| !d.changes.is_empty())
            .collect();
        if !changed.is_empty() {
            out.push_str("\n<details><summary>Attribute changes</summary>\n\n");
            out.push_str("| Resource | Attribute | State | Live |\n|---|---|---|---|\n");
            for d in changed {
                for c in &d.changes {
                    let _ = writeln!(
                        out,
                        "| `{}` | `{}` | `{}` | `{}` |",
                        markdown_cell(&resource_label(d)),
                        markdown_cell(&c.path.to_string()),
                        markdown_cell(&show(&c.state)),
                        markdown_cell(&show(&c.live))
                    );
                }
            }
            out.push_str("\n</details>\n");
        }
    }
    if !report.unchecked.is_empty() {
        out.push_str("\n**Not checked** (neither in sync nor drifted):\n\n");
        out.push_str("| Resource | ID | Reason |\n|---|---|---|\n");
        for u in &report.unchecked {
            let _ = writeln!(
                out,
                "| `{}` | `{}` | {} |",
                markdown_cell(u.address.as_deref().unwrap_or(&u.rtype)),
                markdown_cell(&u.id),
                markdown_cell(&u.reason)
            );
        }
    }
    if !report.alerts.is_empty() {
        out.push('\n');
        for a in &report.alerts {
            let _ = writeln!(out, "> **Warning:** {}", markdown_cell(&a.message));
        }
    }
    let _ = writeln!(out, "\n**Summary:** {}", summary_line(report));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diff::{Change, Summary};
    use crate::model::{Alert, Severity};
    use serde_json::json;

    fn sample() -> Report {
        Report {
            format_version: "1",
            summary: Summary {
                managed: 3,
                changed: 1,
                missing: 1,
                unmanaged: 1,
                unchecked: 2,
                coverage_percent: Some(75.0),
            },
            drift: vec![
                Drift {
                    kind: Kind::Changed,
                    rtype: "aws_instance".into(),
                    id: "i-0abc".into(),
                    address: Some("module.app.aws_instance.web[0]".into()),
                    region: Some("us-east-1".into()),
                    severity: Severity::Medium,
                    file: Some("modules/app/main.tf".into()),
                    line: Some(12),
                    changes: vec![
                        Change {
                            path: "instance_type".into(),
                            state: json!("t3.micro"),
                            live: json!("t3.large"),
                            severity: Severity::Medium,
                            sensitive: false,
                        },
                        Change {
                            path: "tags.Owner".into(),
                            state: json!(null),
                            live: json!("a|b"),
                            severity: Severity::Low,
                            sensitive: false,
                        },
                    ],
                    live_attributes: None,
                },
                Drift {
                    kind: Kind::Missing,
                    rtype: "aws_subnet".into(),
                    id: "subnet-1".into(),
                    address: Some("aws_subnet.b".into()),
                    region: Some("us-east-1".into()),
                    severity: Severity::High,
                    file: Some("main.tf".into()),
                    line: Some(30),
                    changes: vec![],
                    live_attributes: None,
                },
                Drift {
                    kind: Kind::Unmanaged,
                    rtype: "aws_security_group".into(),
                    id: "sg-9".into(),
                    address: None,
                    region: Some("us-east-1".into()),
                    severity: Severity::Medium,
                    file: None,
                    line: None,
                    changes: vec![],
                    live_attributes: None,
                },
            ],
            unchecked: vec![
                Unchecked {
                    rtype: "aws_sqs_queue".into(),
                    address: Some("aws_sqs_queue.jobs".into()),
                    id: "https://sqs.us-east-1.amazonaws.com/1/jobs".into(),
                    region: Some("us-east-1".into()),
                    code: crate::diff::UncheckedReason::TypeNotListed,
                    reason: "aws_sqs_queue is not read by this live source".into(),
                },
                Unchecked {
                    rtype: "aws_ebs_volume".into(),
                    address: Some("aws_ebs_volume.logs".into()),
                    id: "vol-2".into(),
                    region: Some("us-east-1".into()),
                    code: crate::diff::UncheckedReason::RegionNotListed,
                    reason: "aws_ebs_volume was not listed in us-east-1".into(),
                },
            ],
            alerts: vec![Alert {
                kind: crate::model::AlertKind::AccessDenied,
                message: "aws_ebs_volume in us-east-1: access denied".into(),
                partial: true,
            }],
            partial: true,
            in_sync: vec![("aws_subnet".into(), "aws_subnet.a".into())],
        }
    }

    #[test]
    fn table_snapshot() {
        insta::assert_snapshot!(render(&sample(), Format::Table, false));
    }

    #[test]
    fn markdown_snapshot() {
        insta::assert_snapshot!(render(&sample(), Format::Markdown, false));
    }

    /// The whole SARIF log of the sample: rules, levels, locations (the unmanaged one at
    /// `drift_imports.tf`), fingerprints, and the alert and unchecked resources as notifications.
    #[test]
    fn sarif_snapshot() {
        insta::assert_snapshot!(sarif_text(&sample(), "infra/prod"));
    }

    /// The whole JUnit document of the sample: the in-sync case passes, findings fail, unchecked
    /// resources are skipped.
    #[test]
    fn junit_snapshot() {
        insta::assert_snapshot!(render(&sample(), Format::Junit, false));
    }

    #[test]
    fn json_contract_fields() {
        let v: Value = serde_json::from_str(&render(&sample(), Format::Json, false)).unwrap();
        assert_eq!(v["format_version"], "1");
        for k in [
            "managed",
            "changed",
            "missing",
            "unmanaged",
            "unchecked",
            "coverage_percent",
        ] {
            assert!(v["summary"][k].is_number(), "{k}");
        }
        let d = &v["drift"][0];
        for k in [
            "kind", "type", "id", "address", "region", "severity", "file", "line", "changes",
        ] {
            assert!(d.get(k).is_some(), "{k}");
        }
        assert_eq!(d["changes"][0]["path"], "instance_type");
        assert_eq!(v["drift"][2]["address"], Value::Null);
        assert_eq!(v["alerts"][0]["type"], "access_denied");
    }

    /// A report with no findings says "no drift" only when everything was checked.
    #[test]
    fn no_drift_only_when_everything_was_checked() {
        let mut r = sample();
        r.drift.clear();
        r.alerts.clear();
        r.partial = false;
        for format in [Format::Table, Format::Markdown] {
            let text = render(&r, format, false);
            let first = text.lines().next().unwrap().to_ascii_lowercase();
            assert!(!first.contains("no drift"), "{first}");
            assert!(first.contains("2 resources not checked"), "{first}");
            assert!(text.contains("aws_sqs_queue.jobs"), "{text}");
            assert!(text.contains("aws_ebs_volume.logs"), "{text}");
        }
        let v: Value = serde_json::from_str(&render(&r, Format::Json, false)).unwrap();
        assert_eq!(v["unchecked"][0]["type"], "aws_sqs_queue");
        assert_eq!(v["unchecked"][0]["address"], "aws_sqs_queue.jobs");
        assert_eq!(v["unchecked"][0]["reason_code"], "type_not_listed");
        assert_eq!(v["unchecked"][1]["reason_code"], "region_not_listed");
        r.unchecked.clear();
        let text = render(&r, Format::Table, false);
        assert!(text.starts_with("No drift detected."), "{text}");
        // Nothing checked at all: no coverage figure.
        r.summary = Summary::default();
        assert!(
            summary_line(&r).contains("coverage n/a"),
            "{}",
            summary_line(&r)
        );
    }

    #[test]
    fn colour_only_when_asked() {
        assert!(!render(&sample(), Format::Table, false).contains('\x1b'));
        assert!(render(&sample(), Format::Table, true).contains('\x1b'));
    }
}
