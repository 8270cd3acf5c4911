//! Decoding the codes the database stores (a state, a kind, a role, a step, a booking's state) back into the
//! domain's types. A code the program does not know is an error that names the column and the value, never a
//! default: an application whose `status` reads `"frozen"` must stop the page, not become an editable draft.

use super::{
    application::{Kind, Status},
    booking::BookingStatus,
    complaint::ComplaintStatus,
    process::{Role, Step},
};

/// A stored code that none of the type's values has.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("unknown {column} {value:?} in the database")]
pub struct UnknownCode {
    pub column: &'static str,
    pub value: String,
}

/// Decodes a stored code into `T`, naming the column when the code is unknown.
pub fn decode<T: Code>(column: &'static str, value: &str) -> Result<T, UnknownCode> {
    T::from_code(value).ok_or_else(|| UnknownCode {
        column,
        value: value.chars().take(40).collect(),
    })
}

/// A domain type that is stored by its code.
pub trait Code: Sized {
    fn from_code(code: &str) -> Option<Self>;
}

macro_rules! stored_as_code {
    ($($ty:ty),*) => {$(
        impl Code for $ty {
            fn from_code(code: &str) -> Option<Self> {
                // Exactly the code, as written: a stored value with spaces around it is not one the program wrote.
                <$ty>::parse(code).filter(|v| v.code() == code)
            }
        }

        impl TryFrom<&str> for $ty {
            type Error = UnknownCode;
            fn try_from(code: &str) -> Result<Self, UnknownCode> {
                decode(stringify!($ty), code)
            }
        }
    )*};
}

stored_as_code!(Kind, Status, BookingStatus, ComplaintStatus, Role, Step);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_round_trips_and_an_unknown_one_is_an_error() {
        for s in Status::ALL {
            assert_eq!(Status::try_from(s.code()), Ok(s));
        }
        for s in Step::ALL {
            assert_eq!(Step::try_from(s.code()), Ok(s));
        }
        for r in Role::ALL {
            assert_eq!(Role::try_from(r.code()), Ok(r));
        }
        for k in Kind::ALL {
            assert_eq!(Kind::try_from(k.code()), Ok(k));
        }
        let e = Status::try_from("frozen").unwrap_err();
        assert_eq!(e.value, "frozen");
        assert!(Status::try_from(" draft").is_err());
        assert!(Status::try_from("").is_err());
        assert!(Role::try_from("root").is_err());
        assert!(BookingStatus::try_from("booked ").is_err());
        assert_eq!(
            decode::<Kind>("applications.kind", "xx").unwrap_err().to_string(),
            "unknown applications.kind \"xx\" in the database"
        );
    }
}
