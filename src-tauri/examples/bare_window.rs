//! The start-up baseline: a bare Tauri window showing an empty page, with the same Tauri build
//! as Mailferry. `scripts/bench-startup.sh` compares Mailferry against it.

fn main() {
    let mut context = tauri::generate_context!();
    context.config_mut().app.windows.clear();
    let result = tauri::Builder::default()
        .on_page_load(|_, payload| {
            if payload.event() == tauri::webview::PageLoadEvent::Finished {
                println!("page loaded");
            }
        })
        .setup(|app| {
            let blank = tauri::WebviewUrl::External("about:blank".parse()?);
            tauri::WebviewWindowBuilder::new(app, "bare", blank).title("Bare Tauri window").build()?;
            Ok(())
        })
        .run(context);
    if let Err(error) = result {
        eprintln!("{error}");
    }
}
