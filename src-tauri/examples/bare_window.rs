//! The start-up baseline: a bare Tauri window showing a minimal page served over a custom
//! protocol, with the same Tauri build as Mailferry. `scripts/bench-startup.sh` compares
//! Mailferry against it.

const PAGE: &str = "<!doctype html><html><head><title>Bare</title></head><body><p>Bare Tauri window</p></body></html>";

fn main() {
    let mut context = tauri::generate_context!();
    context.config_mut().app.windows.clear();
    let result = tauri::Builder::default()
        .register_uri_scheme_protocol("bare", |_context, _request| {
            tauri::http::Response::builder()
                .header("Content-Type", "text/html")
                .body(PAGE.as_bytes().to_vec())
                .unwrap_or_default()
        })
        .on_page_load(|_, payload| {
            if payload.event() == tauri::webview::PageLoadEvent::Finished {
                println!("page loaded");
            }
        })
        .setup(|app| {
            let page = tauri::WebviewUrl::CustomProtocol("bare://localhost/".parse()?);
            tauri::WebviewWindowBuilder::new(app, "bare", page).title("Bare Tauri window").build()?;
            Ok(())
        })
        .run(context);
    if let Err(error) = result {
        eprintln!("{error}");
    }
}
