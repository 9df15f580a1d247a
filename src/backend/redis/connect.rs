//! Opening connections and turning Redis failures into errors that say where and what to do.

use std::time::Duration;

use redis::aio::{ConnectionManager, ConnectionManagerConfig, MultiplexedConnection};
use redis::{AsyncConnectionConfig, Client, RedisError};

use crate::error::EngineError;

const CONNECT_TIMEOUT: Duration = Duration::from_secs(3);
/// Generous: one connection carries every call of the process, pipelined.
const RESPONSE_TIMEOUT: Duration = Duration::from_secs(10);

/// A client for `url`; with TLS, Redis's certificate is checked against the public
/// certificate authorities, or only against the one in `ca_file`.
pub fn client(url: &str, address: &str, ca_file: Option<&str>) -> Result<Client, EngineError> {
    let unusable =
        |e: redis::RedisError| EngineError::InvalidOptions(format!("Cannot use the Redis address {address}: {e}."));
    if !url.starts_with("rediss:") {
        return Client::open(url).map_err(unusable);
    }
    // rustls needs one process-wide crypto provider; another library may have set it.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let Some(ca_file) = ca_file else { return Client::open(url).map_err(unusable) };
    let root_cert = std::fs::read(ca_file).map_err(|e| {
        EngineError::InvalidOptions(format!(
            "Cannot read the certificate authority file {ca_file} (N8N_FUNCTIONS_REDIS_CA_FILE): {e}. Point it at a PEM file this process can read."
        ))
    })?;
    Client::build_with_tls(url, redis::TlsCertificates { client_tls: None, root_cert: Some(root_cert) })
        .map_err(unusable)
}

/// The shared, auto-reconnecting connection for every non-blocking command.
pub async fn shared(client: &Client) -> Result<ConnectionManager, RedisError> {
    let config = ConnectionManagerConfig::new()
        .set_connection_timeout(Some(CONNECT_TIMEOUT))
        .set_response_timeout(Some(RESPONSE_TIMEOUT))
        .set_number_of_retries(3)
        .set_max_delay(Duration::from_secs(2));
    ConnectionManager::new_with_config(client.clone(), config).await
}

/// A connection of its own for blocking reads: no response timeout, since Redis's own
/// BLOCK timeout is the deadline (a client-side timer would abandon a read that can still
/// swallow an entry).
pub async fn blocking(client: &Client) -> Result<MultiplexedConnection, RedisError> {
    let config = AsyncConnectionConfig::new().set_connection_timeout(Some(CONNECT_TIMEOUT)).set_response_timeout(None);
    client.get_multiplexed_async_connection_with_config(&config).await
}

pub fn is_connection_problem(error: &RedisError) -> bool {
    error.is_io_error()
        || error.is_connection_refusal()
        || error.is_timeout()
        || error.is_connection_dropped()
        || error.is_unrecoverable_error()
}

/// A failure that goes away by itself: Redis unreachable for a moment, or restarted and
/// still loading its data, or a cluster moving a slot.
pub fn is_transient(error: &RedisError) -> bool {
    is_connection_problem(error)
        || matches!(error.code(), Some("LOADING" | "TRYAGAIN" | "CLUSTERDOWN" | "MASTERDOWN" | "READONLY"))
}

/// Maps a Redis failure: unreachable servers name the address and the setting that chose it.
pub fn engine_error(error: RedisError, address: &str) -> EngineError {
    if is_connection_problem(&error) {
        EngineError::RedisUnavailable(format!(
            "Cannot reach Redis at {address}: {error}. Check that Redis runs there and accepts this connection, or change that setting."
        ))
    } else if error.code() == Some("NOAUTH") || error.code() == Some("WRONGPASS") {
        EngineError::RedisUnavailable(format!(
            "Redis at {address} refused the credentials: {error}. Check the user and password of that setting."
        ))
    } else {
        EngineError::Internal(format!("Redis at {address} answered with an error: {error}"))
    }
}
