//! Commands of concurrent calls leave in one write. The shared connection's own pipeline
//! writes each request as soon as its task runs, so under load Redis read one command per
//! system call, and the process made one write per command. Here every command ready in
//! the same turn of the runtime goes out together: a lone command waits for nothing.
//! On a cluster a batch would span slots, so each command goes alone, routed by its key
//! (the cluster connection still pipelines what goes to one node).

use redis::aio::ConnectionLike;
use redis::{Cmd, ErrorKind, FromRedisValue, RedisError, RedisResult, Script, ServerErrorKind, ToRedisArgs, Value};

use super::connect::Shared;
use tokio::sync::{mpsc, oneshot};

/// The most commands sent in one write.
const MOST_PER_BATCH: usize = 512;

pub struct Request {
    command: Cmd,
    reply: oneshot::Sender<RedisResult<Value>>,
}

#[derive(Clone)]
pub enum Batcher {
    Server(mpsc::UnboundedSender<Request>),
    Cluster(Shared),
}

impl Batcher {
    /// On one server, spawns the task that sends the batches on `connection`.
    pub fn new(connection: Shared) -> Self {
        match connection {
            Shared::Cluster(_) => Self::Cluster(connection),
            Shared::Server(_) => {
                let (requests, waiting) = mpsc::unbounded_channel();
                tokio::spawn(send_batches(connection, waiting));
                Self::Server(requests)
            }
        }
    }

    pub async fn query<T: FromRedisValue>(&self, command: Cmd) -> RedisResult<T> {
        match self {
            Self::Cluster(connection) => command.query_async(&mut connection.clone()).await,
            Self::Server(requests) => {
                let (reply, replied) = oneshot::channel();
                requests.send(Request { command, reply }).map_err(|_| stopped())?;
                let value = replied.await.map_err(|_| stopped())??;
                Ok(T::from_redis_value(value)?)
            }
        }
    }

    /// Runs a script by its hash, or by its text if this node does not know it yet (after
    /// a restart, a `SCRIPT FLUSH`, or a failover to a replica that never loaded it), which
    /// also loads it there.
    pub async fn run<T: FromRedisValue>(&self, call: &ScriptCall<'_>) -> RedisResult<T> {
        match self.query(call.evalsha()).await {
            Err(error) if error.kind() == ErrorKind::Server(ServerErrorKind::NoScript) => self.query(call.eval()).await,
            other => other,
        }
    }
}

async fn send_batches(connection: Shared, mut waiting: mpsc::UnboundedReceiver<Request>) {
    while let Some(first) = waiting.recv().await {
        // Lets the tasks that are ready now (answers and calls JS just made) add theirs.
        tokio::task::yield_now().await;
        let mut batch = vec![first];
        while batch.len() < MOST_PER_BATCH {
            match waiting.try_recv() {
                Ok(request) => batch.push(request),
                Err(_) => break,
            }
        }
        // Sent while the next batch gathers: batches overlap on the connection's pipeline.
        tokio::spawn(send(connection.clone(), batch));
    }
}

async fn send(mut connection: Shared, batch: Vec<Request>) {
    let mut pipeline = redis::pipe();
    pipeline.ignore_errors();
    let mut replies = Vec::with_capacity(batch.len());
    for request in batch {
        pipeline.add_command(request.command);
        replies.push(request.reply);
    }
    match connection.req_packed_commands(&pipeline, 0, replies.len()).await {
        Ok(values) => {
            for (reply, value) in replies.into_iter().zip(values) {
                let _ = reply.send(match value {
                    Value::ServerError(error) => Err(error.into()),
                    value => Ok(value),
                });
            }
        }
        Err(error) => {
            for reply in replies {
                let _ = reply.send(Err(error.clone()));
            }
        }
    }
}

fn stopped() -> RedisError {
    RedisError::from((ErrorKind::Client, "the connection's command sender stopped"))
}

/// A Lua script's file name (for messages), text and hash.
pub struct Lua {
    pub name: &'static str,
    code: &'static str,
    hash: String,
}

impl Lua {
    pub fn new(name: &'static str, code: &'static str) -> Self {
        Self { name, code, hash: Script::new(code).get_hash().to_string() }
    }
}

/// A script with its keys and arguments, run by hash through a `Batcher`.
pub struct ScriptCall<'a> {
    script: &'a Lua,
    keys: Vec<Vec<u8>>,
    args: Vec<Vec<u8>>,
}

impl<'a> ScriptCall<'a> {
    pub fn new(script: &'a Lua) -> Self {
        Self { script, keys: Vec::new(), args: Vec::new() }
    }

    pub fn key(&mut self, key: impl ToRedisArgs) -> &mut Self {
        self.keys.extend(key.to_redis_args());
        self
    }

    pub fn arg(&mut self, arg: impl ToRedisArgs) -> &mut Self {
        self.args.extend(arg.to_redis_args());
        self
    }

    fn evalsha(&self) -> Cmd {
        self.command("EVALSHA", &self.script.hash)
    }

    fn eval(&self) -> Cmd {
        self.command("EVAL", self.script.code)
    }

    fn command(&self, name: &str, script: &str) -> Cmd {
        let mut command = redis::cmd(name);
        command.arg(script).arg(self.keys.len()).arg(&self.keys).arg(&self.args);
        command
    }
}
