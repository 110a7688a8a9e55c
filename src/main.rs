//! The `terraform-drift` command.

use std::process::ExitCode;

fn main() -> ExitCode {
    match terraform_drift::cli::run() {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(1)
        }
    }
}
