//! The `terraform-drift` command.

use std::process::ExitCode;

// Large states are millions of small attribute values; mimalloc allocates them faster and
// with less overhead than the system allocator.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[expect(
    clippy::print_stderr,
    reason = "the last error is printed where every other message goes"
)]
fn main() -> ExitCode {
    match terraform_drift::cli::run() {
        Ok(exit) => ExitCode::from(exit),
        Err(e) => {
            // Errors quote their input (paths, addresses); a hostile one must not turn into a
            // megabyte of terminal output.
            let msg = format!("{e:#}");
            eprintln!(
                "error: {}",
                terraform_drift::model::truncate_for_message_at(&msg, 2_000)
            );
            ExitCode::from(terraform_drift::cli::Exit::Error)
        }
    }
}
