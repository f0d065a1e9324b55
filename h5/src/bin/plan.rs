//! Entry point of the planning bundle (the Gantt); natively it only exists so the
//! workspace builds.

fn main() {
    #[cfg(target_arch = "wasm32")]
    yew::Renderer::<h5::PlanApp>::new().render();
}
