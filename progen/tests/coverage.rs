//! The generator can produce every construct of the language reference: over 6,000
//! programs from a fixed seed, each construct of `CONSTRUCTS` (one per row or feature of
//! book/src/language.md) comes out at least once, with every switch on (the CI setting)
//! and with every switch off.

use redlua_progen::gen::{generate, Config, Coverage, CONSTRUCTS};

fn coverage(cfg: &Config, n: u64) -> Coverage {
    let mut all = Coverage::new();
    for i in 0..n {
        let (_, hits) = generate(&format!("c{i}"), 7_000 + i, cfg);
        for (k, v) in hits {
            *all.entry(k).or_default() += v;
        }
    }
    all
}

fn missing(all: &Coverage) -> Vec<&'static str> {
    CONSTRUCTS.iter().copied().filter(|c| all.get(c).copied().unwrap_or(0) == 0).collect()
}

#[test]
fn every_construct_comes_out_with_the_ci_switches() {
    let all = coverage(&Config::default(), 6_000);
    if std::env::var_os("PROGEN_COVERAGE").is_some() {
        let mut v: Vec<_> = all.iter().collect();
        v.sort_by_key(|(_, n)| **n);
        for (k, n) in v {
            println!("{n:8}  {k}");
        }
    }
    assert_eq!(missing(&all), Vec::<&str>::new(), "constructs never generated");
}

#[test]
fn every_construct_comes_out_with_every_switch_off() {
    let cfg = Config { avoid: Default::default(), ..Config::default() };
    let all = coverage(&cfg, 6_000);
    assert_eq!(missing(&all), Vec::<&str>::new(), "constructs never generated");
}

#[test]
fn the_construct_list_has_no_duplicates() {
    let mut seen = std::collections::BTreeSet::new();
    for c in CONSTRUCTS {
        assert!(seen.insert(*c), "{c} listed twice");
    }
}
