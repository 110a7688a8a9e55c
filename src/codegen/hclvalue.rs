//! Writing JSON values as HCL literals, shared by `codify` and `patch` so both escape alike.
//!
//! Every string that reaches HCL comes from the cloud and must stay a literal: a tag value of
//! `${file("/etc/passwd")}` may never turn into a template, hence the hand-written escaper
//! (infallible, unlike going through `hcl::format`, and covered by a parse-back proptest).
//! The line writer aligns `=` the way `terraform fmt` does, which hcl-rs's formatter does not.

use crate::model::schema::Type;
use serde_json::Value;

static DYNAMIC: Type = Type::Dynamic;

/// Quotes `s` as an HCL string literal that parses back to exactly `s`.
pub fn string_lit(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => out.push_str(&format!("\\u{:04x}", u32::from(c))),
            // Doubling the sigil is HCL's escape for a literal `${` / `%{`.
            '$' | '%' if chars.peek() == Some(&'{') => {
                out.push(c);
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Writes an object key bare when HCL reads it back as the same string, quoted otherwise.
pub fn key(k: &str) -> String {
    let mut chars = k.chars();
    let ident = chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    // Keywords would be read as values (`true`), or as the start of a `for` expression.
    if ident && !matches!(k, "true" | "false" | "null" | "for") {
        k.to_string()
    } else {
        string_lit(k)
    }
}

pub use crate::model::is_empty;

/// A value ready to be written: objects stay structured so they can be laid out over lines.
#[derive(Debug, Clone, PartialEq)]
pub enum Val {
    /// Text that always fits on one line.
    Inline(String),
    /// An object literal, keys already written with [`key`].
    Object(Vec<(String, Val)>),
}

impl Val {
    /// Converts JSON to HCL. `ty` only decides set ordering and element types; `reference`
    /// may replace a string with an expression (a traversal) written as is.
    pub fn from_json(v: &Value, ty: &Type, reference: &dyn Fn(&str) -> Option<String>) -> Val {
        match v {
            Value::Null => Val::Inline("null".into()),
            Value::Bool(b) => Val::Inline(b.to_string()),
            Value::Number(n) => Val::Inline(n.to_string()),
            Value::String(s) => Val::Inline(reference(s).unwrap_or_else(|| string_lit(s))),
            Value::Array(items) => {
                let mut parts: Vec<String> = items
                    .iter()
                    .enumerate()
                    .map(|(i, x)| {
                        let ty = match ty {
                            Type::List(t) | Type::Set(t) => t,
                            Type::Tuple(ts) => ts.get(i).unwrap_or(&DYNAMIC),
                            _ => &DYNAMIC,
                        };
                        Val::from_json(x, ty, reference).inline()
                    })
                    .collect();
                // Sets have no order; sorting keeps the output stable across reads.
                if matches!(ty, Type::Set(_)) {
                    parts.sort();
                }
                Val::Inline(format!("[{}]", parts.join(", ")))
            }
            Value::Object(map) => Val::Object(
                map.iter()
                    .map(|(k, x)| {
                        let ty = match ty {
                            Type::Map(t) => t,
                            Type::Object(fields) => fields.get(k).unwrap_or(&DYNAMIC),
                            _ => &DYNAMIC,
                        };
                        (key(k), Val::from_json(x, ty, reference))
                    })
                    .collect(),
            ),
        }
    }

    /// The single-line form, e.g. `{ a = 1, b = "x" }` for objects.
    pub fn inline(&self) -> String {
        match self {
            Val::Inline(s) => s.clone(),
            Val::Object(items) if items.is_empty() => "{}".into(),
            Val::Object(items) => {
                let parts: Vec<String> = items
                    .iter()
                    .map(|(k, v)| format!("{k} = {}", v.inline()))
                    .collect();
                format!("{{ {} }}", parts.join(", "))
            }
        }
    }

    /// The expression text for a value starting at a line indented by `base`: non-empty
    /// objects span lines, their entries indented two more spaces and aligned.
    pub fn render(&self, base: &str, eol: &str) -> String {
        match self {
            Val::Object(items) if !items.is_empty() => {
                let mut lines = Lines::default();
                for (k, v) in items {
                    lines.attr(1, k, v);
                }
                format!("{{{eol}{}{base}}}", lines.finish(base, eol))
            }
            _ => self.inline(),
        }
    }
}

/// Lines of HCL being built, so `=` can be aligned once a run of attributes is complete.
#[derive(Debug, Default)]
pub struct Lines {
    /// (depth, text before `=`, text after `=` for single-line attributes)
    lines: Vec<(usize, String, Option<String>)>,
}

impl Lines {
    /// Adds a line that is not a single-line attribute (block headers, braces, comments).
    pub fn text(&mut self, depth: usize, text: impl Into<String>) {
        self.lines.push((depth, text.into(), None));
    }

    /// Adds `key = value`, spreading non-empty objects over several lines.
    pub fn attr(&mut self, depth: usize, key: &str, val: &Val) {
        match val {
            Val::Object(items) if !items.is_empty() => {
                self.text(depth, format!("{key} = {{"));
                for (k, v) in items {
                    self.attr(depth + 1, k, v);
                }
                self.text(depth, "}");
            }
            _ => self
                .lines
                .push((depth, key.to_string(), Some(val.inline()))),
        }
    }

    /// Appends the lines of `other`.
    pub fn extend(&mut self, other: Lines) {
        self.lines.extend(other.lines);
    }

    /// `true` when nothing was added.
    pub fn is_empty(&self) -> bool {
        self.lines.is_empty()
    }

    /// Joins the lines, each prefixed by `base` and two spaces per depth and ended by `eol`.
    /// Like `terraform fmt`, consecutive single-line attributes share one `=` column; any
    /// other line (a brace, a comment, a blank) ends the run.
    pub fn finish(&self, base: &str, eol: &str) -> String {
        let mut out = String::new();
        let mut start = 0;
        while start < self.lines.len() {
            let (depth, _, assign) = &self.lines[start];
            let run = self.lines[start..]
                .iter()
                .take_while(|(d, _, a)| a.is_some() && assign.is_some() && d == depth)
                .count()
                .max(1);
            let width = self.lines[start..start + run]
                .iter()
                .map(|(_, lead, _)| lead.chars().count())
                .max()
                .unwrap_or(0);
            for (depth, lead, assign) in &self.lines[start..start + run] {
                if !(lead.is_empty() && assign.is_none()) {
                    out.push_str(base);
                    out.push_str(&"  ".repeat(*depth));
                    out.push_str(lead);
                }
                if let Some(value) = assign {
                    let pad = width - lead.chars().count();
                    out.push_str(&format!("{:pad$} = {value}", ""));
                }
                out.push_str(eol);
            }
            start += run;
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde_json::json;

    fn parse_attr(text: &str) -> hcl::Expression {
        let body: hcl::Body = hcl::from_str(text).expect("parses");
        body.attributes().next().expect("attribute").expr.clone()
    }

    #[test]
    fn escapes_templates_quotes_and_controls() {
        assert_eq!(string_lit("a${b}%{c}"), r#""a$${b}%%{c}""#);
        assert_eq!(string_lit("$$%"), r#""$$%""#);
        assert_eq!(
            string_lit("\"\\\n\r\t\u{1}\u{7f}é}"),
            r#""\"\\\n\r\t\u0001\u007fé}""#
        );
    }

    #[test]
    fn keys_quote_only_when_needed() {
        assert_eq!(key("Name"), "Name");
        assert_eq!(key("my-key_1"), "my-key_1");
        for k in ["1a", "a.b", "", "null", "for", "kubernetes.io/role", "é"] {
            assert_eq!(key(k), string_lit(k));
        }
    }

    #[test]
    fn aligns_runs_and_breaks_them_at_other_lines() {
        let mut l = Lines::default();
        l.attr(1, "a", &Val::Inline("1".into()));
        l.attr(1, "long_name", &Val::Inline("2".into()));
        let obj = Val::from_json(&json!({"x": 1, "yy": [1, 2]}), &Type::Dynamic, &|_| None);
        l.attr(1, "m", &obj);
        l.text(1, "");
        l.attr(1, "b", &Val::Inline("3".into()));
        let want = "  a         = 1\n  long_name = 2\n  m = {\n    x  = 1\n    yy = [1, 2]\n  }\n\n  b = 3\n";
        assert_eq!(l.finish("", "\n"), want);
        assert_eq!(obj.inline(), "{ x = 1, yy = [1, 2] }");
        assert_eq!(
            obj.render("\t", "\r\n"),
            "{\r\n\t  x  = 1\r\n\t  yy = [1, 2]\r\n\t}"
        );
    }

    #[test]
    fn sets_sort_and_references_apply_inside_collections() {
        let ty = Type::Set(Box::new(Type::String));
        let refs = |s: &str| (s == "sg-1").then(|| "aws_security_group.a.id".to_string());
        let v = Val::from_json(&json!(["sg-2", "sg-1", "a"]), &ty, &refs);
        assert_eq!(v.inline(), r#"["a", "sg-2", aws_security_group.a.id]"#);
    }

    proptest! {
        #[test]
        fn strings_round_trip_as_literals(s in "(\\PC|[\"\\\\\n\r\t\u{0}-\u{1f}\u{7f}]|\\$\\{|%\\{|\\}|\\$\\$\\{)*") {
            let text = format!("v = {}\n", string_lit(&s));
            prop_assert_eq!(parse_attr(&text), hcl::Expression::String(s.clone()));
            let text = format!("v = {{\n  {} = {}\n}}\n", key(&s), string_lit(&s));
            let hcl::Expression::Object(obj) = parse_attr(&text) else { panic!("object") };
            let (k, v) = obj.into_iter().next().expect("entry");
            let k = match k {
                hcl::ObjectKey::Identifier(id) => id.to_string(),
                hcl::ObjectKey::Expression(hcl::Expression::String(s)) => s,
                other => panic!("key {other:?}"),
            };
            prop_assert_eq!(k, s.clone());
            prop_assert_eq!(v, hcl::Expression::String(s));
        }
    }
}
