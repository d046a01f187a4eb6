fn main() {
    let _bump = redlua::script!(|counter: redlua::Key| { incr(&counter) });
}
