//! Entry point of the wasm build; natively it only exists so the workspace builds.

fn main() {
    #[cfg(target_arch = "wasm32")]
    yew::Renderer::<h5::App>::new().render();
}
