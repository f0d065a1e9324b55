//! The H5 workbench, embedded from `h5/dist`: hashed assets cached forever, pages
//! revalidated, brotli or gzip copies sent as built, and every other page path answered
//! with its bundle's page so deep links work: `admin.html` under `/admin`, `plan.html`
//! for the planning pages (a project's Gantt, 新建/编辑, members, schedule settings,
//! import), else `index.html`.

use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpRequest, HttpResponse, web};

/// The files `cargo xtask build-h5` wrote. Missing (a server built before the H5) is fine:
/// `/` then shows the status page.
#[derive(rust_embed::Embed)]
#[folder = "../../h5/dist/"]
#[allow_missing = true]
struct Dist;

/// Registers the SPA as the fallback for GET and HEAD.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.default_service(web::to(serve));
}

/// Whether an H5 build is embedded.
pub fn built() -> bool {
    Dist::get("index.html").is_some()
}

/// Serves the H5's `index.html` (used by `/`).
pub async fn index(req: HttpRequest) -> HttpResponse {
    respond(&req, "index.html")
}

/// `index.html` with `screen` in its first-screen placeholder: personal, so never stored by
/// shared caches and compressed per answer.
pub fn personal_index(screen: &str) -> HttpResponse {
    let Some(file) = Dist::get("index.html") else {
        return HttpResponse::NotFound().finish();
    };
    let page = String::from_utf8_lossy(&file.data);
    HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "private, no-cache"))
        .insert_header((header::VARY, "Cookie, Accept-Encoding"))
        .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .body(super::first_screen::fill(&page, screen))
}

async fn serve(req: HttpRequest) -> HttpResponse {
    if !matches!(req.method().as_str(), "GET" | "HEAD") {
        return HttpResponse::MethodNotAllowed()
            .insert_header((header::ALLOW, "GET, HEAD"))
            .finish();
    }
    let path = req.path().trim_start_matches('/');
    let last = path.rsplit('/').next().unwrap_or_default();
    // Precompressed copies are sent by `respond`; dot files (the dist's `.gitkeep`) are not
    // part of the app.
    let servable = !last.starts_with('.') && !last.ends_with(".br") && !last.ends_with(".gz");
    if servable && Dist::get(path).is_some() {
        return respond(&req, path);
    }
    // A missing file (an old hashed name, a typo) is a 404, never the page in its place:
    // a browser would try to run HTML as a script.
    if last.contains('.') || path.starts_with("assets/") || !built() {
        return HttpResponse::NotFound()
            .content_type("text/plain; charset=utf-8")
            .body("404 页面不存在");
    }
    respond(&req, page_for(path))
}

/// Which bundle's page a path opens: 管理 and planning are apps of their own.
fn page_for(path: &str) -> &'static str {
    api::Bundle::of(path).page()
}

fn respond(req: &HttpRequest, name: &str) -> HttpResponse {
    let Some(file) = Dist::get(name) else {
        return HttpResponse::NotFound().finish();
    };
    let accepted = req
        .headers()
        .get(header::ACCEPT_ENCODING)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    // The copy sent: brotli, gzip or as built; each has its own tag.
    let packed = [("br", "br"), ("gzip", "gz")]
        .into_iter()
        .filter(|(token, _)| accepts(accepted, token))
        .find_map(|(token, suffix)| Dist::get(&format!("{name}.{suffix}")).map(|f| (token, f)));
    let encoding = packed.as_ref().map_or("identity", |(token, _)| *token);
    let etag = format!(
        "\"{}-{encoding}\"",
        hex::encode(&file.metadata.sha256_hash()[..12])
    );
    let unchanged = req
        .headers()
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            v.split(',')
                .map(|t| t.trim().trim_start_matches("W/"))
                .any(|t| t == etag || t == "*")
        });
    let mut response = if unchanged {
        HttpResponse::NotModified()
    } else {
        HttpResponse::Ok()
    };
    response
        .insert_header((header::CONTENT_TYPE, content_type(name)))
        .insert_header((header::ETAG, etag))
        .insert_header((header::VARY, "Accept-Encoding"))
        .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .insert_header((header::CACHE_CONTROL, cache_control(name)));
    if unchanged {
        return response.finish();
    }
    match packed {
        Some((token, packed)) => response
            .insert_header((header::CONTENT_ENCODING, HeaderValue::from_static(token)))
            .body(packed.data.into_owned()),
        None => response.body(file.data.into_owned()),
    }
}

/// Whether `Accept-Encoding` allows `token` (absent `q=0`).
fn accepts(header: &str, token: &str) -> bool {
    header.split(',').any(|part| {
        let mut pieces = part.split(';').map(str::trim);
        pieces.next().is_some_and(|t| t.eq_ignore_ascii_case(token))
            && !pieces.any(|p| p.replace(' ', "") == "q=0" || p.replace(' ', "") == "q=0.0")
    })
}

/// Hashed assets never change under their name; the page itself is checked each visit.
fn cache_control(name: &str) -> &'static str {
    if name.starts_with("assets/") {
        "public, max-age=31536000, immutable"
    } else {
        "no-cache"
    }
}

fn content_type(name: &str) -> &'static str {
    match name.rsplit('.').next().unwrap_or_default() {
        "html" => "text/html; charset=utf-8",
        "js" => "text/javascript; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "wasm" => "application/wasm",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "ico" => "image/x-icon",
        "json" => "application/json",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodings_are_read_as_browsers_send_them() {
        assert!(accepts("gzip, deflate, br", "br"));
        assert!(accepts("br;q=1.0, gzip;q=0.8", "gzip"));
        assert!(!accepts("gzip, br;q=0", "br"));
        assert!(!accepts("identity", "gzip"));
        assert!(!accepts("", "br"));
    }

    #[test]
    fn admin_paths_open_the_admin_bundle() {
        assert_eq!(page_for("admin"), "admin.html");
        assert_eq!(page_for("admin/templates/leave"), "admin.html");
        assert_eq!(page_for("administrator"), "index.html");
        assert_eq!(page_for("tasks/3"), "index.html");
        assert_eq!(page_for("projects/3/gantt"), "plan.html");
    }

    #[test]
    fn only_hashed_assets_are_cached_forever() {
        assert_eq!(
            cache_control("assets/h5-abc.js"),
            "public, max-age=31536000, immutable"
        );
        assert_eq!(cache_control("index.html"), "no-cache");
        assert_eq!(content_type("assets/h5_bg-1.wasm"), "application/wasm");
    }
}
