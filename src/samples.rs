//! The sample flows bundled into the binary, for `flowsim` with no arguments.

/// A bundled sample flow.
pub struct Sample {
    pub file: &'static str,
    pub title: &'static str,
    pub text: &'static str,
    /// Offline endpoint answers for endpoint samples.
    pub mock: Option<&'static str>,
}

macro_rules! sample {
    ($file:literal, $title:literal) => {
        Sample {
            file: $file,
            title: $title,
            text: include_str!(concat!("../sample-flows/", $file)),
            mock: None,
        }
    };
    ($file:literal, $title:literal, $mock:literal) => {
        Sample {
            file: $file,
            title: $title,
            text: include_str!(concat!("../sample-flows/", $file)),
            mock: Some(include_str!(concat!("../sample-flows/", $mock))),
        }
    };
}

/// Every sample, the demo first.
pub static SAMPLES: &[Sample] = &[
    sample!("welcome.json", "Welcome: a short tour of flowsim"),
    sample!("booking.json", "Book a table (dropdown, date, summary)"),
    sample!("sign_up.json", "Sign up (every input type, terms)"),
    sample!("survey.json", "Survey (If/Switch, expressions, chips)"),
    sample!("lead_form.json", "Lead form (markdown, links), 6.0"),
    sample!(
        "loan_application.json",
        "Loan application (endpoint, offline mock)",
        "loan_application.mock.json"
    ),
    sample!(
        "support_ticket.json",
        "Support ticket (photo and document pickers)"
    ),
    sample!("catalogue.json", "Café catalogue (navigation list, images)"),
    sample!("event_registration.json", "Event registration (calendars)"),
    sample!("legacy_form.json", "Legacy Form, Flow JSON 3.1"),
    sample!("feedback.json", "Delivery feedback, Flow JSON 4.0"),
    sample!(
        "appointment_endpoint.json",
        "Clinic appointment (endpoint INIT, offline mock)",
        "appointment_endpoint.mock.json"
    ),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_sample_flow_file_is_bundled() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/sample-flows");
        let mut files: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .filter_map(|e| e.ok()?.file_name().into_string().ok())
            .filter(|n| {
                n.ends_with(".json") && !n.ends_with(".test.json") && !n.ends_with(".mock.json")
            })
            .collect();
        files.sort();
        let mut bundled: Vec<String> = SAMPLES.iter().map(|s| s.file.to_string()).collect();
        bundled.sort();
        assert_eq!(files, bundled);
    }
}
