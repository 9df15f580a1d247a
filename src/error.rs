//! The engine's one error type. Every variant carries a message a user can act on;
//! `code()` is the stable code JS sees as `error.code`.

use thiserror::Error;

pub type Result<T> = std::result::Result<T, EngineError>;

#[derive(Debug, Error, Clone, PartialEq)]
pub enum EngineError {
    #[error("{0}")]
    FunctionNotFound(String),
    #[error("{0}")]
    FunctionInactive(String),
    #[error("{0}")]
    InvalidArguments(String),
    #[error("{0}")]
    CallerNotAllowed(String),
    #[error("{0}")]
    InvalidDefinition(String),
    #[error("{0}")]
    CallTimeout(String),
    #[error("{0}")]
    FunctionFailed(String),
    #[error("{0}")]
    CallerCannotWait(String),
    #[error("{0}")]
    RedisUnavailable(String),
    #[error("{0}")]
    InvalidCallContext(String),
    #[error("{0}")]
    PayloadTooLarge(String),
    #[error("{0}")]
    InvalidOptions(String),
    #[error("{0}")]
    Internal(String),
}

/// Every code `EngineError::code` gives, in the order of the variants: the TypeScript list
/// (`nodes/shared/functions-error.ts`) is checked against it.
pub const CODES: [&str; 13] = [
    "FUNCTION_NOT_FOUND",
    "FUNCTION_INACTIVE",
    "INVALID_ARGUMENTS",
    "CALLER_NOT_ALLOWED",
    "INVALID_DEFINITION",
    "CALL_TIMEOUT",
    "FUNCTION_FAILED",
    "CALLER_CANNOT_WAIT",
    "REDIS_UNAVAILABLE",
    "INVALID_CALL_CONTEXT",
    "PAYLOAD_TOO_LARGE",
    "INVALID_OPTIONS",
    "INTERNAL",
];

impl EngineError {
    /// The stable code JS branches on (`error.code`); part of the addon's contract.
    pub fn code(&self) -> &'static str {
        match self {
            Self::FunctionNotFound(_) => "FUNCTION_NOT_FOUND",
            Self::FunctionInactive(_) => "FUNCTION_INACTIVE",
            Self::InvalidArguments(_) => "INVALID_ARGUMENTS",
            Self::CallerNotAllowed(_) => "CALLER_NOT_ALLOWED",
            Self::InvalidDefinition(_) => "INVALID_DEFINITION",
            Self::CallTimeout(_) => "CALL_TIMEOUT",
            Self::FunctionFailed(_) => "FUNCTION_FAILED",
            Self::CallerCannotWait(_) => "CALLER_CANNOT_WAIT",
            Self::RedisUnavailable(_) => "REDIS_UNAVAILABLE",
            Self::InvalidCallContext(_) => "INVALID_CALL_CONTEXT",
            Self::PayloadTooLarge(_) => "PAYLOAD_TOO_LARGE",
            Self::InvalidOptions(_) => "INVALID_OPTIONS",
            Self::Internal(_) => "INTERNAL",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_is_listed_once() {
        let all = [
            EngineError::FunctionNotFound(String::new()),
            EngineError::FunctionInactive(String::new()),
            EngineError::InvalidArguments(String::new()),
            EngineError::CallerNotAllowed(String::new()),
            EngineError::InvalidDefinition(String::new()),
            EngineError::CallTimeout(String::new()),
            EngineError::FunctionFailed(String::new()),
            EngineError::CallerCannotWait(String::new()),
            EngineError::RedisUnavailable(String::new()),
            EngineError::InvalidCallContext(String::new()),
            EngineError::PayloadTooLarge(String::new()),
            EngineError::InvalidOptions(String::new()),
            EngineError::Internal(String::new()),
        ];
        assert_eq!(all.map(|error| error.code()), CODES);
    }
}
