#[redlua::library(name = "shapes")]
mod shapes {
    use redlua::prelude::*;

    pub enum Shape {
        Circle(f64),
        Square { side: f64 },
    }

    #[redis_function]
    pub fn area(s: Shape) -> f64 {
        match s {
            Shape::Circle(r) => 3.0 * r * r,
            Shape::Square { side } => side * side,
        }
    }
}

fn main() {}
