fn main() {
    let _bump = redlua::script!(|counter| -> i64 { incr(&counter) });
}
