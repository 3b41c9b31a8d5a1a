//! Turning a scenario's `fill` value into the value the user would produce, and refusing
//! values the phone would not let them enter. (Files for pickers are picked one by one, as
//! the user attaches them: see `Runner::attach`.)

use serde_json::{Value, json};

use crate::flow::expr;
use crate::flow::spec::Kind;
use crate::flow::version::{Version, v};
use crate::sim::Item;
use crate::sim::checks::{date_allowed, parse_date};

pub fn value_for(item: &Item, given: &Value, version: Version) -> Result<Value, String> {
    match item.kind {
        Kind::TextInput | Kind::TextArea => match given {
            Value::String(_) | Value::Number(_) => Ok(Value::String(expr::display(given))),
            Value::Null => Ok(Value::Null),
            _ => Err("text inputs take a string (or a number)".into()),
        },
        Kind::RadioButtonsGroup | Kind::Dropdown => {
            let id = given
                .as_str()
                .ok_or("takes the id of one option, as a string")?;
            option(item, id)?;
            Ok(json!(id))
        }
        Kind::CheckboxGroup | Kind::ChipsSelector => {
            let ids = given.as_array().ok_or("takes an array of option ids")?;
            let mut out = Vec::new();
            for id in ids {
                let id = id.as_str().ok_or("option ids are strings")?;
                option(item, id)?;
                out.push(json!(id));
            }
            Ok(Value::Array(out))
        }
        Kind::OptIn => given
            .as_bool()
            .map(Value::Bool)
            .ok_or_else(|| "takes true or false".into()),
        Kind::DatePicker => {
            let text = given.as_str().ok_or("takes a date \"YYYY-MM-DD\"")?;
            let date = text
                .parse::<jiff::civil::Date>()
                .map_err(|_| format!("`{text}` is not a date \"YYYY-MM-DD\""))?;
            if !date_allowed(item, date) {
                return Err(format!(
                    "{date} cannot be picked (outside min/max or unavailable)"
                ));
            }
            if version >= v(5, 0) {
                Ok(json!(date.to_string()))
            } else {
                // Before 5.0 the value is a UTC millisecond timestamp (components.md §5.15).
                let ts = date
                    .to_zoned(jiff::tz::TimeZone::UTC)
                    .map_err(|e| e.to_string())?
                    .timestamp()
                    .as_millisecond();
                Ok(json!(ts.to_string()))
            }
        }
        Kind::CalendarPicker => {
            let check = |text: &str| -> Result<String, String> {
                let date = parse_date(text)
                    .ok_or_else(|| format!("`{text}` is not a date \"YYYY-MM-DD\""))?;
                if date_allowed(item, date) {
                    Ok(date.to_string())
                } else {
                    Err(format!(
                        "{date} cannot be picked (outside min/max, unavailable or an excluded weekday)"
                    ))
                }
            };
            match given {
                Value::String(s) => Ok(json!(check(s)?)),
                Value::Object(range) => {
                    let mut out = serde_json::Map::new();
                    for key in ["start-date", "end-date"] {
                        if let Some(d) = range.get(key) {
                            let d = d.as_str().ok_or("range dates are strings")?;
                            out.insert(key.into(), json!(check(d)?));
                        }
                    }
                    Ok(Value::Object(out))
                }
                _ => Err("takes \"YYYY-MM-DD\" or {\"start-date\": …, \"end-date\": …}".into()),
            }
        }
        other => Err(format!("{} is not an input", other.name())),
    }
}

fn option(item: &Item, id: &str) -> Result<(), String> {
    let options = item.list("data-source");
    match options
        .iter()
        .find(|o| o.get("id").map(expr::display).as_deref() == Some(id))
    {
        Some(o) if o.get("enabled") == Some(&Value::Bool(false)) => {
            Err(format!("option `{id}` is disabled"))
        }
        Some(_) => Ok(()),
        None => Err(format!(
            "there is no option `{id}` (options: {})",
            options
                .iter()
                .filter_map(|o| o.get("id").map(expr::display))
                .collect::<Vec<_>>()
                .join(", ")
        )),
    }
}
