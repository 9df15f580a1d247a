//! Where the connection comes from and the defaults. Order: an explicit URL option, the
//! "Functions Redis" credential, N8N_FUNCTIONS_REDIS_URL, n8n's own queue-mode Redis
//! (EXECUTIONS_MODE=queue with QUEUE_BULL_REDIS_*, or QUEUE_BULL_REDIS_CLUSTER_NODES for Redis
//! Cluster), and otherwise the in-process memory backend (n8n's regular mode runs everything
//! in one process). A URL list or a credential's host list names the nodes of a cluster.

use std::time::Duration;

use crate::error::{EngineError, Result};

pub const DEFAULT_KEY_PREFIX: &str = "n8n-functions:";
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);
const DEFAULT_REPLY_TTL_SECONDS: u64 = 600;
const DEFAULT_MAX_PAYLOAD_BYTES: usize = 4 * 1024 * 1024;
const DEFAULT_HEARTBEAT_MS: u64 = 2000;
const DEFAULT_RETIRE_AFTER_DAYS: u64 = 30;
const DEFAULT_EVENTS_MAX_LEN: u64 = 10_000;

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Credential {
    pub host: Option<String>,
    pub port: Option<u32>,
    pub database: Option<u32>,
    pub user: Option<String>,
    pub password: Option<String>,
    pub tls: Option<bool>,
}

#[derive(Debug, Clone, Default)]
pub struct Options {
    pub url: Option<String>,
    pub credential: Option<Credential>,
    pub key_prefix: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Target {
    Memory,
    Redis {
        /// The URLs to connect with, secrets included: never shown. One server, or the
        /// nodes a cluster client starts from (it learns the others from them).
        urls: Vec<String>,
        /// Redis Cluster: keys spread over its primaries by hash slot.
        cluster: bool,
        /// The URLs without password, and the setting that chose them.
        display: String,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub struct Settings {
    pub target: Target,
    pub key_prefix: String,
    /// How long a reply stays stored for callers that come back.
    pub reply_ttl: Duration,
    /// Largest call or reply accepted, in bytes of JSON.
    pub max_payload_bytes: usize,
    /// How often a served function proves it is alive and keeps the calls it holds.
    pub heartbeat: Duration,
    /// PEM file of the certificate authority a TLS Redis's certificate is checked against,
    /// instead of the public ones (N8N_FUNCTIONS_REDIS_CA_FILE).
    pub tls_ca_file: Option<String>,
    /// A function no trigger has served for this long is retired: dropped from the lists
    /// and from Redis (N8N_FUNCTIONS_RETIRE_AFTER_DAYS; None: never).
    pub retire_after: Option<Duration>,
    /// About how many entries the event feed keeps (N8N_FUNCTIONS_EVENTS_MAX_LEN; 0: no feed).
    pub events_max_len: usize,
}

impl Settings {
    /// A consumer that missed this many heartbeats' worth of time is dead; its calls are reclaimed.
    pub fn stale_after(&self) -> Duration {
        self.heartbeat * 3
    }

    /// A function with no heartbeat for this long is inactive: calls fail at once
    /// instead of waiting for a restart.
    pub fn inactive_after(&self) -> Duration {
        self.heartbeat * 12
    }

    /// Where calls travel, for messages: never contains a password.
    pub fn address(&self) -> String {
        match &self.target {
            Target::Memory => "memory (in this n8n process)".into(),
            Target::Redis { display, .. } => display.clone(),
        }
    }

    /// Identifies the engine shared by clients of the same settings in one process. The
    /// setting that chose a Redis is part of it: an engine's messages name that setting, so a
    /// credential pointing at the queue's Redis must not borrow the queue settings' engine.
    pub fn engine_id(&self) -> String {
        match &self.target {
            Target::Memory => format!("memory|{}", self.key_prefix),
            Target::Redis { urls, display, .. } => format!("{}|{display}|{}", urls.join(","), self.key_prefix),
        }
    }
}

pub fn resolve(options: &Options, env: impl Fn(&str) -> Option<String>) -> Result<Settings> {
    let env = |name: &str| env(name).map(|v| v.trim().to_string()).filter(|v| !v.is_empty());
    let target = if let Some(url) = options.url.as_deref().filter(|u| !u.trim().is_empty()) {
        url_target(url.trim(), "the url option")?
    } else if let Some(credential) = &options.credential {
        from_fields(credential, "the Functions Redis credential")?
    } else if let Some(url) = env("N8N_FUNCTIONS_REDIS_URL") {
        url_target(&url, "N8N_FUNCTIONS_REDIS_URL")?
    } else if env("EXECUTIONS_MODE").as_deref() == Some("queue") {
        let port = match env("QUEUE_BULL_REDIS_PORT") {
            Some(text) => Some(number(&text, "QUEUE_BULL_REDIS_PORT")?),
            None => None,
        };
        let database = match env("QUEUE_BULL_REDIS_DB") {
            Some(text) => Some(number(&text, "QUEUE_BULL_REDIS_DB")?),
            None => None,
        };
        let cluster_nodes = env("QUEUE_BULL_REDIS_CLUSTER_NODES");
        let fields = Credential {
            // n8n's queue runs on the cluster whenever it names nodes, whatever HOST says.
            host: cluster_nodes.clone().or_else(|| env("QUEUE_BULL_REDIS_HOST")),
            port,
            database,
            user: env("QUEUE_BULL_REDIS_USERNAME"),
            password: env("QUEUE_BULL_REDIS_PASSWORD"),
            tls: env("QUEUE_BULL_REDIS_TLS").map(|v| v == "true"),
        };
        match cluster_nodes {
            // A cluster has only database 0: n8n ignores QUEUE_BULL_REDIS_DB there, and so do we.
            Some(_) => cluster_from_fields(
                &Credential { database: None, ..fields },
                "n8n's queue settings QUEUE_BULL_REDIS_CLUSTER_NODES",
            )?,
            None => from_fields(&fields, "n8n's queue settings QUEUE_BULL_REDIS_*")?,
        }
    } else {
        Target::Memory
    };
    let key_prefix = options
        .key_prefix
        .clone()
        .or_else(|| env("N8N_FUNCTIONS_KEY_PREFIX"))
        .unwrap_or_else(|| default_key_prefix(env("N8N_REDIS_KEY_PREFIX"), env("QUEUE_BULL_PREFIX")));
    if key_prefix.contains(['{', '}']) {
        return Err(EngineError::InvalidOptions(format!(
            "The key prefix '{key_prefix}' contains curly braces, which would break Redis Cluster hash tags: remove them."
        )));
    }
    let seconds = |name: &str, default: u64| -> Result<u64> {
        env(name).map(|t| number(&t, name)).transpose().map(|v| v.unwrap_or(default))
    };
    Ok(Settings {
        target,
        key_prefix,
        reply_ttl: Duration::from_secs(seconds("N8N_FUNCTIONS_REPLY_TTL_SECONDS", DEFAULT_REPLY_TTL_SECONDS)?.max(1)),
        max_payload_bytes: seconds("N8N_FUNCTIONS_MAX_PAYLOAD_BYTES", DEFAULT_MAX_PAYLOAD_BYTES as u64)? as usize,
        heartbeat: Duration::from_millis(seconds("N8N_FUNCTIONS_HEARTBEAT_MS", DEFAULT_HEARTBEAT_MS)?.max(50)),
        tls_ca_file: env("N8N_FUNCTIONS_REDIS_CA_FILE"),
        retire_after: match seconds("N8N_FUNCTIONS_RETIRE_AFTER_DAYS", DEFAULT_RETIRE_AFTER_DAYS)? {
            0 => None,
            days => Some(Duration::from_secs(days * 86_400)),
        },
        events_max_len: seconds("N8N_FUNCTIONS_EVENTS_MAX_LEN", DEFAULT_EVENTS_MAX_LEN)? as usize,
    })
}

/// The prefix when N8N_FUNCTIONS_KEY_PREFIX is not set follows n8n's own separation of
/// deployments that share one Redis: N8N_REDIS_KEY_PREFIX (n8n's default "n8n") and
/// QUEUE_BULL_PREFIX (default "bull"). At n8n's defaults it is "n8n-functions:"; a deployment
/// with its own prefixes gets keys of its own, "<n8n prefix>-functions:<bull prefix>:".
/// (Braces, which n8n users put in QUEUE_BULL_PREFIX for Redis Cluster, are left out: a
/// function's keys carry hash tags of their own.)
fn default_key_prefix(n8n_prefix: Option<String>, bull_prefix: Option<String>) -> String {
    let clean = |text: String| text.replace(['{', '}'], "");
    let n8n_prefix = n8n_prefix.map(clean).filter(|p| !p.is_empty()).unwrap_or_else(|| "n8n".into());
    match bull_prefix.map(clean).filter(|p| !p.is_empty() && p != "bull") {
        None => format!("{n8n_prefix}-functions:"),
        Some(bull_prefix) => format!("{n8n_prefix}-functions:{bull_prefix}:"),
    }
}

fn number<T: std::str::FromStr>(text: &str, name: &str) -> Result<T> {
    text.parse().map_err(|_| {
        EngineError::InvalidOptions(format!("{name} is '{text}', which is not a whole number: fix or unset it."))
    })
}

/// One URL names a server; several, comma-separated, name nodes of one Redis Cluster.
fn url_target(text: &str, source: &str) -> Result<Target> {
    let urls: Vec<&str> = text.split(',').map(str::trim).filter(|u| !u.is_empty()).collect();
    if urls.len() < 2 {
        return server_target(text, source);
    }
    let shown = urls.iter().map(|url| shown_url(url, source)).collect::<Result<Vec<_>>>()?;
    cluster_target(urls.iter().map(|u| u.to_string()).collect(), &shown, source)
}

fn server_target(url: &str, source: &str) -> Result<Target> {
    let shown = shown_url(url, source)?;
    Ok(Target::Redis { urls: vec![url.to_string()], cluster: false, display: format!("{shown} (from {source})") })
}

fn cluster_target(urls: Vec<String>, shown: &[String], source: &str) -> Result<Target> {
    if urls.iter().any(|url| redis::parse_redis_url(url).is_some_and(|u| !matches!(u.path(), "" | "/" | "/0"))) {
        return Err(EngineError::InvalidOptions(format!(
            "{source} names Redis Cluster nodes with a database number, but a cluster has only database 0: remove the /<db> part."
        )));
    }
    Ok(Target::Redis { urls, cluster: true, display: format!("Redis Cluster {} (from {source})", shown.join(",")) })
}

/// The URL as messages show it: checked, its password hidden.
fn shown_url(url: &str, source: &str) -> Result<String> {
    let parsed = redis::parse_redis_url(url).filter(|u| matches!(u.scheme(), "redis" | "rediss"));
    let Some(mut shown) = parsed else {
        return Err(EngineError::InvalidOptions(format!(
            "{source} is not a Redis URL: write it as redis://[user:password@]host:port/db (rediss:// for TLS), or as a comma-separated list of such URLs for the nodes of a Redis Cluster."
        )));
    };
    if shown.password().is_some() {
        let _ = shown.set_password(Some("***"));
    }
    Ok(shown.to_string())
}

/// A host field with several comma-separated `host:port` names a cluster's nodes.
fn from_fields(fields: &Credential, source: &str) -> Result<Target> {
    match &fields.host {
        Some(hosts) if hosts.contains(',') => cluster_from_fields(fields, source),
        _ => server_target(&field_url(fields, fields.host.as_deref(), fields.port), source),
    }
}

/// `hosts`: comma-separated `host[:port]` (a missing port is the field's, or 6379).
fn cluster_from_fields(fields: &Credential, source: &str) -> Result<Target> {
    if fields.database.is_some_and(|db| db != 0) {
        return Err(EngineError::InvalidOptions(format!(
            "{source} names Redis Cluster nodes with database {}, but a cluster has only database 0: set the database to 0.",
            fields.database.unwrap_or_default()
        )));
    }
    let hosts = fields.host.as_deref().unwrap_or_default();
    let mut urls = Vec::new();
    for node in hosts.split(',').map(str::trim).filter(|n| !n.is_empty()) {
        let (host, port) = match node.rsplit_once(':').filter(|(host, _)| !host.ends_with(':')) {
            Some((host, port)) => {
                (host, Some(number::<u32>(port, &format!("The port of cluster node '{node}' in {source}"))?))
            }
            None => (node, fields.port),
        };
        urls.push(field_url(fields, Some(host.trim_start_matches('[').trim_end_matches(']')), port));
    }
    if urls.is_empty() {
        return Err(EngineError::InvalidOptions(format!(
            "{source} names no cluster node: write the nodes as host:port,host:port."
        )));
    }
    let shown = urls.iter().map(|url| shown_url(url, source)).collect::<Result<Vec<_>>>()?;
    cluster_target(urls, &shown, source)
}

fn field_url(fields: &Credential, host: Option<&str>, port: Option<u32>) -> String {
    let scheme = if fields.tls.unwrap_or(false) { "rediss" } else { "redis" };
    let host = host.map(str::trim).filter(|h| !h.is_empty()).unwrap_or("localhost").to_string();
    let host = if host.contains(':') && !host.starts_with('[') { format!("[{host}]") } else { host };
    let port = port.unwrap_or(6379);
    let database = fields.database.unwrap_or(0);
    let user = fields.user.as_deref().unwrap_or("");
    let auth = match fields.password.as_deref().filter(|p| !p.is_empty()) {
        Some(password) => format!("{}:{}@", encode(user), encode(password)),
        None if !user.is_empty() => format!("{}@", encode(user)),
        None => String::new(),
    };
    format!("{scheme}://{auth}{host}:{port}/{database}")
}

/// Percent-encodes a URL user-info part so any password survives the URL.
fn encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn resolve_with(options: Options, vars: &[(&str, &str)]) -> Result<Settings> {
        let map: HashMap<String, String> = vars.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        resolve(&options, |name| map.get(name).cloned())
    }

    #[test]
    fn a_credential_for_the_queue_redis_gets_an_engine_naming_the_credential() {
        let queue = [("EXECUTIONS_MODE", "queue"), ("QUEUE_BULL_REDIS_HOST", "127.0.0.1")];
        let from_queue = resolve_with(Options::default(), &queue).unwrap();
        let credential = Credential { host: Some("127.0.0.1".into()), ..Credential::default() };
        let from_credential =
            resolve_with(Options { credential: Some(credential), ..Options::default() }, &queue).unwrap();
        assert!(from_credential.address().contains("Functions Redis credential"), "{}", from_credential.address());
        assert_ne!(from_queue.engine_id(), from_credential.engine_id());
    }

    #[test]
    fn regular_mode_without_settings_uses_memory() {
        let settings = resolve_with(Options::default(), &[]).unwrap();
        assert_eq!(settings.target, Target::Memory);
        assert_eq!(settings.key_prefix, DEFAULT_KEY_PREFIX);
    }

    #[test]
    fn queue_mode_uses_n8ns_redis_and_hides_the_password() {
        let settings = resolve_with(
            Options::default(),
            &[
                ("EXECUTIONS_MODE", "queue"),
                ("QUEUE_BULL_REDIS_HOST", "cache"),
                ("QUEUE_BULL_REDIS_PASSWORD", "p@ss:word"),
                ("QUEUE_BULL_REDIS_DB", "2"),
            ],
        )
        .unwrap();
        let Target::Redis { urls, display, cluster } = &settings.target else { panic!("expected redis") };
        assert_eq!((urls.as_slice(), *cluster), (&["redis://:p%40ss%3Aword@cache:6379/2".to_string()][..], false));
        assert!(!display.contains("p%40ss"), "{display}");
        assert!(display.contains("QUEUE_BULL_REDIS_*"), "{display}");
    }

    #[test]
    fn explicit_url_wins_over_queue_settings_and_credential_wins_over_env() {
        let vars = [("EXECUTIONS_MODE", "queue"), ("N8N_FUNCTIONS_REDIS_URL", "redis://other:7000")];
        let from_env = resolve_with(Options::default(), &vars).unwrap();
        assert!(from_env.address().starts_with("redis://other:7000"), "{}", from_env.address());
        let credential = Credential { host: Some("cred".into()), tls: Some(true), ..Default::default() };
        let from_credential =
            resolve_with(Options { credential: Some(credential), ..Default::default() }, &vars).unwrap();
        assert!(from_credential.address().starts_with("rediss://cred:6379/0"), "{}", from_credential.address());
    }

    #[test]
    fn the_default_prefix_keeps_apart_the_deployments_n8n_keeps_apart() {
        let prefix = |vars: &[(&str, &str)]| resolve_with(Options::default(), vars).unwrap().key_prefix;
        assert_eq!(prefix(&[]), DEFAULT_KEY_PREFIX);
        assert_eq!(prefix(&[("N8N_REDIS_KEY_PREFIX", "n8n"), ("QUEUE_BULL_PREFIX", "bull")]), DEFAULT_KEY_PREFIX);
        let a = prefix(&[("N8N_REDIS_KEY_PREFIX", "a"), ("QUEUE_BULL_PREFIX", "a-bull")]);
        let b = prefix(&[("N8N_REDIS_KEY_PREFIX", "b"), ("QUEUE_BULL_PREFIX", "b-bull")]);
        assert_eq!((a.as_str(), b.as_str()), ("a-functions:a-bull:", "b-functions:b-bull:"));
        assert_eq!(prefix(&[("QUEUE_BULL_PREFIX", "{n8n-prod}")]), "n8n-functions:n8n-prod:");
        let shared = [("N8N_REDIS_KEY_PREFIX", "a"), ("N8N_FUNCTIONS_KEY_PREFIX", "shared:")];
        assert_eq!(prefix(&shared), "shared:", "an explicit prefix shares functions on purpose");
    }

    #[test]
    fn a_queue_on_redis_cluster_connects_to_its_nodes_with_the_queue_credentials() {
        let cluster = [
            ("EXECUTIONS_MODE", "queue"),
            ("QUEUE_BULL_REDIS_CLUSTER_NODES", "10.0.0.1:7000, 10.0.0.2:7001"),
            ("QUEUE_BULL_REDIS_HOST", "ignored"),
            ("QUEUE_BULL_REDIS_USERNAME", "app"),
            ("QUEUE_BULL_REDIS_PASSWORD", "secret"),
            ("QUEUE_BULL_REDIS_TLS", "true"),
            ("QUEUE_BULL_REDIS_DB", "3"),
        ];
        let settings = resolve_with(Options::default(), &cluster).unwrap();
        let Target::Redis { urls, cluster: true, display } = &settings.target else { panic!("expected a cluster") };
        assert_eq!(urls, &["rediss://app:secret@10.0.0.1:7000/0", "rediss://app:secret@10.0.0.2:7001/0"]);
        assert!(!display.contains("secret"), "{display}");
        assert!(display.contains("QUEUE_BULL_REDIS_CLUSTER_NODES"), "{display}");
        let with_url = [cluster[0], cluster[1], ("N8N_FUNCTIONS_REDIS_URL", "redis://functions:6379")];
        assert!(resolve_with(Options::default(), &with_url).unwrap().address().starts_with("redis://functions:6379"));
    }

    #[test]
    fn a_url_list_or_a_credential_host_list_names_cluster_nodes() {
        let from_urls =
            resolve_with(Options { url: Some("redis://a:7000,redis://b:7000".into()), ..Default::default() }, &[])
                .unwrap();
        assert!(matches!(&from_urls.target, Target::Redis { urls, cluster: true, .. } if urls.len() == 2));
        let credential = Credential { host: Some("a:7000,b".into()), port: Some(7005), ..Default::default() };
        let from_credential =
            resolve_with(Options { credential: Some(credential), ..Default::default() }, &[]).unwrap();
        let Target::Redis { urls, cluster: true, .. } = &from_credential.target else { panic!("expected a cluster") };
        assert_eq!(urls, &["redis://a:7000/0", "redis://b:7005/0"]);
        let error =
            resolve_with(Options { url: Some("redis://a:7000/2,redis://b:7000".into()), ..Default::default() }, &[])
                .unwrap_err()
                .to_string();
        assert!(error.contains("only database 0"), "{error}");
        let bad_port = [("EXECUTIONS_MODE", "queue"), ("QUEUE_BULL_REDIS_CLUSTER_NODES", "a:x")];
        let error = resolve_with(Options::default(), &bad_port).unwrap_err().to_string();
        assert!(error.contains("cluster node 'a:x'"), "{error}");
    }

    #[test]
    fn bad_settings_name_the_setting() {
        let error =
            resolve_with(Options::default(), &[("N8N_FUNCTIONS_REDIS_URL", "http://x")]).unwrap_err().to_string();
        assert!(error.contains("N8N_FUNCTIONS_REDIS_URL is not a Redis URL"), "{error}");
        let error = resolve_with(Options::default(), &[("EXECUTIONS_MODE", "queue"), ("QUEUE_BULL_REDIS_PORT", "x")])
            .unwrap_err()
            .to_string();
        assert!(error.contains("QUEUE_BULL_REDIS_PORT"), "{error}");
        let error = resolve_with(Options { key_prefix: Some("a{b".into()), ..Default::default() }, &[])
            .unwrap_err()
            .to_string();
        assert!(error.contains("curly braces"), "{error}");
    }
}
