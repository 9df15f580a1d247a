//! Who may call a function: n8n's sub-workflow caller policy ("This workflow can be called
//! by"), applied as n8n's `SubworkflowPolicyChecker` applies it to Execute Workflow, against
//! the policy the function's workflow had when its Function trigger served it.

use crate::error::{EngineError, Result};
use crate::params;
use crate::protocol::{workflow_label, Access, Args, Caller, CallerPolicy, FunctionDef};

/// What a definition lets through: this caller, with these arguments (defaults applied).
/// Callers check it before sending; the trigger taking a call checks it again, since the
/// function may have been served anew, with another policy or parameters, meanwhile.
pub fn admit(def: &FunctionDef, caller: Option<&Caller>, items: Vec<Args>) -> Result<Vec<Args>> {
    check(def, caller)?;
    params::validate(def, items)
}

/// Whether `caller` may call the function (None: a caller outside n8n, whose workflow and
/// project nobody can vouch for; only `any` lets it in).
pub fn allows(access: &Access, caller: Option<&Caller>) -> bool {
    match (access.policy, caller) {
        (CallerPolicy::Any, _) => true,
        (_, None) => false,
        (CallerPolicy::None, Some(_)) => false,
        (CallerPolicy::WorkflowsFromAList, Some(caller)) => {
            access.caller_ids.iter().any(|id| id == &caller.workflow_id)
        }
        (CallerPolicy::WorkflowsFromSameOwner, Some(caller)) => {
            !access.project_id.is_empty() && access.project_id == caller.project_id
        }
    }
}

/// Refuses the call, before anything is sent or run, when the function's policy does not let
/// `caller` call it.
pub fn check(def: &FunctionDef, caller: Option<&Caller>) -> Result<()> {
    if allows(&def.access, caller) {
        return Ok(());
    }
    Err(EngineError::CallerNotAllowed(refusal(def, caller)))
}

fn refusal(def: &FunctionDef, caller: Option<&Caller>) -> String {
    let access = &def.access;
    let workflow = workflow_label(&def.workflow_name, &def.workflow_id);
    let project =
        format!("project '{}'", if access.project_name.is_empty() { &access.project_id } else { &access.project_name });
    let who = match caller {
        Some(caller) => format!("Workflow {}", workflow_label(&caller.workflow_name, &caller.workflow_id)),
        None => "A caller outside n8n (no workflow or project to check)".to_string(),
    };
    let rule = match access.policy {
        CallerPolicy::Any => "lets every workflow call it".to_string(),
        CallerPolicy::None => "lets no workflow call it".to_string(),
        CallerPolicy::WorkflowsFromSameOwner => format!("lets only workflows of {project} call it"),
        CallerPolicy::WorkflowsFromAList if access.caller_ids.is_empty() => {
            "lets only the workflows it lists call it, and it lists none".to_string()
        }
        CallerPolicy::WorkflowsFromAList => {
            format!("lets only the workflows it lists call it ({})", access.caller_ids.join(", "))
        }
    };
    let change = match caller {
        None => "\"Any workflow\"".to_string(),
        Some(caller) => format!(
            "\"Selected workflows\" with this workflow's id ({}) among \"IDs of workflows that can call this one\"",
            caller.workflow_id
        ),
    };
    format!(
        "{who} may not call the {}: its workflow {workflow}, in {project}, {rule} (\"This workflow can be called by\": \"{}\"). To allow the call, open workflow {workflow}, set \"This workflow can be called by\" in its Settings to {change}, and publish it again.",
        def.describe(),
        access.policy.label(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn access(policy: CallerPolicy, project: &str, callers: &[&str]) -> Access {
        Access {
            policy,
            caller_ids: callers.iter().map(|id| id.to_string()).collect(),
            project_id: project.into(),
            project_name: String::new(),
        }
    }

    fn caller(workflow: &str, project: &str) -> Caller {
        Caller { workflow_id: workflow.into(), workflow_name: String::new(), project_id: project.into() }
    }

    #[test]
    fn the_policies_decide_as_n8n_does() {
        let member = caller("w-member", "p-member");
        let owner = caller("w-owner", "p-owner");
        let same_owner = access(CallerPolicy::WorkflowsFromSameOwner, "p-owner", &[]);
        assert!(allows(&same_owner, Some(&owner)));
        assert!(!allows(&same_owner, Some(&member)));
        assert!(allows(&access(CallerPolicy::Any, "p-owner", &[]), Some(&member)));
        assert!(!allows(&access(CallerPolicy::None, "p-owner", &[]), Some(&owner)));
        let listed = access(CallerPolicy::WorkflowsFromAList, "p-owner", &["w-member"]);
        assert!(allows(&listed, Some(&member)));
        // A list names workflows, not projects: the function's own project is not on it.
        assert!(!allows(&listed, Some(&owner)));
    }

    #[test]
    fn a_caller_nobody_can_vouch_for_needs_the_policy_any() {
        assert!(allows(&access(CallerPolicy::Any, "p", &[]), None));
        assert!(!allows(&access(CallerPolicy::WorkflowsFromSameOwner, "p", &[]), None));
        // A function served without knowing its project refuses by project, never admits.
        assert!(!allows(&access(CallerPolicy::WorkflowsFromSameOwner, "", &[]), Some(&caller("w", ""))));
    }
}
