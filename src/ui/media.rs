//! The inspector's media section: each file a request carries, the `cdn_url` the endpoint
//! fetches it from, and what the local CDN served (endpoint.md §8).

use ratatui::text::Line;
use serde_json::Value;

use super::markdown::wrap;
use crate::app::App;
use flowsim_core::text::sanitize;
use flowsim_endpoint::cdn::Download;

/// Lines about the media of exchange `selected`; none when its request carries no file.
pub fn lines(app: &App, selected: usize, width: u16) -> Vec<Line<'static>> {
    let t = &app.theme;
    let Some(x) = app.exchanges.get(selected) else {
        return Vec::new();
    };
    let items: Vec<(String, &Value)> = x
        .request
        .get("data")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .filter_map(|(k, v)| Some((k, v.as_array()?)))
        .flat_map(|(k, files)| {
            files
                .iter()
                .enumerate()
                .filter(|(_, f)| f.get("media_id").is_some() && f.get("cdn_url").is_some())
                .map(move |(i, f)| (format!("{k}[{i}]"), f))
        })
        .collect();
    // What the CDN refused between this request and the next one.
    let until = app.exchanges.get(selected + 1).map_or(f64::MAX, |n| n.time);
    let refused: Vec<&Download> = app
        .downloads
        .iter()
        .filter(|d| d.url.is_none() && d.time >= x.time && d.time < until)
        .collect();
    if items.is_empty() && refused.is_empty() {
        return Vec::new();
    }
    let mut out = vec![Line::styled(
        "Media (the endpoint downloads each file from its cdn_url)",
        t.bold(),
    )];
    // Lines that start with spaces keep them on every wrapped line.
    let mut push = |text: String, style| {
        let body = text.trim_start();
        let indent = &text[..text.len() - body.len()];
        let room = width.saturating_sub(indent.len() as u16).max(1);
        for w in wrap(&sanitize(body), room) {
            out.push(Line::styled(format!("{indent}{w}"), style));
        }
    };
    for (at, file) in items {
        let text = |k: &str| {
            file.get(k)
                .and_then(Value::as_str)
                .unwrap_or("?")
                .to_string()
        };
        push(
            format!(
                "• {at} {} (media_id {})",
                text("file_name"),
                text("media_id")
            ),
            t.text(),
        );
        let Some(url) = file.get("cdn_url").and_then(Value::as_str) else {
            push(
                "  no CDN: flowsim serves files only while the flow runs against --endpoint".into(),
                t.dimmed(),
            );
            continue;
        };
        push(format!("  {url}"), t.dimmed());
        let served: Vec<&Download> = app
            .downloads
            .iter()
            .filter(|d| d.url.as_deref() == Some(url))
            .collect();
        if served.is_empty() {
            push("  not downloaded by the endpoint (yet)".into(), t.dimmed());
        }
        for d in served {
            push(format!("  {}", describe(d)), t.text());
        }
    }
    if !refused.is_empty() {
        push(
            "Refused by the CDN (paths it did not issue in this session):".into(),
            t.error(),
        );
        for d in refused {
            push(format!("  {}", describe(d)), t.error());
        }
    }
    out.push(Line::raw(""));
    out
}

/// `12:00:01 GET /path → 200, 1 258 bytes`
fn describe(d: &Download) -> String {
    let time = jiff::Timestamp::from_millisecond((d.time * 1000.0) as i64)
        .map(|ts| {
            ts.to_zoned(jiff::tz::TimeZone::system())
                .strftime("%H:%M:%S")
                .to_string()
        })
        .unwrap_or_default();
    let sent = if d.bytes > 0 {
        format!(", {} bytes", d.bytes)
    } else {
        String::new()
    };
    match &d.url {
        Some(_) => format!("{time} {} → {}{sent}", d.method, d.status),
        None => format!("{time} {} {} → {}", d.method, d.path, d.status),
    }
}
