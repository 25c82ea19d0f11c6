//! Three patches to the JS glue that jco 1.12.0 generates (`js/dist/memkit.js`): a bug fix and
//! a fast path, both measured, and readable error messages. All are described in
//! `js/README.md`. Each fails loudly when the code it expects is not there, so a jco upgrade
//! cannot silently drop them.

/// The glue after [`patch`].
pub struct Patched {
    pub text: String,
    /// How many `var` declarations of list-element resources became `let`.
    pub resource_list_bindings: usize,
}

/// Applies the three patches.
pub fn patch(glue: &str) -> Result<Patched, String> {
    let (text, resource_list_bindings) = fix_resource_list_closures(glue);
    let text = ascii_fast_path_in_utf8_encode(&text)?;
    let text = readable_component_errors(&text)?;
    Ok(Patched {
        text,
        resource_list_bindings,
    })
}

/// Works around a jco bug (seen in 1.12.0 up to 1.35.0): when a function returns a list of
/// owned resources, the glue lifts each element in a `for` loop with `var handleN` and
/// `var rscN`, so every element's `Symbol.dispose` closure sees the *last* element's handle:
/// disposing the first record of `record-reader.feed` throws "Invalid handle" and the others
/// leak. Declaring those two bindings with `let` gives each iteration its own. Only lines of
/// that loop shape change (`getInt32(base + …)` reads an element of the list).
fn fix_resource_list_closures(glue: &str) -> (String, usize) {
    let mut text = String::with_capacity(glue.len());
    let mut patched = 0;
    let mut in_element = false;
    for line in glue.split_inclusive('\n') {
        let body = line.trim_start();
        let indent = &line[..line.len() - body.len()];
        let element_handle = body.starts_with("var handle") && body.contains("getInt32(base + ");
        let element_resource = in_element && body.starts_with("var rsc");
        if element_handle || element_resource {
            text.push_str(indent);
            text.push_str("let ");
            text.push_str(&body["var ".len()..]);
            patched += 1;
        } else {
            text.push_str(line);
        }
        in_element = element_handle;
    }
    (text, patched)
}

/// The start of jco 1.12.0's string lowering after its empty-string case.
const ENCODE_CALL: &str = "  let buf = utf8Encoder.encode(s);\n";

/// Short ASCII strings are written into linear memory directly. jco lowers every string with
/// `TextEncoder.encode`, whose allocation dominates for short strings: lowering a company of
/// 1000 people (2001 strings) took 1.0–2.0 ms in Node, 0.4 ms with this path. Every UTF-16
/// code unit up to 0x7f is one UTF-8 byte of the same value, so the bytes are identical;
/// anything else still goes through `TextEncoder`.
const ASCII_FAST_PATH: &str = "  if (s.length <= 64) {
    let ascii = true;
    for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 0x7f) { ascii = false; break; }
    if (ascii) {
      const ptr = realloc(0, 0, 1, s.length);
      const view = new Uint8Array(memory.buffer, ptr, s.length);
      for (let i = 0; i < s.length; i++) view[i] = s.charCodeAt(i);
      utf8EncodedLen = s.length;
      return ptr;
    }
  }
";

fn ascii_fast_path_in_utf8_encode(glue: &str) -> Result<String, String> {
    match glue.matches(ENCODE_CALL).count() {
        1 => Ok(glue.replacen(ENCODE_CALL, &format!("{ASCII_FAST_PATH}{ENCODE_CALL}"), 1)),
        n => Err(format!(
            "jco glue: expected `utf8Encoder.encode` once in utf8Encode, found it {n} times; \
             revisit xtask/src/jco_glue.rs for this jco version"
        )),
    }
}

/// jco 1.12.0's message for an error value: `[object Object] (see error.payload)`.
const OPAQUE_MESSAGE: &str =
    "    super(enumerable ? `${String(value)} (see error.payload)` : value);\n";

/// The message memkit's errors get instead: the WIT case and its values, for example
/// `out-of-bounds: offset 4294967295, len 2, buffer size 1048576` or `checksum-mismatch:
/// stored 0x00000994, computed 0x000009b4`. `error.payload` keeps the typed value. Record
/// shapes are recognised by their fields, so errors of components composed with memkit
/// read as well.
const READABLE_MESSAGE: &str = "    super(enumerable ? describeComponentError(value) : value);\n";

const DESCRIBE_COMPONENT_ERROR: &str = r#"
/** A readable message for a memkit error value (a WIT variant, record or number). */
function describeComponentError(value) {
  const hex = (n) => `0x${(Number(n) >>> 0).toString(16).padStart(8, '0')}`;
  const numbered = {
    'out-of-memory': (n) => `could not allocate ${n} bytes`,
    'too-short': (n) => `${n} bytes, a record needs at least 24`,
    'trailing-bytes': (n) => `${n} bytes after the checksum`,
    'payload-too-large': (n) => `declared ${n} bytes, over the reader's max-payload`,
  };
  const describe = (v, tag) => {
    if (v === null || typeof v !== 'object') {
      return tag in numbered && typeof v === 'number' ? numbered[tag](v) : String(v);
    }
    if (typeof v.tag === 'string') return v.val === undefined ? v.tag : `${v.tag}: ${describe(v.val, v.tag)}`;
    if ('offset' in v && 'len' in v && 'size' in v) return `offset ${v.offset}, len ${v.len}, buffer size ${v.size}`;
    if ('requested' in v && 'limit' in v) return `requested ${v.requested}, limit ${v.limit}`;
    if ('expected' in v && 'actual' in v) return `stored ${hex(v.expected)}, computed ${hex(v.actual)}`;
    if ('declared' in v && 'available' in v) return `declared ${v.declared} bytes, ${v.available} available`;
    if ('message' in v && 'line' in v && 'column' in v) return `json-error: ${v.message}`;
    return Object.entries(v).map(([k, x]) => `${k} ${describe(x, k)}`).join(', ');
  };
  try {
    return describe(value, '');
  } catch {
    return `${String(value)} (see error.payload)`;
  }
}
"#;

fn readable_component_errors(glue: &str) -> Result<String, String> {
    match glue.matches(OPAQUE_MESSAGE).count() {
        1 => Ok(format!(
            "{}{DESCRIBE_COMPONENT_ERROR}",
            glue.replacen(OPAQUE_MESSAGE, READABLE_MESSAGE, 1)
        )),
        n => Err(format!(
            "jco glue: expected ComponentError's message once, found it {n} times; \
             revisit xtask/src/jco_glue.rs for this jco version"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LIST_LOOP: &str = "      for (let i = 0; i < len5; i++) {
        const base = base5 + i * 4;
        var handle4 = dataView(memory0).getInt32(base + 0, true);
        var rsc3 = new.target === BinaryRecord ? this : Object.create(BinaryRecord.prototype);
        var rsc9 = unrelated;
      }
  var handle1 = this[symbolRscHandle];
  var rsc1 = new.target === ByteBuffer ? this : Object.create(ByteBuffer.prototype);
";

    #[test]
    fn only_list_element_bindings_become_let() {
        let (text, patched) = fix_resource_list_closures(LIST_LOOP);
        assert_eq!(patched, 2);
        assert!(text.contains("        let handle4 = dataView"));
        assert!(text.contains("        let rsc3 = new.target"));
        assert!(text.contains("        var rsc9 = unrelated;"));
        assert!(text.contains("  var handle1 = this"));
        assert!(text.contains("  var rsc1 = new.target"));
    }

    #[test]
    fn the_ascii_fast_path_goes_before_the_encoder_call() {
        let glue = format!("function utf8Encode(s, realloc, memory) {{\n{ENCODE_CALL}}}\n");
        let text = ascii_fast_path_in_utf8_encode(&glue).unwrap();
        let fast = text.find("if (s.length <= 64)").unwrap();
        assert!(fast < text.find(ENCODE_CALL).unwrap());
    }

    #[test]
    fn a_changed_glue_is_refused() {
        assert!(ascii_fast_path_in_utf8_encode("no encoder here").is_err());
        assert!(readable_component_errors("no error class here").is_err());
    }

    #[test]
    fn component_errors_get_the_describing_message() {
        let glue = format!("class ComponentError extends Error {{\n  constructor (value) {{\n{OPAQUE_MESSAGE}  }}\n}}\n");
        let text = readable_component_errors(&glue).unwrap();
        assert!(text.contains(READABLE_MESSAGE));
        assert!(text.contains("function describeComponentError(value)"));
        assert!(!text.contains("(see error.payload)` : value"));
    }
}
