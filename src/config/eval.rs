//! Expressions in provider blocks evaluated as Terraform would for the common cases:
//! variables (defaults, `TF_VAR_*`, `terraform.tfvars`, `*.auto.tfvars`), locals, templates,
//! conditionals and a few string functions, with hcl-rs's evaluator.
//!
//! Public modules write `region = local.region` or `region = var.region`; a provider
//! configured without it falls back to the environment and reads every resource in the wrong
//! region. Anything that still cannot be known (a data source, a resource attribute) stays
//! unknown: the caller leaves the argument to the provider.

use std::collections::HashMap;

use hcl::edit::structure::Body;
use hcl::eval::{Context, Evaluate, FuncArgs, FuncDef, ParamType};
use hcl::{Expression, Value};

/// How many rounds locals get to resolve their references to one another.
const MAX_LOCAL_ROUNDS: usize = 16;

/// Values known in one module: `var.*` and `local.*`.
pub struct Scope {
    ctx: Context<'static>,
}

impl std::fmt::Debug for Scope {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Scope")
    }
}

fn lower(args: FuncArgs) -> Result<Value, String> {
    Ok(Value::from(
        args[0].as_str().unwrap_or_default().to_lowercase(),
    ))
}

fn upper(args: FuncArgs) -> Result<Value, String> {
    Ok(Value::from(
        args[0].as_str().unwrap_or_default().to_uppercase(),
    ))
}

fn trimspace(args: FuncArgs) -> Result<Value, String> {
    Ok(Value::from(args[0].as_str().unwrap_or_default().trim()))
}

fn coalesce(args: FuncArgs) -> Result<Value, String> {
    args.iter()
        .find(|v| !matches!(v, Value::Null) && v.as_str() != Some(""))
        .cloned()
        .ok_or_else(|| "no non-null, non-empty argument".to_string())
}

fn lookup(args: FuncArgs) -> Result<Value, String> {
    let key = args[1].as_str().unwrap_or_default();
    match args[0].as_object().and_then(|m| m.get(key)) {
        Some(v) => Ok(v.clone()),
        None if args.len() > 2 => Ok(args[2].clone()),
        None => Err(format!("no key {key:?}")),
    }
}

fn join(args: FuncArgs) -> Result<Value, String> {
    let sep = args[0].as_str().unwrap_or_default();
    let items: Vec<String> = args[1]
        .as_array()
        .into_iter()
        .flatten()
        .map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_string))
        .collect();
    Ok(Value::from(items.join(sep)))
}

impl Scope {
    /// The scope of a module: `vars` already hold tfvars and `TF_VAR_*` (root) over the
    /// variable defaults in `bodies`; the locals of `bodies` are evaluated in it.
    pub fn new(vars: &HashMap<String, Value>, bodies: &[&Body]) -> Scope {
        let mut ctx = Context::new();
        let string = || ParamType::String;
        for (name, f) in [
            ("lower", lower as hcl::eval::Func),
            ("upper", upper),
            ("trimspace", trimspace),
        ] {
            ctx.declare_func(name, FuncDef::builder().param(string()).build(f));
        }
        ctx.declare_func(
            "coalesce",
            FuncDef::builder()
                .variadic_param(ParamType::Any)
                .build(coalesce),
        );
        ctx.declare_func(
            "lookup",
            FuncDef::builder()
                .param(ParamType::object_of(ParamType::Any))
                .param(string())
                .variadic_param(ParamType::Any)
                .build(lookup),
        );
        ctx.declare_func(
            "join",
            FuncDef::builder()
                .param(string())
                .param(ParamType::array_of(ParamType::Any))
                .build(join),
        );
        let mut var: hcl::Map<String, Value> =
            vars.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
        for body in bodies {
            for block in body.blocks() {
                if block.ident.as_str() != "variable" || block.labels.len() != 1 {
                    continue;
                }
                let name = block.labels[0].as_str();
                if var.contains_key(name) {
                    continue;
                }
                if let Some(d) = block.body.get_attribute("default")
                    && let Ok(v) = Expression::from(d.value.clone()).evaluate(&ctx)
                {
                    var.insert(name.to_string(), v);
                }
            }
        }
        ctx.declare_var("var", Value::Object(var));
        let mut pending: Vec<(String, Expression)> = bodies
            .iter()
            .flat_map(|b| b.blocks())
            .filter(|b| b.ident.as_str() == "locals")
            .flat_map(|b| b.body.attributes())
            .map(|a| {
                (
                    a.key.as_str().to_string(),
                    Expression::from(a.value.clone()),
                )
            })
            .collect();
        let mut local: hcl::Map<String, Value> = hcl::Map::new();
        for _ in 0..MAX_LOCAL_ROUNDS {
            ctx.declare_var("local", Value::Object(local.clone()));
            let before = pending.len();
            pending.retain(|(name, expr)| match expr.evaluate(&ctx) {
                Ok(v) => {
                    local.insert(name.clone(), v);
                    false
                }
                Err(_) => true,
            });
            if pending.len() == before {
                break;
            }
        }
        ctx.declare_var("local", Value::Object(local));
        Scope { ctx }
    }

    /// The value of `expr`, when everything it uses is known.
    pub fn value(&self, expr: &Expression) -> Option<Value> {
        expr.evaluate(&self.ctx).ok()
    }

    /// The value of `expr` as a string (numbers and bools as Terraform converts them).
    pub fn string(&self, expr: &Expression) -> Option<String> {
        match self.value(expr)? {
            Value::String(s) => Some(s),
            Value::Number(n) => Some(n.to_string()),
            Value::Bool(b) => Some(b.to_string()),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scope(text: &str, vars: &[(&str, &str)]) -> (Scope, Body) {
        let body = super::super::parse_body(text, "t.tf").unwrap();
        let vars = vars
            .iter()
            .map(|(k, v)| (k.to_string(), Value::from(*v)))
            .collect();
        (Scope::new(&vars, &[&body]), body)
    }

    fn provider_region(s: &Scope, body: &Body) -> Option<String> {
        let p = body.blocks().find(|b| b.ident.as_str() == "provider")?;
        s.string(&Expression::from(
            p.body.get_attribute("region")?.value.clone(),
        ))
    }

    #[test]
    fn locals_variables_templates_and_functions() {
        let text = r#"
variable "env" { default = "prod" }
variable "regions" { default = { prod = "EU-WEST-1", dev = "us-east-2" } }
locals {
  name   = "${local.prefix}-vpc"
  prefix = var.env
  region = lower(lookup(var.regions, local.prefix, "us-east-1"))
}
provider "aws" { region = local.region }
"#;
        let (s, body) = scope(text, &[]);
        assert_eq!(provider_region(&s, &body).as_deref(), Some("eu-west-1"));
        // A tfvars or TF_VAR_ value wins over the default.
        let (s, body) = scope(text, &[("env", "dev")]);
        assert_eq!(provider_region(&s, &body).as_deref(), Some("us-east-2"));
        let (s, body) = scope(
            "locals { r = data.aws_region.current.name }\nprovider \"aws\" { region = local.r }",
            &[],
        );
        assert_eq!(provider_region(&s, &body), None);
        let (s, body) = scope(
            "variable \"r\" {}\nprovider \"aws\" { region = var.r == \"\" ? \"x\" : coalesce(var.r, \"y\") }",
            &[("r", "ap-south-1")],
        );
        assert_eq!(provider_region(&s, &body).as_deref(), Some("ap-south-1"));
    }

    #[test]
    fn locals_that_refer_to_each_other_in_a_cycle_stay_unknown() {
        let (s, body) = scope(
            "locals {\n a = local.b\n b = local.a\n}\nprovider \"aws\" { region = local.a }",
            &[],
        );
        assert_eq!(provider_region(&s, &body), None);
    }
}
