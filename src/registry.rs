//! Rules about registered functions that both backends share: who may claim a name,
//! when a function counts as alive, how the registry is listed.

use crate::config::Settings;
use crate::error::{EngineError, Result};
use crate::protocol::{now_ms, workflow_label, FunctionDef, FunctionInfo};

/// A name belongs to one Function node. Another node may take it over only once the
/// current owner has stopped running.
pub fn check_claim(existing: &FunctionInfo, new: &FunctionDef) -> Result<()> {
    if !existing.live || existing.def.owner() == new.owner() {
        return Ok(());
    }
    let other = &existing.def;
    let place = if other.workflow_id == new.workflow_id {
        format!("node '{}' of the same workflow", other.node_name)
    } else {
        format!(
            "node '{}' of workflow {}, which is active",
            other.node_name,
            workflow_label(&other.workflow_name, &other.workflow_id)
        )
    };
    Err(EngineError::InvalidDefinition(format!(
        "The {} is already defined by {place}. Give this function another name, or deactivate that workflow first.",
        new.describe()
    )))
}

/// A function is alive while one of its current consumers has beaten within the stale
/// limit; `stopped_at` is when its last consumer stopped, so it counts as seen until then.
pub fn info(def: FunctionDef, newest_beat: Option<u64>, stopped_at: Option<u64>, settings: &Settings) -> FunctionInfo {
    let live = newest_beat.is_some_and(|beat| beat + settings.stale_after().as_millis() as u64 >= now_ms());
    let last_seen = newest_beat.max(stopped_at);
    FunctionInfo { def, live, last_seen }
}

/// Whether a call to a function that is not alive should fail at once rather than wait
/// for a Function trigger that is restarting.
pub fn inactive_for_good(last_seen: Option<u64>, settings: &Settings) -> bool {
    match last_seen {
        None => true,
        Some(seen) => seen + (settings.inactive_after().as_millis() as u64) < now_ms(),
    }
}

/// Whether no trigger has served the function for so long that it is retired: a workflow
/// deleted, a database dropped, a deployment gone.
pub fn retired(info: &FunctionInfo, settings: &Settings) -> bool {
    let Some(retire_after) = settings.retire_after else { return false };
    !info.live && info.last_seen.is_none_or(|seen| seen + (retire_after.as_millis() as u64) < now_ms())
}

pub fn sort(list: &mut [FunctionInfo]) {
    list.sort_by(|a, b| (&a.def.scope, &a.def.name).cmp(&(&b.def.scope, &b.def.name)));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{resolve, Options};

    fn def(workflow: &str, node: &str) -> FunctionDef {
        FunctionDef {
            name: "f".into(),
            scope: "__global__".into(),
            description: String::new(),
            parameters: vec![],
            workflow_id: workflow.into(),
            workflow_name: format!("WF {workflow}"),
            node_name: node.into(),
            max_attempts: 3,
            start_node: None,
            access: Default::default(),
        }
    }

    #[test]
    fn a_live_name_cannot_be_taken_by_another_node() {
        let settings = resolve(&Options::default(), |_| None).unwrap();
        let live = info(def("w1", "A"), Some(now_ms()), None, &settings);
        assert!(check_claim(&live, &def("w1", "A")).is_ok());
        let error = check_claim(&live, &def("w2", "B")).unwrap_err().to_string();
        assert!(error.contains("workflow 'WF w1' (id w1), which is active"), "{error}");
        let dead = info(def("w1", "A"), Some(now_ms() - 3_600_000), None, &settings);
        assert!(!dead.live);
        let stopped = info(def("w1", "A"), None, Some(now_ms()), &settings);
        assert!(!stopped.live && !inactive_for_good(stopped.last_seen, &settings));
        assert!(check_claim(&dead, &def("w2", "B")).is_ok());
        assert!(inactive_for_good(dead.last_seen, &settings));
        assert!(!inactive_for_good(live.last_seen, &settings));
    }
}
