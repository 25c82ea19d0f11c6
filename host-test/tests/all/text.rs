use host_test::Host;

#[test]
fn swap_case_swaps_ascii_letters_only() -> wasmtime::Result<()> {
    let mut h = Host::new();
    let text = h.article.memkit_article_text();
    assert_eq!(
        text.call_swap_case(&mut h.store, "Hello, WebAssembly!")?,
        "hELLO, wEBaSSEMBLY!"
    );
    assert_eq!(
        text.call_swap_case(&mut h.store, "Grüße 你好 ǅ Ω")?,
        "gRüßE 你好 ǅ Ω"
    );
    Ok(())
}

#[test]
fn swap_case_of_empty_is_empty() -> wasmtime::Result<()> {
    let mut h = Host::new();
    assert_eq!(
        h.article
            .memkit_article_text()
            .call_swap_case(&mut h.store, "")?,
        ""
    );
    Ok(())
}

#[test]
fn swap_case_of_a_megabyte_round_trips() -> wasmtime::Result<()> {
    let mut h = Host::new();
    let text = h.article.memkit_article_text();
    let input = "The quick brown Fox — jumps! ".repeat(40_000);
    let swapped = text.call_swap_case(&mut h.store, &input)?;
    assert_eq!(swapped.len(), input.len());
    assert_eq!(text.call_swap_case(&mut h.store, &swapped)?, input);
    Ok(())
}
