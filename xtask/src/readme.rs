//! README's snippets are lifted from files the tests run: each fenced block that follows a
//! paragraph naming a file (`From `path`…`) must have every line in that file. Checked by a
//! unit test, so a snippet cannot drift from the code it shows.

/// (file named before the block, the block's non-empty lines) for each fenced block of
/// `readme` preceded by a paragraph that says "From `<path>`".
pub fn lifted_snippets(readme: &str) -> Vec<(String, Vec<String>)> {
    let mut snippets = Vec::new();
    let mut source: Option<String> = None;
    let mut block: Option<Vec<String>> = None;
    for line in readme.lines() {
        if line.starts_with("```") {
            match block.take() {
                Some(lines) => {
                    if let Some(path) = source.take() {
                        snippets.push((path, lines));
                    }
                }
                None => block = Some(Vec::new()),
            }
            continue;
        }
        if let Some(lines) = block.as_mut() {
            if !line.trim().is_empty() {
                lines.push(line.trim().to_string());
            }
        } else if let Some(at) = line.find("From `") {
            let rest = &line[at + "From `".len()..];
            source = rest.split('`').next().map(str::to_string);
        } else if line.starts_with('#') {
            source = None;
        }
    }
    snippets
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
    fn readme_snippets_are_lines_of_the_files_they_name() {
        let root = crate::util::workspace_root();
        let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
        let snippets = lifted_snippets(&readme);
        assert!(snippets.len() >= 6, "{} snippets found", snippets.len());
        for (path, lines) in snippets {
            let file = std::fs::read_to_string(root.join(&path))
                .unwrap_or_else(|e| panic!("README names {path}: {e}"));
            let file_lines: Vec<&str> = file.lines().map(str::trim).collect();
            for line in lines {
                assert!(
                    file_lines.contains(&line.as_str()),
                    "README's snippet from {path} has a line that is not in it: {line}"
                );
            }
        }
    }

    #[test]
    fn a_block_without_a_named_file_is_not_checked() {
        let readme = "Text.\n\n```sh\ncargo x\n```\nFrom `a.rs`:\n\n```rust\nlet x = 1;\n```\n";
        assert_eq!(
            lifted_snippets(readme),
            vec![("a.rs".to_string(), vec!["let x = 1;".to_string()])]
        );
    }
}
