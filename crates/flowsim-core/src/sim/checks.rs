//! The client's own checks before an action runs: required inputs, input types, lengths,
//! patterns, selection counts, dates and file counts. Meta does not publish the client's
//! exact rules or wording; these follow the documented properties (components.md §5), and the
//! README lists them as approximate.

use std::collections::BTreeMap;

use jiff::civil::Date;
use serde_json::Value;

use super::is_empty;
use super::view::{Item, ScreenView};
use crate::flow::spec::{Kind, MIME_TYPES};
use crate::flow::version::{Version, v};

/// Names (or labels) of visible required inputs that have no value yet.
pub fn missing_required(view: &ScreenView) -> Vec<String> {
    view.items
        .iter()
        .filter(|i| i.kind.is_input() && i.required && i.enabled)
        .filter(|i| match (&i.value, i.kind) {
            (None, _) => true,
            (Some(Value::Bool(b)), Kind::OptIn) => !b,
            (Some(v), Kind::CalendarPicker) if v.is_object() => {
                let wants = |k: &str| match i.props.get("required") {
                    Some(Value::Object(r)) => r.get(k) == Some(&Value::Bool(true)),
                    _ => true,
                };
                (wants("start-date") && v.get("start-date").is_none_or(is_empty))
                    || (wants("end-date") && v.get("end-date").is_none_or(is_empty))
            }
            (Some(v), _) => is_empty(v),
        })
        .map(|i| i.name.clone().unwrap_or_default())
        .collect()
}

/// Errors of the visible inputs, by name; empty when the screen may be submitted.
pub fn field_errors(view: &ScreenView, version: Version) -> BTreeMap<String, String> {
    let mut errors = BTreeMap::new();
    for item in view.items.iter().filter(|i| i.kind.is_input() && i.enabled) {
        let Some(name) = &item.name else { continue };
        if let Some(message) = check(item, version) {
            errors.insert(name.clone(), message);
        }
    }
    errors
}

fn check(item: &Item, version: Version) -> Option<String> {
    let value = item.value.as_ref()?;
    match item.kind {
        Kind::TextInput => text_input(item, value.as_str()?),
        Kind::TextArea => {
            let max = item.int("max-length").unwrap_or(600);
            let n = value.as_str()?.chars().count() as i64;
            (n > max).then(|| format!("Enter at most {max} characters"))
        }
        Kind::CheckboxGroup | Kind::ChipsSelector => {
            let n = value.as_array().map_or(0, Vec::len) as i64;
            if let Some(min) = item.int("min-selected-items")
                && n < min
            {
                return Some(format!("Select at least {min}"));
            }
            if let Some(max) = item.int("max-selected-items")
                && n > max
            {
                return Some(format!("Select at most {max}"));
            }
            None
        }
        Kind::DatePicker => date_picker(item, value.as_str()?, version),
        Kind::CalendarPicker => calendar(item, value),
        Kind::PhotoPicker | Kind::DocumentPicker => {
            let rules = FileRules::of(item);
            let files = value.as_array().map_or(&[][..], Vec::as_slice);
            let min = item
                .int(if rules.photo {
                    "min-uploaded-photos"
                } else {
                    "min-uploaded-documents"
                })
                .unwrap_or(0)
                .max(0) as usize;
            if files.len() < min {
                return Some(format!("Add at least {}", rules.count(min)));
            }
            if files.len() > rules.max_files {
                return Some(format!("Add at most {}", rules.count(rules.max_files)));
            }
            files.iter().find_map(|f| rules.refuse_file(f))
        }
        _ => None,
    }
}

/// What a photo or document picker accepts, as the client checks each file when it is picked
/// (components.md §5.22–5.23, endpoint.md §8.2): a refused file is not attached, and the
/// reason shows on the component.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileRules {
    /// A PhotoPicker (else a DocumentPicker).
    pub photo: bool,
    /// `max-uploaded-photos` / `max-uploaded-documents` (default 30).
    pub max_files: usize,
    /// Files already attached.
    pub attached: usize,
    /// `max-file-size-kb` in bytes (default 25 600 KB).
    pub max_bytes: u64,
    /// The MIME types accepted: a DocumentPicker's `allowed-mime-types`, else every type
    /// WhatsApp supports; `None` for a PhotoPicker, which takes any image.
    pub types: Option<Vec<String>>,
}

impl FileRules {
    pub fn of(item: &Item) -> FileRules {
        let photo = item.kind == Kind::PhotoPicker;
        let max_key = if photo {
            "max-uploaded-photos"
        } else {
            "max-uploaded-documents"
        };
        let types = (!photo).then(|| match item.props.get("allowed-mime-types") {
            Some(Value::Array(types)) => types
                .iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect(),
            _ => MIME_TYPES.iter().map(|t| t.to_string()).collect(),
        });
        FileRules {
            photo,
            max_files: item.int(max_key).unwrap_or(30).max(0) as usize,
            attached: item
                .value
                .as_ref()
                .and_then(Value::as_array)
                .map_or(0, Vec::len),
            max_bytes: item.int("max-file-size-kb").unwrap_or(25_600).max(0) as u64 * 1024,
            types,
        }
    }

    /// `n photos` / `1 document`.
    fn count(&self, n: usize) -> String {
        let what = if self.photo { "photo" } else { "document" };
        format!("{n} {what}{}", if n == 1 { "" } else { "s" })
    }

    /// Why the client refuses one more file with this name, size and MIME type; `None` when it
    /// takes it. Checked before the file is read.
    pub fn refuse(&self, file_name: &str, size: u64, mime_type: &str) -> Option<String> {
        if self.attached >= self.max_files {
            return Some(format!(
                "You can add at most {}",
                self.count(self.max_files)
            ));
        }
        if self.photo && !mime_type.starts_with("image/") {
            return Some(format!("{file_name} is not a photo ({mime_type})"));
        }
        if let Some(types) = &self.types
            && !types.iter().any(|t| t == mime_type)
        {
            return Some(format!(
                "{file_name} is {mime_type}, which this picker does not accept"
            ));
        }
        (size > self.max_bytes)
            .then(|| format!("{file_name} is larger than {} KB", self.max_bytes / 1024))
    }

    /// [`FileRules::refuse`] for a described file, ignoring the count (it is attached already).
    fn refuse_file(&self, file: &Value) -> Option<String> {
        let text = |k: &str| file.get(k).and_then(Value::as_str).unwrap_or_default();
        let size = file.get("size").and_then(Value::as_u64).unwrap_or(0);
        FileRules {
            attached: 0,
            ..self.clone()
        }
        .refuse(text("file_name"), size, text("mime_type"))
    }

    /// Why the client refuses a described file (a value from the shell's file reader) when it
    /// is added to the files attached so far.
    pub fn refuse_descriptor(&self, file: &Value) -> Option<String> {
        if self.attached >= self.max_files {
            return Some(format!(
                "You can add at most {}",
                self.count(self.max_files)
            ));
        }
        self.refuse_file(file)
    }
}

fn text_input(item: &Item, text: &str) -> Option<String> {
    let input_type = item.text("input-type").unwrap_or_else(|| "text".into());
    let n = text.chars().count() as i64;
    let type_error = match input_type.as_str() {
        "email" => (!is_email(text)).then(|| "Enter a valid email address".to_string()),
        "phone" => (!is_phone(text)).then(|| "Enter a valid phone number".to_string()),
        "number" => text
            .trim()
            .parse::<f64>()
            .is_err()
            .then(|| "Enter a number".to_string()),
        "passcode" => {
            (!text.chars().all(|c| c.is_ascii_digit())).then(|| "Enter digits only".to_string())
        }
        _ => None,
    };
    if type_error.is_some() {
        return type_error;
    }
    if let Some(min) = item.int("min-chars")
        && n < min
    {
        return Some(format!("Enter at least {min} characters"));
    }
    let max = item.int("max-chars").unwrap_or(80);
    if n > max {
        return Some(format!("Enter at most {max} characters"));
    }
    if let Some(pattern) = item.text("pattern")
        && let Ok(re) = regex::Regex::new(&format!("^(?:{pattern})$"))
        && !re.is_match(text)
    {
        return Some(
            item.text("helper-text")
                .unwrap_or_else(|| "Invalid format".into()),
        );
    }
    None
}

/// A pragmatic e-mail check: something@domain.tld without spaces.
fn is_email(s: &str) -> bool {
    let Some((local, domain)) = s.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && !s.contains(char::is_whitespace)
        && domain.split('.').count() >= 2
        && domain.split('.').all(|p| !p.is_empty())
        && !domain.contains('@')
}

/// Digits with an optional leading `+` and common separators; 5 to 15 digits.
fn is_phone(s: &str) -> bool {
    let body = s.strip_prefix('+').unwrap_or(s);
    let digits = body.chars().filter(char::is_ascii_digit).count();
    body.chars()
        .all(|c| c.is_ascii_digit() || " -()".contains(c))
        && (5..=15).contains(&digits)
}

/// A date from a DatePicker/CalendarPicker value or bound: `YYYY-MM-DD`, or (before 5.0) a
/// millisecond timestamp read as a UTC date.
pub fn parse_date(s: &str) -> Option<Date> {
    if let Ok(d) = s.parse::<Date>() {
        return Some(d);
    }
    let ms: i64 = s.trim().parse().ok()?;
    let ts = jiff::Timestamp::from_millisecond(ms).ok()?;
    Some(ts.to_zoned(jiff::tz::TimeZone::UTC).date())
}

fn date_list(item: &Item, key: &str) -> Vec<Date> {
    match item.props.get(key) {
        Some(Value::Array(items)) => items
            .iter()
            .filter_map(|v| v.as_str().and_then(parse_date))
            .collect(),
        _ => Vec::new(),
    }
}

/// Whether `date` may be picked: inside min/max, not unavailable, an included weekday.
pub fn date_allowed(item: &Item, date: Date) -> bool {
    let min = item.text("min-date").and_then(|s| parse_date(&s));
    let max = item.text("max-date").and_then(|s| parse_date(&s));
    if min.is_some_and(|m| date < m) || max.is_some_and(|m| date > m) {
        return false;
    }
    if date_list(item, "unavailable-dates").contains(&date) {
        return false;
    }
    match item.props.get("include-days") {
        Some(Value::Array(days)) => {
            let name = weekday_name(date);
            days.iter().any(|d| d.as_str() == Some(name))
        }
        _ => true,
    }
}

fn plural(n: i64, word: &str) -> String {
    format!("{n} {word}{}", if n == 1 { "" } else { "s" })
}

pub fn weekday_name(date: Date) -> &'static str {
    match date.weekday() {
        jiff::civil::Weekday::Monday => "Mon",
        jiff::civil::Weekday::Tuesday => "Tue",
        jiff::civil::Weekday::Wednesday => "Wed",
        jiff::civil::Weekday::Thursday => "Thu",
        jiff::civil::Weekday::Friday => "Fri",
        jiff::civil::Weekday::Saturday => "Sat",
        jiff::civil::Weekday::Sunday => "Sun",
    }
}

fn date_picker(item: &Item, value: &str, version: Version) -> Option<String> {
    let Some(date) = parse_date(value) else {
        return Some(if version >= v(5, 0) {
            "Enter a date as YYYY-MM-DD".into()
        } else {
            "Enter a date".into()
        });
    };
    (!date_allowed(item, date)).then(|| "This date is not available".into())
}

fn calendar(item: &Item, value: &Value) -> Option<String> {
    match value {
        Value::String(s) => match parse_date(s) {
            Some(d) if date_allowed(item, d) => None,
            Some(_) => Some("This date is not available".into()),
            None => Some("Enter a date as YYYY-MM-DD".into()),
        },
        Value::Object(range) => {
            let get = |k: &str| range.get(k).and_then(Value::as_str).and_then(parse_date);
            let (start, end) = (get("start-date"), get("end-date"));
            for d in [start, end].into_iter().flatten() {
                if !date_allowed(item, d) {
                    return Some(format!("{d} is not available"));
                }
            }
            if let (Some(s), Some(e)) = (start, end) {
                if e < s {
                    return Some("The end date is before the start date".into());
                }
                let days = s.until(e).map_or(0, |span| i64::from(span.get_days()));
                if let Some(min) = item.int("min-days")
                    && days < min
                {
                    return Some(format!("Choose at least {}", plural(min, "day")));
                }
                if let Some(max) = item.int("max-days")
                    && days > max
                {
                    return Some(format!("Choose at most {}", plural(max, "day")));
                }
                // A range may not span a day that cannot be picked (bounded: ranges longer
                // than two years are not walked).
                if days <= 731
                    && let Some(blocked) = s
                        .series(jiff::Span::new().days(1))
                        .take_while(|d| *d <= e)
                        .find(|d| !date_allowed(item, *d))
                {
                    return Some(format!(
                        "The range includes {blocked}, which is not available"
                    ));
                }
            }
            None
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn email_and_phone_checks() {
        assert!(is_email("ada@example.com"));
        assert!(!is_email("ada@example"));
        assert!(!is_email("ada example.com"));
        assert!(is_phone("+44 20 7946 0958"));
        assert!(!is_phone("12"));
        assert!(!is_phone("call me"));
    }

    #[test]
    fn dates_in_both_formats() {
        assert_eq!(parse_date("2024-10-21"), "2024-10-21".parse().ok());
        // 2024-10-21T00:00:00Z in milliseconds.
        assert_eq!(parse_date("1729468800000"), "2024-10-21".parse().ok());
        assert_eq!(parse_date("21/10/2024"), None);
    }
}
