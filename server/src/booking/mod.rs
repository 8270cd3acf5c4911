//! The biometric-recording appointment: the server's side of the booking port, the printable application form
//! (PDF with a QR code), the calendar file, and the sweep that marks missed appointments.

pub mod calendar_file;
pub mod form_pdf;
pub mod port;
pub mod printouts;
pub mod sweep;
