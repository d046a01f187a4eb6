// The shared helper file of `shared-helper-construct.rs`.

pub fn twice(n: i64) -> i64 {
    n * 2
}

pub fn shout(s: String) -> String {
    s.to_uppercase()
}
