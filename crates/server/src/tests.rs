//! The layering written at the top of `lib.rs`, checked against the sources.

use std::collections::BTreeMap;
use std::path::Path;

/// Lowest first; the order inside a layer is the order of allowed uses too (a module may
/// use those listed before it).
const LAYERS: &[&[&str]] = &[
    &["config", "error", "metrics", "telemetry", "backoff", "wake"],
    &["sealed", "wecom_client", "file_store"],
    &[
        "intake",
        "state",
        "auth",
        "audit",
        "idempotency",
        "push",
        "files",
    ],
    &["org", "projects", "approvals", "leavers", "tasks", "admin"],
    &["workers"],
    &["routes"],
    &["startup"],
    &["demo"],
];

/// The rank of each module: its position in the flattened list above.
fn ranks() -> BTreeMap<&'static str, usize> {
    LAYERS
        .iter()
        .flat_map(|layer| layer.iter())
        .enumerate()
        .map(|(rank, name)| (*name, rank))
        .collect()
}

/// Every `.rs` file below `dir`, concatenated (for tests that read the sources).
pub(crate) fn read_all(dir: &Path, out: &mut String) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            read_all(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push_str(&std::fs::read_to_string(&path).unwrap_or_default());
        }
    }
}

/// The top-level modules `text` names as `crate::name`.
fn uses(text: &str, known: &BTreeMap<&'static str, usize>) -> Vec<&'static str> {
    let mut found: Vec<&'static str> = known
        .keys()
        .copied()
        .filter(|name| {
            text.match_indices(&format!("crate::{name}"))
                .any(|(at, m)| {
                    let next = text[at + m.len()..].chars().next();
                    !next.is_some_and(|c| c.is_alphanumeric() || c == '_')
                })
        })
        .collect();
    found.sort_unstable();
    found
}

#[test]
fn layers_hold() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let ranks = ranks();
    let mut on_disk: Vec<String> = std::fs::read_dir(&src)
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            let stem = name.strip_suffix(".rs").map(str::to_owned);
            if e.path().is_dir() { Some(name) } else { stem }
        })
        .filter(|n| !["lib", "main", "tests"].contains(&n.as_str()))
        .collect();
    on_disk.sort();
    let mut listed: Vec<String> = ranks.keys().map(|k| (*k).to_owned()).collect();
    listed.sort();
    assert_eq!(
        on_disk, listed,
        "every top-level module has a place in LAYERS"
    );

    let mut upward = Vec::new();
    for (module, rank) in &ranks {
        let mut text = String::new();
        read_all(&src.join(module), &mut text);
        text.push_str(
            &std::fs::read_to_string(src.join(format!("{module}.rs"))).unwrap_or_default(),
        );
        for used in uses(&text, &ranks) {
            if ranks[used] > *rank {
                upward.push(format!("{module} uses {used}"));
            }
        }
    }
    assert!(upward.is_empty(), "uses against the layering: {upward:#?}");
}

#[test]
fn reads_crate_paths_whole() {
    let ranks = ranks();
    assert_eq!(
        uses(
            "use crate::auth::x; crate::state::AppState; crate::tasks_x",
            &ranks
        ),
        ["auth", "state"]
    );
}
