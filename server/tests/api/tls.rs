//! HTTPS of its own (`--tls-cert`, `--tls-key`): a certificate made at test
//! start, a client that trusts it.

use std::sync::Arc;
use std::time::Duration;

use rustls::pki_types::{CertificateDer, ServerName};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio_rustls::TlsConnector;

use crate::helpers::{TestApp, spawn_app_with};

/// A server speaking HTTPS with a certificate for `localhost` made now,
/// and the certificate, for the client to trust.
async fn https_app() -> (TestApp, CertificateDer<'static>, tempfile::TempDir) {
    let made = rcgen::generate_simple_self_signed(vec!["localhost".to_owned()]).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let (cert, key) = (dir.path().join("cert.pem"), dir.path().join("key.pem"));
    std::fs::write(&cert, made.cert.pem()).unwrap();
    std::fs::write(&key, made.key_pair.serialize_pem()).unwrap();
    let app = spawn_app_with(|config| {
        config.tls_cert = Some(cert.clone());
        config.tls_key = Some(key.clone());
    })
    .await;
    (app, made.cert.der().clone(), dir)
}

/// `GET path` over TLS, trusting `cert`; the status line.
async fn get_over_tls(app: &TestApp, cert: &CertificateDer<'static>, path: &str) -> String {
    let mut roots = rustls::RootCertStore::empty();
    roots.add(cert.clone()).unwrap();
    #[expect(
        deprecated,
        reason = "ring offers no post-quantum key exchange (rustls 0.23.48 deprecates its provider for that); aws-lc-rs, which does, builds C with cmake"
    )]
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_root_certificates(roots)
        .with_no_client_auth();
    // As a browser offers them.
    config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    let tcp = TcpStream::connect(app.addr).await.unwrap();
    let name = ServerName::try_from("localhost").unwrap();
    let mut tls = TlsConnector::from(Arc::new(config))
        .connect(name, tcp)
        .await
        .unwrap();
    assert_eq!(
        tls.get_ref().1.alpn_protocol(),
        Some(&b"http/1.1"[..]),
        "a server without HTTP/2 must not agree to h2"
    );
    let request = format!("GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
    tls.write_all(request.as_bytes()).await.unwrap();
    let mut answer = String::new();
    tls.read_to_string(&mut answer).await.unwrap();
    answer.lines().next().unwrap_or_default().to_owned()
}

#[tokio::test]
async fn with_a_certificate_and_its_key_the_server_speaks_https() {
    let (app, cert, _dir) = https_app().await;

    let status = get_over_tls(&app, &cert, "/healthz").await;

    assert_eq!(status, "HTTP/1.1 200 OK");
}

#[tokio::test]
async fn a_client_that_never_finishes_its_handshake_holds_up_nobody() {
    let (app, cert, _dir) = https_app().await;
    let _stalled = TcpStream::connect(app.addr).await.unwrap();

    let status = tokio::time::timeout(
        Duration::from_secs(5),
        get_over_tls(&app, &cert, "/healthz"),
    )
    .await
    .expect("served while another handshake waits");

    assert_eq!(status, "HTTP/1.1 200 OK");
}

#[tokio::test]
async fn plain_http_to_an_https_server_gets_no_answer_but_a_closed_connection() {
    let (app, _cert, _dir) = https_app().await;
    let mut tcp = TcpStream::connect(app.addr).await.unwrap();

    tcp.write_all(b"GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n")
        .await
        .unwrap();
    let mut answer = Vec::new();
    let read = tokio::time::timeout(Duration::from_secs(5), tcp.read_to_end(&mut answer)).await;

    assert!(read.is_ok(), "the connection was closed");
    assert!(!String::from_utf8_lossy(&answer).contains("200 OK"));
}
