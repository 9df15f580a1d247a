//! The engine's one error type. Every variant carries a message a user can act on;
//! `code()` is the stable prefix JS sees ("CODE: message").

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

impl EngineError {
    /// The greppable prefix JS code branches on; part of the addon's contract.
    pub fn code(&self) -> &'static str {
        match self {
            Self::FunctionNotFound(_) => "FUNCTION_NOT_FOUND",
            Self::FunctionInactive(_) => "FUNCTION_INACTIVE",
            Self::InvalidArguments(_) => "INVALID_ARGUMENTS",
            Self::CallerNotAllowed(_) => "CALLER_NOT_ALLOWED",
            Self::InvalidDefinition(_) => "INVALID_DEFINITION",
            Self::CallTimeout(_) => "CALL_TIMEOUT",
            Self::FunctionFailed(_) => "FUNCTION_FAILED",
            Self::RedisUnavailable(_) => "REDIS_UNAVAILABLE",
            Self::InvalidCallContext(_) => "INVALID_CALL_CONTEXT",
            Self::PayloadTooLarge(_) => "PAYLOAD_TOO_LARGE",
            Self::InvalidOptions(_) => "INVALID_OPTIONS",
            Self::Internal(_) => "INTERNAL",
        }
    }
}
