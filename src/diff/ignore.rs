//! `.driftignore`, driftctl-compatible.
//!
//! One rule a line: `type.id` ignores a resource, `type.id.attr.path` ignores a change inside it,
//! `*` matches within one segment, `!` re-includes, `#` starts a comment, `\.` is a literal dot.
//! As in `.gitignore`, the last matching line wins.

use crate::model::{AttrPath, PathStep};

#[derive(Debug, Clone, PartialEq, Eq)]
struct Rule {
    negate: bool,
    rtype: String,
    id: String,
    path: Vec<String>,
}

/// A parsed `.driftignore`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DriftIgnore {
    rules: Vec<Rule>,
}

/// The longest `.driftignore` line read.
pub const MAX_RULE: usize = 4096;

impl DriftIgnore {
    /// Parses `.driftignore` text (lines with fewer than two segments are skipped), refusing a rule longer than [`MAX_RULE`] characters (a rule
    /// is a type, an ID and an attribute path; a megabyte-long one is a broken or hostile file,
    /// and splitting it would cost many times its size).
    pub fn parse(text: &str) -> Result<DriftIgnore, String> {
        if let Some((n, _)) = text.lines().enumerate().find(|(_, l)| l.len() > MAX_RULE) {
            return Err(format!(
                "line {} is longer than {MAX_RULE} characters: not a .driftignore rule",
                n + 1
            ));
        }
        let rules = text
            .lines()
            .filter_map(|line| {
                let line = line.trim();
                if line.is_empty() || line.starts_with('#') {
                    return None;
                }
                let (negate, body) = match line.strip_prefix('!') {
                    Some(rest) => (true, rest),
                    None => (false, line),
                };
                let segs = split_segments(body);
                if segs.len() < 2 {
                    return None;
                }
                Some(Rule {
                    negate,
                    rtype: segs[0].clone(),
                    id: segs[1].clone(),
                    path: segs[2..].to_vec(),
                })
            })
            .collect();
        Ok(DriftIgnore { rules })
    }

    /// True when the whole resource is ignored.
    pub fn ignores_resource(&self, rtype: &str, id: &str) -> bool {
        let mut ignored = false;
        for r in &self.rules {
            if r.path.is_empty() && glob(&r.rtype, rtype) && glob(&r.id, id) {
                ignored = !r.negate;
            }
        }
        ignored
    }

    /// True when a change at `path` of the resource is ignored.
    pub fn ignores_change(&self, rtype: &str, id: &str, path: &AttrPath) -> bool {
        let segs: Vec<String> = path
            .0
            .iter()
            .map(|s| match s {
                PathStep::Key(k) => k.clone(),
                PathStep::Index(i) => i.to_string(),
            })
            .collect();
        let mut ignored = false;
        for r in &self.rules {
            if r.path.is_empty() || !glob(&r.rtype, rtype) || !glob(&r.id, id) {
                continue;
            }
            // A rule on `tags` covers `tags.Owner`: the rule is a prefix of the change path.
            if r.path.len() <= segs.len() && r.path.iter().zip(&segs).all(|(p, s)| glob(p, s)) {
                ignored = !r.negate;
            }
        }
        ignored
    }
}

/// Splits on unescaped dots; `\.` stays a dot inside a segment.
fn split_segments(s: &str) -> Vec<String> {
    let mut out = vec![String::new()];
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' if chars.peek() == Some(&'.') => {
                out.last_mut().expect("never empty").push('.');
                chars.next();
            }
            '.' => out.push(String::new()),
            c => out.last_mut().expect("never empty").push(c),
        }
    }
    out
}

/// `*` matches any run of characters (within one segment).
fn glob(pattern: &str, text: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let t: Vec<char> = text.chars().collect();
    // Iterative wildcard matching with backtracking to the last star: linear in practice.
    let (mut pi, mut ti) = (0, 0);
    let (mut star, mut mark) = (None, 0);
    while ti < t.len() {
        if pi < p.len() && p[pi] != '*' && p[pi] == t[ti] {
            pi += 1;
            ti += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some(pi);
            mark = ti;
            pi += 1;
        } else if let Some(s) = star {
            pi = s + 1;
            mark += 1;
            ti = mark;
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|c| *c == '*')
}

#[cfg(test)]
mod tests {
    use super::*;

    impl DriftIgnore {
        fn parse_ok(text: &str) -> DriftIgnore {
            DriftIgnore::parse(text).unwrap()
        }
    }

    #[test]
    fn over_long_rules_are_refused() {
        let text = format!("aws_vpc.vpc-1\n{}\n", "a.".repeat(5_000_000));
        let e = DriftIgnore::parse(&text).unwrap_err();
        assert!(e.contains("line 2"), "{e}");
    }

    #[test]
    fn resources_wildcards_and_negation() {
        let ig = DriftIgnore::parse_ok(
            "# comment\n\naws_instance.*\n!aws_instance.i-keep\naws_s3_bucket.my\\.bucket\naws_eip\n",
        );
        assert!(ig.ignores_resource("aws_instance", "i-123"));
        assert!(!ig.ignores_resource("aws_instance", "i-keep"));
        assert!(ig.ignores_resource("aws_s3_bucket", "my.bucket"));
        assert!(!ig.ignores_resource("aws_vpc", "vpc-1"));
        // "aws_eip" alone has no id segment and is skipped.
        assert!(!ig.ignores_resource("aws_eip", "eipalloc-1"));
    }

    #[test]
    fn attribute_rules() {
        let ig = DriftIgnore::parse_ok(
            "aws_instance.i-1.tags.Owner\naws_security_group.*.ingress\n*.*.tags.Cost*\n!aws_vpc.vpc-1.tags.CostCenter\n",
        );
        assert!(ig.ignores_change("aws_instance", "i-1", &AttrPath::parse("tags.Owner")));
        assert!(!ig.ignores_change("aws_instance", "i-1", &AttrPath::parse("tags.Name")));
        assert!(!ig.ignores_change("aws_instance", "i-2", &AttrPath::parse("tags.Owner")));
        assert!(ig.ignores_change(
            "aws_security_group",
            "sg-1",
            &AttrPath::parse("ingress[0].cidr_blocks")
        ));
        assert!(ig.ignores_change("aws_subnet", "s-1", &AttrPath::parse("tags.CostCenter")));
        assert!(!ig.ignores_change("aws_vpc", "vpc-1", &AttrPath::parse("tags.CostCenter")));
        assert!(!ig.ignores_resource("aws_instance", "i-1"));
    }

    #[test]
    fn glob_cases() {
        assert!(glob("*", ""));
        assert!(glob("a*c", "abbbc"));
        assert!(glob("*-prod-*", "x-prod-y"));
        assert!(!glob("a*c", "abd"));
        assert!(glob("i-*", "i-0abc"));
    }
}
