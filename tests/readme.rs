//! The README's Rust example compiles and runs against a real server: the test takes the
//! first ```rust block of README.md, keeps its items (the library) at the top level, puts
//! the application lines into a `main` connected to a throwaway redis-server, and builds
//! and runs that program with trybuild.

use std::fs;
use std::path::Path;

#[test]
fn readme_example_compiles_and_runs() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let readme = fs::read_to_string(root.join("README.md")).expect("README.md");
    let start = readme.find("```rust\n").expect("a ```rust block in the README") + "```rust\n".len();
    let block = &readme[start..start + readme[start..].find("```").expect("the end of the block")];
    let marker = "// In your application";
    let split = block.find(marker).expect("the README example has an application part");
    let (items, app) = block.split_at(split);
    assert!(items.contains("#[redlua::library"), "the README example defines a library");
    let program = format!(
        "{items}\nfn main() -> Result<(), Box<dyn std::error::Error>> {{\n    let server = redlua::testing::TestServer::start()?;\n    let mut con = server.connection()?;\n    redis::cmd(\"SET\").arg(\"acct:{{alice}}\").arg(100).exec(&mut con)?;\n{app}\n    assert!(moved);\n    assert_eq!(left, 50);\n    Ok(())\n}}\n"
    );
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("readme");
    fs::create_dir_all(&dir).expect("a temporary directory");
    let file = dir.join("readme_example.rs");
    fs::write(&file, program).expect("the README program");
    trybuild::TestCases::new().pass(&file);
}
