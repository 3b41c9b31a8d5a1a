//! Sending a flow to a phone, and the phone number's business public key.

use std::path::PathBuf;

use flowsim_api::flows::{FlowMessage, OpenWith, check_id};
use flowsim_endpoint::keys;
use rsa::traits::PublicKeyParts;

use super::hints::{Kind, Op};
use super::{Ctx, OpenAction, read_data, usage};
use crate::cli::exit;

pub const SEND_HELP: &str = "\
Examples:
  flowsim api send 1234567890123456 --to 15551234567 --draft
  flowsim api send 1234567890123456 --to 15551234567 --screen DETAILS --data '{\"name\": \"Ada\"}'
  flowsim api send 1234567890123456 --to 15551234567 --flow-action data_exchange --flow-token t-42

A DRAFT flow can only be sent with --draft (a draft banner shows on the phone). The
recipient must have written to the business number in the last 24 hours, or be a
test number of the app. Prints the message id (wamid…) on standard output.";

#[derive(Debug, clap::Args)]
pub struct SendArgs {
    /// The flow's id.
    pub flow_id: String,
    /// The recipient's phone number, international format (15551234567 or +1 555 123 4567).
    #[arg(long, value_name = "NUMBER")]
    pub to: String,
    /// Send the current draft (`mode: draft`) instead of the published version.
    #[arg(long)]
    pub draft: bool,
    /// The button's text (Meta advises at most 30 characters, no emoji).
    #[arg(long, value_name = "TEXT", default_value = "Open")]
    pub cta: String,
    /// The message text above the button.
    #[arg(
        long,
        value_name = "TEXT",
        default_value = "Tap the button to open the flow."
    )]
    pub body: String,
    /// Echoed to the endpoint and in the completion message (Meta's default: unused).
    #[arg(long, value_name = "TOKEN")]
    pub flow_token: Option<String>,
    /// How the flow opens: navigate (no request) or data_exchange (INIT to the endpoint).
    #[arg(long, value_enum, default_value_t = OpenAction::Navigate)]
    pub flow_action: OpenAction,
    /// The screen to open (default: the first entry screen); navigate only.
    #[arg(long, value_name = "ID")]
    pub screen: Option<String>,
    /// Data for that screen: JSON, or @file; navigate only.
    #[arg(long, value_name = "JSON|@FILE")]
    pub data: Option<String>,
}

#[derive(Debug, clap::Subcommand)]
pub enum KeyCommand {
    /// Show the phone number's business public key and its signature status.
    Get,
    /// Upload a business public key (PEM, RSA 2048) for the phone number.
    Set {
        /// The public key file (`flowsim keygen` writes public.pem).
        #[arg(value_name = "PEM")]
        pem: PathBuf,
    },
}

/// Digits of a phone number as typed (`+1 (555) 123-4567` → `15551234567`).
fn phone_number(text: &str) -> Result<String, String> {
    let digits: String = text
        .chars()
        .filter(|c| !matches!(c, ' ' | '-' | '(' | ')' | '.'))
        .collect();
    let digits = digits.strip_prefix('+').unwrap_or(&digits);
    if (6..=15).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit()) {
        Ok(digits.to_string())
    } else {
        Err(format!(
            "--to {:?} is not a phone number: write it in international format, like 15551234567",
            flowsim_core::text::sanitize(text)
        ))
    }
}

pub fn send(ctx: &Ctx<'_>, args: &SendArgs) -> Result<u8, u8> {
    let phone = ctx.phone()?;
    let to = phone_number(&args.to).map_err(usage)?;
    let open = match args.flow_action {
        OpenAction::DataExchange => {
            if args.screen.is_some() || args.data.is_some() {
                return Err(usage(
                    "--screen and --data go with --flow-action navigate; data_exchange asks the endpoint for the first screen".into(),
                ));
            }
            OpenWith::DataExchange
        }
        OpenAction::Navigate => OpenWith::Navigate {
            screen: args.screen.clone(),
            data: args
                .data
                .as_deref()
                .map(read_data)
                .transpose()
                .map_err(usage)?,
        },
    };
    let message = FlowMessage {
        to: to.clone(),
        flow_id: args.flow_id.clone(),
        cta: args.cta.clone(),
        body: args.body.clone(),
        draft: args.draft,
        flow_token: args.flow_token.clone(),
        open,
    };
    let op = Op::new(Kind::Send, Some(&args.flow_id));
    let answer = ctx
        .runtime
        .block_on(ctx.client.send_flow(phone, &message))
        .map_err(|e| ctx.fail(e, op))?;
    if ctx.json() {
        ctx.print_json(&answer.raw);
    } else {
        for m in &answer.value.messages {
            println!("{}", ctx.safe(&m.id));
        }
    }
    eprintln!(
        "sent flow {} to {to}{}: look at that phone",
        ctx.safe(&args.flow_id),
        if args.draft { " as a draft" } else { "" }
    );
    Ok(exit::OK)
}

pub fn key(ctx: &Ctx<'_>, command: &KeyCommand) -> Result<u8, u8> {
    let phone = ctx.phone()?;
    match command {
        KeyCommand::Get => {
            let op = Op::new(Kind::KeyGet, Some(phone));
            let answer = ctx
                .runtime
                .block_on(ctx.client.key(phone))
                .map_err(|e| ctx.fail(e, op))?;
            if ctx.json() {
                ctx.print_json(&answer.raw);
                return Ok(exit::OK);
            }
            let Some(k) = answer
                .value
                .data
                .first()
                .filter(|k| !k.business_public_key.is_empty())
            else {
                println!(
                    "phone number {phone} has no business public key: upload one with `flowsim api key set public.pem`"
                );
                return Ok(exit::OK);
            };
            println!("{}", ctx.safe(k.business_public_key.trim_end()));
            let status = ctx.safe(&k.business_public_key_signature_status);
            let meaning = match status.as_str() {
                "VALID" => "signed: endpoint flows can use it",
                "MISMATCH" => {
                    "the signature does not match the key: upload the key again with `flowsim api key set`"
                }
                _ => "unknown to flowsim",
            };
            println!("signature status: {status} ({meaning})");
            Ok(exit::OK)
        }
        KeyCommand::Set { pem } => {
            check_id("the phone number id", phone)
                .map_err(|e| ctx.fail(e, Op::new(Kind::KeySet, Some(phone))))?;
            let text = crate::load::read_text(pem).map_err(usage)?;
            let key = keys::public_key_from_pem(&text)
                .map_err(|e| usage(format!("{}: {e}", pem.display())))?;
            let bits = key.size() * 8;
            if bits != 2048 {
                return Err(usage(format!(
                    "{}: a {bits}-bit key; WhatsApp needs an RSA-2048 public key (`flowsim keygen` makes one)",
                    pem.display()
                )));
            }
            let canonical = keys::public_key_to_pem(&key)
                .map_err(|e| usage(format!("{}: {e}", pem.display())))?;
            let op = Op::new(Kind::KeySet, Some(phone));
            let answer = ctx
                .runtime
                .block_on(ctx.client.set_key(phone, &canonical))
                .map_err(|e| ctx.fail(e, op))?;
            if ctx.json() {
                ctx.print_json(&answer.raw);
            } else {
                println!(
                    "uploaded the business public key for phone number {phone}; `flowsim api key get` shows its signature status"
                );
            }
            Ok(exit::OK)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phone_numbers_are_read_as_typed() {
        assert_eq!(phone_number("+1 (555) 123-4567").unwrap(), "15551234567");
        assert_eq!(phone_number("15551234567").unwrap(), "15551234567");
        for bad in ["", "12", "555-CALL-NOW", "+1 555 123 4567 890 123"] {
            assert!(phone_number(bad).is_err(), "{bad}");
        }
    }
}
