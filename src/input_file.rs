//! Bounded reads of the files a user points the tool at (state, snapshot, plan, settings,
//! configuration): regular files only, up to a size that is named in the error, so that
//! `state = ["/dev/zero"]` or a FIFO is a clear error instead of a read that never ends.

use std::io::Read;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};

/// The largest state, snapshot or plan JSON read (the engine handles 100k-resource states of
/// ~220 MB; this leaves ample room).
pub const MAX_DATA_FILE: u64 = 4 << 30;
/// The largest configuration, settings, tfvars or `.driftignore` file read.
pub const MAX_TEXT_FILE: u64 = 64 << 20;

/// Reads `path` if it is a regular file of at most `max` bytes.
///
/// Errors are `std::io::Error`s (kind `InvalidInput` for a non-regular or oversized file) so
/// that every reader keeps its own typed error with the file name.
pub fn read(path: &Path, max: u64) -> std::io::Result<Vec<u8>> {
    let file = std::fs::File::open(path)?;
    let meta = file.metadata()?;
    if !meta.is_file() {
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            "not a regular file",
        ));
    }
    let too_big = || {
        std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            format!("larger than the {} MiB this tool reads", max >> 20),
        )
    };
    if meta.len() > max {
        return Err(too_big());
    }
    // The length can change while reading (a file being written): never read past the limit.
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    file.take(max + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > max {
        return Err(too_big());
    }
    Ok(bytes)
}

/// A data file's bytes: read into memory, or mapped from the page cache (see [`read_data`]).
pub enum Data {
    /// Read into memory.
    Read(Vec<u8>),
    /// Mapped, read-only.
    Mapped(memmap2::Mmap),
}

impl std::ops::Deref for Data {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        match self {
            Data::Read(bytes) => bytes,
            Data::Mapped(map) => map,
        }
    }
}

/// Files at least this large are mapped when mapping is on: below it a read costs little.
pub const MAP_MIN: u64 = 16 << 20;

static MAPPING: AtomicBool = AtomicBool::new(false);

/// Lets [`read_data`] map large files, for the rest of the process.
///
/// Reading a 220 MB state into memory costs more than parsing much of it on a VM (every fresh
/// page is zeroed, then copied into); a mapping uses the page cache's pages as they are. The
/// price is that a file truncated while mapped (a `terraform apply` rewriting its state in
/// place) raises SIGBUS on the next access instead of an I/O error: this installs a handler
/// that ends the process with a one-line error and exit code 1. A command-line run may do
/// that; a server must not, so `serve` never calls this and reads files instead.
pub fn enable_mapping() {
    // SAFETY: the handler only calls `write(2)` and `_exit(2)`, both async-signal-safe; the
    // sigaction struct is zeroed (no flags, empty mask) before the handler is set.
    let installed = unsafe {
        let mut action: libc::sigaction = std::mem::zeroed();
        action.sa_sigaction = on_sigbus as *const () as libc::sighandler_t;
        libc::sigemptyset(&mut action.sa_mask);
        libc::sigaction(libc::SIGBUS, &action, std::ptr::null_mut()) == 0
    };
    // Without the handler a truncated file would crash the process: keep reading instead.
    MAPPING.store(installed, Ordering::SeqCst);
}

extern "C" fn on_sigbus(_: libc::c_int) {
    const MSG: &[u8] = b"error: an input file (state or snapshot) was truncated while it was being read, probably by a terraform run writing it; run again when that run is done\n";
    // SAFETY: async-signal-safe calls on a static buffer; the process ends here, so the
    // faulting access is never retried.
    unsafe {
        libc::write(2, MSG.as_ptr().cast(), MSG.len());
        libc::_exit(1);
    }
}

/// Like [`read`], for state, snapshot and plan files: a regular file of at least [`MAP_MIN`]
/// bytes is mapped instead of read when [`enable_mapping`] was called.
pub fn read_data(path: &Path, max: u64) -> std::io::Result<Data> {
    if MAPPING.load(Ordering::SeqCst) {
        let file = std::fs::File::open(path)?;
        let meta = file.metadata()?;
        if meta.is_file() && (MAP_MIN..=max).contains(&meta.len()) {
            // SAFETY: the mapping is read-only and private to this process. Another process
            // may still change the file under it: a truncation is handled by the SIGBUS
            // handler `enable_mapping` installed (the flag says it is), and a rewrite in place
            // reads as mixed content, which the parsers reject as they would a torn `read`.
            let map = unsafe { memmap2::MmapOptions::new().map(&file)? };
            return Ok(Data::Mapped(map));
        }
    }
    read(path, max).map(Data::Read)
}

/// [`read`] as UTF-8 text.
pub fn read_to_string(path: &Path, max: u64) -> std::io::Result<String> {
    String::from_utf8(read(path, max)?)
        .map_err(|_| std::io::Error::new(std::io::ErrorKind::InvalidData, "not UTF-8 text"))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Large files are mapped once mapping is on; small ones and non-files are read as before.
    #[test]
    fn large_files_are_mapped_when_mapping_is_on() {
        let d = tempfile::tempdir().unwrap();
        let big = d.path().join("big");
        let small = d.path().join("small");
        std::fs::write(&big, vec![b' '; MAP_MIN as usize]).unwrap();
        std::fs::write(&small, b"{}").unwrap();
        enable_mapping();
        let data = read_data(&big, MAX_DATA_FILE).unwrap();
        assert!(matches!(data, Data::Mapped(_)));
        assert_eq!(data.len() as u64, MAP_MIN);
        assert!(matches!(
            read_data(&small, MAX_DATA_FILE).unwrap(),
            Data::Read(_)
        ));
        assert!(
            read_data(&big, MAP_MIN - 1).is_err(),
            "the limit still holds"
        );
        assert!(read_data(Path::new("/dev/zero"), 10).is_err());
    }

    /// A file truncated under its mapping ends the process with the one-line error and exit 1,
    /// not a crash. Run in a child process (the handler exits it).
    #[test]
    fn a_truncated_mapping_is_a_clear_error() {
        if std::env::var_os("TRUNCATE_CHILD").is_some() {
            let path = std::path::PathBuf::from(std::env::var_os("TRUNCATE_CHILD").unwrap());
            enable_mapping();
            let data = read_data(&path, MAX_DATA_FILE).unwrap();
            assert!(matches!(data, Data::Mapped(_)));
            std::fs::File::options()
                .write(true)
                .open(&path)
                .unwrap()
                .set_len(0)
                .unwrap();
            // Touching a page past the new end raises SIGBUS.
            let last = data[data.len() - 1];
            panic!("read {last} past the end of a truncated file");
        }
        let d = tempfile::tempdir().unwrap();
        let f = d.path().join("state");
        std::fs::write(&f, vec![b' '; MAP_MIN as usize]).unwrap();
        let out = std::process::Command::new(std::env::current_exe().unwrap())
            .args([
                "--exact",
                "input_file::tests::a_truncated_mapping_is_a_clear_error",
                "--nocapture",
            ])
            .env("TRUNCATE_CHILD", &f)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{stderr}");
        assert!(
            stderr.contains("error: an input file (state or snapshot) was truncated"),
            "{stderr}"
        );
    }

    #[test]
    fn only_regular_files_within_the_limit() {
        let d = tempfile::tempdir().unwrap();
        let f = d.path().join("x");
        std::fs::write(&f, b"12345").unwrap();
        assert_eq!(read(&f, 5).unwrap(), b"12345");
        let e = read(&f, 4).unwrap_err();
        assert_eq!(e.kind(), std::io::ErrorKind::InvalidInput);
        assert!(e.to_string().contains("larger than"), "{e}");
        let e = read(d.path(), 10).unwrap_err();
        assert!(
            e.to_string().contains("not a regular file")
                || e.kind() == std::io::ErrorKind::IsADirectory,
            "{e}"
        );
        let e = read(Path::new("/dev/zero"), 10).unwrap_err();
        assert!(e.to_string().contains("not a regular file"), "{e}");
    }
}
