//! Security against real redis-servers of the tests' own: TLS with a private certificate
//! authority, passwords and ACL users, key prefixes that keep deployments apart, and no
//! secret in any error or call context.

mod common;

use std::sync::Arc;
use std::time::Duration;

use common::serving::each_call;
use common::PrivateRedis;
use n8n_nodes_functions::config::{self, Options};
use n8n_nodes_functions::protocol::{FunctionDef, GLOBAL_SCOPE};
use n8n_nodes_functions::Closing;
use n8n_nodes_functions::Engine;
use serde_json::{json, Value};

fn engine(url: &str, prefix: &str, vars: &[(&str, &str)]) -> Arc<Engine> {
    let options = Options { url: Some(url.to_string()), key_prefix: Some(prefix.to_string()), ..Default::default() };
    let settings =
        config::resolve(&options, |name| vars.iter().find(|(k, _)| *k == name).map(|(_, v)| v.to_string())).unwrap();
    Arc::new(Engine::new(settings).unwrap())
}

fn echo() -> FunctionDef {
    FunctionDef {
        name: "echo".into(),
        scope: GLOBAL_SCOPE.into(),
        description: String::new(),
        parameters: vec![],
        workflow_id: "wfSec".into(),
        workflow_name: "Security".into(),
        node_name: "echo".into(),
        max_attempts: 1,
        start_node: None,
        access: Default::default(),
    }
}

/// Serves `echo` (answers with its arguments and the call context it got) and calls it once.
async fn round_trip(engine: &Arc<Engine>) -> Result<Value, String> {
    let served = Arc::new(engine.serve(echo()).await.map_err(|e| e.to_string())?);
    let answering = engine.clone();
    each_call(served.clone(), move |_, call| {
        let engine = answering.clone();
        async move {
            let context = serde_json::to_value(&call.context).unwrap();
            engine.respond(&call.context, json!({"args": call.items[0], "context": context}), None).await.unwrap();
        }
    });
    let items = vec![json!({"word": "hello"}).as_object().unwrap().clone()];
    let result = engine.call(common::request("echo", items, Duration::from_secs(5))).await.map_err(|e| e.to_string());
    served.close(Closing::Restarting).await.map_err(|e| e.to_string())?;
    result
}

#[tokio::test(flavor = "multi_thread")]
async fn tls_with_a_private_certificate_authority() {
    let redis = PrivateRedis::start(&[], true);
    let url = format!("rediss://127.0.0.1:{}", redis.port);
    let ca = redis.ca_file();
    let trusted = engine(&url, "tls:", &[("N8N_FUNCTIONS_REDIS_CA_FILE", ca.as_str())]);
    let value = round_trip(&trusted).await.unwrap();
    assert_eq!(value["args"], json!({"word": "hello"}));

    let untrusted = engine(&url, "tls-untrusted:", &[]);
    let error = round_trip(&untrusted).await.unwrap_err();
    assert!(error.starts_with("Cannot reach Redis at rediss://127.0.0.1"), "{error}");
    assert!(error.to_lowercase().contains("certificate"), "{error}");

    let plain = engine(&format!("redis://127.0.0.1:{}", redis.port), "tls-plain:", &[]);
    assert!(round_trip(&plain).await.unwrap_err().contains("Cannot reach Redis"));
}

#[tokio::test(flavor = "multi_thread")]
async fn passwords_and_acl_users_and_no_secret_in_errors_or_call_contexts() {
    let redis = PrivateRedis::start(
        &["--requirepass", "s3cret-pass", "--user", "alice", "on", ">w0nderland", "~*", "&*", "+@all"],
        false,
    );
    let port = redis.port;

    let with_password = engine(&format!("redis://:s3cret-pass@127.0.0.1:{port}"), "pw:", &[]);
    let value = round_trip(&with_password).await.unwrap();
    let context = value["context"].to_string();
    assert!(!context.contains("s3cret") && !context.contains("w0nderland"), "{context}");

    let as_alice = engine(&format!("redis://alice:w0nderland@127.0.0.1:{port}"), "acl:", &[]);
    assert_eq!(round_trip(&as_alice).await.unwrap()["args"], json!({"word": "hello"}));

    let wrong = engine(&format!("redis://alice:not-her-password@127.0.0.1:{port}"), "wrong:", &[]);
    let error = round_trip(&wrong).await.unwrap_err();
    assert!(error.contains("refused the credentials") || error.contains("Cannot reach Redis"), "{error}");
    assert!(!error.contains("not-her-password"), "the password leaked into: {error}");
    assert!(error.contains("redis://alice:***@127.0.0.1"), "{error}");

    let none = engine(&format!("redis://127.0.0.1:{port}"), "none:", &[]);
    let error = round_trip(&none).await.unwrap_err();
    assert!(error.contains("NOAUTH") || error.contains("refused the credentials"), "{error}");
}

/// An engine as a deployment's n8n process makes it: prefix and Redis from its environment.
fn engine_from_env(vars: &[(&str, String)]) -> Arc<Engine> {
    let settings =
        config::resolve(&Options::default(), |name| vars.iter().find(|(k, _)| *k == name).map(|(_, v)| v.clone()))
            .unwrap();
    Arc::new(Engine::new(settings).unwrap())
}

#[tokio::test(flavor = "multi_thread")]
async fn key_prefixes_keep_deployments_sharing_one_redis_apart() {
    let url = std::env::var("REDIS_URL").unwrap_or_else(|_| "redis://127.0.0.1:6379".into());
    let suffix = uuid::Uuid::new_v4().simple().to_string();
    let blue = engine(&url, &format!("blue-{suffix}:"), &[]);
    let green = engine(&url, &format!("green-{suffix}:"), &[]);
    assert_deployments_apart(&blue, &green).await;
}

/// Two deployments on one Redis, each with its own QUEUE_BULL_PREFIX and
/// N8N_REDIS_KEY_PREFIX as n8n requires, and no N8N_FUNCTIONS_KEY_PREFIX: apart by default.
#[tokio::test(flavor = "multi_thread")]
async fn deployments_n8n_keeps_apart_are_apart_without_a_functions_prefix() {
    let url = std::env::var("REDIS_URL").unwrap_or_else(|_| "redis://127.0.0.1:6379".into());
    let deployment = |name: &str| {
        let suffix = &uuid::Uuid::new_v4().simple().to_string()[..8];
        engine_from_env(&[
            ("N8N_FUNCTIONS_REDIS_URL", url.clone()),
            ("N8N_REDIS_KEY_PREFIX", format!("{name}-{suffix}")),
            ("QUEUE_BULL_PREFIX", format!("{name}-{suffix}-bull")),
        ])
    };
    assert_deployments_apart(&deployment("blue"), &deployment("green")).await;
}

/// Blue serves `echo`: green neither lists it nor reaches it.
async fn assert_deployments_apart(blue: &Arc<Engine>, green: &Arc<Engine>) {
    let served = blue.serve(echo()).await.unwrap();
    assert_eq!(blue.list(None).await.unwrap().len(), 1);
    assert!(green.list(None).await.unwrap().is_empty());
    let items = vec![json!({}).as_object().unwrap().clone()];
    let error = green.call(common::request("echo", items, Duration::from_secs(2))).await.unwrap_err();
    assert_eq!(error.code(), "FUNCTION_NOT_FOUND");
    served.close(Closing::Restarting).await.unwrap();
}
