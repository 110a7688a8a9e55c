//! The `terraform-drift` command.

use std::process::ExitCode;

// Large states are millions of small attribute values; mimalloc allocates them faster and
// with less overhead than the system allocator.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    match terraform_drift::cli::run() {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(1)
        }
    }
}
