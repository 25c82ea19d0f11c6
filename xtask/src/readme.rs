//! README's snippets are lifted from files the tests run: each fenced block that follows a
//! paragraph naming a file ("From `path`…" or "…from `path`:") must be a contiguous run of
//! that file's lines (indentation and blank lines aside), and every Rust and WIT block must
//! name its file. Checked by unit tests, so a snippet can neither drift from the code it shows
//! nor be a collage of lines that cannot be pasted.

/// A fenced block of the README.
#[derive(Debug, PartialEq)]
pub struct Snippet {
    /// The fence's language (`rust`, `wit`, `sh`, …; empty when none).
    pub language: String,
    /// The file named in the paragraph before the block, if one is.
    pub source: Option<String>,
    /// The block's non-empty lines, trimmed.
    pub lines: Vec<String>,
}

/// Every fenced block of `readme`, with the file named before it ("From `<path>`" or
/// "from `<path>`", in the text since the previous block or heading).
pub fn snippets(readme: &str) -> Vec<Snippet> {
    let mut snippets = Vec::new();
    let mut source: Option<String> = None;
    let mut block: Option<Snippet> = None;
    for line in readme.lines() {
        if let Some(language) = line.strip_prefix("```") {
            match block.take() {
                Some(snippet) => snippets.push(snippet),
                None => {
                    block = Some(Snippet {
                        language: language.trim().to_string(),
                        source: source.take(),
                        lines: Vec::new(),
                    })
                }
            }
            continue;
        }
        if let Some(snippet) = block.as_mut() {
            if !line.trim().is_empty() {
                snippet.lines.push(line.trim().to_string());
            }
        } else if let Some(at) = line.find("From `").or_else(|| line.find("from `")) {
            let rest = &line[at + "From `".len()..];
            source = rest.split('`').next().map(str::to_string);
        } else if line.starts_with('#') {
            source = None;
        }
    }
    snippets
}

/// Whether `lines` appear in `file`, in order and one after another (indentation and blank
/// lines aside).
pub fn is_contiguous_in(lines: &[String], file: &str) -> bool {
    let file_lines: Vec<&str> = file
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty())
        .collect();
    !lines.is_empty()
        && file_lines
            .windows(lines.len())
            .any(|window| window.iter().zip(lines).all(|(a, b)| *a == b))
}

/// The interfaces the README's "Interfaces" table describes: the first column's names, in order.
pub fn table_interfaces(readme: &str) -> Vec<String> {
    readme
        .split("## Interfaces")
        .nth(1)
        .unwrap_or_default()
        .lines()
        .skip_while(|line| !line.starts_with('|'))
        .take_while(|line| line.starts_with('|'))
        .filter_map(|row| row.split('|').nth(1))
        .filter_map(|cell| cell.trim().strip_prefix('`')?.split('`').next())
        .map(str::to_string)
        .collect()
}

/// The interfaces a WIT world exports, in order (`export name;` lines).
pub fn world_exports(world: &str) -> Vec<String> {
    world
        .lines()
        .filter_map(|line| line.trim().strip_prefix("export ")?.strip_suffix(';'))
        .map(str::to_string)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_interfaces_table_has_a_row_for_each_export_of_the_world() {
        let root = crate::util::workspace_root();
        let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
        let world = std::fs::read_to_string(root.join("wit/world.wit")).unwrap();
        let mut described = table_interfaces(&readme);
        let mut exported = world_exports(&world);
        described.sort();
        exported.sort();
        assert_eq!(
            described, exported,
            "README's Interfaces table against wit/world.wit"
        );
    }

    #[test]
    fn readme_snippets_are_blocks_of_the_files_they_name() {
        let root = crate::util::workspace_root();
        let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
        let snippets = snippets(&readme);
        let mut lifted = 0;
        for snippet in &snippets {
            let Some(path) = &snippet.source else {
                assert!(
                    !["rust", "wit"].contains(&snippet.language.as_str()),
                    "README has a {} block that names no file it is lifted from: {:?}",
                    snippet.language,
                    snippet.lines.first()
                );
                continue;
            };
            let file = std::fs::read_to_string(root.join(path))
                .unwrap_or_else(|e| panic!("README names {path}: {e}"));
            assert!(
                is_contiguous_in(&snippet.lines, &file),
                "README's snippet from {path} is not a block of it: {:#?}",
                snippet.lines
            );
            lifted += 1;
        }
        assert!(lifted >= 8, "{lifted} lifted snippets found");
    }

    #[test]
    fn a_block_names_the_file_in_the_paragraph_before_it() {
        let readme = "Text.\n\n```sh\ncargo x\n```\nFrom `a.rs`:\n\n```rust\nlet x = 1;\n```\n";
        let found = snippets(readme);
        assert_eq!(found[0].source, None);
        assert_eq!(found[1].source.as_deref(), Some("a.rs"));
        assert_eq!(found[1].language, "rust");
        assert_eq!(found[1].lines, ["let x = 1;"]);
    }

    #[test]
    fn a_collage_of_lines_is_not_a_block() {
        let file = "fn f() {\n    let a = 1;\n\n    let b = 2;\n    let c = 3;\n}\n";
        let lines = |l: &[&str]| l.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert!(is_contiguous_in(
            &lines(&["let a = 1;", "let b = 2;"]),
            file
        ));
        assert!(is_contiguous_in(&lines(&["fn f() {", "let a = 1;"]), file));
        assert!(!is_contiguous_in(&lines(&["fn f() {", "let b = 2;"]), file));
        assert!(!is_contiguous_in(
            &lines(&["let c = 3;", "let a = 1;"]),
            file
        ));
        assert!(!is_contiguous_in(&[], file));
    }
}
