//! How the web view draws on Linux. WebKitGTK composites the page with OpenGL; on a computer
//! without a GPU (a virtual machine, a remote desktop, Xvfb) that OpenGL is Mesa's software
//! rasterizer, which redraws the whole window for every frame on the CPU and keeps an LLVM JIT
//! and its buffers in memory: the mailbox list then scrolls at 17 frames a second and the web
//! process holds 130 MB more than it draws. Without compositing WebKit paints only what changed,
//! which on such a computer is both faster and smaller. Tauri's maintainers point to the same
//! switch, WebKit's `WEBKIT_DISABLE_COMPOSITING_MODE`, for software-rendered Linux desktops.

/// What was chosen, for the log (written once logging is set up).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Compositing {
    /// A GPU is there (or this is not Linux): WebKit composites as it chooses.
    Default,
    /// The user set WEBKIT_DISABLE_COMPOSITING_MODE: their choice stands.
    AsTheUserSet,
    /// No GPU render node, or Mesa told to render in software: compositing is off.
    OffWithoutGpu,
}

/// Decides before any thread starts (the variable is read by the web processes WebKit spawns).
pub fn choose() -> Compositing {
    #[cfg(target_os = "linux")]
    {
        const VARIABLE: &str = "WEBKIT_DISABLE_COMPOSITING_MODE";
        if std::env::var_os(VARIABLE).is_some() {
            return Compositing::AsTheUserSet;
        }
        if software_rendering(std::env::var_os("LIBGL_ALWAYS_SOFTWARE").as_deref(), has_render_node()) {
            // First thing in `run`, before Tauri, the async runtime or anything else has started
            // a thread that could read the environment while it changes.
            std::env::set_var(VARIABLE, "1");
            return Compositing::OffWithoutGpu;
        }
    }
    Compositing::Default
}

/// OpenGL would be Mesa's software rasterizer: it is asked for (LIBGL_ALWAYS_SOFTWARE set to
/// anything but "0" or "false", as Mesa reads it), or there is no GPU to render with.
#[cfg_attr(not(target_os = "linux"), allow(dead_code))]
fn software_rendering(libgl_always_software: Option<&std::ffi::OsStr>, render_node: bool) -> bool {
    let forced = libgl_always_software.is_some_and(|value| !matches!(value.to_str(), Some("0" | "false")));
    forced || !render_node
}

/// A DRM render node (/dev/dri/renderD128, ...): what Mesa renders on with a GPU.
#[cfg(target_os = "linux")]
fn has_render_node() -> bool {
    std::fs::read_dir("/dev/dri")
        .is_ok_and(|entries| entries.flatten().any(|entry| entry.file_name().to_string_lossy().starts_with("renderD")))
}

#[cfg(test)]
mod tests {
    use super::software_rendering;
    use std::ffi::OsStr;

    #[test]
    fn software_rendering_is_forced_by_mesa_s_variable_or_follows_from_no_gpu() {
        assert!(!software_rendering(None, true), "a GPU and nothing forced: WebKit composites");
        assert!(software_rendering(None, false), "no render node: Mesa would rasterize in software");
        assert!(software_rendering(Some(OsStr::new("1")), true), "forced even with a GPU");
        assert!(software_rendering(Some(OsStr::new("true")), true));
        assert!(!software_rendering(Some(OsStr::new("0")), true), "Mesa reads 0 as not forced");
        assert!(!software_rendering(Some(OsStr::new("false")), true));
    }
}
