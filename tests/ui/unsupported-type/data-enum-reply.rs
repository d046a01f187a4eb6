#[redlua::library(name = "shapes")]
mod shapes {
    use redlua::prelude::*;

    pub enum Shape {
        Circle(f64),
        Square { side: f64 },
    }

    #[redis_function]
    pub fn make(r: f64) -> Vec<Shape> {
        vec![Shape::Circle(r), Shape::Square { side: r }]
    }
}

fn main() {}
