//! Patches to the JS glue that jco 1.12.0 generates (`js/dist/memkit.js`, its browser twin
//! `js/dist/browser/memkit.js`, the article's package's `article/js/dist/memkit-article.js` and
//! its twin, and the composed record-check's): faster calls (string lowering, the memory view,
//! resource handles), each measured, and readable error messages. All are described in
//! `js/README.md`.
//!
//! The JS of a patch is a file in `xtask/glue/`: `<name>.jco.js` holds what jco writes, which
//! must be found exactly once, and `<name>.js` what takes its place (each file's leading `//`
//! comment is not part of the code). `js/test/glue.test.mjs` runs both and compares them. Each
//! patch fails loudly when the code it expects is not there, so a jco upgrade cannot silently
//! drop it.

/// One patch of a glue.
#[derive(Clone, Copy, Debug)]
pub enum Patch {
    /// Strings go into linear memory without an intermediate array (`utf8-encode.js`).
    FastStringLowering,
    /// The memory view is renewed only when memory grew (`data-view.js`); for a glue with one
    /// memory.
    CachedMemoryView,
    /// Resource handles and their dispose closures as plain properties.
    PlainResourceProperties,
    /// `ComponentError` says what happened (`component-error.js`), with the `describeError`
    /// that `module` exports.
    ReadableErrors { module: &'static str },
}

/// memkit's own glue, for Node and for browsers alike, gets every patch whose code it has; its
/// `describeError` is the package's module beside it. No function of memkit:core takes a
/// string, so jco writes no `utf8Encode` there.
pub const MEMKIT_GLUE: &[Patch] = &[
    Patch::CachedMemoryView,
    Patch::PlainResourceProperties,
    Patch::ReadableErrors {
        module: "./errors.js",
    },
];

/// The article's glue gets every patch (its functions take strings: swap-case, the JSON);
/// its `describeError` is the copy of memkit's `errors.js` beside it.
pub const ARTICLE_GLUE: &[Patch] = &[
    Patch::FastStringLowering,
    Patch::CachedMemoryView,
    Patch::PlainResourceProperties,
    Patch::ReadableErrors {
        module: "./errors.js",
    },
];

/// The composed record-check's glue (a composition's, as a user of the package would transpile
/// it) gets the patches whose code it has, with `describeError` from the package. The other
/// two do not apply: nothing it exports takes a string, so jco writes no `utf8Encode`, and it
/// has two memories (memkit's and record-check's), which one cached view cannot serve.
pub const COMPOSED_GLUE: &[Patch] = &[
    Patch::PlainResourceProperties,
    Patch::ReadableErrors {
        module: "memkit/errors",
    },
];

/// A glue file's code: the file without its leading `//` comment.
fn code(file: &'static str) -> &'static str {
    let mut rest = file;
    while rest.starts_with("//") {
        rest = rest.split_once('\n').map_or("", |(_, next)| next);
    }
    rest
}

/// What jco writes and what replaces it, from `xtask/glue/<name>.jco.js` and `<name>.js`.
struct Replacement {
    /// What it is, for the messages.
    what: &'static str,
    jco: &'static str,
    patched: &'static str,
}

const UTF8_ENCODE: Replacement = Replacement {
    what: "utf8Encode",
    jco: include_str!("../glue/utf8-encode.jco.js"),
    patched: include_str!("../glue/utf8-encode.js"),
};

const DATA_VIEW: Replacement = Replacement {
    what: "the dataView accessor",
    jco: include_str!("../glue/data-view.jco.js"),
    patched: include_str!("../glue/data-view.js"),
};

const COMPONENT_ERROR: Replacement = Replacement {
    what: "class ComponentError",
    jco: include_str!("../glue/component-error.jco.js"),
    patched: include_str!("../glue/component-error.js"),
};

impl Replacement {
    /// `glue` with the code jco writes replaced, when it is there exactly once.
    fn apply(&self, glue: &str) -> Result<String, String> {
        let (jco, patched) = (code(self.jco), code(self.patched));
        match glue.matches(jco).count() {
            1 => Ok(glue.replacen(jco, patched, 1)),
            n => Err(revisit(&format!(
                "expected jco's {} once, found it {n} times",
                self.what
            ))),
        }
    }
}

/// The glue after [`patch`].
pub struct Patched {
    pub text: String,
    /// What was done, one phrase a patch, for the build's log.
    pub applied: Vec<String>,
}

/// Applies `patches` to `glue`, in order.
pub fn patch(glue: &str, patches: &[Patch]) -> Result<Patched, String> {
    let mut text = glue.to_string();
    let mut applied = Vec::new();
    for patch in patches {
        match *patch {
            Patch::FastStringLowering => {
                text = UTF8_ENCODE.apply(&text)?;
                applied.push("fast string lowering (ASCII, encodeInto)".into());
            }
            Patch::CachedMemoryView => {
                if text.contains("memory1") {
                    return Err(revisit(
                        "the glue has more than one memory, the cached view assumes one",
                    ));
                }
                text = DATA_VIEW.apply(&text)?;
                applied.push("cached memory view".into());
            }
            Patch::PlainResourceProperties => {
                let (patched, handles) = plain_resource_properties(&text)?;
                text = patched;
                applied.push(format!("{handles} resource handles as plain properties"));
            }
            Patch::ReadableErrors { module } => {
                let patched = COMPONENT_ERROR.apply(&text)?;
                text = format!("import {{ describeError }} from '{module}';\n{patched}");
                applied.push(format!(
                    "readable error messages (describeError from {module})"
                ));
            }
        }
    }
    Ok(Patched { text, applied })
}

fn revisit(what: &str) -> String {
    format!("jco glue: {what}; revisit xtask/glue/ and xtask/src/jco_glue.rs for this jco version")
}

/// Every lifted resource gets its handle and its `Symbol.dispose` closure through
/// `Object.defineProperty`, which V8 makes far slower than a plain assignment; with the
/// finalizer's registration it was most of the cost of `buffer-pool.acquire` (a handle per
/// call). Plain properties keep the same values, the same closure and the same finalizer; the
/// only visible difference is that the two symbol-keyed properties are enumerable. 1000 pool
/// acquire + release: 596 → 320 µs (js/README.md).
fn plain_resource_properties(glue: &str) -> Result<(String, usize), String> {
    let mut text = String::with_capacity(glue.len());
    let mut patched = 0;
    // The indentation of each open `Symbol.dispose` function, awaiting its `}});`.
    let mut open: Vec<String> = Vec::new();
    for line in glue.split_inclusive('\n') {
        let body = line.trim_start();
        let indent = &line[..line.len() - body.len()];
        let trimmed = body.trim_end();
        if let Some(args) = trimmed
            .strip_prefix("Object.defineProperty(")
            .and_then(|rest| rest.strip_suffix("});"))
        {
            if let Some((rsc, handle)) =
                args.split_once(", symbolRscHandle, { writable: true, value: ")
            {
                text.push_str(&format!("{indent}{rsc}[symbolRscHandle] = {handle};\n"));
                patched += 1;
                continue;
            }
        }
        if let Some(rsc) = trimmed
            .strip_prefix("Object.defineProperty(")
            .and_then(|rest| {
                rest.strip_suffix(", symbolDispose, { writable: true, value: function () {")
            })
        {
            text.push_str(&format!("{indent}{rsc}[symbolDispose] = function () {{\n"));
            open.push(indent.to_string());
            continue;
        }
        if trimmed == "}});" && open.last().map(String::as_str) == Some(indent) {
            open.pop();
            text.push_str(&format!("{indent}}};\n"));
            continue;
        }
        text.push_str(line);
    }
    if !open.is_empty() {
        return Err(revisit(
            "a resource's Symbol.dispose definition without its end",
        ));
    }
    if patched == 0 {
        return Err(revisit(
            "found no resource handle defined with Object.defineProperty",
        ));
    }
    Ok((text, patched))
}

#[cfg(test)]
mod tests {
    use super::*;

    const RESOURCE_LIFT: &str =
        "    var rsc0 = new.target === ByteBuffer ? this : Object.create(ByteBuffer.prototype);
    Object.defineProperty(rsc0, symbolRscHandle, { writable: true, value: handle1});
    finalizationRegistry0.register(rsc0, handle1, rsc0);
    Object.defineProperty(rsc0, symbolDispose, { writable: true, value: function () {
      finalizationRegistry0.unregister(rsc0);
      rsc0[symbolRscHandle] = undefined;
    }});
    return rsc0;
";

    #[test]
    fn resource_handles_become_plain_properties() {
        let (text, patched) = plain_resource_properties(RESOURCE_LIFT).unwrap();
        assert_eq!(patched, 1);
        assert!(text.contains("    rsc0[symbolRscHandle] = handle1;\n"));
        assert!(text.contains("    rsc0[symbolDispose] = function () {\n"));
        assert!(text.contains("      rsc0[symbolRscHandle] = undefined;\n    };\n    return rsc0;"));
        assert!(!text.contains("defineProperty"));
        assert!(plain_resource_properties("no resources").is_err());
    }

    /// A glue with one of each piece of jco code that a patch replaces, one resource lift
    /// and one memory.
    fn jco_glue() -> String {
        [
            code(DATA_VIEW.jco),
            code(UTF8_ENCODE.jco),
            code(COMPONENT_ERROR.jco),
            RESOURCE_LIFT,
        ]
        .concat()
    }

    #[test]
    fn glue_files_are_code_after_their_comment() {
        for replacement in [&UTF8_ENCODE, &DATA_VIEW, &COMPONENT_ERROR] {
            for file in [replacement.jco, replacement.patched] {
                assert!(file.starts_with("// "), "{}: no comment", replacement.what);
                let code = code(file);
                assert!(!code.is_empty() && !code.starts_with("//"));
                assert!(file.ends_with(code));
            }
        }
    }

    #[test]
    fn every_patch_replaces_what_jco_wrote() {
        let glue = jco_glue();
        let patched = patch(&glue, ARTICLE_GLUE).unwrap();
        assert_eq!(patched.applied.len(), ARTICLE_GLUE.len());
        let expected = [
            "import { describeError } from './errors.js';\n",
            code(DATA_VIEW.patched),
            code(UTF8_ENCODE.patched),
            code(COMPONENT_ERROR.patched),
        ]
        .concat();
        assert!(patched.text.starts_with(&expected), "{}", patched.text);
        for replacement in [&UTF8_ENCODE, &DATA_VIEW, &COMPONENT_ERROR] {
            assert!(!patched.text.contains(code(replacement.jco)));
        }
    }

    #[test]
    fn the_composed_glue_imports_the_formatter_from_the_package() {
        let glue = format!("let memory0;\nlet memory1;\n{}", jco_glue());
        let patched = patch(&glue, COMPOSED_GLUE).unwrap();
        assert!(patched
            .text
            .starts_with("import { describeError } from 'memkit/errors';\n"));
        assert!(
            patched.text.contains(code(DATA_VIEW.jco)),
            "left as jco wrote it"
        );
        assert!(
            patch(&glue, ARTICLE_GLUE).is_err(),
            "two memories, one cached view"
        );
    }

    /// memkit:core takes no string, so its glue has no `utf8Encode`: its patches apply without.
    #[test]
    fn memkit_patches_apply_to_a_glue_without_string_lowering() {
        let glue = [
            code(DATA_VIEW.jco),
            code(COMPONENT_ERROR.jco),
            RESOURCE_LIFT,
        ]
        .concat();
        let patched = patch(&glue, MEMKIT_GLUE).unwrap();
        assert_eq!(patched.applied.len(), MEMKIT_GLUE.len());
        assert!(
            patch(&glue, ARTICLE_GLUE).is_err(),
            "the article's needs utf8Encode"
        );
    }

    #[test]
    fn a_changed_glue_is_refused() {
        for patch_alone in ARTICLE_GLUE {
            assert!(patch("no jco code here", &[*patch_alone]).is_err());
        }
        let twice = format!("{}{}", jco_glue(), code(UTF8_ENCODE.jco));
        assert!(patch(&twice, &[Patch::FastStringLowering]).is_err());
    }
}
