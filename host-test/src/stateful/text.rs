//! text.swap-case, and the text the JSON documents are made of.

use fastrand::Rng;

use super::{Interface, Operation, Run, Step, Target};

fn ascii_swap_case(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            'a'..='z' => c.to_ascii_uppercase(),
            'A'..='Z' => c.to_ascii_lowercase(),
            _ => c,
        })
        .collect()
}

pub(super) fn show_text(s: &str) -> String {
    let head: String = s.chars().take(48).collect();
    let more = if head.len() < s.len() { "…" } else { "" };
    format!("{} bytes {head:?}{more}", s.len())
}

/// Text of up to `max_chars` characters: ASCII letters (what swap-case changes), and quotes,
/// backslashes, control characters and multi-byte characters (what JSON must escape or keep).
pub(super) fn text(rng: &mut Rng, max_chars: usize) -> String {
    const ODD: &[char] = &[
        ' ', '"', '\\', '/', '\n', '\t', '\u{0}', '\u{1f}', '\u{7f}', 'é', 'ß', 'Ω', '你', '😀',
        'ǅ', '\u{2028}', '\u{feff}', '@', '.', '-',
    ];
    let len = rng.usize(..=max_chars);
    (0..len)
        .map(|_| {
            if rng.u32(..10) < 6 {
                rng.alphanumeric()
            } else {
                ODD[rng.usize(..ODD.len())]
            }
        })
        .collect()
}

impl Run {
    fn text_swap_case(&mut self) -> Step<bool> {
        let max_chars = self.size()? / 2;
        let mut input = text(&mut self.rng, max_chars);
        let mut room = self.list_room(input.len())?;
        while !input.is_char_boundary(room) {
            room -= 1;
        }
        input.truncate(room);
        self.begin(format!("text.swap-case({})", show_text(&input)));
        let got = self.call_article("text.swap-case", |s, m| {
            m.memkit_article_text().call_swap_case(s, &input)
        })?;
        let want = ascii_swap_case(&input);
        ensure!(
            got == want,
            "swap-case gave {}, want {}",
            show_text(&got),
            show_text(&want)
        );
        Ok(true)
    }
}

/// text: its one operation.
pub(super) const INTERFACE: Interface = Interface {
    target: Target::Article,
    resources: &[],
    operations: &[
        Operation::new(&["text.swap-case"], Run::text_swap_case, 3),
    ],
};
