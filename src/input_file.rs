//! Bounded reads of the files a user points the tool at (state, snapshot, plan, settings,
//! configuration): regular files only, up to a size that is named in the error, so that
//! `state = ["/dev/zero"]` or a FIFO is a clear error instead of a read that never ends.

use std::io::Read;
use std::path::Path;

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

/// [`read`] as UTF-8 text.
pub fn read_to_string(path: &Path, max: u64) -> std::io::Result<String> {
    String::from_utf8(read(path, max)?)
        .map_err(|_| std::io::Error::new(std::io::ErrorKind::InvalidData, "not UTF-8 text"))
}

#[cfg(test)]
mod tests {
    use super::*;

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
