//! The sandbox binary's `--merchants FILE`: the tenants of a shared sandbox, in TOML.
//!
//! ```toml
//! [[merchant]]
//! client_id = "team-a"
//! client_secret = "a long random text"
//! subscription_key = "another long random text"
//! merchant_serial_numbers = ["123456", "223456"]
//! ```

use std::path::Path;

use epayment_api::epayment::types;
use epayment_sim::{Tenant, TestCredentials};
use serde::Deserialize;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    merchant: Vec<Entry>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Entry {
    client_id: String,
    client_secret: String,
    subscription_key: String,
    merchant_serial_numbers: Vec<String>,
}

/// The tenants `path` lists, or one line saying what is wrong with it (never a key's value).
pub fn read(path: &Path) -> Result<Vec<Tenant>, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let file: File = toml::from_str(&text).map_err(|e| {
        // toml's message quotes the offending line, which may hold a secret: only its place.
        let at = e.span().map(|span| text[..span.start.min(text.len())].lines().count().max(1));
        let line = at.map_or(String::new(), |n| format!(" at line {n}"));
        format!("{}{line}: not a merchants file ([[merchant]] with client_id, client_secret, subscription_key and merchant_serial_numbers)", path.display())
    })?;
    let mut tenants = Vec::with_capacity(file.merchant.len());
    for entry in file.merchant {
        for msn in &entry.merchant_serial_numbers {
            msn.parse::<types::Msn>().map_err(|_| {
                format!(
                    "{}: {msn} (merchant {}) is not a merchant serial number (4 to 10 digits)",
                    path.display(),
                    entry.client_id
                )
            })?;
        }
        tenants.push(Tenant {
            credentials: TestCredentials {
                client_id: entry.client_id,
                client_secret: entry.client_secret,
                subscription_key: entry.subscription_key,
            },
            merchant_serial_numbers: entry.merchant_serial_numbers,
        });
    }
    if tenants.is_empty() {
        return Err(format!("{}: lists no [[merchant]]", path.display()));
    }
    Tenant::check_all(&tenants).map_err(|why| format!("{}: {why}", path.display()))?;
    Ok(tenants)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn written(text: &str) -> (tempfile::TempDir, std::path::PathBuf) {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let path = dir.path().join("merchants.toml");
        std::fs::write(&path, text).unwrap_or_else(|e| panic!("{e}"));
        (dir, path)
    }

    #[test]
    fn a_merchants_file_gives_its_tenants_and_a_bad_one_says_where_without_its_secrets() {
        let (_dir, path) = written(
            "[[merchant]]\nclient_id = \"team-a\"\nclient_secret = \"s-a\"\nsubscription_key = \"k-a\"\nmerchant_serial_numbers = [\"123456\"]\n\n[[merchant]]\nclient_id = \"team-b\"\nclient_secret = \"s-b\"\nsubscription_key = \"k-b\"\nmerchant_serial_numbers = [\"654321\", \"7777\"]\n",
        );
        let tenants = read(&path).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(tenants.len(), 2);
        assert_eq!(tenants[1].merchant_serial_numbers, ["654321", "7777"]);
        assert_eq!(tenants[0].credentials.client_secret, "s-a");
        let (_dir, path) =
            written("[[merchant]]\nclient_id = \"a\"\nclient_secret = \"very-secret-value\nsubscription_key = 1\n");
        let refused = read(&path).expect_err("broken TOML");
        assert!(!refused.contains("very-secret-value"), "{refused}");
        assert!(refused.contains("line"), "{refused}");
        let (_dir, path) = written(
            "[[merchant]]\nclient_id = \"a\"\nclient_secret = \"s\"\nsubscription_key = \"k\"\nmerchant_serial_numbers = [\"12\"]\n",
        );
        assert!(read(&path).is_err_and(|why| why.contains("12")));
        let (_dir, path) = written("");
        assert!(read(&path).is_err());
        assert!(read(Path::new("/nonexistent/merchants.toml")).is_err());
    }
}
