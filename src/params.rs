//! Checks a call's arguments against the function's declared parameters before the call
//! is sent, and fills in defaults, so mistakes fail at the caller naming the parameter.

use serde_json::Value;

use crate::error::{EngineError, Result};
use crate::protocol::{Args, FunctionDef};

/// Validated argument sets, defaults applied. A function that declares no parameters
/// takes whatever it is given.
pub fn validate(def: &FunctionDef, items: Vec<Args>) -> Result<Vec<Args>> {
    if def.parameters.is_empty() {
        return Ok(items);
    }
    let several = items.len() > 1;
    let mut problems = Vec::new();
    let mut checked = Vec::with_capacity(items.len());
    for (index, mut args) in items.into_iter().enumerate() {
        let at = if several { format!("item {}: ", index) } else { String::new() };
        for name in args.keys() {
            if !def.parameters.iter().any(|p| &p.name == name) {
                problems.push(format!("{at}unknown parameter '{name}'"));
            }
        }
        for param in &def.parameters {
            match args.get(&param.name) {
                Some(value) if param.kind.accepts(value) => {}
                Some(value) => problems.push(format!(
                    "{at}parameter '{}' must be {}, got {}",
                    param.name,
                    article(param.kind.name()),
                    describe(value)
                )),
                None => match &param.default {
                    Some(default) => {
                        args.insert(param.name.clone(), default.clone());
                    }
                    None if param.required => {
                        problems.push(format!("{at}required parameter '{}' is missing", param.name))
                    }
                    None => {}
                },
            }
        }
        checked.push(args);
    }
    if problems.is_empty() {
        return Ok(checked);
    }
    let declared: Vec<String> = def
        .parameters
        .iter()
        .map(|p| format!("{}: {}{}", p.name, p.kind.name(), if p.required { " (required)" } else { "" }))
        .collect();
    Err(EngineError::InvalidArguments(format!(
        "Wrong arguments for {}: {}. It declares {}.",
        def.describe(),
        problems.join("; "),
        declared.join(", ")
    )))
}

/// Checks a definition's own defaults against their declared types.
pub fn check_definition(def: &FunctionDef) -> Result<()> {
    if def.max_attempts == 0 {
        return Err(EngineError::InvalidDefinition(format!(
            "The maximum number of attempts of {} is 0: a call must be allowed to run at least once.",
            def.describe()
        )));
    }
    let mut seen = std::collections::HashSet::new();
    for param in &def.parameters {
        if param.name.trim().is_empty() {
            return Err(EngineError::InvalidDefinition(format!(
                "{} has a parameter without a name: name it or remove it.",
                def.describe()
            )));
        }
        if !seen.insert(param.name.as_str()) {
            return Err(EngineError::InvalidDefinition(format!(
                "{} declares the parameter '{}' twice: rename or remove one.",
                def.describe(),
                param.name
            )));
        }
        if let Some(default) = &param.default {
            if !param.kind.accepts(default) {
                return Err(EngineError::InvalidDefinition(format!(
                    "The default of parameter '{}' of {} must be {}, got {}.",
                    param.name,
                    def.describe(),
                    article(param.kind.name()),
                    describe(default)
                )));
            }
        }
    }
    Ok(())
}

fn article(kind: &str) -> String {
    match kind {
        "any" => "any value".into(),
        "object" | "array" => format!("an {kind}"),
        _ => format!("a {kind}"),
    }
}

fn describe(value: &Value) -> String {
    let kind = match value {
        Value::Null => return "null".into(),
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    };
    let mut shown = value.to_string();
    if shown.chars().count() > 40 {
        shown = shown.chars().take(40).collect::<String>() + "…";
    }
    format!("{kind} {shown}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::{Param, ParamType, GLOBAL_SCOPE};
    use serde_json::json;

    fn def(params: Vec<Param>) -> FunctionDef {
        FunctionDef {
            name: "add".into(),
            scope: GLOBAL_SCOPE.into(),
            description: String::new(),
            parameters: params,
            workflow_id: "w".into(),
            workflow_name: String::new(),
            node_name: String::new(),
            max_attempts: 3,
            start_node: None,
            access: Default::default(),
        }
    }

    fn param(name: &str, kind: ParamType, required: bool, default: Option<Value>) -> Param {
        Param { name: name.into(), kind, required, default, description: String::new() }
    }

    fn args(value: Value) -> Args {
        value.as_object().unwrap().clone()
    }

    #[test]
    fn missing_required_and_wrong_types_name_the_parameter() {
        let d = def(vec![param("a", ParamType::Number, true, None), param("b", ParamType::String, false, None)]);
        let error = validate(&d, vec![args(json!({"b": 3}))]).unwrap_err().to_string();
        assert!(error.contains("required parameter 'a' is missing"), "{error}");
        assert!(error.contains("parameter 'b' must be a string, got number 3"), "{error}");
    }

    #[test]
    fn defaults_fill_missing_optional_parameters() {
        let d =
            def(vec![param("n", ParamType::Number, false, Some(json!(7))), param("o", ParamType::Object, false, None)]);
        let out = validate(&d, vec![args(json!({}))]).unwrap();
        assert_eq!(Value::Object(out[0].clone()), json!({"n": 7}));
    }

    #[test]
    fn unknown_parameters_are_refused_and_items_are_numbered() {
        let d = def(vec![param("a", ParamType::Any, false, None)]);
        let error = validate(&d, vec![args(json!({"a": null})), args(json!({"x": 1}))]).unwrap_err().to_string();
        assert!(error.contains("item 1: unknown parameter 'x'"), "{error}");
        assert!(!error.contains("item 0"), "{error}");
    }

    #[test]
    fn a_function_without_parameters_takes_anything() {
        let out = validate(&def(vec![]), vec![args(json!({"whatever": [1]}))]).unwrap();
        assert_eq!(out.len(), 1);
    }

    #[test]
    fn definitions_with_bad_defaults_or_duplicates_are_refused() {
        let bad = def(vec![param("a", ParamType::Boolean, false, Some(json!("yes")))]);
        assert!(check_definition(&bad).unwrap_err().to_string().contains("must be a boolean, got string \"yes\""));
        let twice = def(vec![param("a", ParamType::Any, false, None), param("a", ParamType::Any, false, None)]);
        assert!(check_definition(&twice).unwrap_err().to_string().contains("twice"));
    }
}
