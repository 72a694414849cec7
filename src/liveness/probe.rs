//! The client side of `/healthz`, for `dailydrill healthcheck`: one HTTP/1.0 GET over a plain TCP
//! stream, bounded in time and size, so that a container's health check needs no curl.

use std::io;
use std::net::SocketAddr;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// How long `dailydrill healthcheck` waits for the whole answer.
pub const TIMEOUT: Duration = Duration::from_secs(3);
/// The most of an answer read: `/healthz` answers in a few hundred bytes.
const MAX_ANSWER: u64 = 64 * 1024;

/// What the server answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    pub status: u16,
    pub body: String,
}

/// Why no answer came.
#[derive(Debug, thiserror::Error)]
pub enum ProbeError {
    #[error(
        "nothing answers at {addr} ({source}); is `dailydrill run` running with this METRICS_ADDR?"
    )]
    Connect { addr: SocketAddr, source: io::Error },
    #[error("{addr} did not answer within {:?}", TIMEOUT)]
    Timeout { addr: SocketAddr },
    #[error("the connection to {addr} failed: {source}")]
    Io { addr: SocketAddr, source: io::Error },
    #[error("{addr} did not answer in HTTP")]
    NotHttp { addr: SocketAddr },
}

/// GETs `/healthz` from `addr`, giving up after `timeout`.
pub async fn healthz(addr: SocketAddr, timeout: Duration) -> Result<Answer, ProbeError> {
    match tokio::time::timeout(timeout, get(addr, "/healthz")).await {
        Ok(answer) => answer,
        Err(_) => Err(ProbeError::Timeout { addr }),
    }
}

async fn get(addr: SocketAddr, path: &str) -> Result<Answer, ProbeError> {
    let mut stream = TcpStream::connect(addr)
        .await
        .map_err(|source| ProbeError::Connect { addr, source })?;
    let io = |source| ProbeError::Io { addr, source };
    // HTTP/1.0: the server closes the connection after its answer, which ends the read.
    let request = format!("GET {path} HTTP/1.0\r\nHost: {addr}\r\nUser-Agent: dailydrill\r\n\r\n");
    stream.write_all(request.as_bytes()).await.map_err(io)?;
    let mut raw = Vec::new();
    stream
        .take(MAX_ANSWER)
        .read_to_end(&mut raw)
        .await
        .map_err(io)?;
    parse(&raw).ok_or(ProbeError::NotHttp { addr })
}

/// The status code and body of a whole HTTP/1.x answer.
fn parse(raw: &[u8]) -> Option<Answer> {
    let text = String::from_utf8_lossy(raw);
    let (head, body) = text.split_once("\r\n\r\n")?;
    let mut status_line = head.lines().next()?.split_whitespace();
    if !status_line.next()?.starts_with("HTTP/1.") {
        return None;
    }
    let status = status_line.next()?.parse().ok()?;
    Some(Answer {
        status,
        body: body.to_owned(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_answer_gives_its_status_and_body() {
        let raw = b"HTTP/1.1 503 Service Unavailable\r\ncontent-length: 2\r\n\r\n{}";
        assert_eq!(
            parse(raw),
            Some(Answer {
                status: 503,
                body: "{}".to_owned()
            })
        );
    }

    #[test]
    fn anything_else_is_not_http() {
        for raw in [
            &b""[..],
            b"SSH-2.0-OpenSSH_9.6\r\n",
            b"HTTP/1.1 abc OK\r\n\r\n",
            b"HTTP/2 200\r\n\r\n",
            b"HTTP/1.1 200 OK\r\n",
        ] {
            assert_eq!(parse(raw), None, "{raw:?}");
        }
    }
}
