//! The ePayment API's error codes, hand-written: the one table that the client branches on
//! and the simulator answers with.
//!
//! A refusal carries its code in the problem's `extraDetails` as `{"name": "ErrorCode",
//! "reason": "<code>"}`. The document does not list the codes; this table follows the API's
//! published guides (summed up in the project's facts sheet), in our own words.

use std::fmt;

macro_rules! error_codes {
    ($($variant:ident = $code:literal, $title:literal;)*) => {
        /// The error codes of the ePayment API, carried in a problem's `extraDetails`.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum ErrorCode {
            $(
                #[doc = $title]
                $variant,
            )*
            /// A code this version does not know, kept as it came.
            Other(u32),
        }

        impl ErrorCode {
            /// Every code this version knows, in numeric order.
            pub const KNOWN: &'static [ErrorCode] = &[$(ErrorCode::$variant,)*];

            /// The code for a number.
            pub fn from_code(code: u32) -> Self {
                match code {
                    $($code => ErrorCode::$variant,)*
                    other => ErrorCode::Other(other),
                }
            }

            /// The number.
            pub fn code(self) -> u32 {
                match self {
                    $(ErrorCode::$variant => $code,)*
                    ErrorCode::Other(code) => code,
                }
            }

            /// What the code means, in a few words; the simulator's problem title for it.
            pub fn meaning(self) -> &'static str {
                match self {
                    $(ErrorCode::$variant => $title,)*
                    ErrorCode::Other(_) => "Unknown error code",
                }
            }
        }
    };
}

error_codes! {
    InternalError = 3010, "Internal error";
    CaptureIdempotencyConflict = 4010, "Capture retried with the same idempotency key but another body";
    IdempotencyKeyReused = 4020, "Idempotency key already used for another operation or body";
    InvalidAmount = 4040, "Invalid amount";
    InvalidCustomerToken = 4050, "Invalid customer token";
    InvalidPersonalQr = 4060, "Invalid personal QR code";
    InvalidPhoneNumber = 4070, "Invalid phone number";
    InvalidScope = 4080, "Invalid profile scope";
    InvalidUrl = 4090, "Invalid URL: it must be an https URL";
    TooManyMetadataKeys = 4100, "Too many metadata keys";
    DuplicateMetadataKeys = 4110, "Duplicate metadata keys";
    MetadataKeyTooLong = 4120, "Metadata key too long";
    MetadataValueTooLong = 4130, "Metadata value too long";
    MissingParameter = 4140, "Missing required parameter";
    ReferenceExistsOrRefundConflict = 4150, "Reference already exists, or refund retried with the same key but another body";
    NotCardPassthroughType = 4160, "Payment method type not valid for card passthrough";
    BlockedPaymentSources = 5010, "Payment sources blocked for this sales unit";
    ExpressNotAllowed = 5020, "Express checkout not allowed for this sales unit";
    IllegalScope = 5030, "Profile scope not allowed for this sales unit";
    CurrencyNotAllowed = 5040, "Currency not allowed for this sales unit";
    LongLivingNotAllowed = 5050, "Long-living payments not allowed for this sales unit";
    BankAccountNotVerified = 5060, "The sales unit's bank account is not verified";
    CannotCreatePayment = 5070, "The sales unit cannot create payments";
    PushMessageNotAllowed = 5080, "Push messages not allowed for this sales unit";
    ReferenceNotFound = 5090, "Reference not found for this merchant serial number";
    RefundNotPossible = 5100, "Refunds not possible for this sales unit";
    AmountTooSmall = 6010, "Amount too small";
    RefundBeforeReservation = 6020, "Refund before the payment was reserved";
    CancelPeriodExpired = 6030, "Cancel period expired";
    CancelFullyCaptured = 6040, "Cannot cancel a fully captured payment";
    CancelNotReserved = 6050, "Cannot cancel a payment that is not reserved";
    CancelAuthorizedTransactionOnly = 6060, "Cannot cancel an authorized payment when cancelTransactionOnly is set";
    CaptureCancelled = 6070, "Cannot capture a cancelled payment";
    CaptureBeforeReservation = 6080, "Cannot capture before the payment is authorized";
    CaptureAmountTooHigh = 6090, "Capture amount is more than what is left of the reservation";
    CapturePeriodExpired = 6100, "Capture period expired";
    ExpiresAtTooLate = 6110, "expiresAt is too far ahead";
    ExpiresAtTooSoon = 6120, "expiresAt is too soon";
    LongLivingWithoutReceipt = 6130, "A long-living payment needs a receipt";
    FullCaptureOnly = 6140, "This sales unit allows only full capture";
    RefundAmountTooHigh = 6150, "Refund amount is more than captured minus refunded";
    PaymentBusy = 6160, "Payment is being processed by another operation; retry shortly";
    AlreadyCaptured = 6170, "Payment already captured";
    AlreadyRefunded = 6180, "Payment already refunded";
    CannotCancelInState = 6190, "Payment cannot be cancelled in its state";
    CannotCaptureInState = 6200, "Payment cannot be captured in its state";
    CannotRefundInState = 6210, "Payment cannot be refunded in its state";
    RefundPeriodExpired = 6220, "Refund period expired";
    AlreadyReserved = 6230, "Payment already reserved";
    CancelWhileProcessing = 6250, "Cannot cancel while the payment is being processed";
    FundsUnavailable = 6260, "Funds unavailable: the reservation was released early";
    CaptureFailedRetryLater = 6280, "Capture failed; retry later with the same idempotency key";
    CustomerNotFound = 7010, "Customer not found";
    ForceApproveFailed = 10010, "Force approve failed";
    ForceApproveNotAllowed = 10020, "Force approve not allowed";
    ForceApproveIdentificationRequired = 10030, "Force approve needs identification";
    ForceApproveInvalidPaymentSource = 10040, "Force approve: invalid payment source";
    ForceApproveNoCards = 10050, "Force approve: the test user has no cards";
    ForceApproveNotSupported = 10060, "Force approve: operation not supported";
    ForceApproveLimitExceeded = 10070, "Force approve: payment limit exceeded";
}

impl ErrorCode {
    /// Whether the API tells clients to retry with the same Idempotency-Key (6160, 6280).
    pub fn is_retryable(self) -> bool {
        matches!(self, ErrorCode::PaymentBusy | ErrorCode::CaptureFailedRetryLater)
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.code(), self.meaning())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_known_code_maps_both_ways_in_order() {
        let numbers: Vec<u32> = ErrorCode::KNOWN.iter().map(|c| c.code()).collect();
        let mut sorted = numbers.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(numbers, sorted, "in numeric order, each once");
        for code in ErrorCode::KNOWN {
            assert_eq!(ErrorCode::from_code(code.code()), *code);
        }
        assert_eq!(ErrorCode::from_code(7777), ErrorCode::Other(7777));
        assert_eq!(ErrorCode::from_code(10030), ErrorCode::ForceApproveIdentificationRequired);
    }
}
