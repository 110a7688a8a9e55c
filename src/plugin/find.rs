//! Finding provider binaries the way `terraform init` left them: `.terraform/providers`
//! (checked against `.terraform.lock.hcl`), a filesystem mirror, or an explicit path.

use std::collections::{BTreeMap, HashMap};
use std::io::Read;
use std::path::{Path, PathBuf};

use base64::Engine;
use sha2::{Digest, Sha256};

use super::PluginError;

/// A provider source address, e.g. `registry.terraform.io/hashicorp/aws`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SourceAddr {
    /// Registry host.
    pub host: String,
    /// Namespace (`hashicorp`).
    pub namespace: String,
    /// Type name (`aws`).
    pub name: String,
}

impl SourceAddr {
    /// Parses `host/ns/name`, `ns/name` or `name` (defaults as in Terraform).
    pub fn parse(s: &str) -> Option<SourceAddr> {
        let parts: Vec<&str> = s.split('/').collect();
        let (host, namespace, name) = match parts.as_slice() {
            [h, ns, n] => (*h, *ns, *n),
            [ns, n] => ("registry.terraform.io", *ns, *n),
            [n] => ("registry.terraform.io", "hashicorp", *n),
            _ => return None,
        };
        if name.is_empty() || namespace.is_empty() || host.is_empty() {
            return None;
        }
        Some(SourceAddr {
            host: host.to_ascii_lowercase(),
            namespace: namespace.to_ascii_lowercase(),
            name: name.to_ascii_lowercase(),
        })
    }

    /// The source address inside a state `provider` string such as
    /// `module.a.provider["registry.terraform.io/hashicorp/aws"].west`.
    pub fn from_state_provider(p: &str) -> Option<SourceAddr> {
        let start = p.find("provider[\"")? + "provider[\"".len();
        let end = p[start..].find('"')? + start;
        SourceAddr::parse(&p[start..end])
    }

    fn rel(&self) -> PathBuf {
        Path::new(&self.host).join(&self.namespace).join(&self.name)
    }
}

impl std::fmt::Display for SourceAddr {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}/{}", self.host, self.namespace, self.name)
    }
}

/// One `provider` entry of `.terraform.lock.hcl`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Locked {
    /// Selected version.
    pub version: String,
    /// Accepted package hashes (`h1:` and `zh:`).
    pub hashes: Vec<String>,
}

/// Reads `.terraform.lock.hcl` in `dir`; an absent file is an empty lock.
pub fn read_lock(dir: &Path) -> Result<BTreeMap<SourceAddr, Locked>, PluginError> {
    let path = dir.join(".terraform.lock.hcl");
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(BTreeMap::new()),
        Err(e) => {
            return Err(PluginError::Find(format!(
                "cannot read {}: {e}",
                path.display()
            )));
        }
    };
    let body: hcl::Body = hcl::from_str(&text)
        .map_err(|e| PluginError::Find(format!("invalid {}: {e}", path.display())))?;
    let mut out = BTreeMap::new();
    for block in body.blocks().filter(|b| b.identifier() == "provider") {
        let Some(addr) = block
            .labels()
            .first()
            .and_then(|l| SourceAddr::parse(l.as_str()))
        else {
            continue;
        };
        let mut locked = Locked::default();
        for attr in block.body().attributes() {
            match (attr.key(), attr.expr()) {
                ("version", hcl::Expression::String(v)) => locked.version = v.clone(),
                ("hashes", hcl::Expression::Array(items)) => {
                    locked.hashes = items
                        .iter()
                        .filter_map(|i| match i {
                            hcl::Expression::String(s) => Some(s.clone()),
                            _ => None,
                        })
                        .collect();
                }
                _ => {}
            }
        }
        out.insert(addr, locked);
    }
    Ok(out)
}

/// `os_arch` as Terraform names platforms.
pub fn platform() -> String {
    let os = std::env::consts::OS;
    let arch = match std::env::consts::ARCH {
        "x86_64" => "amd64",
        "aarch64" => "arm64",
        "x86" => "386",
        other => other,
    };
    format!("{os}_{arch}")
}

/// Filesystem mirror directories from the CLI configuration (`TF_CLI_CONFIG_FILE` or
/// `~/.terraformrc`), then Terraform's implied local mirror directories.
pub fn mirror_dirs() -> Vec<PathBuf> {
    let mut out = Vec::new();
    let home = std::env::var_os("HOME").map(PathBuf::from);
    let cli_config = std::env::var_os("TF_CLI_CONFIG_FILE")
        .map(PathBuf::from)
        .or_else(|| home.as_ref().map(|h| h.join(".terraformrc")));
    if let Some(text) = cli_config.and_then(|p| std::fs::read_to_string(p).ok())
        && let Ok(body) = hcl::from_str::<hcl::Body>(&text)
    {
        for block in body.blocks() {
            if block.identifier() == "provider_installation" {
                for inner in block.body().blocks() {
                    if inner.identifier() == "filesystem_mirror"
                        && let Some(p) = string_attr(inner.body(), "path")
                    {
                        out.push(PathBuf::from(p));
                    }
                }
            }
        }
        if let Some(p) = string_attr(&body, "plugin_cache_dir") {
            out.push(PathBuf::from(p));
        }
    }
    if let Some(h) = home {
        out.push(h.join(".terraform.d/plugins"));
        out.push(h.join(".local/share/terraform/plugins"));
    }
    out.push(PathBuf::from("/usr/local/share/terraform/plugins"));
    out.push(PathBuf::from("/usr/share/terraform/plugins"));
    out
}

fn string_attr(body: &hcl::Body, key: &str) -> Option<String> {
    body.attributes()
        .find(|a| a.key() == key)
        .and_then(|a| match a.expr() {
            hcl::Expression::String(s) => Some(s.clone()),
            _ => None,
        })
}

/// Finds the executable of `addr` for the Terraform working directory `dir`.
///
/// Order: `explicit` (from `--provider`), `.terraform/providers` (its package hash must be one
/// of the lock file's), then the mirrors (the locked version, or the newest one present).
pub fn find_provider(
    dir: &Path,
    addr: &SourceAddr,
    explicit: &BTreeMap<String, PathBuf>,
) -> Result<PathBuf, PluginError> {
    if let Some(p) = explicit
        .get(&addr.to_string())
        .or_else(|| explicit.get(&addr.name))
    {
        return Ok(p.clone());
    }
    let lock = read_lock(dir)?;
    let locked = lock.get(addr);
    let platform = platform();
    let local = dir.join(".terraform/providers").join(addr.rel());
    if let Some(l) = locked {
        let pkg = local.join(&l.version).join(&platform);
        if pkg.is_dir() {
            verify_package(&pkg, addr, l)?;
            return executable_in(&pkg, addr);
        }
    }
    for mirror in mirror_dirs() {
        let base = mirror.join(addr.rel());
        let version = match locked {
            Some(l) => Some(l.version.clone()),
            None => newest_version(&base),
        };
        if let Some(v) = version {
            let pkg = base.join(&v).join(&platform);
            if pkg.is_dir() {
                if let Some(l) = locked {
                    verify_package(&pkg, addr, l)?;
                }
                return executable_in(&pkg, addr);
            }
        }
    }
    Err(PluginError::Find(format!(
        "provider {addr} not found: run `terraform init` in {}, or pass --provider {}=PATH",
        dir.display(),
        addr.name
    )))
}

fn newest_version(base: &Path) -> Option<String> {
    let parse = |s: &str| -> Option<Vec<u64>> { s.split('.').map(|p| p.parse().ok()).collect() };
    std::fs::read_dir(base)
        .ok()?
        .filter_map(Result::ok)
        .filter_map(|e| e.file_name().into_string().ok())
        .filter_map(|v| parse(&v).map(|n| (n, v)))
        .max()
        .map(|(_, v)| v)
}

fn executable_in(pkg: &Path, addr: &SourceAddr) -> Result<PathBuf, PluginError> {
    let prefix = format!("terraform-provider-{}", addr.name);
    std::fs::read_dir(pkg)
        .map_err(|e| PluginError::Find(format!("cannot read {}: {e}", pkg.display())))?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .find(|p| {
            p.is_file()
                && p.file_name()
                    .and_then(|n| n.to_str())
                    .is_some_and(|n| n.starts_with(&prefix))
        })
        .ok_or_else(|| PluginError::Find(format!("no {prefix}* executable in {}", pkg.display())))
}

/// Checks an unpacked package against the lock file's `h1:` hashes, as `terraform init` does.
fn verify_package(pkg: &Path, addr: &SourceAddr, locked: &Locked) -> Result<(), PluginError> {
    let h1: Vec<&String> = locked
        .hashes
        .iter()
        .filter(|h| h.starts_with("h1:"))
        .collect();
    if h1.is_empty() {
        // Only `zh:` (zip) hashes: they cannot be checked against an unpacked directory.
        tracing::warn!(provider = %addr, "lock file has no h1: hash; package not verified");
        return Ok(());
    }
    let got = package_hash(pkg)?;
    if h1.iter().any(|h| **h == got) {
        Ok(())
    } else {
        Err(PluginError::Find(format!(
            "provider {addr} in {} does not match .terraform.lock.hcl (hash {got}): run `terraform init` again",
            pkg.display()
        )))
    }
}

/// Terraform's `h1:` hash of an unpacked package: SHA-256 over the sorted lines
/// `"<sha256 hex>  <relative path>\n"` of every file, base64.
pub fn package_hash(pkg: &Path) -> Result<String, PluginError> {
    let root = std::fs::canonicalize(pkg)
        .map_err(|e| PluginError::Find(format!("cannot read {}: {e}", pkg.display())))?;
    let mut files = Vec::new();
    collect_files(&root, &root, &mut files)?;
    files.sort();
    let mut summary = Sha256::new();
    for rel in files {
        let hex = file_sha256(&root.join(&rel))?;
        summary.update(format!("{hex}  {rel}\n").as_bytes());
    }
    Ok(format!(
        "h1:{}",
        base64::engine::general_purpose::STANDARD.encode(summary.finalize())
    ))
}

fn collect_files(root: &Path, dir: &Path, out: &mut Vec<String>) -> Result<(), PluginError> {
    let entries = std::fs::read_dir(dir)
        .map_err(|e| PluginError::Find(format!("cannot read {}: {e}", dir.display())))?;
    for e in entries.filter_map(Result::ok) {
        let path = e.path();
        if path.is_dir() {
            collect_files(root, &path, out)?;
        } else if let Ok(rel) = path.strip_prefix(root) {
            out.push(rel.to_string_lossy().replace('\\', "/"));
        }
    }
    Ok(())
}

#[cfg(test)]
thread_local! {
    /// Digests this thread got from memory, for the tests (which run on threads of their own).
    static MEMO_HITS: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

/// SHA-256 of a file, lowercase hex.
///
/// Provider binaries are hundreds of megabytes (~0.5 s to hash) and one start hashes each twice:
/// the lock-file check, then the schema cache key. Digests are remembered for the process by
/// file identity — device, inode, size, modification and change times, what git's index trusts
/// — so any write to the file (which moves its change time) means hashing it again.
pub fn file_sha256(path: &Path) -> Result<String, PluginError> {
    use std::os::unix::fs::MetadataExt;
    use std::sync::{LazyLock, Mutex};
    type Identity = (u64, u64, u64, i64, i64, i64, i64);
    static SEEN: LazyLock<Mutex<HashMap<Identity, String>>> = LazyLock::new(Default::default);
    let cannot =
        |e: std::io::Error| PluginError::Find(format!("cannot read {}: {e}", path.display()));
    let mut f = std::fs::File::open(path).map_err(cannot)?;
    // The identity of the file we opened (not of whatever the path names later).
    let m = f.metadata().map_err(cannot)?;
    let identity = (
        m.dev(),
        m.ino(),
        m.len(),
        m.mtime(),
        m.mtime_nsec(),
        m.ctime(),
        m.ctime_nsec(),
    );
    if let Some(hex) = SEEN
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .get(&identity)
    {
        #[cfg(test)]
        MEMO_HITS.set(MEMO_HITS.get() + 1);
        return Ok(hex.clone());
    }
    let mut h = Sha256::new();
    let mut buf = vec![0u8; 1 << 20];
    loop {
        let n = f
            .read(&mut buf)
            .map_err(|e| PluginError::Find(format!("cannot read {}: {e}", path.display())))?;
        if n == 0 {
            break;
        }
        h.update(&buf[..n]);
    }
    let hex: String = h.finalize().iter().map(|b| format!("{b:02x}")).collect();
    // Remembered only when the file did not change while it was read, and its last change is
    // older than file timestamps' granularity (a jiffy): a write in the same tick as the one
    // before would leave the identity as it was.
    let settled = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .is_ok_and(|now| now.as_secs() as i64 > identity.5 + 1);
    if settled
        && f.metadata().is_ok_and(|after| {
            (after.ctime(), after.ctime_nsec(), after.len()) == (identity.5, identity.6, identity.2)
        })
    {
        SEEN.lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(identity, hex.clone());
    }
    Ok(hex)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn source_addresses() {
        let a = SourceAddr::from_state_provider(
            r#"module.x.provider["registry.terraform.io/hashicorp/aws"].west"#,
        )
        .unwrap();
        assert_eq!(a.to_string(), "registry.terraform.io/hashicorp/aws");
        assert_eq!(SourceAddr::parse("null").unwrap().namespace, "hashicorp");
        assert!(SourceAddr::parse("a/b/c/d").is_none());
    }

    #[test]
    fn lock_file_and_package_hash() {
        let dir = tempfile::tempdir().unwrap();
        let pkg = dir
            .path()
            .join(".terraform/providers/registry.terraform.io/hashicorp/null/3.2.4")
            .join(platform());
        std::fs::create_dir_all(&pkg).unwrap();
        let exe = pkg.join("terraform-provider-null_v3.2.4_x5");
        std::fs::write(&exe, b"binary").unwrap();
        std::fs::write(pkg.join("LICENSE.txt"), b"license").unwrap();
        let good = package_hash(&pkg).unwrap();
        let lock = |hash: &str| {
            format!(
                "provider \"registry.terraform.io/hashicorp/null\" {{\n  version = \"3.2.4\"\n  hashes = [\n    \"{hash}\",\n    \"zh:00\",\n  ]\n}}\n"
            )
        };
        std::fs::write(dir.path().join(".terraform.lock.hcl"), lock(&good)).unwrap();
        let addr = SourceAddr::parse("hashicorp/null").unwrap();
        assert_eq!(
            find_provider(dir.path(), &addr, &BTreeMap::new()).unwrap(),
            exe
        );
        std::fs::write(dir.path().join(".terraform.lock.hcl"), lock("h1:AAAA")).unwrap();
        let err = find_provider(dir.path(), &addr, &BTreeMap::new()).unwrap_err();
        assert!(err.to_string().contains("does not match"), "{err}");
    }

    #[test]
    fn file_digests_are_remembered_until_the_file_changes() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("terraform-provider-x");
        std::fs::write(&f, b"one").unwrap();
        let one = "7692c3ad3540bb803c020b3aee66cd8887123234ea0c6e7143c0add73ff431ed";
        // Just written: hashed every time, never remembered.
        let hits = MEMO_HITS.get();
        assert_eq!(file_sha256(&f).unwrap(), one);
        assert_eq!(file_sha256(&f).unwrap(), one);
        assert_eq!(MEMO_HITS.get(), hits);
        // Settled: the second read comes from memory.
        std::thread::sleep(std::time::Duration::from_millis(2100));
        assert_eq!(file_sha256(&f).unwrap(), one);
        assert_eq!(file_sha256(&f).unwrap(), one);
        assert_eq!(MEMO_HITS.get(), hits + 1);
        // Rewritten with the same size: the identity moved, so it is hashed again.
        std::fs::write(&f, b"two").unwrap();
        assert_eq!(
            file_sha256(&f).unwrap(),
            "3fc4ccfe745870e2c0d99f71f30ff0656c8dedd41cc1d7d3d376b0dbe685e2f3"
        );
    }
}
