//! Entry point of the admin bundle (管理); natively it only exists so the workspace builds.

fn main() {
    #[cfg(target_arch = "wasm32")]
    yew::Renderer::<h5::AdminApp>::new().render();
}
