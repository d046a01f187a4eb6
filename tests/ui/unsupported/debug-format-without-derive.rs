// rustc gives E0277 (`Item` doesn't implement `Debug`); redlua says the same, first.
#[redlua::library(name = "shop")]
mod shop {
    use redlua::prelude::*;

    pub struct Item {
        pub name: String,
        pub qty: i64,
    }

    #[redis_function]
    pub fn show(name: String) -> String {
        let item = Item { name, qty: 1 };
        format!("{:?}", item)
    }
}

fn main() {}
