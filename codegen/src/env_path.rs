//! The files a build is pointed at through environment variables
//! (`AUTHLETE_OPENAPI_SPEC`, `AUTHLETE_RETAINED`).

use std::path::{Path, PathBuf};

/// The file `env` names: an absolute path, or one that `.cargo/config.toml`
/// made absolute (`relative = true`). cargo runs a build script in its own
/// crate's folder, so a plain relative path is taken from there (where a
/// workspace's own files are found); one that names no file there is
/// refused with the way to write it for an app.
pub fn from_env(env: &str, manifest_dir: &Path, value: &Path) -> Result<PathBuf, String> {
    if value.is_absolute() {
        return Ok(value.to_path_buf());
    }
    let here = manifest_dir.join(value);
    if here.is_file() {
        return Ok(here);
    }
    Err(format!(
        "{env}={} is a relative path, and cargo runs this build script from the authlete crate's own folder; \
         give an absolute path, or in your app's .cargo/config.toml write \
         [env] {env} = {{ value = \"{}\", relative = true }}",
        value.display(),
        value.display()
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_absolute_path_is_taken_as_it_is() {
        let p = Path::new("/nowhere/spec.yaml");
        assert_eq!(from_env("E", Path::new("/crate"), p).unwrap(), p);
    }

    #[test]
    fn a_relative_path_to_a_file_of_the_crate_is_found_there() {
        let crate_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
        let found = from_env("E", crate_dir, Path::new("Cargo.toml")).unwrap();
        assert_eq!(found, crate_dir.join("Cargo.toml"));
    }

    #[test]
    fn a_relative_path_of_the_app_is_refused_with_the_config_that_works() {
        let e = from_env("AUTHLETE_OPENAPI_SPEC", Path::new(env!("CARGO_MANIFEST_DIR")), Path::new("specs/mine.yaml"))
            .unwrap_err();
        assert!(e.contains("AUTHLETE_OPENAPI_SPEC=specs/mine.yaml is a relative path"), "{e}");
        assert!(e.contains(r#"[env] AUTHLETE_OPENAPI_SPEC = { value = "specs/mine.yaml", relative = true }"#), "{e}");
    }
}
