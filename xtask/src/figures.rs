//! The build's figures in the docs: each component's size, its core module's size, the memory
//! an idle instance starts with, the data it maps in and the functions it exports, read from
//! the files `cargo xtask build` writes. `cargo xtask build` writes the table into
//! BENCHMARKS.md (between `<!-- build:figures -->` markers); `cargo xtask test` fails when the
//! table there is not the one the build gives, so a figure cannot go stale unnoticed.

use crate::build::{built, Component};
use crate::util::{replace_between, text_between, workspace_root, Result};

/// The markers of the table in BENCHMARKS.md.
const MARKER: &str = "build:figures";

/// What one component file is made of.
#[derive(Debug, PartialEq)]
pub struct Figures {
    /// The component file's size in bytes.
    pub component_bytes: usize,
    /// The largest core module nested in it: memkit's own code (the others are
    /// wit-component's small shim and fixup modules).
    pub core_module_bytes: usize,
    /// The core module's memory minimum, in 64 KiB pages: what an idle instance holds.
    pub initial_pages: u64,
    /// The bytes of the core module's data segments (copied or mapped into every instance).
    pub data_bytes: usize,
    /// Functions the component exports, resource constructors and methods included: what a
    /// host that looks up every export (bindgen's `*Pre::instantiate`) looks up.
    pub exported_functions: usize,
    /// The interfaces those functions are in.
    pub exported_interfaces: usize,
}

impl Figures {
    /// Reads the figures of the component in `bytes`.
    pub fn of(component: &[u8]) -> Result<Self> {
        let core = largest_core_module(component)?;
        let (initial_pages, data_bytes) = memory_and_data(core)?;
        let (exported_functions, exported_interfaces) = exported_functions(component)?;
        Ok(Figures {
            component_bytes: component.len(),
            core_module_bytes: core.len(),
            initial_pages,
            data_bytes,
            exported_functions,
            exported_interfaces,
        })
    }
}

/// The core module with the most bytes among those nested directly in the component.
fn largest_core_module(component: &[u8]) -> Result<&[u8]> {
    use wasmparser::{Parser, Payload};
    let mut largest: Option<&[u8]> = None;
    for payload in Parser::new(0).parse_all(component) {
        if let Payload::ModuleSection {
            unchecked_range, ..
        } = payload?
        {
            let range =
                usize::try_from(unchecked_range.start)?..usize::try_from(unchecked_range.end)?;
            let module = &component[range];
            if largest.is_none_or(|l| module.len() > l.len()) {
                largest = Some(module);
            }
        }
    }
    largest.ok_or_else(|| "the component holds no core module".into())
}

/// A core module's memory minimum (pages) and the bytes of its data segments.
fn memory_and_data(module: &[u8]) -> Result<(u64, usize)> {
    use wasmparser::{Parser, Payload};
    let (mut pages, mut data) = (None, 0);
    for payload in Parser::new(0).parse_all(module) {
        match payload? {
            Payload::MemorySection(memories) => {
                for memory in memories {
                    pages = Some(memory?.initial);
                }
            }
            Payload::DataSection(segments) => {
                for segment in segments {
                    data += segment?.data.len();
                }
            }
            _ => {}
        }
    }
    Ok((pages.ok_or("the core module defines no memory")?, data))
}

/// How many functions the component's WIT world exports, and in how many interfaces.
fn exported_functions(component: &[u8]) -> Result<(usize, usize)> {
    let wit_component::DecodedWasm::Component(resolve, world) = wit_component::decode(component)?
    else {
        return Err("expected a component, found a WIT package".into());
    };
    let (mut functions, mut interfaces) = (0, 0);
    for item in resolve.worlds[world].exports.values() {
        match item {
            wit_parser::WorldItem::Interface { id, .. } => {
                interfaces += 1;
                functions += resolve.interfaces[*id].functions.len();
            }
            wit_parser::WorldItem::Function(_) => functions += 1,
            wit_parser::WorldItem::Type { .. } => {}
        }
    }
    Ok((functions, interfaces))
}

fn kib(bytes: usize) -> String {
    format!("{:.1} KiB", bytes as f64 / 1024.0)
}

/// The table, a row per built component, read from the files in `target/`.
pub fn table() -> Result<String> {
    let mut table = String::from(
        "| component | file | core module | memory at start | data segments | exported functions |\n\
         |---|---|---|---|---|---|\n",
    );
    for component in Component::ALL {
        let path = built(component);
        let bytes = std::fs::read(&path).map_err(|e| {
            format!(
                "cannot read {} ({e}); run `cargo xtask build`",
                path.display()
            )
        })?;
        let f = Figures::of(&bytes)?;
        table += &format!(
            "| `{}.wasm` | {} ({} bytes) | {} | {} {} ({} KiB) | {} ({} bytes) | {} in {} interfaces |\n",
            component.name(),
            kib(f.component_bytes),
            f.component_bytes,
            kib(f.core_module_bytes),
            f.initial_pages,
            if f.initial_pages == 1 { "page" } else { "pages" },
            f.initial_pages * 64,
            kib(f.data_bytes),
            f.data_bytes,
            f.exported_functions,
            f.exported_interfaces,
        );
    }
    Ok(table)
}

fn benchmarks_md() -> std::path::PathBuf {
    workspace_root().join("BENCHMARKS.md")
}

/// Writes the table of the components just built into BENCHMARKS.md.
pub fn write() -> Result {
    let path = benchmarks_md();
    let text = std::fs::read_to_string(&path)?;
    let updated =
        replace_between(&text, MARKER, &table()?).map_err(|e| format!("BENCHMARKS.md: {e}"))?;
    if updated != text {
        std::fs::write(&path, updated)?;
        eprintln!("xtask: BENCHMARKS.md's build figures updated");
    }
    Ok(())
}

/// Fails when BENCHMARKS.md's table is not the one the components just built give.
pub fn check() -> Result {
    check_text(&std::fs::read_to_string(benchmarks_md())?, &table()?)
}

fn check_text(doc: &str, built: &str) -> Result {
    let written = text_between(doc, MARKER).map_err(|e| format!("BENCHMARKS.md: {e}"))?;
    if written == built.trim() {
        return Ok(());
    }
    let stale: Vec<&str> = written
        .lines()
        .filter(|line| !built.lines().any(|b| b == *line))
        .collect();
    Err(format!(
        "BENCHMARKS.md's build figures do not match the build; run `cargo xtask build` to \
         write them.\nwritten:\n{}\nbuilt:\n{}",
        stale.join("\n"),
        built.trim()
    )
    .into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_figure_changed_by_hand_fails_the_check() {
        let built = "| a | 1 |\n| b | 2 |\n";
        let doc = format!("x\n<!-- {MARKER} -->\n{built}<!-- /{MARKER} -->\n");
        check_text(&doc, built).unwrap();
        let edited = doc.replace("| b | 2 |", "| b | 3 |");
        let error = check_text(&edited, built).unwrap_err().to_string();
        assert!(error.contains("| b | 3 |"), "{error}");
        assert!(!error.contains("written:\n| a | 1 |"), "{error}");
    }

    #[test]
    fn counts_a_core_modules_memory_and_data() {
        // (module (memory 3) (data (i32.const 0) "abcde") (data (i32.const 8) "xy"))
        let module = [
            0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, // magic, version
            0x05, 0x03, 0x01, 0x00, 0x03, // memory section: one memory, min 3
            0x0b, 0x12, 0x02, // data section, two segments
            0x00, 0x41, 0x00, 0x0b, 0x05, b'a', b'b', b'c', b'd', b'e', //
            0x00, 0x41, 0x08, 0x0b, 0x02, b'x', b'y',
        ];
        assert_eq!(memory_and_data(&module).unwrap(), (3, 7));
    }
}
