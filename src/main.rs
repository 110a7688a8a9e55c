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
    return_freed_memory_at_once();
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

/// mimalloc keeps freed memory for a second (its bundled default) before returning it to the
/// OS. A scan frees a whole input file (220 MB of state at 100k resources) right before reading
/// the next one: returned at once, it is not counted twice in the peak.
fn return_freed_memory_at_once() {
    // SAFETY: mimalloc's option functions take plain integers; this runs before any other
    // thread exists (they are documented as not thread safe).
    unsafe {
        if libmimalloc_sys::mi_option_get(PURGE_DELAY) == BUNDLED_PURGE_DELAY {
            libmimalloc_sys::mi_option_set(PURGE_DELAY, 0);
        }
    }
}

/// `mi_option_purge_delay` comes right before `mi_option_use_numa_nodes` in the bundled
/// mimalloc's option enum; the crate names no constant for it.
const PURGE_DELAY: libmimalloc_sys::mi_option_t = libmimalloc_sys::mi_option_use_numa_nodes - 1;

/// Its default in the bundled mimalloc (`MIMALLOC_VERBOSE=1` lists it): confirms the option's
/// number before it is changed.
const BUNDLED_PURGE_DELAY: std::ffi::c_long = 1000;

#[cfg(test)]
mod tests {
    use super::*;

    /// A mimalloc update that renumbers its options or changes the default fails here instead
    /// of silently keeping freed memory.
    #[test]
    fn the_purge_delay_option_is_the_one_we_think() {
        // SAFETY: reads an option; nothing else in this test binary changes them.
        let now = unsafe { libmimalloc_sys::mi_option_get(PURGE_DELAY) };
        assert_eq!(now, BUNDLED_PURGE_DELAY);
    }
}
