//! What the xtask test binaries share: the repository's root, and copying a folder of it.

#![allow(dead_code, reason = "each test binary uses what it needs")]

use std::fs;
use std::path::{Path, PathBuf};

/// The repository root: the parent of the xtask crate's folder.
pub(crate) fn repository_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_owned()
}

/// Copies `from` into `to`, at every depth.
pub(crate) fn copy_folder(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        if entry.file_type().unwrap().is_dir() {
            copy_folder(&entry.path(), &to.join(entry.file_name()));
        } else {
            fs::copy(entry.path(), to.join(entry.file_name())).unwrap();
        }
    }
}
