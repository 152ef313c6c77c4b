//! The repository README's receiver is `examples/receiver.rs`, which compiles with the crate:
//! this keeps the two the same.

#[test]
fn the_readme_receiver_is_the_compiled_example() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let example = std::fs::read_to_string(root.join("examples/receiver.rs")).unwrap();
    // The example without its opening `//!` lines, which the README's prose replaces.
    let lines: Vec<&str> = example.lines().skip_while(|line| line.starts_with("//!")).skip(1).collect();
    let code = lines.join("\n") + "\n";
    let readme = std::fs::read_to_string(root.join("../README.md")).unwrap();
    let block = readme
        .split("<!-- receiver: receiver/examples/receiver.rs -->\n```rust,no_run\n")
        .nth(1)
        .and_then(|rest| rest.split("```").next())
        .expect("README.md shows the receiver after its marker");
    assert_eq!(block, code, "README.md's receiver differs from receiver/examples/receiver.rs; copy it over");
}
