//! The one way terraform-drift writes a file: reports (`scan --out`), snapshots (`discover`),
//! generated and patched configuration (`codify`, `patch`, their backups) and cached schemas.
//!
//! Every write goes through a temporary file in the target's directory and a rename, so a
//! reader never sees half a file. A new file gets the mode any editor would give it (0666
//! less the umask: 0644 under umask 022), not the 0600 a temporary file is created with; a
//! replaced file keeps its mode, so a 0640 `main.tf` stays 0640.

use std::path::Path;

use anyhow::{Context, Result, bail};

/// What to do when the target already exists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Existing {
    /// Replace it, keeping its permissions.
    Replace,
    /// Fail: the file must be new (checked at the rename, so no race can clobber it).
    Refuse,
}

/// Writes `bytes` to `path` atomically; see the module documentation for modes.
pub fn write_atomic(path: &Path, bytes: &[u8], existing: Existing) -> Result<()> {
    write_with_permissions(path, bytes, existing, None)
}

/// [`write_with_permissions`] from a writer function instead of bytes in memory, for output
/// too large to hold twice (a JSON report of a large estate).
pub fn write_atomic_with(
    path: &Path,
    existing: Existing,
    write: impl FnOnce(&mut dyn std::io::Write) -> std::io::Result<()>,
) -> Result<()> {
    write_inner(path, existing, None, write)
}

/// [`write_atomic`] with the permissions of another file, for a copy that must be no more
/// readable than its original (the backup of a 0640 `main.tf`).
pub fn write_with_permissions(
    path: &Path,
    bytes: &[u8],
    existing: Existing,
    permissions: Option<std::fs::Permissions>,
) -> Result<()> {
    write_inner(path, existing, permissions, |w| w.write_all(bytes))
}

fn write_inner(
    path: &Path,
    existing: Existing,
    permissions: Option<std::fs::Permissions>,
    write: impl FnOnce(&mut dyn std::io::Write) -> std::io::Result<()>,
) -> Result<()> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let current = std::fs::metadata(path).ok();
    if existing == Existing::Refuse && (current.is_some() || path.is_symlink()) {
        bail!("{} already exists: not overwritten", path.display());
    }
    // A device, FIFO or socket (`--out /dev/stdout`, a pipe to another tool) is written to as
    // it is: a rename would put a regular file where it was (as root, even over /dev/null).
    if let Some(m) = &current
        && !m.is_file()
    {
        if m.is_dir() {
            bail!("{} is a directory: name a file to write", path.display());
        }
        let mut f = if is_fifo(m) {
            open_fifo(path, FIFO_READER_WAIT)?
        } else {
            std::fs::OpenOptions::new()
                .write(true)
                .open(path)
                .with_context(|| format!("cannot open {}", path.display()))?
        };
        return write(&mut f)
            .and_then(|()| std::io::Write::flush(&mut f))
            .with_context(|| format!("cannot write {}", path.display()));
    }
    let prefix = format!(".{name}.");
    let mut builder = tempfile::Builder::new();
    builder.prefix(&prefix).suffix(".tmp");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        // Passed to open(2), so the umask applies, as it does for any editor's new file.
        builder.permissions(std::fs::Permissions::from_mode(0o666));
    }
    let mut tmp = builder
        .tempfile_in(dir)
        .with_context(|| format!("cannot create a temporary file in {}", dir.display()))?;
    write(tmp.as_file_mut())
        .and_then(|()| tmp.as_file().sync_all())
        .with_context(|| format!("cannot write {}", path.display()))?;
    if let Some(perms) = permissions.or_else(|| current.map(|m| m.permissions())) {
        // set_permissions is not filtered by the umask: the mode is kept exactly.
        tmp.as_file()
            .set_permissions(perms)
            .with_context(|| format!("cannot keep the permissions of {}", path.display()))?;
    }
    match existing {
        Existing::Replace => tmp.persist(path).map(drop).map_err(|e| e.error),
        Existing::Refuse => tmp.persist_noclobber(path).map(drop).map_err(|e| e.error),
    }
    .with_context(|| format!("cannot write {}", path.display()))
}

/// How long a write to a FIFO waits for a process to open its other end.
const FIFO_READER_WAIT: std::time::Duration = std::time::Duration::from_secs(10);

// The crate is Unix-only (process groups and signals in `terraform`), so no fallbacks here.
fn is_fifo(m: &std::fs::Metadata) -> bool {
    std::os::unix::fs::FileTypeExt::is_fifo(&m.file_type())
}

/// Opens a FIFO for writing, waiting up to `wait` for a reader: a plain open blocks until one
/// comes, forever if none does. It sleeps between tries (blocking its thread for at most
/// `wait`): FIFOs are what a user points `--out` at, not what the server writes.
fn open_fifo(path: &Path, wait: std::time::Duration) -> Result<std::fs::File> {
    use std::os::fd::AsRawFd as _;
    use std::os::unix::fs::OpenOptionsExt as _;
    let deadline = std::time::Instant::now() + wait;
    loop {
        let opened = std::fs::OpenOptions::new()
            .write(true)
            .custom_flags(libc::O_NONBLOCK)
            .open(path);
        match opened {
            Ok(f) => {
                // Writes then block as on any pipe: a slow reader is not an error.
                let fd = f.as_raw_fd();
                // SAFETY: fcntl on a descriptor this function owns, setting the flags it read
                // less one.
                let blocking = unsafe {
                    let flags = libc::fcntl(fd, libc::F_GETFL);
                    flags >= 0 && libc::fcntl(fd, libc::F_SETFL, flags & !libc::O_NONBLOCK) >= 0
                };
                if !blocking {
                    return Err(std::io::Error::last_os_error())
                        .with_context(|| format!("cannot write {}", path.display()));
                }
                return Ok(f);
            }
            // ENXIO: no process has the FIFO open for reading yet.
            Err(e) if e.raw_os_error() == Some(libc::ENXIO) => {
                if std::time::Instant::now() >= deadline {
                    bail!(
                        "no process reads the FIFO {} (waited {} s): start its reader first",
                        path.display(),
                        wait.as_secs_f32()
                    );
                }
                std::thread::sleep(std::time::Duration::from_millis(20));
            }
            Err(e) => return Err(e).with_context(|| format!("cannot open {}", path.display())),
        }
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt as _;

    #[test]
    fn a_fifo_is_written_to_not_replaced() {
        use std::os::unix::fs::FileTypeExt as _;
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("pipe");
        let made = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap();
        assert!(made.success());
        // Nobody reading: a clear error after the wait, not a write that never returns.
        let started = std::time::Instant::now();
        let e = open_fifo(&fifo, std::time::Duration::from_millis(200)).unwrap_err();
        assert!(e.to_string().contains("no process reads the FIFO"), "{e}");
        assert!(started.elapsed() < std::time::Duration::from_secs(5));
        // A reader that comes while the writer waits gets the whole report. Its result is
        // awaited with a deadline: were the FIFO replaced by a file, the reader would block
        // for ever on the old one, and the test must fail rather than hang.
        let (tx, rx) = std::sync::mpsc::channel();
        {
            let fifo = fifo.clone();
            std::thread::spawn(move || {
                std::thread::sleep(std::time::Duration::from_millis(100));
                let _ = tx.send(std::fs::read_to_string(fifo).unwrap());
            });
        }
        write_atomic(&fifo, b"report", Existing::Replace).unwrap();
        let read = rx.recv_timeout(std::time::Duration::from_secs(10));
        assert_eq!(read.as_deref(), Ok("report"));
        assert!(std::fs::metadata(&fifo).unwrap().file_type().is_fifo());
        let e = write_atomic(dir.path(), b"x", Existing::Replace).unwrap_err();
        assert!(e.to_string().contains("is a directory"), "{e}");
    }

    fn mode(p: &Path) -> u32 {
        std::fs::metadata(p).unwrap().permissions().mode() & 0o7777
    }

    #[test]
    fn replaced_files_keep_their_mode_and_new_ones_are_refused_over_old() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("main.tf");
        std::fs::write(&f, "a = 1\n").unwrap();
        std::fs::set_permissions(&f, std::fs::Permissions::from_mode(0o640)).unwrap();
        write_atomic(&f, b"a = 2\n", Existing::Replace).unwrap();
        assert_eq!(std::fs::read_to_string(&f).unwrap(), "a = 2\n");
        assert_eq!(mode(&f), 0o640);
        let err = write_atomic(&f, b"x", Existing::Refuse).unwrap_err();
        assert!(err.to_string().contains("already exists"), "{err}");
        assert_eq!(std::fs::read_to_string(&f).unwrap(), "a = 2\n");
        // No temporary file is left behind.
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn new_files_are_not_private_temp_files() {
        // The umask is process-wide; only the bits it can never clear are checked here (the
        // binary tests set umask 022 and check for 0644 exactly).
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("drift_imports.tf");
        write_atomic(&f, b"x", Existing::Refuse).unwrap();
        let want = 0o666 & !current_umask();
        assert_eq!(mode(&f), want);
    }

    /// The umask as the kernel reports it for this process.
    fn current_umask() -> u32 {
        let status = std::fs::read_to_string("/proc/self/status").unwrap();
        let umask = status.lines().find_map(|l| l.strip_prefix("Umask:"));
        u32::from_str_radix(umask.expect("Umask in /proc/self/status").trim(), 8).unwrap()
    }
}
