//! The event feed of regular mode: the newest events in this process's memory.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex, MutexGuard};

use tokio::sync::watch;
use tokio_util::sync::CancellationToken;

use super::event::{Event, EventBatch};

pub struct MemoryFeed {
    inner: Arc<Shared>,
}

struct Shared {
    /// (sequence number, event), oldest first.
    events: Mutex<VecDeque<(u64, Event)>>,
    max_len: usize,
    /// The newest sequence number: watchers wait for it to change.
    newest: watch::Sender<u64>,
}

impl Shared {
    fn events(&self) -> MutexGuard<'_, VecDeque<(u64, Event)>> {
        self.events.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

impl MemoryFeed {
    pub fn new(max_len: usize) -> Self {
        let (newest, _) = watch::channel(0);
        Self { inner: Arc::new(Shared { events: Mutex::default(), max_len, newest }) }
    }

    pub fn push(&self, event: Event) {
        let mut events = self.inner.events();
        let sequence = events.back().map_or(*self.inner.newest.borrow(), |(seq, _)| *seq) + 1;
        events.push_back((sequence, event));
        while events.len() > self.inner.max_len {
            events.pop_front();
        }
        drop(events);
        self.inner.newest.send_replace(sequence);
    }

    pub fn watch(&self, from: Option<String>) -> MemoryWatcher {
        let after = from.and_then(|cursor| cursor.parse().ok()).unwrap_or_else(|| *self.inner.newest.borrow());
        MemoryWatcher { feed: self.inner.clone(), newest: self.inner.newest.subscribe(), after }
    }
}

pub struct MemoryWatcher {
    feed: Arc<Shared>,
    newest: watch::Receiver<u64>,
    after: u64,
}

impl MemoryWatcher {
    pub async fn next(&mut self, cancel: &CancellationToken) -> EventBatch {
        loop {
            self.newest.borrow_and_update();
            let newer: Vec<(u64, Event)> =
                self.feed.events().iter().filter(|(seq, _)| *seq > self.after).cloned().collect();
            if let Some((last, _)) = newer.last() {
                self.after = *last;
                let events = newer.into_iter().map(|(_, event)| event).collect();
                return EventBatch { events, cursor: self.after.to_string() };
            }
            tokio::select! {
                _ = cancel.cancelled() => return EventBatch { events: Vec::new(), cursor: self.after.to_string() },
                changed = self.newest.changed() => if changed.is_err() {
                    return EventBatch { events: Vec::new(), cursor: self.after.to_string() };
                },
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::observe::event::EventKind;

    fn event(call: &str) -> Event {
        Event::new(EventKind::Queued, "__global__/add").call(call)
    }

    fn calls(batch: &EventBatch) -> Vec<&str> {
        batch.events.iter().filter_map(|e| e.call_id.as_deref()).collect()
    }

    #[tokio::test]
    async fn a_watcher_sees_what_came_after_it_started_and_reads_on_from_a_cursor() {
        let feed = MemoryFeed::new(100);
        feed.push(event("before"));
        let mut watcher = feed.watch(None);
        feed.push(event("a"));
        feed.push(event("b"));
        let cancel = CancellationToken::new();
        let batch = watcher.next(&cancel).await;
        assert_eq!(calls(&batch), ["a", "b"]);

        feed.push(event("c"));
        let mut resumed = feed.watch(Some(batch.cursor.clone()));
        assert_eq!(calls(&resumed.next(&cancel).await), ["c"]);
        assert_eq!(calls(&watcher.next(&cancel).await), ["c"]);
    }

    #[tokio::test]
    async fn the_feed_keeps_only_its_newest_events() {
        let feed = MemoryFeed::new(2);
        let mut watcher = feed.watch(None);
        for call in ["a", "b", "c"] {
            feed.push(event(call));
        }
        assert_eq!(calls(&watcher.next(&CancellationToken::new()).await), ["b", "c"]);
    }

    #[tokio::test]
    async fn a_waiting_watcher_wakes_when_cancelled_with_nothing() {
        let feed = MemoryFeed::new(10);
        let mut watcher = feed.watch(None);
        let cancel = CancellationToken::new();
        cancel.cancel();
        assert!(watcher.next(&cancel).await.events.is_empty());
    }
}
