//! The one place engine errors become JS errors: the message says what happened and what
//! to do, and `error.code` carries the engine's stable code (`EngineError::code`), which the
//! TypeScript wrapper reads.

use napi::Status;

use crate::error::EngineError;

/// The `code` of a JS error the addon throws: an engine error's code, or napi's own status
/// for what failed at the boundary (a value JS passed that is not of its declared type).
#[derive(Debug, Clone, Copy)]
pub enum Code {
    Engine(&'static str),
    Napi(Status),
}

impl AsRef<str> for Code {
    fn as_ref(&self) -> &str {
        match self {
            Self::Engine(code) => code,
            Self::Napi(status) => status.as_ref(),
        }
    }
}

pub fn to_js(error: EngineError) -> napi::Error<Code> {
    napi::Error::new(Code::Engine(error.code()), error.to_string())
}

/// napi's own error, with its status as the code.
pub fn from_napi(error: napi::Error) -> napi::Error<Code> {
    napi::Error::new(Code::Napi(error.status), error.reason)
}

pub trait IntoJs<T> {
    fn js(self) -> napi::Result<T, Code>;
}

impl<T> IntoJs<T> for Result<T, EngineError> {
    fn js(self) -> napi::Result<T, Code> {
        self.map_err(to_js)
    }
}
