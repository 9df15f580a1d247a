//! Opening connections, to one server or to a Redis Cluster, and turning Redis failures
//! into errors that say where and what to do.

use std::sync::Arc;
use std::time::Duration;

use redis::aio::{ConnectionLike, ConnectionManager, ConnectionManagerConfig, MultiplexedConnection};
use redis::cluster::{ClusterClient, ClusterClientBuilder};
use redis::cluster_async::ClusterConnection;
use redis::{AsyncConnectionConfig, Client, Cmd, Pipeline, RedisError, RedisFuture, Value};

use crate::error::EngineError;

const CONNECT_TIMEOUT: Duration = Duration::from_secs(3);
/// Generous: one connection carries every call of the process, pipelined.
const RESPONSE_TIMEOUT: Duration = Duration::from_secs(10);

/// A client for `url`; with TLS, Redis's certificate is checked against the public
/// certificate authorities, or only against the one in `ca_file`.
fn client(url: &str, address: &str, ca_file: Option<&str>) -> Result<Client, EngineError> {
    let unusable = |e: redis::RedisError| unusable(address, &e.to_string());
    if !url.starts_with("rediss:") {
        return Client::open(url).map_err(unusable);
    }
    // rustls needs one process-wide crypto provider; another library may have set it.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let Some(ca_file) = ca_file else { return Client::open(url).map_err(unusable) };
    Client::build_with_tls(url, redis::TlsCertificates { client_tls: None, root_cert: Some(read_ca(ca_file)?) })
        .map_err(unusable)
}

/// How this process reaches Redis: one server, or a cluster through the nodes it was told.
#[derive(Clone)]
pub enum Servers {
    Server(Arc<Client>),
    Cluster(Arc<Cluster>),
}

pub struct Cluster {
    client: ClusterClient,
    /// Clients of the nodes named in the settings, tried in turn for blocking reads and
    /// the inbox (the cluster client learns the other nodes from them).
    seeds: Vec<Client>,
    /// A seed's URL, the model of a client for a node learned from a redirect.
    model_url: String,
    ca_file: Option<String>,
    address: String,
}

impl Servers {
    pub fn open(urls: &[String], cluster: bool, address: &str, ca_file: Option<&str>) -> Result<Self, EngineError> {
        let seeds = urls.iter().map(|url| client(url, address, ca_file)).collect::<Result<Vec<_>, _>>()?;
        if !cluster {
            return seeds
                .into_iter()
                .next()
                .map(|seed| Self::Server(Arc::new(seed)))
                .ok_or_else(|| unusable(address, "no URL"));
        }
        let mut builder = ClusterClientBuilder::new(urls.to_vec())
            .connection_timeout(CONNECT_TIMEOUT)
            .response_timeout(RESPONSE_TIMEOUT)
            // Commands leave one by one here (no batches across slots): Nagle's algorithm
            // would hold each behind the acknowledgement of the one before.
            .tcp_settings(redis::io::tcp::TcpSettings::default().set_nodelay(true));
        if let Some(ca_file) = ca_file.filter(|_| urls.iter().any(|u| u.starts_with("rediss:"))) {
            builder = builder.certs(redis::TlsCertificates { client_tls: None, root_cert: Some(read_ca(ca_file)?) });
        }
        Ok(Self::Cluster(Arc::new(Cluster {
            client: builder.build().map_err(|e| unusable(address, &e.to_string()))?,
            seeds,
            model_url: urls[0].clone(),
            ca_file: ca_file.map(str::to_string),
            address: address.to_string(),
        })))
    }

    /// The shared, auto-reconnecting connection for every non-blocking command.
    pub async fn shared(&self) -> Result<Shared, RedisError> {
        match self {
            Self::Server(client) => shared(client).await.map(Shared::Server),
            Self::Cluster(cluster) => cluster.client.get_async_connection().await.map(Shared::Cluster),
        }
    }

    /// The nodes to try first: the one server, or the cluster nodes of the settings.
    pub fn seeds(&self) -> &[Client] {
        match self {
            Self::Server(client) => std::slice::from_ref(&**client),
            Self::Cluster(cluster) => &cluster.seeds,
        }
    }

    /// A client of the cluster node a redirect names (`host:port`), with the seeds'
    /// credentials and TLS; None for one server, which never redirects.
    pub fn node(&self, host_port: &str) -> Option<Client> {
        let Self::Cluster(cluster) = self else { return None };
        let (host, port) = host_port.rsplit_once(':')?;
        let mut url = redis::parse_redis_url(&cluster.model_url)?;
        url.set_host(Some(host)).ok()?;
        url.set_port(Some(port.parse().ok()?)).ok()?;
        client(url.as_str(), &cluster.address, cluster.ca_file.as_deref()).ok()
    }
}

/// The connection every non-blocking command shares. On a cluster it holds one multiplexed
/// connection per node, routes each command by its key's slot, follows MOVED and ASK and
/// refreshes the slot map after a failover.
#[derive(Clone)]
pub enum Shared {
    Server(ConnectionManager),
    Cluster(ClusterConnection),
}

impl ConnectionLike for Shared {
    fn req_packed_command<'a>(&'a mut self, cmd: &'a Cmd) -> RedisFuture<'a, Value> {
        match self {
            Self::Server(connection) => connection.req_packed_command(cmd),
            Self::Cluster(connection) => connection.req_packed_command(cmd),
        }
    }

    fn req_packed_commands<'a>(
        &'a mut self,
        pipeline: &'a Pipeline,
        offset: usize,
        count: usize,
    ) -> RedisFuture<'a, Vec<Value>> {
        match self {
            Self::Server(connection) => connection.req_packed_commands(pipeline, offset, count),
            Self::Cluster(connection) => connection.req_packed_commands(pipeline, offset, count),
        }
    }

    fn get_db(&self) -> i64 {
        match self {
            Self::Server(connection) => connection.get_db(),
            Self::Cluster(connection) => connection.get_db(),
        }
    }
}

fn unusable(address: &str, why: &str) -> EngineError {
    EngineError::InvalidOptions(format!("Cannot use the Redis address {address}: {why}."))
}

fn read_ca(ca_file: &str) -> Result<Vec<u8>, EngineError> {
    std::fs::read(ca_file).map_err(|e| {
        EngineError::InvalidOptions(format!(
            "Cannot read the certificate authority file {ca_file} (N8N_FUNCTIONS_REDIS_CA_FILE): {e}. Point it at a PEM file this process can read."
        ))
    })
}

/// The shared, auto-reconnecting connection of one server.
async fn shared(client: &Client) -> Result<ConnectionManager, RedisError> {
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
