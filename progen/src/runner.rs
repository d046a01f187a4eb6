//! Runs of the generator: batches of programs, checked by redlua's compiler, built, run,
//! and the figures of the run.

use crate::gen::{generate, Config, Coverage, CONSTRUCTS};
use crate::harness::{BuildFailure, CaseResult, Prepared, Scratch};
use crate::inputs::inputs;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// Settings of a run.
#[derive(Clone, Debug)]
pub struct RunConfig {
    pub seed: u64,
    pub programs_per_batch: usize,
    pub inputs_per_program: usize,
    /// Stop after this long (checked between batches).
    pub seconds: u64,
    /// Stop after this many batches (0: no limit).
    pub batches: usize,
    /// The first batch (to replay one batch of an earlier run).
    pub first_batch: u64,
    pub gen: Config,
    /// The scratch crate's name under target/progen.
    pub scratch: String,
    /// Shrink each difference found and write its regression test.
    pub shrink: bool,
    /// Batches built and run side by side, each worker with its own scratch crate and build
    /// directory (rustc checks one crate on one core: two workers use two).
    pub jobs: usize,
}

/// A difference found: the program, the input and what differed.
#[derive(Clone, Debug)]
pub struct Finding {
    pub prepared: Prepared,
    pub input: usize,
    pub detail: String,
}

/// The figures of a run.
#[derive(Clone, Debug, Default)]
pub struct Stats {
    pub programs: u64,
    /// Refused by redlua's compiler, by message.
    pub refused: BTreeMap<String, u64>,
    /// Refused by rustc, by message.
    pub rustc_dropped: BTreeMap<String, u64>,
    pub programs_run: u64,
    pub cases: u64,
    pub same: u64,
    pub explained: u64,
    pub differences: Vec<Finding>,
    pub crashes: Vec<String>,
    pub coverage: Coverage,
    pub elapsed: Duration,
}

impl Stats {
    /// Adds the figures of `other` (one batch of a worker) to these.
    pub fn merge(&mut self, other: Stats) {
        self.programs += other.programs;
        for (k, v) in other.refused {
            *self.refused.entry(k).or_default() += v;
        }
        for (k, v) in other.rustc_dropped {
            *self.rustc_dropped.entry(k).or_default() += v;
        }
        self.programs_run += other.programs_run;
        self.cases += other.cases;
        self.same += other.same;
        self.explained += other.explained;
        self.differences.extend(other.differences);
        self.crashes.extend(other.crashes);
        for (k, v) in other.coverage {
            *self.coverage.entry(k).or_default() += v;
        }
    }

    pub fn summary(&self) -> String {
        let refused: u64 = self.refused.values().sum();
        let dropped: u64 = self.rustc_dropped.values().sum();
        let covered = CONSTRUCTS.iter().filter(|c| self.coverage.get(*c).copied().unwrap_or(0) > 0).count();
        let mut s = format!(
            "programs generated: {}\nrefused by the redlua compiler: {refused}\nrefused by rustc: {dropped}\nprograms run: {}\nprograms x inputs run: {}\nsame: {}\nexplained differences (beyond 2^53): {}\ndifferences: {}\ncrashes/timeouts: {}\nconstructs covered: {covered} of {}\ntime: {:.0} s\n",
            self.programs,
            self.programs_run,
            self.cases,
            self.same,
            self.explained,
            self.differences.len(),
            self.crashes.len(),
            CONSTRUCTS.len(),
            self.elapsed.as_secs_f64()
        );
        let missing: Vec<&str> = CONSTRUCTS.iter().copied().filter(|c| self.coverage.get(c).copied().unwrap_or(0) == 0).collect();
        if !missing.is_empty() {
            s.push_str(&format!("constructs not produced: {}\n", missing.join(", ")));
        }
        if refused > 0 {
            s.push_str("compiler refusals (generator bugs or compiler gaps):\n");
            let mut v: Vec<_> = self.refused.iter().collect();
            v.sort_by(|a, b| b.1.cmp(a.1));
            for (m, n) in v.iter().take(15) {
                s.push_str(&format!("  {n:5}  {m}\n"));
            }
        }
        if dropped > 0 {
            s.push_str("rustc refusals (generator bugs):\n");
            let mut v: Vec<_> = self.rustc_dropped.iter().collect();
            v.sort_by(|a, b| b.1.cmp(a.1));
            for (m, n) in v.iter().take(15) {
                s.push_str(&format!("  {n:5}  {m}\n"));
            }
        }
        s
    }
}

/// The text of a diagnostic without positions, for grouping.
fn reason(msg: &str) -> String {
    let m = msg.split_once(": redlua::").map(|(_, r)| format!("redlua::{r}")).unwrap_or_else(|| msg.to_string());
    // rustc short messages: `LINE:COL: error[E0382]: borrow of moved value: `v3``
    let m = match m.find("error") {
        Some(i) if !m.starts_with("redlua::") => m[i..].to_string(),
        _ => m,
    };
    let first = m.lines().next().unwrap_or("");
    // Names and numbers vary: keep the words.
    let mut out = String::new();
    let mut in_tick = false;
    for c in first.chars() {
        if c == '`' {
            in_tick = !in_tick;
            out.push('`');
            if in_tick {
                out.push_str("..");
            }
            continue;
        }
        if !in_tick {
            out.push(c);
        }
    }
    out.chars().take(120).collect()
}

/// Generates one batch: programs the compiler accepts, with their inputs.
pub fn generate_batch(cfg: &RunConfig, batch: u64, stats: &mut Stats) -> Vec<Prepared> {
    let mut out = Vec::new();
    for i in 0..cfg.programs_per_batch as u64 {
        let seed = cfg.seed.wrapping_mul(1_000_003).wrapping_add(batch * 10_000 + i);
        let name = format!("p{:x}_{batch}_{i}", cfg.seed & 0xffff);
        let (program, hits) = generate(&name, seed, &cfg.gen);
        stats.programs += 1;
        match crate::compile(&name, &program.to_rust()) {
            Ok(_) => {
                for (k, v) in hits {
                    *stats.coverage.entry(k).or_default() += v;
                }
                let ins = inputs(seed, &program.main.params, &program.structs, cfg.inputs_per_program);
                out.push(Prepared { program, inputs: ins });
            }
            Err(errs) => {
                *stats.refused.entry(reason(errs.first().map_or("", |s| s.as_str()))).or_default() += 1;
            }
        }
    }
    out
}

/// Builds the batch, dropping the programs rustc refuses (recorded in `stats`); `None`
/// when the crate cannot be built at all.
pub fn build_batch(scratch: &Scratch, mut progs: Vec<Prepared>, stats: &mut Stats) -> Result<Vec<Prepared>, String> {
    for _ in 0..6 {
        scratch.write(&progs).map_err(|e| format!("writing the scratch crate: {e}"))?;
        match scratch.build() {
            Ok(()) => return Ok(progs),
            Err(BuildFailure::Programs(bad)) => {
                for (name, err) in &bad {
                    *stats.rustc_dropped.entry(reason(err)).or_default() += 1;
                    if std::env::var_os("PROGEN_SHOW_RUSTC").is_some() {
                        eprintln!("rustc refused {name}: {err}");
                    }
                }
                progs.retain(|p| !bad.contains_key(&p.program.name));
            }
            Err(BuildFailure::Other(e)) => return Err(e),
        }
    }
    Err("the scratch crate did not build after dropping programs six times".into())
}

/// Runs batches until the time or the batch count is spent; `cfg.jobs` workers take the
/// batches in turn (worker `j` the batches `first + j`, `first + j + jobs`, ...), so a run's
/// programs depend on the seed and the batch count only.
pub fn run(workspace: &Path, cfg: &RunConfig, on_batch: impl FnMut(&Stats) + Send) -> Result<Stats, String> {
    let started = Instant::now();
    let jobs = cfg.jobs.max(1);
    let shared = std::sync::Mutex::new((Stats::default(), on_batch));
    let errors = std::sync::Mutex::new(Vec::<String>::new());
    std::thread::scope(|scope| {
        for j in 0..jobs {
            let (shared, errors) = (&shared, &errors);
            scope.spawn(move || {
                let scratch = if j == 0 { Scratch::new(workspace, &cfg.scratch) } else { Scratch::new_with_own_target(workspace, &format!("{}-{j}", cfg.scratch)) };
                let mut k = 0u64;
                loop {
                    let nth = j as u64 + k * jobs as u64;
                    if cfg.batches > 0 && nth as usize >= cfg.batches {
                        break;
                    }
                    if nth > 0 && started.elapsed() >= Duration::from_secs(cfg.seconds) {
                        break;
                    }
                    if !errors.lock().map(|e| e.is_empty()).unwrap_or(false) {
                        break;
                    }
                    match run_batch(&scratch, cfg, cfg.first_batch + nth) {
                        Ok(batch_stats) => {
                            if let Ok(mut guard) = shared.lock() {
                                let (stats, on_batch) = &mut *guard;
                                stats.merge(batch_stats);
                                stats.elapsed = started.elapsed();
                                on_batch(stats);
                            }
                        }
                        Err(e) => {
                            if let Ok(mut errs) = errors.lock() {
                                errs.push(e);
                            }
                            break;
                        }
                    }
                    k += 1;
                }
            });
        }
    });
    if let Some(e) = errors.into_inner().ok().and_then(|e| e.into_iter().next()) {
        return Err(e);
    }
    let (mut stats, _) = shared.into_inner().map_err(|_| "a worker panicked".to_string())?;
    stats.elapsed = started.elapsed();
    Ok(stats)
}

/// Generates, builds and runs one batch.
fn run_batch(scratch: &Scratch, cfg: &RunConfig, batch: u64) -> Result<Stats, String> {
    let mut stats = Stats::default();
    let t0 = Instant::now();
    let progs = generate_batch(cfg, batch, &mut stats);
    let t1 = Instant::now();
    let progs = build_batch(scratch, progs, &mut stats)?;
    let t2 = Instant::now();
    stats.programs_run += progs.len() as u64;
    let timeout = Duration::from_secs(60 + 5 * progs.len() as u64);
    let result = scratch.run(None, timeout);
    record(&progs, &result.cases, &mut stats);
    if std::env::var_os("PROGEN_TIMING").is_some() {
        eprintln!("batch {batch}: generate {:?} build {:?} run {:?}", t1 - t0, t2 - t1, t2.elapsed());
    }
    if let Some((p, i, why)) = &result.crashed {
        stats.crashes.push(format!("{p} input {i}: {why}"));
        // The programs after the crash did not run: run them one by one.
        let ran: std::collections::BTreeSet<&str> = result.cases.iter().map(|c| c.program.as_str()).collect();
        for prog in progs.iter().filter(|x| !ran.contains(x.program.name.as_str()) && x.program.name != *p) {
            let r = scratch.run(Some(&prog.program.name), Duration::from_secs(60));
            record(std::slice::from_ref(prog), &r.cases, &mut stats);
        }
    }
    Ok(stats)
}

fn record(progs: &[Prepared], cases: &[CaseResult], stats: &mut Stats) {
    for c in cases {
        stats.cases += 1;
        match c.verdict.as_str() {
            "SAME" => stats.same += 1,
            "EXPLAINED" => stats.explained += 1,
            _ => {
                if let Some(p) = progs.iter().find(|p| p.program.name == c.program) {
                    stats.differences.push(Finding { prepared: p.clone(), input: c.input, detail: c.detail.clone() });
                }
            }
        }
    }
}

/// The workspace root (the parent of this crate's directory).
pub fn workspace_root() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    dir.parent().unwrap_or(dir).to_path_buf()
}
