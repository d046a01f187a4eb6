//! `redlua-progen`: random whole-program differential testing of redlua.
//!
//! ```text
//! redlua-progen fuzz --seconds N --seed S [--programs-per-batch K] [--inputs N] [--batches B]
//!                    [--first-batch B] [--allow SWITCH].. [--no-shrink] [--scratch NAME] [--jobs N]
//! redlua-progen show --seed S [--index I]      print a generated program
//! redlua-progen refusals --seed S --count N     generate N programs, count the redlua
//!                                                compiler's refusals by message
//!                                                (`PROGEN_REFUSALS_SHOW=1`: each refused
//!                                                program's seed and first error too)
//! redlua-progen compile FILE                    compile a library module, print its Lua
//! ```
//! `--allow` turns off one `Avoid` switch (see `gen::Avoid`): `copy-aliasing`,
//! `eager-chains`, `neg-zero`, `refusal-codes`, `narrow-ints`, `eval-order`, or `all`.

use redlua_progen::gen::{generate, Avoid, Config};
use redlua_progen::runner::{run, workspace_root, RunConfig};
use std::process::ExitCode;

fn usage() -> ExitCode {
    eprintln!("usage: redlua-progen fuzz --seconds N --seed S [--programs-per-batch K] [--inputs N] [--batches B] [--first-batch B] [--allow SWITCH].. [--no-shrink] [--scratch NAME] [--jobs N]\n       redlua-progen show --seed S [--index I] [--allow SWITCH]..\n       redlua-progen refusals --seed S --count N [--allow SWITCH]..\n       redlua-progen compile FILE");
    ExitCode::from(2)
}

/// Shrinks the differences of a run (one per kind of difference, at most three) and
/// appends each minimal program to tests/integration/program_regressions.rs.
fn shrink_findings(root: &std::path::Path, cfg: &RunConfig, stats: &redlua_progen::runner::Stats) {
    use redlua_progen::shrink::{regression_test, shrink, signature};
    let scratch = redlua_progen::harness::Scratch::new(root, &format!("{}-shrink", cfg.scratch));
    let mut done = std::collections::BTreeSet::new();
    for f in &stats.differences {
        let sig = signature(&f.detail);
        if done.len() >= 3 || !done.insert(sig.clone()) {
            continue;
        }
        println!("\nshrinking {} ({sig})", f.prepared.program.name);
        let Some((p, input, detail)) = shrink(&scratch, &f.prepared, f.input, &f.detail, std::time::Duration::from_secs(900), &mut |m| println!("  {m}")) else { continue };
        let name = format!("pr_{}", f.prepared.program.name);
        let mut p = p;
        p.name = name.clone();
        p.main.name = format!("f_{name}");
        let origin = format!("seed {}, program {}, input {}", cfg.seed, f.prepared.program.name, f.input);
        let test = regression_test(&p, &input, &detail, &origin, true);
        println!("minimal program:\n{test}");
        let path = root.join("tests").join("integration").join("program_regressions.rs");
        match std::fs::OpenOptions::new().append(true).open(&path) {
            Ok(mut file) => {
                use std::io::Write;
                let _ = file.write_all(test.as_bytes());
                println!("appended to {}", path.display());
            }
            Err(e) => println!("could not append to {}: {e}", path.display()),
        }
    }
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(cmd) = args.first().cloned() else { return usage() };
    let mut cfg = RunConfig {
        seed: 1,
        programs_per_batch: 40,
        inputs_per_program: 4,
        seconds: 60,
        batches: 0,
        first_batch: 0,
        gen: Config::default(),
        scratch: "fuzz".into(),
        shrink: true,
        jobs: 1,
    };
    let mut index = 0u64;
    let mut count = 100u64;
    if cmd == "compile" {
        let Some(path) = args.get(1) else { return usage() };
        let src = std::fs::read_to_string(path).unwrap_or_default();
        return match redlua_progen::compile("probe", &src) {
            Ok(lua) => {
                println!("{lua}");
                ExitCode::SUCCESS
            }
            Err(e) => {
                for m in e {
                    println!("{m}");
                }
                ExitCode::FAILURE
            }
        };
    }
    let mut it = args[1..].iter();
    while let Some(a) = it.next() {
        let mut val = || it.next().cloned().unwrap_or_default();
        match a.as_str() {
            "--seconds" => cfg.seconds = val().parse().unwrap_or(60),
            "--seed" => cfg.seed = val().parse().unwrap_or(1),
            "--programs-per-batch" => cfg.programs_per_batch = val().parse().unwrap_or(40),
            "--inputs" => cfg.inputs_per_program = val().parse().unwrap_or(4),
            "--batches" => cfg.batches = val().parse().unwrap_or(0),
            "--first-batch" => cfg.first_batch = val().parse().unwrap_or(0),
            "--index" => index = val().parse().unwrap_or(0),
            "--count" => count = val().parse().unwrap_or(100),
            "--scratch" => cfg.scratch = val(),
            "--no-shrink" => cfg.shrink = false,
            "--jobs" => cfg.jobs = val().parse().unwrap_or(1),
            "--allow" => {
                let v = val();
                if v == "all" {
                    cfg.gen.avoid.clear();
                } else if let Some(s) = Avoid::from_name(&v) {
                    cfg.gen.avoid.remove(&s);
                } else {
                    eprintln!("unknown switch {v}");
                    return usage();
                }
            }
            _ => return usage(),
        }
    }
    match cmd.as_str() {
        "refusals" => {
            let mut ok = 0;
            let mut reasons: std::collections::BTreeMap<String, usize> = Default::default();
            for i in 0..count {
                let name = format!("p{i}");
                let (p, _) = generate(&name, cfg.seed + i, &cfg.gen);
                match redlua_progen::compile(&name, &p.to_rust()) {
                    Ok(_) => ok += 1,
                    Err(e) => {
                        let first = e.first().cloned().unwrap_or_default();
                        if std::env::var_os("PROGEN_REFUSALS_SHOW").is_some() {
                            println!("--- seed {} (show --index {i}):\n{first}", cfg.seed + i);
                        }
                        let key: String = first.lines().next().unwrap_or("").split_once(": ").map_or("", |x| x.1).chars().take(110).collect();
                        *reasons.entry(key).or_default() += 1;
                    }
                }
            }
            println!("accepted {ok} of {count}");
            let mut r: Vec<_> = reasons.into_iter().collect();
            r.sort_by_key(|x| std::cmp::Reverse(x.1));
            for (k, v) in r {
                println!("{v:6}  {k}");
            }
            ExitCode::SUCCESS
        }
        "show" => {
            let (p, _) = generate(&format!("p{index}"), cfg.seed + index, &cfg.gen);
            print!("{}", p.to_rust());
            ExitCode::SUCCESS
        }
        "fuzz" => {
            let root = workspace_root();
            println!("redlua-progen: seed {}, {} programs per batch, {} inputs each, {} s; switches on: {:?}", cfg.seed, cfg.programs_per_batch, cfg.inputs_per_program, cfg.seconds, cfg.gen.avoid.iter().map(|a| a.name()).collect::<Vec<_>>());
            let mut shown = 0;
            let result = run(&root, &cfg, |s| {
                for f in &s.differences[shown..] {
                    println!("difference: {} input {}: {}", f.prepared.program.name, f.input, f.detail.replace('\n', " | "));
                }
                shown = s.differences.len();
                println!("[{:>5.0} s] programs run {}, programs x inputs {}, same {}, explained {}, differences {}", s.elapsed.as_secs_f64(), s.programs_run, s.cases, s.same, s.explained, s.differences.len());
            });
            match result {
                Ok(stats) => {
                    for f in &stats.differences {
                        println!("\nDIFFERENCE in {} on input {}:\n{}\n{}", f.prepared.program.name, f.input, f.detail, f.prepared.program.to_rust());
                    }
                    if cfg.shrink {
                        shrink_findings(&root, &cfg, &stats);
                    }
                    for c in &stats.crashes {
                        println!("CRASH {c}");
                    }
                    println!("\n{}", stats.summary());
                    if stats.differences.is_empty() && stats.crashes.is_empty() {
                        ExitCode::SUCCESS
                    } else {
                        ExitCode::FAILURE
                    }
                }
                Err(e) => {
                    eprintln!("error: {e}");
                    ExitCode::FAILURE
                }
            }
        }
        _ => usage(),
    }
}
