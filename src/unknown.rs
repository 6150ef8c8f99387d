//! [`UnknownValue`]: what an open enum holds when Authlete sends a value
//! this version of the crate does not know.

/// A wire value that none of an enum's known variants stands for.
///
/// Every generated string enum (`TokenResponseAction`, `GrantType`, ...) is
/// `#[non_exhaustive]` and has an `Unknown(UnknownValue)` variant (named
/// `UnknownValue` in the rare enum whose spec lists a value `UNKNOWN`). It
/// keeps the value as sent, so a read-modify-write sends it back unchanged.
///
/// There is no public constructor: an `UnknownValue` only comes from
/// decoding or from `From<&str>` / `FromStr` on the enum, which always pick
/// the known variant for a known value. So `==` and `as_str()` on the enum
/// follow the wire value: `TokenResponseAction::from("OK")` is
/// `TokenResponseAction::Ok`, never an unknown `"OK"`.
///
/// Matching, the forward-compatible way:
///
/// ```
/// use authlete::types::TokenResponseAction;
///
/// fn describe(action: &TokenResponseAction) -> String {
///     match action {
///         TokenResponseAction::Ok => "issue the tokens".into(),
///         TokenResponseAction::BadRequest => "tell the client".into(),
///         // A value this crate does not know yet: its wire form is kept.
///         other if other.is_unknown() => format!("new action {}", other.as_str()),
///         // Known values without an arm of their own (the enum is
///         // `#[non_exhaustive]`, so this arm is required anyway).
///         other => format!("other action {other}"),
///     }
/// }
///
/// assert_eq!(describe(&"OK".into()), "issue the tokens");
/// assert_eq!(describe(&"SOMETHING_NEW".into()), "new action SOMETHING_NEW");
/// assert_eq!(TokenResponseAction::from("OK"), TokenResponseAction::Ok);
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct UnknownValue(String);

impl UnknownValue {
    /// Only the generated enums make one, for values they do not list.
    pub(crate) fn new(value: String) -> Self {
        Self(value)
    }

    /// The value as sent on the wire.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for UnknownValue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl AsRef<str> for UnknownValue {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

/// An unknown value cannot be made by hand, so a known value can never be
/// "unknown":
///
/// ```compile_fail
/// let _ = authlete::UnknownValue("OK".to_string());
/// ```
///
/// ```compile_fail
/// let _ = authlete::UnknownValue::new("OK".to_string());
/// ```
#[cfg(doctest)]
pub struct UnknownValueIsSealed;
