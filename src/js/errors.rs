//! The one place engine errors become JS errors: "CODE: message", CODE being the stable
//! prefix the TypeScript wrapper turns into `error.code`.

use crate::error::EngineError;

pub fn to_js(error: EngineError) -> napi::Error {
    napi::Error::new(napi::Status::GenericFailure, format!("{}: {error}", error.code()))
}

pub trait IntoJs<T> {
    fn js(self) -> napi::Result<T>;
}

impl<T> IntoJs<T> for Result<T, EngineError> {
    fn js(self) -> napi::Result<T> {
        self.map_err(to_js)
    }
}
