//! JUnit XML, for CI systems that show test results (GitLab, Jenkins, Azure Pipelines, …): a
//! `managed` suite with one case per state resource — passing when in sync, failing when changed
//! or missing, skipped when it could not be checked — and an `unmanaged` suite with one failing
//! case per resource in no state.

use std::fmt::Write as _;

use crate::diff::{Drift, Kind, Report, Unchecked};

/// The JUnit XML of `report`.
pub fn junit(report: &Report) -> String {
    let mut managed: Vec<Case> = report
        .in_sync
        .iter()
        .map(|(rtype, address)| Case {
            class: rtype.clone(),
            name: address.clone(),
            outcome: Outcome::Pass,
        })
        .collect();
    let mut unmanaged = Vec::new();
    for d in &report.drift {
        let case = Case {
            class: d.rtype.clone(),
            name: match &d.address {
                Some(a) => a.clone(),
                None => match &d.region {
                    Some(r) => format!("{} {} ({r})", d.rtype, d.id),
                    None => format!("{} {}", d.rtype, d.id),
                },
            },
            outcome: Outcome::Fail(d),
        };
        match d.kind {
            Kind::Unmanaged => unmanaged.push(case),
            Kind::Changed | Kind::Missing => managed.push(case),
        }
    }
    managed.extend(report.unchecked.iter().map(|u| {
        Case {
            class: u.rtype.clone(),
            name: u
                .address
                .clone()
                .unwrap_or_else(|| format!("{} {}", u.rtype, u.id)),
            outcome: Outcome::Skip(u),
        }
    }));
    // Stable order for readers that diff one run's results with the next.
    managed.sort_by(|a, b| (&a.class, &a.name).cmp(&(&b.class, &b.name)));
    let suites = [("managed", &managed), ("unmanaged", &unmanaged)];
    let count =
        |cases: &[Case], f: fn(&Outcome) -> bool| cases.iter().filter(|c| f(&c.outcome)).count();
    let failed = |o: &Outcome| matches!(o, Outcome::Fail(_));
    let skipped = |o: &Outcome| matches!(o, Outcome::Skip(_));
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let total: usize = suites.iter().map(|(_, c)| c.len()).sum();
    let _ = writeln!(
        out,
        "<testsuites name=\"terraform-drift\" tests=\"{total}\" failures=\"{}\" errors=\"0\" skipped=\"{}\">",
        count(&managed, failed) + count(&unmanaged, failed),
        count(&managed, skipped),
    );
    for (name, cases) in suites {
        let _ = writeln!(
            out,
            "  <testsuite name=\"{name}\" tests=\"{}\" failures=\"{}\" errors=\"0\" skipped=\"{}\">",
            cases.len(),
            count(cases, failed),
            count(cases, skipped),
        );
        for c in cases.iter() {
            let _ = write!(
                out,
                "    <testcase classname=\"{}\" name=\"{}\"",
                xml(&c.class),
                xml(&c.name)
            );
            match &c.outcome {
                Outcome::Pass => out.push_str("/>\n"),
                Outcome::Fail(d) => {
                    let (message, body) = failure(d);
                    let _ = writeln!(
                        out,
                        ">\n      <failure type=\"{}\" message=\"{}\">{}</failure>\n    </testcase>",
                        d.kind.as_str(),
                        xml(&message),
                        xml_text(&body)
                    );
                }
                Outcome::Skip(u) => {
                    let _ = writeln!(
                        out,
                        ">\n      <skipped message=\"{}\"/>\n    </testcase>",
                        xml(&format!("not checked: {}", u.reason))
                    );
                }
            }
        }
        out.push_str("  </testsuite>\n");
    }
    out.push_str("</testsuites>\n");
    out
}

struct Case<'a> {
    class: String,
    name: String,
    outcome: Outcome<'a>,
}

enum Outcome<'a> {
    Pass,
    Fail(&'a Drift),
    Skip(&'a Unchecked),
}

/// A failure's one-line message and its body (one changed path a line, values as the JSON
/// report has them: redacted where sensitive).
fn failure(d: &Drift) -> (String, String) {
    let mut message = format!("{} {} ({} severity)", d.id, d.kind.phrase(), d.severity);
    if d.kind == Kind::Changed {
        let paths: Vec<String> = d.changes.iter().map(|c| c.path.to_string()).collect();
        message = format!("{message}: {}", paths.join(", "));
    }
    let body = d
        .changes
        .iter()
        .map(|c| format!("{}: {} -> {}\n", c.path, c.state, c.live))
        .collect();
    (message, body)
}

/// `s` escaped for an XML attribute value; characters XML 1.0 cannot hold at all (most
/// control characters) become U+FFFD.
fn xml(s: &str) -> String {
    escape(s, true)
}

/// `s` escaped for XML element text: line breaks stay line breaks.
fn xml_text(s: &str) -> String {
    escape(s, false)
}

fn escape(s: &str, attribute: bool) -> String {
    let mut out = String::with_capacity(s.len());
    for ch in s.chars() {
        match ch {
            '\n' if !attribute => out.push('\n'),
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\n' => out.push_str("&#10;"),
            '\t' => out.push_str("&#9;"),
            '\r' => out.push_str("&#13;"),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_escaped_and_control_characters_replaced() {
        assert_eq!(
            xml("a<b & \"c\" 'd'\n\u{1b}[31m"),
            "a&lt;b &amp; &quot;c&quot; &apos;d&apos;&#10;\u{FFFD}[31m"
        );
        assert_eq!(xml_text("a\nb<"), "a\nb&lt;");
    }
}
