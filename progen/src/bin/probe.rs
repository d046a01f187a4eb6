use redlua_progen::gen::{generate, Config};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args[1] == "gen" {
        let seed: u64 = args[2].parse().unwrap();
        let n: u64 = args[3].parse().unwrap();
        let show = args.get(4).cloned();
        let cfg = Config::default();
        let mut ok = 0;
        let mut reasons: std::collections::BTreeMap<String, usize> = Default::default();
        for i in 0..n {
            let name = format!("p{}", seed + i);
            let (p, _) = generate(&name, seed + i, &cfg);
            let src = p.to_rust();
            match redlua_progen::compile(&name, &src) {
                Ok(_) => ok += 1,
                Err(e) => {
                    let first = e.first().cloned().unwrap_or_default();
                    let key: String = first.lines().next().unwrap_or("").split_once(": ").map(|x| x.1).unwrap_or("").chars().take(110).collect();
                    *reasons.entry(key).or_default() += 1;
                    if show.as_ref().is_some_and(|f| first.contains(f.as_str())) {
                        println!("==== {name}\n{src}\n---- {}", e.join("\n"));
                    }
                }
            }
        }
        println!("ok {ok}/{n}");
        let mut r: Vec<_> = reasons.into_iter().collect();
        r.sort_by_key(|x| std::cmp::Reverse(x.1));
        for (k, v) in r.iter().take(40) {
            println!("{v:5} {k}");
        }
        return;
    }
    let path = &args[1];
    let src = std::fs::read_to_string(path).unwrap();
    match redlua_progen::compile("probe", &src) {
        Ok(lua) => println!("{lua}"),
        Err(e) => {
            for m in e {
                println!("ERR: {m}");
            }
        }
    }
}
