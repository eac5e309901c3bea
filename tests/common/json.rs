//! Arbitrary JSON for the bad-input property tests, shaped by what a reader looks for.

use proptest::prelude::*;
use serde_json::Value;

/// JSON trees whose object keys are often `keys` (so cases get past a reader's first field)
/// and whose strings are often `text`.
pub fn tree(
    keys: Vec<&'static str>,
    text: impl Strategy<Value = String> + 'static,
) -> impl Strategy<Value = Value> {
    let key = prop_oneof![prop::sample::select(keys).prop_map(String::from), "\\PC{0,8}"];
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<f64>()
            .prop_map(|f| serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)),
        text.prop_map(Value::from),
    ];
    leaf.prop_recursive(6, 64, 6, move |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::from),
            prop::collection::btree_map(key.clone(), inner, 0..6)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}
