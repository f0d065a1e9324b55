//! `cargo xtask bench [NAME]`: criterion benchmarks; figures go to docs/benchmarks.md.

use crate::run::{cargo, step};

const BENCHES: &[(&str, &str, &str)] = &[("wecom", "wecom", "callback")];

pub fn run(args: &[String]) -> Result<(), String> {
    let wanted = args.first().map(String::as_str);
    let mut ran = false;
    for (name, package, bench) in BENCHES {
        if wanted.is_some_and(|w| w != *name) {
            continue;
        }
        ran = true;
        step(
            &format!("bench {name}"),
            &mut cargo(&["bench", "-p", package, "--bench", bench]),
        )?;
    }
    if ran {
        Ok(())
    } else {
        let names: Vec<_> = BENCHES.iter().map(|b| b.0).collect();
        Err(format!("unknown benchmark; choose one of {names:?}"))
    }
}
