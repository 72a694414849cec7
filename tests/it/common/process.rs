//! `dailydrill run` as an operator starts it: the built binary in a directory of its own, with
//! none of our variables inherited from the developer's shell, both its outputs drained while it
//! runs (at trace level it writes far more than a pipe holds), and signals sent as a terminal or
//! a service manager sends them.

use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use dailydrill::config::ENV_VARIABLES;
use tokio::io::AsyncBufReadExt as _;

/// A token of the right shape; the fake accepts any.
pub const TOKEN: &str = "MTIzNDU2Nzg5MDEyMzQ1Njc4.GAbCdE.abcdefghijklmnopqrstuvwxyz0123456789";

/// A running `dailydrill run`.
pub struct Bot {
    child: tokio::process::Child,
    /// Every line it wrote to stderr (its log) so far.
    log: Arc<Mutex<Vec<String>>>,
    reader: tokio::task::JoinHandle<()>,
    /// Everything it wrote to stdout, once it has closed it.
    stdout: tokio::task::JoinHandle<String>,
}

/// How a `dailydrill run` ended.
pub struct Exited {
    pub code: Option<i32>,
    /// From the call to [`Bot::exits_within`] to the exit.
    pub took: Duration,
    pub stdout: String,
    pub stderr: String,
}

impl Bot {
    /// `dailydrill run` in `cwd` with `env` (and nothing else of ours).
    /// `DAILYDRILL_BIN` runs another build instead, such as that of an earlier commit, to show
    /// that a test fails there.
    pub fn start(cwd: &Path, env: &[(&str, &str)]) -> Bot {
        let binary = std::env::var_os("DAILYDRILL_BIN")
            .unwrap_or_else(|| env!("CARGO_BIN_EXE_dailydrill").into());
        let mut cmd = tokio::process::Command::new(binary);
        cmd.current_dir(cwd).arg("run");
        for var in ENV_VARIABLES {
            cmd.env_remove(var);
        }
        cmd.envs(env.iter().copied())
            .kill_on_drop(true)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped());
        let mut child = cmd.spawn().expect("the binary starts");
        let mut out = child.stdout.take().expect("stdout is piped");
        let stdout = tokio::spawn(async move {
            let mut buf = Vec::new();
            let _ = tokio::io::AsyncReadExt::read_to_end(&mut out, &mut buf).await;
            String::from_utf8_lossy(&buf).into_owned()
        });
        let log = Arc::new(Mutex::new(Vec::new()));
        let stderr = child.stderr.take().expect("stderr is piped");
        let lines = log.clone();
        let reader = tokio::spawn(async move {
            let mut reader = tokio::io::BufReader::new(stderr).lines();
            while let Ok(Some(line)) = reader.next_line().await {
                lines.lock().unwrap().push(line);
            }
        });
        Bot {
            child,
            log,
            reader,
            stdout,
        }
    }

    /// `dailydrill run` against `fake` (its API URL), commands registered in guild 4242, logging
    /// at info, with `extra` variables (which win over those).
    pub fn against(fake: &fake_discord::FakeDiscord, cwd: &Path, extra: &[(&str, &str)]) -> Bot {
        let api = fake.api_url();
        let mut env = vec![
            ("DISCORD_TOKEN", TOKEN),
            ("DISCORD_API_URL", api.as_str()),
            ("DEV_GUILD_ID", "4242"),
            ("RUST_LOG", "info"),
        ];
        env.extend_from_slice(extra);
        Bot::start(cwd, &env)
    }

    /// The log lines so far.
    pub fn log(&self) -> Vec<String> {
        self.log.lock().unwrap().clone()
    }

    /// Waits until a log line contains `needle`; false after `limit`.
    pub async fn wait_for_log(&self, needle: &str, limit: Duration) -> bool {
        let deadline = Instant::now() + limit;
        while Instant::now() < deadline {
            if self.log().iter().any(|l| l.contains(needle)) {
                return true;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        false
    }

    /// Sends a signal (`TERM`, `INT`) to the process.
    pub fn signal(&self, name: &str) {
        let pid = self.child.id().expect("still running").to_string();
        let sent = std::process::Command::new("kill")
            .args([&format!("-{name}"), &pid])
            .status()
            .expect("kill runs");
        assert!(sent.success(), "kill -{name} {pid}");
    }

    /// Waits for the process to exit by itself within `limit`. Fails the test (after killing it)
    /// when it is still running, showing the end of its log.
    pub async fn exits_within(mut self, limit: Duration) -> Exited {
        let started = Instant::now();
        let status = tokio::time::timeout(limit, self.child.wait()).await;
        let took = started.elapsed();
        if status.is_err() {
            let _ = self.child.kill().await;
        }
        let _ = tokio::time::timeout(Duration::from_secs(2), &mut self.reader).await;
        let stdout = tokio::time::timeout(Duration::from_secs(2), self.stdout)
            .await
            .ok()
            .and_then(Result::ok)
            .unwrap_or_default();
        let log = self.log.lock().unwrap().clone();
        match status {
            Ok(status) => Exited {
                code: status.expect("waited").code(),
                took,
                stdout,
                stderr: log.join("\n"),
            },
            Err(_) => {
                let tail: Vec<&String> = log.iter().rev().take(15).collect();
                panic!("still running {limit:?} after the signal; its last log lines:\n{tail:#?}")
            }
        }
    }
}
