//! TLS terminated by the server itself (`kiesdag serve --tls-cert FILE --tls-key FILE`):
//! rustls (the ring provider) through actix-web's own listener.
//!
//! The certificate in use is held whole behind an atomic swap, and every new handshake
//! takes the one there at that moment. On SIGHUP both files are read again: a good pair
//! replaces it for the connections that come next, while the open ones (stations'
//! and dashboards' sockets) go on undisturbed on the keys they agreed; a pair that
//! cannot be read, or whose key is not the certificate's, is logged and the certificate
//! in use is kept. A renewal (certbot, acme.sh) ends with `systemctl reload`, which sends
//! the SIGHUP.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use arc_swap::ArcSwap;
use rustls::crypto::CryptoProvider;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use rustls::server::{ClientHello, ResolvesServerCert};
use rustls::sign::CertifiedKey;

/// Why a certificate and key could not be used.
#[derive(Debug, thiserror::Error)]
pub enum TlsError {
    #[error("cannot read {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path} holds no PEM certificate")]
    NoCertificate { path: PathBuf },
    #[error("{path} holds no PEM private key (PKCS#8, PKCS#1 or SEC1)")]
    NoKey { path: PathBuf },
    #[error("{path} is not valid PEM: {reason}")]
    Pem { path: PathBuf, reason: String },
    #[error("the key in {key} cannot be used with the certificate in {cert}: {source}")]
    Unusable {
        cert: PathBuf,
        key: PathBuf,
        source: rustls::Error,
    },
}

/// The files the certificate (with its chain, leaf first) and its private key are read
/// from, as PEM.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TlsFiles {
    pub cert: PathBuf,
    pub key: PathBuf,
}

/// `serve --tls-cert FILE --tls-key FILE`: both or neither.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct TlsArgs {
    /// Serve over TLS (https://, wss://) with this certificate (PEM, the chain with the
    /// server's own certificate first); read again on SIGHUP, open connections kept.
    #[arg(long, env = "KIESDAG_TLS_CERT", requires = "tls_key")]
    pub tls_cert: Option<PathBuf>,
    /// The certificate's private key (PEM: PKCS#8, PKCS#1 or SEC1).
    #[arg(long, env = "KIESDAG_TLS_KEY", requires = "tls_cert")]
    pub tls_key: Option<PathBuf>,
}

impl TlsArgs {
    /// `KIESDAG_TLS_CERT` and `KIESDAG_TLS_KEY`, for a bare `kiesdag` (no subcommand).
    #[must_use]
    pub fn from_env() -> Self {
        let var = |name| {
            std::env::var_os(name)
                .filter(|v| !v.is_empty())
                .map(PathBuf::from)
        };
        Self {
            tls_cert: var("KIESDAG_TLS_CERT"),
            tls_key: var("KIESDAG_TLS_KEY"),
        }
    }

    /// The files, when TLS is asked for.
    ///
    /// # Errors
    /// When only one of the two is given.
    pub fn files(self) -> Result<Option<TlsFiles>, String> {
        match (self.tls_cert, self.tls_key) {
            (Some(cert), Some(key)) => Ok(Some(TlsFiles { cert, key })),
            (None, None) => Ok(None),
            _ => Err("--tls-cert and --tls-key go together".into()),
        }
    }
}

/// The certificate every new connection is given; replaced whole by `reload`.
#[derive(Debug)]
pub struct Certificates {
    files: TlsFiles,
    provider: Arc<CryptoProvider>,
    current: ArcSwap<CertifiedKey>,
}

impl Certificates {
    /// Reads the certificate and key from `files`.
    ///
    /// # Errors
    /// When either cannot be read, or the key is not the certificate's.
    pub fn load(files: TlsFiles) -> Result<Arc<Self>, TlsError> {
        // ring, already in the build for lettre and needing no cmake or nasm (aws-lc-rs
        // does). rustls 0.23.48 deprecates it for lacking post-quantum key exchange:
        // a choice to revisit with aws-lc-rs, not an error.
        #[allow(deprecated)]
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let key = read_pair(&files, &provider)?;
        Ok(Arc::new(Self {
            files,
            provider,
            current: ArcSwap::from_pointee(key),
        }))
    }

    /// Reads the files again and, if they make a usable pair, gives it to every new
    /// connection from now on; otherwise keeps the certificate in use.
    ///
    /// # Errors
    /// Why the files were not taken (the old certificate is still in use).
    pub fn reload(&self) -> Result<(), TlsError> {
        let key = read_pair(&self.files, &self.provider)?;
        self.current.store(Arc::new(key));
        Ok(())
    }

    /// The rustls configuration of a listener: TLS 1.2 and 1.3 with the ring provider,
    /// no client certificates, the certificate from `self` at each handshake.
    ///
    /// # Errors
    /// When the provider offers no protocol version (never with ring).
    pub fn server_config(self: &Arc<Self>) -> Result<rustls::ServerConfig, TlsError> {
        let config = rustls::ServerConfig::builder_with_provider(self.provider.clone())
            .with_safe_default_protocol_versions()
            .map_err(|source| TlsError::Unusable {
                cert: self.files.cert.clone(),
                key: self.files.key.clone(),
                source,
            })?
            .with_no_client_auth()
            .with_cert_resolver(self.clone());
        Ok(config)
    }

    /// Reloads on every SIGHUP, on the runtime it is called on, until that stops.
    pub fn reload_on_sighup(self: &Arc<Self>) {
        use tokio::signal::unix::{SignalKind, signal};
        let certificates = self.clone();
        let mut hangups = match signal(SignalKind::hangup()) {
            Ok(hangups) => hangups,
            Err(e) => {
                tracing::error!(error = %e, "no SIGHUP handler: the certificate is not reloaded");
                return;
            }
        };
        actix_web::rt::spawn(async move {
            while hangups.recv().await.is_some() {
                match certificates.reload() {
                    Ok(()) => tracing::info!(
                        cert = %certificates.files.cert.display(),
                        "SIGHUP: the new certificate is used for new connections"
                    ),
                    Err(e) => tracing::error!(
                        error = %e,
                        "SIGHUP: the certificate was not reloaded; the one in use is kept"
                    ),
                }
            }
        });
    }
}

impl ResolvesServerCert for Certificates {
    fn resolve(&self, _hello: ClientHello<'_>) -> Option<Arc<CertifiedKey>> {
        Some(self.current.load_full())
    }
}

fn read(path: &Path) -> Result<Vec<u8>, TlsError> {
    std::fs::read(path).map_err(|source| TlsError::Read {
        path: path.to_path_buf(),
        source,
    })
}

/// What is wrong with a PEM file, in words (the library's own text shows markers as
/// byte lists).
fn pem_reason(error: &rustls::pki_types::pem::Error) -> String {
    use rustls::pki_types::pem::Error;
    match error {
        Error::MissingSectionEnd { end_marker } => format!(
            "a section has no \"-----END {}-----\" line (a file cut short?)",
            String::from_utf8_lossy(end_marker)
        ),
        Error::IllegalSectionStart { line } => {
            format!("a malformed BEGIN line: {}", String::from_utf8_lossy(line))
        }
        other => other.to_string(),
    }
}

fn read_pair(files: &TlsFiles, provider: &CryptoProvider) -> Result<CertifiedKey, TlsError> {
    let pem = read(&files.cert)?;
    let chain = CertificateDer::pem_slice_iter(&pem)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| TlsError::Pem {
            path: files.cert.clone(),
            reason: pem_reason(&e),
        })?;
    if chain.is_empty() {
        return Err(TlsError::NoCertificate {
            path: files.cert.clone(),
        });
    }
    let pem = read(&files.key)?;
    let key = PrivateKeyDer::from_pem_slice(&pem).map_err(|e| match e {
        rustls::pki_types::pem::Error::NoItemsFound => TlsError::NoKey {
            path: files.key.clone(),
        },
        e => TlsError::Pem {
            path: files.key.clone(),
            reason: pem_reason(&e),
        },
    })?;
    CertifiedKey::from_der(chain, key, provider).map_err(|source| TlsError::Unusable {
        cert: files.cert.clone(),
        key: files.key.clone(),
        source,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pair(dir: &Path, name: &str) -> TlsFiles {
        let made = rcgen::generate_simple_self_signed(vec!["localhost".into()]).unwrap();
        let files = TlsFiles {
            cert: dir.join(format!("{name}.crt")),
            key: dir.join(format!("{name}.key")),
        };
        std::fs::write(&files.cert, made.cert.pem()).unwrap();
        std::fs::write(&files.key, made.signing_key.serialize_pem()).unwrap();
        files
    }

    fn leaf(certificates: &Certificates) -> Vec<u8> {
        certificates.current.load().cert[0].to_vec()
    }

    /// A bad file at reload time (half written, the wrong key, gone) keeps the
    /// certificate in use; a good pair replaces it.
    #[test]
    fn a_reload_takes_a_good_pair_and_keeps_the_old_one_otherwise() {
        let dir = std::env::temp_dir().join(format!("kiesdag-tls-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir_all(&dir).unwrap();
        let files = pair(&dir, "first");
        let certificates = Certificates::load(files.clone()).unwrap();
        let first = leaf(&certificates);

        let other = pair(&dir, "other");
        // The other's key with the first's certificate.
        std::fs::copy(&other.key, &files.key).unwrap();
        assert!(matches!(
            certificates.reload(),
            Err(TlsError::Unusable { .. })
        ));
        std::fs::write(&files.cert, "-----BEGIN CERTIFICATE-----\nAAAA").unwrap();
        let cut = certificates.reload().unwrap_err().to_string();
        assert!(cut.contains("-----END CERTIFICATE-----"), "{cut}");
        std::fs::write(&files.cert, "no pem here").unwrap();
        assert!(matches!(
            certificates.reload(),
            Err(TlsError::NoCertificate { .. })
        ));
        std::fs::remove_file(&files.cert).unwrap();
        assert!(matches!(certificates.reload(), Err(TlsError::Read { .. })));
        assert_eq!(leaf(&certificates), first, "the old certificate is kept");

        std::fs::copy(&other.cert, &files.cert).unwrap();
        certificates.reload().unwrap();
        assert_ne!(leaf(&certificates), first);
        assert_eq!(
            leaf(&certificates),
            leaf(&Certificates::load(other).unwrap())
        );
        let _ = std::fs::remove_dir_all(dir);
    }

    #[test]
    fn a_key_file_without_a_key_is_refused_at_start() {
        let dir = std::env::temp_dir().join(format!("kiesdag-tls-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir_all(&dir).unwrap();
        let files = pair(&dir, "first");
        std::fs::copy(&files.cert, &files.key).unwrap();
        assert!(matches!(
            Certificates::load(files),
            Err(TlsError::NoKey { .. })
        ));
        let _ = std::fs::remove_dir_all(dir);
    }
}
