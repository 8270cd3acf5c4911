//! Applications behind the door: the port the server functions call, and the routes that are not server
//! functions (scans are posted as multipart and read back as files).

pub mod documents;
pub mod port;
