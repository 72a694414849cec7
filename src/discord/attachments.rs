//! Downloading a file a member attached to a command (a deck upload): from the URL Discord gave
//! in the interaction, with the bot's timeouts, and never more than a cap, whatever the server
//! says the length is.

use super::client::reqwest_client;

/// Why an attachment could not be read; shown to the admin as is.
#[derive(Debug, thiserror::Error)]
pub enum DownloadError {
    #[error("The file could not be downloaded from Discord ({0}).")]
    Http(String),
    #[error("The file is over {limit} bytes.")]
    TooLarge { limit: usize },
}

/// The attachment at `url`, refused past `limit` bytes.
pub async fn download(url: &str, limit: usize) -> Result<Vec<u8>, DownloadError> {
    let http = |e: reqwest::Error| DownloadError::Http(e.without_url().to_string());
    let client = reqwest_client().map_err(http)?;
    let mut response = client
        .get(url)
        .send()
        .await
        .and_then(reqwest::Response::error_for_status)
        .map_err(http)?;
    if response.content_length().is_some_and(|n| n > limit as u64) {
        return Err(DownloadError::TooLarge { limit });
    }
    let mut bytes = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(http)? {
        if bytes.len() + chunk.len() > limit {
            return Err(DownloadError::TooLarge { limit });
        }
        bytes.extend_from_slice(&chunk);
    }
    Ok(bytes)
}
