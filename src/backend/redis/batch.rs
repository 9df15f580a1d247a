//! Commands of concurrent calls leave in one write. The shared connection's own pipeline
//! writes each request as soon as its task runs, so under load Redis read one command per
//! system call, and the process made one write per command. Here every command ready in
//! the same turn of the runtime goes out together: a lone command waits for nothing.

use redis::aio::{ConnectionLike, ConnectionManager};
use redis::{Cmd, ErrorKind, FromRedisValue, RedisError, RedisResult, Script, ServerErrorKind, ToRedisArgs, Value};
use tokio::sync::{mpsc, oneshot};

/// The most commands sent in one write.
const MOST_PER_BATCH: usize = 512;

struct Request {
    command: Cmd,
    reply: oneshot::Sender<RedisResult<Value>>,
}

#[derive(Clone)]
pub struct Batcher {
    requests: mpsc::UnboundedSender<Request>,
    connection: ConnectionManager,
}

impl Batcher {
    /// Spawns the task that sends the batches on `connection`.
    pub fn new(connection: ConnectionManager) -> Self {
        let (requests, waiting) = mpsc::unbounded_channel();
        tokio::spawn(send_batches(connection.clone(), waiting));
        Self { requests, connection }
    }

    pub async fn query<T: FromRedisValue>(&self, command: Cmd) -> RedisResult<T> {
        let (reply, replied) = oneshot::channel();
        self.requests.send(Request { command, reply }).map_err(|_| stopped())?;
        let value = replied.await.map_err(|_| stopped())??;
        Ok(T::from_redis_value(value)?)
    }

    /// Runs a script by its hash, loading it first if this Redis does not know it yet
    /// (after a restart or `SCRIPT FLUSH`).
    pub async fn run<T: FromRedisValue>(&self, call: &ScriptCall<'_>) -> RedisResult<T> {
        match self.query(call.evalsha()).await {
            Err(error) if error.kind() == ErrorKind::Server(ServerErrorKind::NoScript) => {
                call.script.load_async(&mut self.connection.clone()).await?;
                self.query(call.evalsha()).await
            }
            other => other,
        }
    }
}

async fn send_batches(connection: ConnectionManager, mut waiting: mpsc::UnboundedReceiver<Request>) {
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

async fn send(mut connection: ConnectionManager, batch: Vec<Request>) {
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

/// A script with its keys and arguments, run by hash through a `Batcher`.
pub struct ScriptCall<'a> {
    script: &'a Script,
    keys: Vec<Vec<u8>>,
    args: Vec<Vec<u8>>,
}

impl<'a> ScriptCall<'a> {
    pub fn new(script: &'a Script) -> Self {
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
        let mut command = redis::cmd("EVALSHA");
        command.arg(self.script.get_hash()).arg(self.keys.len()).arg(&self.keys).arg(&self.args);
        command
    }
}
