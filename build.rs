// The bundled corpus is compiled in with include_dir, which notices edits to files it already
// embeds but not added or removed files; watching the folder makes every change rebuild.
fn main() {
    println!("cargo:rerun-if-changed=questions");
}
