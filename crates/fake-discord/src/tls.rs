//! The fake as `https://discord.com` itself, so serenity can run with its own rate limiter.
//!
//! serenity sends every request to a proxy URL only with its rate limiter off, and then a 429 is
//! just an error: tests through a proxy URL never exercise the limiter production runs with (its
//! per-route buckets, its waits on `Retry-After`, its global lock). Instead the fake also serves
//! its routes over TLS with a certificate for `discord.com`, signed by a certificate authority made
//! at start, and [`super::FakeDiscord::http`] builds the bot's HTTP client with that authority as
//! its only extra root and `discord.com` resolved to the fake: serenity's production code path,
//! unchanged, talking to the fake.

use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router;
use rcgen::{BasicConstraints, CertificateParams, CertifiedIssuer, IsCa, KeyPair};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;
use tokio::task::JoinHandle;
use tokio_rustls::TlsAcceptor;
use tokio_rustls::rustls::ServerConfig;
use tokio_rustls::rustls::pki_types::{PrivateKeyDer, PrivatePkcs8KeyDer};
use tokio_rustls::server::TlsStream;

/// The host name the bot's client believes it talks to.
pub const DISCORD_HOST: &str = "discord.com";

/// A certificate authority and a server configuration with a `discord.com` certificate it signed.
pub(crate) struct Identity {
    /// The authority's certificate, for the client's root store.
    pub authority_pem: String,
    pub server: Arc<ServerConfig>,
}

impl Identity {
    pub fn generate() -> Result<Identity, String> {
        let fail = |e: &dyn std::fmt::Display| format!("cannot make the fake's certificate: {e}");
        let mut ca = CertificateParams::new(Vec::<String>::new()).map_err(|e| fail(&e))?;
        ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        let authority =
            CertifiedIssuer::self_signed(ca, KeyPair::generate().map_err(|e| fail(&e))?)
                .map_err(|e| fail(&e))?;
        let key = KeyPair::generate().map_err(|e| fail(&e))?;
        let leaf = CertificateParams::new(vec![DISCORD_HOST.to_owned()])
            .map_err(|e| fail(&e))?
            .signed_by(&key, &authority)
            .map_err(|e| fail(&e))?;
        let provider = Arc::new(tokio_rustls::rustls::crypto::ring::default_provider());
        let mut server = ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(|e| fail(&e))?
            .with_no_client_auth()
            .with_single_cert(
                vec![leaf.der().clone()],
                PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der())),
            )
            .map_err(|e| fail(&e))?;
        server.alpn_protocols = vec![b"http/1.1".to_vec()];
        Ok(Identity {
            authority_pem: authority.pem(),
            server: Arc::new(server),
        })
    }
}

/// Accepted TLS connections for `axum::serve`. Handshakes run in their own tasks, so a slow or
/// failed one holds up no other connection; a failed one is dropped, as a server would.
pub(crate) struct TlsListener {
    accepted: mpsc::Receiver<(TlsStream<TcpStream>, SocketAddr)>,
    local: SocketAddr,
    acceptor: tokio::task::JoinHandle<()>,
}

impl TlsListener {
    pub fn new(listener: TcpListener, config: Arc<ServerConfig>) -> std::io::Result<TlsListener> {
        let local = listener.local_addr()?;
        let (sender, accepted) = mpsc::channel(64);
        let tls = TlsAcceptor::from(config);
        let acceptor = tokio::spawn(async move {
            loop {
                let Ok((tcp, peer)) = listener.accept().await else {
                    continue;
                };
                let (tls, sender) = (tls.clone(), sender.clone());
                tokio::spawn(async move {
                    match tls.accept(tcp).await {
                        Ok(stream) => {
                            let _ = sender.send((stream, peer)).await;
                        }
                        Err(e) => tracing::debug!("fake Discord: TLS handshake failed: {e}"),
                    }
                });
            }
        });
        Ok(TlsListener {
            accepted,
            local,
            acceptor,
        })
    }
}

impl Drop for TlsListener {
    fn drop(&mut self) {
        self.acceptor.abort();
    }
}

impl axum::serve::Listener for TlsListener {
    type Io = TlsStream<TcpStream>;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        match self.accepted.recv().await {
            Some(accepted) => accepted,
            // The acceptor task only ends when aborted, with the listener itself.
            None => std::future::pending().await,
        }
    }

    fn local_addr(&self) -> std::io::Result<Self::Addr> {
        Ok(self.local)
    }
}

/// Where the TLS route listens, who signed its certificate, and its server task.
pub(crate) struct TlsRoute {
    pub addr: SocketAddr,
    /// The certificate authority that signed the fake's `discord.com` certificate.
    pub authority_pem: String,
    pub server: Option<JoinHandle<()>>,
}

impl TlsRoute {
    pub async fn start(app: Router) -> std::io::Result<TlsRoute> {
        let identity = Identity::generate().map_err(std::io::Error::other)?;
        let listener = TlsListener::new(TcpListener::bind("127.0.0.1:0").await?, identity.server)?;
        let addr = axum::serve::Listener::local_addr(&listener)?;
        let server = tokio::spawn(async move {
            if let Err(e) = axum::serve(listener, app).await {
                tracing::error!("fake Discord (TLS) stopped: {e}");
            }
        });
        Ok(TlsRoute {
            addr,
            authority_pem: identity.authority_pem,
            server: Some(server),
        })
    }
}
