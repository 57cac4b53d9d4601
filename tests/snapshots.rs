//! Golden files: every generated file of every example, reviewed as insta snapshots
//! (`tests/snapshots/`). A change to the generated code shows up here as a diff to review
//! (`cargo insta review`, or `INSTA_UPDATE=always cargo test --test snapshots` and read the
//! git diff).

use rpcforge::lang::{Language, PackageOptions};

fn snapshot_example(name: &str) {
    let file = format!(
        "{}/examples/{name}/{name}.rpc.json",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(&file).expect("example exists");
    let source = rpcforge::schema::parse_document(&text, &file).expect("example reads");
    let normalized =
        rpcforge::ir::normalize(&source, &file, Some(&text)).expect("example normalizes");
    let packages = rpcforge::lang::render(
        &normalized.api,
        &[Language::Typescript, Language::Python],
        &PackageOptions::default(),
    )
    .expect("example renders");
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path("snapshots");
    settings.set_prepend_module_to_snapshot(false);
    settings.set_omit_expression(true);
    settings.bind(|| {
        for (language, package) in &packages {
            for generated in &package.files {
                let snapshot = format!(
                    "{name}__{}__{}",
                    language.dir_name(),
                    generated.path.replace('/', "__")
                );
                insta::assert_snapshot!(snapshot, generated.contents);
            }
        }
    });
}

#[test]
fn chat() {
    snapshot_example("chat");
}

#[test]
fn dashboard() {
    snapshot_example("dashboard");
}

#[test]
fn ecommerce() {
    snapshot_example("ecommerce");
}

#[test]
fn game() {
    snapshot_example("game");
}

#[test]
fn notifications() {
    snapshot_example("notifications");
}
