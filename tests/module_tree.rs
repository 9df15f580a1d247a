//! The crate's modules form a tree: among the modules of one parent, no module depends on
//! another that depends back on it, however indirectly. A child may use its parent's items
//! and a parent its children's; a dependency across branches counts for the two branches'
//! roots under their common parent. Read from the sources (`use` and `crate::`/`super::`
//! paths), so a new cycle fails here with the lines that make it.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// A module's path inside the crate, e.g. ["backend", "redis"]; the crate root is [].
type Module = Vec<String>;

struct Source {
    module: Module,
    file: PathBuf,
    text: String,
}

fn sources(dir: &Path, out: &mut Vec<Source>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir).unwrap().map(|entry| entry.unwrap().path()).collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            sources(&path, out);
        } else if path.extension().is_some_and(|ext| ext == "rs") {
            let relative = path.strip_prefix(src()).unwrap().with_extension("");
            let mut module: Module = relative.iter().map(|part| part.to_string_lossy().to_string()).collect();
            if matches!(module.last().map(String::as_str), Some("lib" | "mod")) {
                module.pop();
            }
            out.push(Source { module, text: std::fs::read_to_string(&path).unwrap(), file: path });
        }
    }
}

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

/// The text without comments and string literals, which may mention paths in prose.
fn code_of(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '/' if chars.peek() == Some(&'/') => {
                for c in chars.by_ref() {
                    if c == '\n' {
                        out.push('\n');
                        break;
                    }
                }
            }
            '"' => {
                let mut escaped = false;
                for c in chars.by_ref() {
                    if c == '\n' {
                        out.push('\n');
                    }
                    if !escaped && c == '"' {
                        break;
                    }
                    escaped = !escaped && c == '\\';
                }
                out.push_str("\"\"");
            }
            _ => out.push(c),
        }
    }
    out
}

/// Expands `a::{b, c::{d, e}}` into its paths.
fn expand(tree: &str) -> Vec<String> {
    let tree = tree.trim();
    let Some(open) = tree.find('{') else { return vec![tree.to_string()] };
    let prefix = &tree[..open];
    let inner = &tree[open + 1..tree.rfind('}').unwrap()];
    let mut parts = Vec::new();
    let (mut depth, mut start) = (0, 0);
    for (index, c) in inner.char_indices() {
        match c {
            '{' => depth += 1,
            '}' => depth -= 1,
            ',' if depth == 0 => {
                parts.push(&inner[start..index]);
                start = index + 1;
            }
            _ => {}
        }
    }
    parts.push(&inner[start..]);
    parts
        .into_iter()
        .filter(|part| !part.trim().is_empty())
        .flat_map(|part| expand(&format!("{prefix}{}", part.trim())))
        .collect()
}

/// The module paths a source refers to, with the line of each reference.
fn references(source: &Source, modules: &BTreeSet<Module>) -> Vec<(Module, usize)> {
    let code = code_of(&source.text);
    let mut paths: Vec<(String, usize)> = Vec::new();
    let line_of = |offset: usize| code[..offset].matches('\n').count() + 1;
    let mut rest = 0;
    while let Some(found) = code[rest..].find("use ") {
        let at = rest + found;
        let starts_item = at == 0 || code[..at].ends_with(|c: char| c.is_whitespace() || c == '{' || c == ';');
        let end = at + code[at..].find(';').unwrap_or(code.len() - at);
        if starts_item {
            let tree = code[at + 4..end].split(" as ").next().unwrap_or("").replace(char::is_whitespace, "");
            paths.extend(expand(&tree).into_iter().map(|path| (path, line_of(at))));
        }
        rest = end.min(code.len() - 1) + 1;
        if rest >= code.len() {
            break;
        }
    }
    for anchor in ["crate::", "super::"] {
        for (offset, _) in code.match_indices(anchor) {
            let tail: String =
                code[offset..].chars().take_while(|c| c.is_alphanumeric() || *c == '_' || *c == ':').collect();
            paths.push((tail, line_of(offset)));
        }
    }
    let mut found = Vec::new();
    for (path, line) in paths {
        let mut parts = path.split("::").filter(|part| !part.is_empty());
        let mut target: Module = match parts.next() {
            Some("crate") => Vec::new(),
            Some("self") => source.module.clone(),
            Some("super") => {
                let mut module = source.module.clone();
                module.pop();
                module
            }
            _ => continue,
        };
        for part in parts {
            match part {
                "super" => {
                    target.pop();
                }
                part => {
                    let mut deeper = target.clone();
                    deeper.push(part.to_string());
                    if !modules.contains(&deeper) {
                        break;
                    }
                    target = deeper;
                }
            }
        }
        found.push((target, line));
    }
    found.sort();
    found.dedup();
    found
}

fn is_within(module: &Module, ancestor: &Module) -> bool {
    module.len() >= ancestor.len() && module[..ancestor.len()] == ancestor[..]
}

#[test]
fn the_modules_of_src_form_a_tree() {
    let mut all = Vec::new();
    sources(&src(), &mut all);
    let modules: BTreeSet<Module> = all.iter().map(|source| source.module.clone()).collect();
    // Parent → (child → child it depends on → where).
    let mut siblings: BTreeMap<Module, BTreeMap<String, BTreeMap<String, String>>> = BTreeMap::new();
    for source in &all {
        for (target, line) in references(source, &modules) {
            if is_within(&source.module, &target) || is_within(&target, &source.module) {
                continue; // a child using its ancestors, or a module its descendants
            }
            let common = source.module.iter().zip(&target).take_while(|(a, b)| a == b).count();
            let (from, to) = (source.module[common].clone(), target[common].clone());
            let place = format!("{}:{line}", source.file.strip_prefix(env!("CARGO_MANIFEST_DIR")).unwrap().display());
            siblings
                .entry(source.module[..common].to_vec())
                .or_default()
                .entry(from)
                .or_default()
                .entry(to)
                .or_insert(place);
        }
    }
    assert!(
        siblings.get(&Vec::new()).is_some_and(|top| top.contains_key("engine")),
        "the reader found no dependencies"
    );
    let mut cycles = Vec::new();
    for (parent, edges) in &siblings {
        for start in edges.keys() {
            let mut path = vec![start.clone()];
            find_cycle(edges, &mut path, &mut cycles, parent);
        }
    }
    assert!(
        cycles.is_empty(),
        "module cycles in src/:\n{}",
        cycles.into_iter().collect::<BTreeSet<_>>().into_iter().collect::<Vec<_>>().join("\n")
    );
}

/// Depth-first from `path`'s last module; records each cycle back to its first module.
fn find_cycle(
    edges: &BTreeMap<String, BTreeMap<String, String>>,
    path: &mut Vec<String>,
    cycles: &mut Vec<String>,
    parent: &Module,
) {
    let last = path.last().unwrap().clone();
    for (next, place) in edges.get(&last).into_iter().flatten() {
        if next == &path[0] {
            let steps: Vec<String> = path
                .iter()
                .zip(path.iter().skip(1).chain(std::iter::once(next)))
                .map(|(a, b)| format!("{a} → {b} ({})", edges[a][b]))
                .collect();
            let _ = place;
            cycles.push(format!(
                "  in {}: {}",
                ["crate".to_string()].iter().chain(parent).cloned().collect::<Vec<_>>().join("::"),
                steps.join(", ")
            ));
        } else if !path.contains(next) && next > &path[0] {
            path.push(next.clone());
            find_cycle(edges, path, cycles, parent);
            path.pop();
        }
    }
}

#[test]
fn the_reader_sees_a_cycle_when_there_is_one() {
    let modules: BTreeSet<Module> = [vec![], vec!["a".to_string()], vec!["b".to_string()]].into_iter().collect();
    let a = Source {
        module: vec!["a".into()],
        file: "src/a.rs".into(),
        text: "use crate::b::{Thing, other::{X}};\n// crate::c".into(),
    };
    let b = Source {
        module: vec!["b".into()],
        file: "src/b.rs".into(),
        text: "fn f() { super::a::g(\"crate::z\") }".into(),
    };
    assert_eq!(references(&a, &modules), vec![(vec!["b".to_string()], 1)]);
    assert_eq!(references(&b, &modules), vec![(vec!["a".to_string()], 1)]);
}
