//! Starting a provider binary the way Terraform does (go-plugin): magic cookie, protocol
//! negotiation, AutoMTLS, the handshake line, and a gRPC channel over its unix socket.
//!
//! The process runs in its own process group, which is killed when the [`Process`] is dropped,
//! so a hung or crashed provider never outlives the scan.

use std::collections::VecDeque;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use base64::Engine;
use hyper_util::rt::TokioIo;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::WebPkiSupportedAlgorithms;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, ServerName, UnixTime};
use rustls::{DigitallySignedStruct, SignatureScheme};
use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncWrite, BufReader};
use tokio::process::{Child, Command};
use tonic::transport::{Channel, Endpoint, Uri};

use super::PluginError;

/// go-plugin's handshake cookie for Terraform providers: without it a provider refuses to run.
const MAGIC_COOKIE_KEY: &str = "TF_PLUGIN_MAGIC_COOKIE";
const MAGIC_COOKIE_VALUE: &str = "d602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2";

/// Plugin protocol versions this client speaks, newest last.
pub const SUPPORTED_PROTOCOLS: [u32; 2] = [5, 6];

/// Lines of provider stderr kept for error messages.
const STDERR_TAIL: usize = 20;

/// The parsed handshake line a plugin prints on stdout.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Handshake {
    /// go-plugin core protocol version (always 1).
    pub core: u32,
    /// Negotiated plugin protocol version (5 or 6 for Terraform providers).
    pub protocol: u32,
    /// `unix` or `tcp`.
    pub network: String,
    /// Socket path or host:port.
    pub address: String,
    /// The server's certificate (DER) when AutoMTLS is on.
    pub cert: Option<Vec<u8>>,
}

/// Parses `CORE|APP|NETWORK|ADDR|PROTOCOL[|CERT]`.
pub fn parse_handshake(line: &str) -> Result<Handshake, String> {
    let parts: Vec<&str> = line.trim_end().split('|').collect();
    if parts.len() < 5 {
        return Err(format!(
            "expected CORE|VERSION|NETWORK|ADDRESS|PROTOCOL, got {line:?}"
        ));
    }
    let num = |s: &str, what: &str| {
        s.parse::<u32>()
            .map_err(|_| format!("{what} {s:?} is not a number in {line:?}"))
    };
    let core = num(parts[0], "core protocol version")?;
    let protocol = num(parts[1], "plugin protocol version")?;
    if parts[4] != "grpc" {
        return Err(format!(
            "the provider speaks {:?}, not grpc (it is too old for terraform-drift)",
            parts[4]
        ));
    }
    let cert = match parts.get(5).map(|c| c.trim()) {
        None | Some("") => None,
        Some(c) => {
            // go-plugin writes the DER certificate as unpadded standard base64.
            let engine = base64::engine::GeneralPurpose::new(
                &base64::alphabet::STANDARD,
                base64::engine::GeneralPurposeConfig::new()
                    .with_decode_padding_mode(base64::engine::DecodePaddingMode::Indifferent),
            );
            Some(
                engine
                    .decode(c)
                    .map_err(|e| format!("server certificate is not base64: {e}"))?,
            )
        }
    };
    Ok(Handshake {
        core,
        protocol,
        network: parts[2].to_string(),
        address: parts[3].to_string(),
        cert,
    })
}

/// How to start a provider.
#[derive(Debug, Clone)]
pub struct LaunchOptions {
    /// Working directory of the process (the Terraform root module).
    pub dir: PathBuf,
    /// How long the provider may take to print its handshake.
    pub start_timeout: Duration,
}

/// A running provider process; dropping it kills the whole process group.
pub struct Process {
    child: Child,
    pgid: Option<i32>,
    name: String,
    stderr: Arc<Mutex<VecDeque<String>>>,
}

impl Process {
    /// The provider's name, for messages.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The last lines the provider wrote to stderr.
    pub fn stderr_tail(&self) -> String {
        tail_text(&self.stderr)
    }

    /// True while the process runs.
    pub fn is_running(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }

    /// Waits up to `grace` for the process to exit by itself, then kills its group.
    pub async fn finish(mut self, grace: Duration) {
        let _ = tokio::time::timeout(grace, self.child.wait()).await;
        // Drop kills whatever is left (children the provider started included).
    }
}

impl Drop for Process {
    fn drop(&mut self) {
        if let Some(pgid) = self.pgid {
            // SAFETY: kill(2) with a negative pid signals a process group we created; it touches
            // no memory of ours.
            unsafe {
                libc::kill(-pgid, libc::SIGKILL);
            }
        }
        let _ = self.child.start_kill();
    }
}

fn tail_text(buf: &Mutex<VecDeque<String>>) -> String {
    buf.lock()
        .map(|b| b.iter().cloned().collect::<Vec<_>>().join("\n"))
        .unwrap_or_default()
}

/// Starts `bin`, waits for its handshake and connects to it.
pub async fn launch(
    bin: &Path,
    opts: &LaunchOptions,
) -> Result<(Process, Channel, u32), PluginError> {
    let name = bin
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| bin.display().to_string());
    let identity = ClientIdentity::generate()?;
    let versions: Vec<String> = SUPPORTED_PROTOCOLS.iter().map(u32::to_string).collect();
    let mut cmd = Command::new(bin);
    cmd.current_dir(&opts.dir)
        .env(MAGIC_COOKIE_KEY, MAGIC_COOKIE_VALUE)
        .env("PLUGIN_PROTOCOL_VERSIONS", versions.join(","))
        .env("PLUGIN_CLIENT_CERT", &identity.cert_pem)
        .env("PLUGIN_MIN_PORT", "10000")
        .env("PLUGIN_MAX_PORT", "25000")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .process_group(0)
        .kill_on_drop(true);
    let mut child = cmd.spawn().map_err(|e| PluginError::Spawn {
        provider: bin.display().to_string(),
        source: e,
    })?;
    let pgid = child.id().map(|id| id as i32);
    let stderr_buf = Arc::new(Mutex::new(VecDeque::with_capacity(STDERR_TAIL)));
    if let Some(err) = child.stderr.take() {
        let buf = stderr_buf.clone();
        let provider = name.clone();
        tokio::spawn(async move {
            let mut lines = BufReader::new(err).lines();
            while let Ok(Some(line)) = lines.next_line().await {
                let line = crate::model::provider_log_line(&line);
                tracing::debug!(target: "provider", provider = %provider, "{line}");
                if let Ok(mut b) = buf.lock() {
                    if b.len() == STDERR_TAIL {
                        b.pop_front();
                    }
                    b.push_back(line);
                }
            }
        });
    }
    let stdout = child.stdout.take().ok_or_else(|| PluginError::Handshake {
        provider: name.clone(),
        message: "no stdout".into(),
    })?;
    let mut process = Process {
        child,
        pgid,
        name: name.clone(),
        stderr: stderr_buf,
    };
    let mut lines = BufReader::new(stdout).lines();
    // Watch the process too: a provider that dies may leave children holding its stdout open,
    // so end-of-file alone would only show up as a timeout.
    let first = tokio::select! {
        line = lines.next_line() => match line {
            Ok(Some(line)) => Ok(line),
            _ => Err(tokio::time::timeout(Duration::from_secs(2), process.child.wait())
                .await
                .ok()
                .and_then(Result::ok)),
        },
        status = process.child.wait() => Err(status.ok()),
        () = tokio::time::sleep(opts.start_timeout) => {
            return Err(PluginError::StartTimeout {
                provider: name,
                seconds: opts.start_timeout.as_secs(),
            });
        }
    };
    let first = match first {
        Ok(line) => line,
        Err(status) => {
            // Give stderr a moment to arrive: it usually says why the provider quit.
            tokio::time::sleep(Duration::from_millis(100)).await;
            return Err(PluginError::Exited {
                provider: name,
                status: status.map_or_else(|| "unknown status".into(), |s| s.to_string()),
                stderr: process.stderr_tail(),
            });
        }
    };
    // Keep draining stdout so a chatty provider never blocks on a full pipe.
    let provider = name.clone();
    tokio::spawn(async move {
        while let Ok(Some(line)) = lines.next_line().await {
            tracing::debug!(target: "provider", provider = %provider, "stdout: {line}");
        }
    });
    let hs = parse_handshake(&first).map_err(|message| PluginError::Handshake {
        provider: name.clone(),
        message,
    })?;
    if hs.core != 1 {
        return Err(PluginError::Handshake {
            provider: name,
            message: format!("unsupported go-plugin core protocol {}", hs.core),
        });
    }
    if !SUPPORTED_PROTOCOLS.contains(&hs.protocol) {
        return Err(PluginError::Protocol {
            provider: name,
            version: hs.protocol,
        });
    }
    let tls = match &hs.cert {
        Some(der) => Some(identity.client_config(der.clone())?),
        None => None,
    };
    let channel = tokio::time::timeout(opts.start_timeout, connect(&hs, tls))
        .await
        .map_err(|_| PluginError::StartTimeout {
            provider: name.clone(),
            seconds: opts.start_timeout.as_secs(),
        })?
        .map_err(|e| PluginError::Connect {
            provider: name.clone(),
            message: format!("{e:#}"),
        })?;
    Ok((process, channel, hs.protocol))
}

trait Io: AsyncRead + AsyncWrite + Unpin + Send {}
impl<T: AsyncRead + AsyncWrite + Unpin + Send> Io for T {}

async fn connect(
    hs: &Handshake,
    tls: Option<Arc<rustls::ClientConfig>>,
) -> Result<Channel, Box<dyn std::error::Error + Send + Sync>> {
    let network = hs.network.clone();
    let address = hs.address.clone();
    let connector = tower::service_fn(move |_: Uri| {
        let network = network.clone();
        let address = address.clone();
        let tls = tls.clone();
        async move {
            let stream: Box<dyn Io> = match network.as_str() {
                "unix" => Box::new(tokio::net::UnixStream::connect(&address).await?),
                "tcp" => Box::new(tokio::net::TcpStream::connect(&address).await?),
                other => {
                    return Err(std::io::Error::other(format!(
                        "unsupported network {other:?}"
                    )));
                }
            };
            let stream: Box<dyn Io> = match tls {
                None => stream,
                Some(cfg) => {
                    let name = ServerName::try_from("localhost").map_err(std::io::Error::other)?;
                    Box::new(
                        tokio_rustls::TlsConnector::from(cfg)
                            .connect(name, stream)
                            .await?,
                    )
                }
            };
            Ok::<_, std::io::Error>(TokioIo::new(stream))
        }
    });
    // The URI is only a placeholder: the connector above decides where bytes go.
    let channel = Endpoint::from_static("http://localhost")
        .connect_with_connector(connector)
        .await?;
    Ok(channel)
}

/// The client certificate offered to the provider (go-plugin trusts exactly this certificate).
struct ClientIdentity {
    cert_pem: String,
    cert_der: CertificateDer<'static>,
    key_der: Vec<u8>,
}

impl ClientIdentity {
    fn generate() -> Result<ClientIdentity, PluginError> {
        let tls_err = |e: rcgen::Error| PluginError::Tls(e.to_string());
        let key = rcgen::KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).map_err(tls_err)?;
        let mut params =
            rcgen::CertificateParams::new(vec!["localhost".to_string()]).map_err(tls_err)?;
        params
            .distinguished_name
            .push(rcgen::DnType::CommonName, "localhost");
        params
            .distinguished_name
            .push(rcgen::DnType::OrganizationName, "terraform-drift");
        // go-plugin uses the client certificate as its own CA when verifying us.
        params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
        params.key_usages = vec![
            rcgen::KeyUsagePurpose::DigitalSignature,
            rcgen::KeyUsagePurpose::KeyEncipherment,
            rcgen::KeyUsagePurpose::KeyAgreement,
            rcgen::KeyUsagePurpose::KeyCertSign,
        ];
        params.extended_key_usages = vec![
            rcgen::ExtendedKeyUsagePurpose::ClientAuth,
            rcgen::ExtendedKeyUsagePurpose::ServerAuth,
        ];
        let cert = params.self_signed(&key).map_err(tls_err)?;
        Ok(ClientIdentity {
            cert_pem: cert.pem(),
            cert_der: cert.der().clone(),
            key_der: key.serialize_der(),
        })
    }

    fn client_config(&self, server_der: Vec<u8>) -> Result<Arc<rustls::ClientConfig>, PluginError> {
        // A handshake whose certificate is not one could only fail later, as a TLS error that
        // names no cause: refuse it here.
        rustls::server::ParsedCertificate::try_from(&CertificateDer::from(server_der.as_slice()))
            .map_err(|e| {
            PluginError::Tls(format!(
                "the provider's handshake certificate is not an X.509 certificate ({e})"
            ))
        })?;
        let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
        let verifier = Arc::new(PinnedServer {
            cert: server_der,
            algorithms: provider.signature_verification_algorithms,
        });
        let key = PrivateKeyDer::try_from(self.key_der.clone())
            .map_err(|e| PluginError::Tls(e.to_string()))?;
        let mut config = rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(|e| PluginError::Tls(e.to_string()))?
            .dangerous()
            .with_custom_certificate_verifier(verifier)
            .with_client_auth_cert(vec![self.cert_der.clone()], key)
            .map_err(|e| PluginError::Tls(e.to_string()))?;
        config.alpn_protocols = vec![b"h2".to_vec()];
        Ok(Arc::new(config))
    }
}

/// Accepts exactly the certificate the provider announced in its handshake.
///
/// go-plugin's server certificate is a self-signed CA certificate used as a leaf, which WebPKI
/// path validation rejects; pinning it is both simpler and stricter.
#[derive(Debug)]
struct PinnedServer {
    cert: Vec<u8>,
    algorithms: WebPkiSupportedAlgorithms,
}

impl ServerCertVerifier for PinnedServer {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        if end_entity.as_ref() == self.cert.as_slice() {
            Ok(ServerCertVerified::assertion())
        } else {
            Err(rustls::Error::InvalidCertificate(
                rustls::CertificateError::ApplicationVerificationFailure,
            ))
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(message, cert, dss, &self.algorithms)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(message, cert, dss, &self.algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.algorithms.supported_schemes()
    }
}

#[cfg(test)]
mod tests {

    use super::*;

    #[test]
    fn handshake_lines() {
        let hs = parse_handshake("1|5|unix|/tmp/plugin123|grpc|MIIB\n").unwrap();
        assert_eq!(hs.protocol, 5);
        assert_eq!(hs.network, "unix");
        assert_eq!(hs.address, "/tmp/plugin123");
        assert!(hs.cert.is_some());
        let hs = parse_handshake("1|6|tcp|127.0.0.1:1234|grpc|").unwrap();
        assert_eq!(hs.cert, None);
        assert!(parse_handshake("hello world").is_err());
        assert!(parse_handshake("1|x|unix|/tmp/p|grpc").is_err());
        assert!(
            parse_handshake("1|4|unix|/tmp/p|netrpc")
                .unwrap_err()
                .contains("netrpc")
        );
        assert!(parse_handshake("1|5|unix|/tmp/p|grpc|%%%").is_err());
    }

    /// The provider's side of AutoMTLS as go-plugin does it: the client certificate from
    /// `PLUGIN_CLIENT_CERT` is the only trusted CA and the client must present exactly it, with
    /// the clientAuth extended key usage (Go's x509 verification for a client certificate).
    #[derive(Debug)]
    struct GoPluginServer {
        ca: Vec<u8>,
        algorithms: WebPkiSupportedAlgorithms,
    }

    impl rustls::server::danger::ClientCertVerifier for GoPluginServer {
        fn root_hint_subjects(&self) -> &[rustls::DistinguishedName] {
            &[]
        }

        fn verify_client_cert(
            &self,
            end_entity: &CertificateDer<'_>,
            _intermediates: &[CertificateDer<'_>],
            _now: UnixTime,
        ) -> Result<rustls::server::danger::ClientCertVerified, rustls::Error> {
            let ext = extensions(end_entity.as_ref());
            let eku = ext.iter().find(|(oid, _)| *oid == OID_EXT_KEY_USAGE);
            let client_auth = eku.is_some_and(|(_, v)| contains(v, OID_CLIENT_AUTH));
            if end_entity.as_ref() == self.ca.as_slice() && client_auth {
                Ok(rustls::server::danger::ClientCertVerified::assertion())
            } else {
                Err(rustls::Error::InvalidCertificate(
                    rustls::CertificateError::ApplicationVerificationFailure,
                ))
            }
        }

        fn verify_tls12_signature(
            &self,
            message: &[u8],
            cert: &CertificateDer<'_>,
            dss: &DigitallySignedStruct,
        ) -> Result<HandshakeSignatureValid, rustls::Error> {
            rustls::crypto::verify_tls12_signature(message, cert, dss, &self.algorithms)
        }

        fn verify_tls13_signature(
            &self,
            message: &[u8],
            cert: &CertificateDer<'_>,
            dss: &DigitallySignedStruct,
        ) -> Result<HandshakeSignatureValid, rustls::Error> {
            rustls::crypto::verify_tls13_signature(message, cert, dss, &self.algorithms)
        }

        fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
            self.algorithms.supported_schemes()
        }
    }

    /// id-kp-clientAuth (1.3.6.1.5.5.7.3.2) and the extension OIDs, DER-encoded with their tag.
    const OID_CLIENT_AUTH: &[u8] = &[0x06, 0x08, 0x2b, 6, 1, 5, 5, 7, 3, 2];
    const OID_EXT_KEY_USAGE: &[u8] = &[0x06, 0x03, 0x55, 0x1d, 0x25];
    const OID_BASIC_CONSTRAINTS: &[u8] = &[0x06, 0x03, 0x55, 0x1d, 0x13];
    const OID_KEY_USAGE: &[u8] = &[0x06, 0x03, 0x55, 0x1d, 0x0f];

    /// One DER element: its tag and contents, and the rest of the input.
    fn tlv(der: &[u8]) -> Option<(u8, &[u8], &[u8])> {
        let (&tag, rest) = der.split_first()?;
        let (&first, rest) = rest.split_first()?;
        let (len, rest) = if first < 0x80 {
            (first as usize, rest)
        } else {
            let n = (first & 0x7f) as usize;
            if n == 0 || n > 4 || rest.len() < n {
                return None;
            }
            let len = rest[..n].iter().fold(0usize, |a, b| (a << 8) | *b as usize);
            (len, &rest[n..])
        };
        if rest.len() < len {
            return None;
        }
        Some((tag, &rest[..len], &rest[len..]))
    }

    /// Every X.509 extension in `der` as (OID element, extnValue contents), found by walking
    /// the constructed elements for `SEQUENCE { OID, [BOOLEAN,] OCTET STRING }`.
    fn extensions(der: &[u8]) -> Vec<(&[u8], &[u8])> {
        let mut out = Vec::new();
        let mut rest = der;
        while let Some((tag, contents, next)) = tlv(rest) {
            if tag == 0x30
                && let Some((0x06, _, after_oid)) = tlv(contents)
            {
                // The OID element whole (tag, length, contents), as the constants spell it.
                let oid = &contents[..contents.len() - after_oid.len()];
                let after = match tlv(after_oid) {
                    Some((0x01, _, after)) => after,
                    _ => after_oid,
                };
                if let Some((0x04, value, [])) = tlv(after) {
                    out.push((oid, value));
                }
            }
            if tag & 0x20 != 0 {
                out.extend(extensions(contents));
            }
            rest = next;
        }
        out
    }

    fn contains(haystack: &[u8], needle: &[u8]) -> bool {
        haystack.windows(needle.len()).any(|w| w == needle)
    }

    /// A provider's certificate as go-plugin makes it: a self-signed ECDSA P-521 CA used as leaf.
    fn provider_certificate() -> (CertificateDer<'static>, PrivateKeyDer<'static>) {
        let key = rcgen::KeyPair::generate_for(&rcgen::PKCS_ECDSA_P521_SHA512).unwrap();
        let mut params = rcgen::CertificateParams::new(vec!["localhost".to_string()]).unwrap();
        params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
        params.extended_key_usages = vec![
            rcgen::ExtendedKeyUsagePurpose::ClientAuth,
            rcgen::ExtendedKeyUsagePurpose::ServerAuth,
        ];
        let cert = params.self_signed(&key).unwrap();
        let key = PrivateKeyDer::try_from(key.serialize_der()).unwrap();
        (cert.der().clone(), key)
    }

    /// Runs a TLS handshake between `client` and a go-plugin-like server in memory; returns the
    /// client certificate the server accepted.
    fn handshake(
        client: Arc<rustls::ClientConfig>,
        server_cert: CertificateDer<'static>,
        server_key: PrivateKeyDer<'static>,
        trusted_client: Vec<u8>,
    ) -> Result<Vec<u8>, rustls::Error> {
        let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
        let verifier = Arc::new(GoPluginServer {
            ca: trusted_client,
            algorithms: provider.signature_verification_algorithms,
        });
        let server = rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()?
            .with_client_cert_verifier(verifier)
            .with_single_cert(vec![server_cert], server_key)?;
        let mut s = rustls::ServerConnection::new(Arc::new(server))?;
        let mut c =
            rustls::ClientConnection::new(client, ServerName::try_from("localhost").unwrap())?;
        for _ in 0..10 {
            let mut buf = Vec::new();
            while c.wants_write() {
                c.write_tls(&mut buf).unwrap();
            }
            s.read_tls(&mut buf.as_slice()).unwrap();
            s.process_new_packets()?;
            let mut buf = Vec::new();
            while s.wants_write() {
                s.write_tls(&mut buf).unwrap();
            }
            c.read_tls(&mut buf.as_slice()).unwrap();
            c.process_new_packets()?;
            if !c.is_handshaking() && !s.is_handshaking() {
                let peer = s
                    .peer_certificates()
                    .expect("the server saw a client certificate");
                return Ok(peer[0].to_vec());
            }
        }
        panic!("the handshake did not finish");
    }

    #[test]
    fn client_identity_is_a_ca_usable_for_client_auth() {
        let id = ClientIdentity::generate().unwrap();
        assert!(id.cert_pem.starts_with("-----BEGIN CERTIFICATE-----"));
        let der = id.cert_der.as_ref();
        let ext = extensions(der);
        let get = |oid: &[u8]| ext.iter().find(|(o, _)| *o == oid).map(|(_, v)| *v);
        // go-plugin puts this certificate in its CA pool: basicConstraints cA = TRUE ...
        let bc = get(OID_BASIC_CONSTRAINTS).expect("basicConstraints");
        assert!(contains(bc, &[0x01, 0x01, 0xff]), "not a CA: {bc:02x?}");
        // ... with keyCertSign (bit 5 of the KeyUsage bit string) ...
        let ku = get(OID_KEY_USAGE).expect("keyUsage");
        let (tag, bits, _) = tlv(ku).unwrap();
        assert_eq!(tag, 0x03);
        assert!(
            bits.len() >= 2 && bits[1] & 0x04 != 0,
            "no keyCertSign: {ku:02x?}"
        );
        // ... and verifies it as a client certificate: clientAuth.
        let eku = get(OID_EXT_KEY_USAGE).expect("extendedKeyUsage");
        assert!(contains(eku, OID_CLIENT_AUTH), "no clientAuth: {eku:02x?}");

        // A real handshake: the provider's P-521 certificate is pinned, ours is accepted.
        let (server_cert, server_key) = provider_certificate();
        let config = id.client_config(server_cert.to_vec()).unwrap();
        let seen = handshake(config, server_cert.clone(), server_key, der.to_vec()).unwrap();
        assert_eq!(seen, der);

        // A server with another certificate than the one announced is refused.
        let (other_cert, other_key) = provider_certificate();
        let config = id.client_config(server_cert.to_vec()).unwrap();
        let err = handshake(config, other_cert, other_key, der.to_vec()).unwrap_err();
        assert!(
            matches!(err, rustls::Error::InvalidCertificate(_)),
            "{err:?}"
        );

        // Garbage where the certificate belongs is refused before any connection.
        let err = id
            .client_config(vec![1, 2, 3])
            .expect_err("garbage refused");
        assert!(
            err.to_string().contains("not an X.509 certificate"),
            "{err}"
        );
    }
}
