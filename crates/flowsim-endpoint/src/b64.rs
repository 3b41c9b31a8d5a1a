//! The one lenient base64 configuration flowsim decodes with: the standard alphabet, `=`
//! padding optional (like the browser's `atob`). The endpoint protocol and the key reader use
//! it as it is; the image decoder of the preview builds on it.

use base64::alphabet;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};

/// Decoding with or without `=` padding; encoding pads.
pub const LENIENT: GeneralPurposeConfig =
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent);

/// The standard alphabet (`+` and `/`) with [`LENIENT`] padding.
pub const STANDARD_LENIENT: GeneralPurpose = GeneralPurpose::new(&alphabet::STANDARD, LENIENT);
