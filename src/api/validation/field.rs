//! apimachinery's `field.Path` and `field.Error`, rendered as `Error()` renders them:
//! `<path>: <Type>[: <value>][: <detail>]` (`pkg/util/validation/field/errors.go` `ErrorBody`).

use super::gofmt;
use std::fmt;

/// A field path: `spec.template.spec.containers[0].image`, `spec.resources[storage]`.
#[derive(Clone, Debug, PartialEq)]
pub struct Path(String);

impl Path {
    pub fn new(root: &str) -> Path {
        Path(root.to_string())
    }
    pub fn child(&self, name: &str) -> Path {
        if self.0.is_empty() {
            Path(name.to_string())
        } else {
            Path(format!("{}.{name}", self.0))
        }
    }
    pub fn index(&self, i: usize) -> Path {
        Path(format!("{}[{i}]", self.0))
    }
    pub fn key(&self, k: &str) -> Path {
        Path(format!("{}[{k}]", self.0))
    }
}

impl fmt::Display for Path {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A bad value as `ErrorBody` prints it: simple types with `%v`, strings with `%q`, anything
/// else with `%#v` (pointers dereferenced, nil as `null`).
#[derive(Clone, Debug, PartialEq)]
pub struct Value(String);

impl Value {
    pub fn str(s: &str) -> Value {
        Value(gofmt::quote(s))
    }
    pub fn int(i: impl Into<i64>) -> Value {
        Value(i.into().to_string())
    }
    pub fn bool(b: bool) -> Value {
        Value(b.to_string())
    }
    pub fn null() -> Value {
        Value("null".into())
    }
    /// An already Go-rendered value (`%#v` of a struct, map, …).
    pub fn go(rendered: String) -> Value {
        Value(rendered)
    }
    pub fn opt_str(s: Option<&str>) -> Value {
        s.map_or_else(Value::null, Value::str)
    }
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum ErrorType {
    NotFound,
    Required,
    Duplicate,
    Invalid,
    NotSupported,
    Forbidden,
    TooLong,
    /// Worded elsewhere: the detail is the whole body.
    Raw,
}

impl ErrorType {
    fn text(self) -> &'static str {
        match self {
            ErrorType::NotFound => "Not found",
            ErrorType::Required => "Required value",
            ErrorType::Duplicate => "Duplicate value",
            ErrorType::Invalid => "Invalid value",
            ErrorType::NotSupported => "Unsupported value",
            ErrorType::Forbidden => "Forbidden",
            ErrorType::TooLong => "Too long",
            ErrorType::Raw => "",
        }
    }
}

/// One validation error.
#[derive(Clone, Debug, PartialEq)]
pub struct FieldError {
    path: Path,
    kind: ErrorType,
    value: Option<Value>,
    detail: String,
}

pub type ErrorList = Vec<FieldError>;

pub fn required(path: &Path, detail: &str) -> FieldError {
    FieldError {
        path: path.clone(),
        kind: ErrorType::Required,
        value: None,
        detail: detail.into(),
    }
}

pub fn forbidden(path: &Path, detail: &str) -> FieldError {
    FieldError {
        path: path.clone(),
        kind: ErrorType::Forbidden,
        value: None,
        detail: detail.into(),
    }
}

pub fn too_long(path: &Path, detail: &str) -> FieldError {
    FieldError {
        path: path.clone(),
        kind: ErrorType::TooLong,
        value: None,
        detail: detail.into(),
    }
}

pub fn invalid(path: &Path, value: Value, detail: &str) -> FieldError {
    FieldError {
        path: path.clone(),
        kind: ErrorType::Invalid,
        value: Some(value),
        detail: detail.into(),
    }
}

pub fn duplicate(path: &Path, value: Value) -> FieldError {
    FieldError {
        path: path.clone(),
        kind: ErrorType::Duplicate,
        value: Some(value),
        detail: String::new(),
    }
}

pub fn not_found(path: &Path, value: Value) -> FieldError {
    FieldError {
        path: path.clone(),
        kind: ErrorType::NotFound,
        value: Some(value),
        detail: String::new(),
    }
}

/// `field.NotSupported`: the detail lists the valid values, each quoted.
pub fn not_supported(path: &Path, value: Value, valid: &[&str]) -> FieldError {
    let detail = if valid.is_empty() {
        String::new()
    } else {
        format!(
            "supported values: {}",
            valid
                .iter()
                .map(|v| gofmt::quote(v))
                .collect::<Vec<_>>()
                .join(", ")
        )
    };
    FieldError {
        path: path.clone(),
        kind: ErrorType::NotSupported,
        value: Some(value),
        detail,
    }
}

/// A cause another module already worded (`field.path`, `Type: detail`), e.g. the schedule
/// checks of `crate::cron`.
pub fn raw(path: &str, body: &str) -> FieldError {
    FieldError {
        path: Path(path.to_string()),
        kind: ErrorType::Raw,
        value: None,
        detail: body.to_string(),
    }
}

/// The API's immutable-field error.
pub fn immutable(path: &Path, value: Value) -> FieldError {
    invalid(path, value, "field is immutable")
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.kind == ErrorType::Raw {
            return write!(f, "{}: {}", self.path, self.detail);
        }
        write!(f, "{}: {}", self.path, self.kind.text())?;
        if let Some(v) = &self.value {
            write!(f, ": {}", v.0)?;
        }
        if !self.detail.is_empty() {
            write!(f, ": {}", self.detail)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_render_like_field_error_error() {
        let p = Path::new("spec")
            .child("containers")
            .index(0)
            .child("image");
        assert_eq!(
            required(&p, "").to_string(),
            "spec.containers[0].image: Required value"
        );
        assert_eq!(
            not_supported(
                &Path::new("spec").child("restartPolicy"),
                Value::str("Sometimes"),
                &["Always", "OnFailure", "Never"]
            )
            .to_string(),
            r#"spec.restartPolicy: Unsupported value: "Sometimes": supported values: "Always", "OnFailure", "Never""#
        );
        assert_eq!(
            invalid(
                &Path::new("spec").child("replicas"),
                Value::int(-1),
                "must be greater than or equal to 0"
            )
            .to_string(),
            "spec.replicas: Invalid value: -1: must be greater than or equal to 0"
        );
        assert_eq!(
            forbidden(&Path::new("spec"), "x").to_string(),
            "spec: Forbidden: x"
        );
        assert_eq!(
            Path::new("spec")
                .child("resources")
                .key("storage")
                .to_string(),
            "spec.resources[storage]"
        );
    }
}
