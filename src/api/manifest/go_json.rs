//! A serde deserializer over a JSON value that behaves like the API server's JSON decoder
//! (sigs.k8s.io/json, a fork of Go's encoding/json) for k8s-openapi's types:
//!
//! - `null` leaves a field at its zero value (Go never errors on null);
//! - a `Quantity` accepts numbers and reports Go's `ParseQuantity` errors;
//! - `IntOrString` and `Time` report the errors their Go `UnmarshalJSON` gives;
//! - a value of the wrong JSON type fails with Go's `UnmarshalTypeError` text:
//!   `json: cannot unmarshal string into Go struct field ContainerPort.spec.template.spec.containers.ports.containerPort of type int32`
//!   (innermost struct, then the JSON names of the struct fields from the root — no indices,
//!   no map keys — then the Go type).
//!
//! The first such error is kept in [`Ctx`]; unknown fields are left to `serde_ignored`, which
//! wraps this deserializer (see `strict.rs`).

use serde::de::value::{BorrowedStrDeserializer, StringDeserializer};
use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Number, Value};
use std::cell::RefCell;
use std::fmt;

/// The error type of the decoder; the Go wording lives in [`Ctx::error`].
#[derive(Debug)]
pub(crate) struct GoError(pub String);

impl fmt::Display for GoError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for GoError {}

impl de::Error for GoError {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        GoError(msg.to_string())
    }
}

/// One struct field being decoded: the Go struct that holds it, its JSON name, and how many
/// collections (slices, maps) deep below the field the decoder currently is.
struct Frame {
    strukt: &'static str,
    field: String,
    depth: usize,
}

/// Shared decoding state: Go's error context and the first error.
#[derive(Default)]
pub(crate) struct Ctx {
    frames: RefCell<Vec<Frame>>,
    first: RefCell<Option<String>>,
}

impl Ctx {
    /// The first error, in the API server's words.
    pub(crate) fn error(&self) -> Option<String> {
        self.first.borrow().clone()
    }

    fn fail(&self, message: String) -> GoError {
        let mut first = self.first.borrow_mut();
        if first.is_none() {
            *first = Some(message.clone());
        }
        GoError(message)
    }

    /// Go's `UnmarshalTypeError` for a value of JSON type `value` where `hint` (the Go type
    /// implied by the Rust type) was expected; a known named Go type wins over the hint.
    fn type_error(&self, value: &str, hint: &str) -> GoError {
        let message = {
            let frames = self.frames.borrow();
            match frames.last() {
                Some(top) => {
                    let go_type = named_type(top.strukt, &top.field, top.depth).unwrap_or(hint);
                    let path: Vec<&str> = frames.iter().map(|f| f.field.as_str()).collect();
                    format!(
                        "json: cannot unmarshal {value} into Go struct field {}.{} of type {go_type}",
                        top.strukt,
                        path.join(".")
                    )
                }
                None => format!("json: cannot unmarshal {value} into Go value of type {hint}"),
            }
        };
        self.fail(message)
    }

    /// An error raised by a visitor (not by a type check here): kept if it is the first.
    fn note(&self, err: GoError) -> GoError {
        let mut first = self.first.borrow_mut();
        if first.is_none() {
            *first = Some(err.0.clone());
        }
        err
    }

    fn push(&self, strukt: &'static str, field: &str) {
        self.frames.borrow_mut().push(Frame {
            strukt,
            field: field.to_string(),
            depth: 0,
        });
    }

    fn pop(&self) {
        self.frames.borrow_mut().pop();
    }

    fn descend(&self, by: isize) {
        if let Some(top) = self.frames.borrow_mut().last_mut() {
            top.depth = top.depth.saturating_add_signed(by);
        }
    }
}

/// Go's named types for string-typed fields, which Go names in type errors (`v1.RestartPolicy`
/// rather than `string`): (struct, field) → (type of the field, type of its elements).
fn named_type(strukt: &str, field: &str, depth: usize) -> Option<&'static str> {
    let (whole, element): (&'static str, &'static str) = match (strukt, field) {
        ("PodSpec", "restartPolicy") => ("v1.RestartPolicy", ""),
        ("PodSpec", "dnsPolicy") => ("v1.DNSPolicy", ""),
        ("PodSpec", "preemptionPolicy") => ("v1.PreemptionPolicy", ""),
        ("Container", "imagePullPolicy") => ("v1.PullPolicy", ""),
        ("Container", "terminationMessagePolicy") => ("v1.TerminationMessagePolicy", ""),
        ("Container", "restartPolicy") => ("v1.ContainerRestartPolicy", ""),
        ("ContainerPort" | "ServicePort", "protocol") => ("v1.Protocol", ""),
        ("PersistentVolumeClaimSpec" | "PersistentVolumeSpec", "accessModes") => (
            "[]v1.PersistentVolumeAccessMode",
            "v1.PersistentVolumeAccessMode",
        ),
        ("PersistentVolumeClaimSpec" | "PersistentVolumeSpec", "volumeMode") => {
            ("v1.PersistentVolumeMode", "")
        }
        ("PersistentVolumeSpec", "persistentVolumeReclaimPolicy") => {
            ("v1.PersistentVolumeReclaimPolicy", "")
        }
        ("DaemonSetUpdateStrategy", "type") => ("v1.DaemonSetUpdateStrategyType", ""),
        ("StatefulSetUpdateStrategy", "type") => ("v1.StatefulSetUpdateStrategyType", ""),
        ("StatefulSetSpec", "podManagementPolicy") => ("v1.PodManagementPolicyType", ""),
        ("StatefulSetPersistentVolumeClaimRetentionPolicy", "whenDeleted" | "whenScaled") => {
            ("v1.PersistentVolumeClaimRetentionPolicyType", "")
        }
        ("CronJobSpec", "concurrencyPolicy") => ("v1.ConcurrencyPolicy", ""),
        ("JobSpec", "completionMode") => ("v1.CompletionMode", ""),
        ("JobSpec", "podReplacementPolicy") => ("v1.PodReplacementPolicy", ""),
        ("ServiceSpec", "type") => ("v1.ServiceType", ""),
        ("ServiceSpec", "sessionAffinity") => ("v1.ServiceAffinity", ""),
        ("ServiceSpec", "externalTrafficPolicy") => ("v1.ServiceExternalTrafficPolicy", ""),
        ("ServiceSpec", "internalTrafficPolicy") => ("v1.ServiceInternalTrafficPolicy", ""),
        ("ServiceSpec", "ipFamilyPolicy") => ("v1.IPFamilyPolicy", ""),
        ("ServiceSpec", "ipFamilies") => ("[]v1.IPFamily", "v1.IPFamily"),
        ("Toleration", "operator") => ("v1.TolerationOperator", ""),
        ("Toleration" | "Taint", "effect") => ("v1.TaintEffect", ""),
        ("LabelSelectorRequirement", "operator") => ("v1.LabelSelectorOperator", ""),
        ("NodeSelectorRequirement", "operator") => ("v1.NodeSelectorOperator", ""),
        ("HostPathVolumeSource", "type") => ("v1.HostPathType", ""),
        ("EmptyDirVolumeSource", "medium") => ("v1.StorageMedium", ""),
        ("VolumeMount", "mountPropagation") => ("v1.MountPropagationMode", ""),
        ("StorageClass", "reclaimPolicy") => ("v1.PersistentVolumeReclaimPolicy", ""),
        ("StorageClass", "volumeBindingMode") => ("v1.VolumeBindingMode", ""),
        ("Capabilities", "add" | "drop") => ("[]v1.Capability", "v1.Capability"),
        ("PodFailurePolicyRule", "action") => ("v1.PodFailurePolicyAction", ""),
        _ => return None,
    };
    match depth {
        0 => Some(whole),
        1 if !element.is_empty() => Some(element),
        _ => None,
    }
}

/// Go's name for the JSON type of a value, as `UnmarshalTypeError` prints it.
fn json_kind(value: &Value) -> String {
    match value {
        Value::Null => "null".into(),
        Value::Bool(_) => "bool".into(),
        Value::Number(_) => "number".into(),
        Value::String(_) => "string".into(),
        Value::Array(_) => "array".into(),
        Value::Object(_) => "object".into(),
    }
}

/// A number as Go's JSON encoder writes it (kubectl re-encodes the manifest before sending).
pub(crate) fn go_number_text(n: &Number) -> String {
    if let Some(f) = n.as_f64().filter(|_| n.is_f64()) {
        let abs = f.abs();
        if abs == 0.0 || (1e-6..1e21).contains(&abs) {
            return format!("{f}");
        }
        // Go: exponent with a sign and at least two digits (1e+21, 1e-07).
        let e = format!("{f:e}");
        if let Some((mantissa, exp)) = e.split_once('e') {
            let (sign, digits) = match exp.strip_prefix('-') {
                Some(d) => ('-', d),
                None => ('+', exp),
            };
            return format!("{mantissa}e{sign}{digits:0>2}");
        }
        return e;
    }
    n.to_string()
}

/// What a visitor says it expects (k8s-openapi's visitors name their type there).
fn expecting<'de, V: Visitor<'de>>(visitor: &V) -> String {
    struct Expecting<'a, V>(&'a V);
    impl<'de, V: Visitor<'de>> fmt::Display for Expecting<'_, V> {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            self.0.expecting(f)
        }
    }
    Expecting(visitor).to_string()
}

/// The generic argument list after `marker` in a type name (`VecVisitor<…>`).
fn generic_args<'a>(type_name: &'a str, marker: &str) -> Option<&'a str> {
    let start = type_name.find(marker)? + marker.len();
    let mut depth = 1usize;
    for (i, c) in type_name[start..].char_indices() {
        match c {
            '<' => depth += 1,
            '>' => {
                depth -= 1;
                if depth == 0 {
                    return Some(&type_name[start..start + i]);
                }
            }
            _ => {}
        }
    }
    None
}

/// Go's name for a Rust type path from k8s-openapi or std.
fn go_type_of(rust: &str) -> String {
    let rust = rust.trim();
    if let Some(inner) = rust
        .strip_prefix("alloc::vec::Vec<")
        .and_then(|r| r.strip_suffix('>'))
    {
        return format!("[]{}", go_type_of(inner));
    }
    let last = rust.rsplit("::").next().unwrap_or(rust);
    match last {
        "String" => "string".into(),
        "i32" => "int32".into(),
        "i64" => "int64".into(),
        "f64" => "float64".into(),
        "bool" => "bool".into(),
        "Quantity" => "resource.Quantity".into(),
        "IntOrString" => "intstr.IntOrString".into(),
        "ByteString" => "[]uint8".into(),
        "Value" if rust.starts_with("serde_json") => "interface {}".into(),
        other => format!("v1.{other}"),
    }
}

/// The Go slice type a `Vec<T>` visitor stands for.
fn slice_type<'de, V: Visitor<'de>>() -> String {
    match generic_args(std::any::type_name::<V>(), "VecVisitor<") {
        Some(elem) => format!("[]{}", go_type_of(elem)),
        None => "[]interface {}".into(),
    }
}

/// The Go map type a `BTreeMap<K, V>` visitor stands for (`v1.ResourceList` for quantities).
fn map_type<'de, V: Visitor<'de>>() -> String {
    let name = std::any::type_name::<V>();
    let Some(args) = generic_args(name, "MapVisitor<") else {
        return "map[string]interface {}".into();
    };
    let value = args.split_once(", ").map(|(_, v)| v).unwrap_or(args);
    match go_type_of(value).as_str() {
        "resource.Quantity" => "v1.ResourceList".into(),
        go => format!("map[string]{go}"),
    }
}

/// Why Go's `resource.ParseQuantity` rejects `s`, or `None` (`parseQuantityString` + suffix
/// lookup in apimachinery `pkg/api/resource/quantity.go`).
pub(crate) fn quantity_error(s: &str) -> Option<&'static str> {
    const FORMAT: &str = "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";
    const SUFFIX: &str = "unable to parse quantity's suffix";
    const NUMERIC: &str = "unable to parse numeric part of quantity";
    let b = s.as_bytes();
    if b.is_empty() {
        return Some(FORMAT);
    }
    if s == "0" {
        return None;
    }
    let end = b.len();
    let mut pos = 0;
    if b[0] == b'-' || b[0] == b'+' {
        pos += 1;
    }
    while pos < end && b[pos] == b'0' {
        pos += 1;
    }
    if pos >= end {
        return None;
    }
    let num_start = pos;
    while pos < end && b[pos].is_ascii_digit() {
        pos += 1;
    }
    if pos >= end {
        return None;
    }
    let mut has_digits = pos > num_start || s[..num_start].ends_with('0');
    if b[pos] == b'.' {
        pos += 1;
        let denom_start = pos;
        while pos < end && b[pos].is_ascii_digit() {
            pos += 1;
        }
        has_digits |= pos > denom_start;
        if pos >= end {
            return (!has_digits).then_some(NUMERIC);
        }
    }
    let suffix_start = pos;
    while pos < end && b"eEinumkKMGTP".contains(&b[pos]) {
        pos += 1;
    }
    if pos < end {
        if b[pos] == b'-' || b[pos] == b'+' {
            pos += 1;
        }
        while pos < end && b[pos].is_ascii_digit() {
            pos += 1;
        }
        if pos < end {
            return Some(FORMAT);
        }
    }
    let suffix = &s[suffix_start..];
    let known = matches!(
        suffix,
        "" | "n"
            | "u"
            | "m"
            | "k"
            | "M"
            | "G"
            | "T"
            | "P"
            | "E"
            | "Ki"
            | "Mi"
            | "Gi"
            | "Ti"
            | "Pi"
            | "Ei"
    );
    let exponent = suffix.len() > 1
        && (suffix.starts_with('e') || suffix.starts_with('E'))
        && suffix[1..].parse::<i64>().is_ok();
    if !known && !exponent {
        return Some(SUFFIX);
    }
    (!has_digits).then_some(NUMERIC)
}

/// The decoder over one JSON value.
pub(crate) struct GoDe<'de, 'c> {
    value: &'de Value,
    ctx: &'c Ctx,
}

impl<'de, 'c> GoDe<'de, 'c> {
    pub(crate) fn new(value: &'de Value, ctx: &'c Ctx) -> Self {
        GoDe { value, ctx }
    }

    fn mismatch(&self, hint: &str) -> GoError {
        self.ctx.type_error(&json_kind(self.value), hint)
    }

    fn integer<V: Visitor<'de>>(
        self,
        visitor: V,
        min: i128,
        max: i128,
        go: &str,
    ) -> Result<V::Value, GoError> {
        match self.value {
            Value::Number(n) => {
                let int = n
                    .as_i64()
                    .map(i128::from)
                    .or_else(|| n.as_u64().map(i128::from));
                match int {
                    Some(i) if (min..=max).contains(&i) => {
                        let r = if i < 0 {
                            visitor.visit_i64(i as i64)
                        } else {
                            visitor.visit_u64(i as u64)
                        };
                        r.map_err(|e| self.ctx.note(e))
                    }
                    _ => Err(self
                        .ctx
                        .type_error(&format!("number {}", go_number_text(n)), go)),
                }
            }
            Value::Null => visitor.visit_u64(0).map_err(|e| self.ctx.note(e)),
            _ => Err(self.mismatch(go)),
        }
    }

    /// `IntOrString.UnmarshalJSON`: a string, else decoded into an int32 by the standard
    /// library (so its errors carry no struct context).
    fn int_or_string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, GoError> {
        let plain =
            |value: &str| format!("json: cannot unmarshal {value} into Go value of type int32");
        let r = match self.value {
            Value::String(s) => visitor.visit_borrowed_str(s),
            Value::Null => visitor.visit_i64(0),
            Value::Number(n) => match n.as_i64().filter(|i| i32::try_from(*i).is_ok()) {
                Some(i) => visitor.visit_i64(i),
                None => {
                    return Err(self
                        .ctx
                        .fail(plain(&format!("number {}", go_number_text(n)))))
                }
            },
            other => return Err(self.ctx.fail(plain(&json_kind(other)))),
        };
        r.map_err(|e| self.ctx.note(e))
    }

    /// `Quantity.UnmarshalJSON`: numbers are accepted; any other text must parse.
    fn quantity<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, GoError> {
        let text = match self.value {
            Value::String(s) => s.trim().to_string(),
            Value::Number(n) => go_number_text(n),
            Value::Null => "0".to_string(),
            other => other.to_string(),
        };
        if let Some(message) = quantity_error(&text) {
            return Err(self.ctx.fail(message.to_string()));
        }
        visitor
            .visit_newtype_struct(StringDeserializer::<GoError>::new(text))
            .map_err(|e| self.ctx.note(e))
    }

    /// `Time.UnmarshalJSON`: an RFC 3339 string (or null).
    fn time<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, GoError> {
        let text = match self.value {
            Value::String(s) => {
                if chrono::DateTime::parse_from_rfc3339(s).is_err() {
                    let quoted = crate::api::validation::gofmt::quote(s);
                    return Err(self.ctx.fail(format!(
                        "parsing time {quoted} as \"2006-01-02T15:04:05Z07:00\": cannot parse {quoted} as \"2006\""
                    )));
                }
                s.clone()
            }
            Value::Null => "0001-01-01T00:00:00Z".to_string(),
            other => {
                let kind = json_kind(other);
                return Err(self.ctx.fail(format!(
                    "json: cannot unmarshal {kind} into Go value of type string"
                )));
            }
        };
        visitor
            .visit_newtype_struct(StringDeserializer::<GoError>::new(text))
            .map_err(|e| self.ctx.note(e))
    }
}

macro_rules! integers {
    ($($method:ident => $ty:ty, $go:expr;)*) => {
        $(fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, GoError> {
            self.integer(visitor, <$ty>::MIN as i128, <$ty>::MAX as i128, $go)
        })*
    };
}

impl<'de> Deserializer<'de> for GoDe<'de, '_> {
    type Error = GoError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, GoError> {
        if expecting(&visitor) == "IntOrString" {
            return self.int_or_string(visitor);
        }
        let r = match self.value {
            Value::Null => visitor.visit_unit(),
            Value::Bool(b) => visitor.visit_bool(*b),
            Value::Number(n) => {
                if let Some(u) = n.as_u64() {
                    visitor.visit_u64(u)
                } else if let Some(i) = n.as_i64() {
                    visitor.visit_i64(i)
                } else {
                    visitor.visit_f64(n.as_f64().unwrap_or(0.0))
                }
            }
            Value::String(s) => visitor.visit_borrowed_str(s),
            Value::Array(items) => visitor.visit_seq(Seq {
                items: items.iter(),
                ctx: self.ctx,
            }),
            Value::Object(map) => visitor.visit_map(Fields::new(map, self.ctx, None)),
        };
        r.map_err(|e| self.ctx.note(e))
    }

    integers! {
        deserialize_i8 => i8, "int8";
        deserialize_i16 => i16, "int16";
        deserialize_i32 => i32, "int32";
        deserialize_i64 => i64, "int64";
        deserialize_u8 => u8, "uint8";
        deserialize_u16 => u16, "uint16";
        deserialize_u32 => u32, "uint32";
        deserialize_u64 => u64, "uint64";
    }

    fn deserialize_bool<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, GoError> {
        let r = match self.value {
            Value::Bool(b) => visitor.visit_bool(*b),
            Value::Null => visitor.visit_bool(false),
            _ => return Err(self.mismatch("bool")),
        };
        r.map_err(|e| self.ctx.note(e))
    }

    fn deserialize_f32<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, GoError> {
        self.deserialize_f64(visitor)
    }

    fn deserialize_f64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, GoError> {
        let r = match self.value {
            Value::Number(n) => visitor.visit_f64(n.as_f64().unwrap_or(0.0)),
            Value::Null => visitor.visit_f64(0.0),
            _ => return Err(self.mismatch("float64")),
        };
        r.map_err(|e| self.ctx.note(e))
    }

    fn deserialize_char<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, GoError> {
        self.deserialize_str(visitor)
    }

    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, GoError> {
        let r = match self.value {
            Value::String(s) => visitor.visit_borrowed_str(s),
            Value::Null => visitor.visit_borrowed_str(""),
            _ => return Err(self.mismatch("string")),
        };
        r.map_err(|e| self.ctx.note(e))
    }

    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, GoError> {
        self.deserialize_str(visitor)
    }

    fn deserialize_bytes<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, GoError> {
        self.deserialize_any(visitor)
    }

    fn deserialize_byte_buf<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, GoError> {
        self.deserialize_any(visitor)
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, GoError> {
        match self.value {
            Value::Null => visitor.visit_none().map_err(|e| self.ctx.note(e)),
            _ => {
                let ctx = self.ctx;
                visitor.visit_some(self).map_err(|e| ctx.note(e))
            }
        }
    }

    fn deserialize_unit<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, GoError> {
        visitor.visit_unit().map_err(|e| self.ctx.note(e))
    }

    fn deserialize_unit_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, GoError> {
        self.deserialize_unit(visitor)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        visitor: V,
    ) -> Result<V::Value, GoError> {
        match name {
            "Quantity" => self.quantity(visitor),
            "Time" | "MicroTime" => self.time(visitor),
            _ => {
                let ctx = self.ctx;
                visitor.visit_newtype_struct(self).map_err(|e| ctx.note(e))
            }
        }
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, GoError> {
        static EMPTY: Vec<Value> = Vec::new();
        let r = match self.value {
            Value::Array(items) => visitor.visit_seq(Seq {
                items: items.iter(),
                ctx: self.ctx,
            }),
            Value::Null => visitor.visit_seq(Seq {
                items: EMPTY.iter(),
                ctx: self.ctx,
            }),
            _ => return Err(self.mismatch(&slice_type::<V>())),
        };
        r.map_err(|e| self.ctx.note(e))
    }

    fn deserialize_tuple<V: Visitor<'de>>(
        self,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value, GoError> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value, GoError> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, GoError> {
        let r = match self.value {
            Value::Object(map) => visitor.visit_map(Fields::new(map, self.ctx, None)),
            Value::Null => visitor.visit_map(Fields::empty(self.ctx, None)),
            _ => return Err(self.mismatch(&map_type::<V>())),
        };
        r.map_err(|e| self.ctx.note(e))
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, GoError> {
        let r = match self.value {
            Value::Object(map) => visitor.visit_map(Fields::new(map, self.ctx, Some(name))),
            Value::Null => visitor.visit_map(Fields::empty(self.ctx, Some(name))),
            _ => return Err(self.mismatch(&format!("v1.{name}"))),
        };
        r.map_err(|e| self.ctx.note(e))
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        name: &'static str,
        variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, GoError> {
        self.value
            .deserialize_enum(name, variants, visitor)
            .map_err(|e| self.ctx.fail(e.to_string()))
    }

    fn deserialize_identifier<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, GoError> {
        self.deserialize_str(visitor)
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, GoError> {
        visitor.visit_unit()
    }
}

/// Elements of a JSON array.
struct Seq<'de, 'c> {
    items: std::slice::Iter<'de, Value>,
    ctx: &'c Ctx,
}

impl<'de> SeqAccess<'de> for Seq<'de, '_> {
    type Error = GoError;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, GoError> {
        let Some(value) = self.items.next() else {
            return Ok(None);
        };
        self.ctx.descend(1);
        let r = seed.deserialize(GoDe {
            value,
            ctx: self.ctx,
        });
        self.ctx.descend(-1);
        r.map(Some)
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.items.len())
    }
}

/// Members of a JSON object: the fields of a Go struct (`strukt` set) or the entries of a map.
struct Fields<'de, 'c> {
    entries: Option<serde_json::map::Iter<'de>>,
    pending: Option<(&'de str, &'de Value)>,
    ctx: &'c Ctx,
    strukt: Option<&'static str>,
}

impl<'de, 'c> Fields<'de, 'c> {
    fn new(map: &'de Map<String, Value>, ctx: &'c Ctx, strukt: Option<&'static str>) -> Self {
        Fields {
            entries: Some(map.iter()),
            pending: None,
            ctx,
            strukt,
        }
    }

    fn empty(ctx: &'c Ctx, strukt: Option<&'static str>) -> Self {
        Fields {
            entries: None,
            pending: None,
            ctx,
            strukt,
        }
    }
}

impl<'de> MapAccess<'de> for Fields<'de, '_> {
    type Error = GoError;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, GoError> {
        let Some((key, value)) = self.entries.as_mut().and_then(|e| e.next()) else {
            return Ok(None);
        };
        self.pending = Some((key.as_str(), value));
        seed.deserialize(BorrowedStrDeserializer::<GoError>::new(key))
            .map(Some)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, GoError> {
        let Some((key, value)) = self.pending.take() else {
            return Err(GoError("a map value was requested before its key".into()));
        };
        let de = GoDe {
            value,
            ctx: self.ctx,
        };
        match self.strukt {
            Some(strukt) => {
                self.ctx.push(strukt, key);
                let r = seed.deserialize(de);
                self.ctx.pop();
                r
            }
            None => {
                self.ctx.descend(1);
                let r = seed.deserialize(de);
                self.ctx.descend(-1);
                r
            }
        }
    }

    fn size_hint(&self) -> Option<usize> {
        self.entries.as_ref().map(|e| e.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_quantity_parsing_errors() {
        for ok in [
            "1Gi", "500m", "0", "1.5", "+1", "1e3", "1E", "0.5", "1.G", "100Mi", "-1",
        ] {
            assert_eq!(quantity_error(ok), None, "{ok}");
        }
        let format = "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";
        for bad in ["", "1Gb", "1 Gi", "abc", "1KB", "true"] {
            assert_eq!(quantity_error(bad), Some(format), "{bad}");
        }
        assert_eq!(
            quantity_error("1Gii"),
            Some("unable to parse quantity's suffix")
        );
        assert_eq!(
            quantity_error("1e"),
            Some("unable to parse quantity's suffix")
        );
    }

    #[test]
    fn go_number_text_matches_gos_encoder() {
        let n = |v: f64| go_number_text(&Number::from_f64(v).unwrap());
        assert_eq!(n(1.5), "1.5");
        assert_eq!(n(1e21), "1e+21");
        assert_eq!(n(1.5e-7), "1.5e-07");
        assert_eq!(go_number_text(&Number::from(3000000000u64)), "3000000000");
    }

    #[test]
    fn rust_type_names_map_to_go_type_names() {
        assert_eq!(
            go_type_of("k8s_openapi::v1_32::api::core::v1::container::Container"),
            "v1.Container"
        );
        assert_eq!(go_type_of("alloc::string::String"), "string");
        assert_eq!(
            go_type_of("alloc::vec::Vec<alloc::string::String>"),
            "[]string"
        );
        assert_eq!(
            generic_args("x::VecVisitor<a::B<c>>::y", "VecVisitor<"),
            Some("a::B<c>")
        );
    }
}
