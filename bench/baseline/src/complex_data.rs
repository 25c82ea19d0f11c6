//! JSON records through serde and the binary record with a checksum (the article's
//! `complex_data.rs`).

use serde::{Deserialize, Serialize};
use wasm_bindgen::prelude::*;

#[derive(Serialize, Deserialize)]
#[wasm_bindgen]
pub struct Person {
    name: String,
    age: u32,
    email: String,
}

#[wasm_bindgen]
impl Person {
    #[wasm_bindgen(constructor)]
    pub fn new(name: String, age: u32, email: String) -> Person {
        Person { name, age, email }
    }

    #[wasm_bindgen(getter)]
    pub fn name(&self) -> String {
        self.name.clone()
    }

    #[wasm_bindgen(getter)]
    pub fn age(&self) -> u32 {
        self.age
    }

    #[wasm_bindgen(getter)]
    pub fn email(&self) -> String {
        self.email.clone()
    }

    /// `{"name":…,"age":…,"email":…}`; an error is thrown as a string.
    pub fn to_json(&self) -> Result<String, JsValue> {
        serde_json::to_string(self).map_err(|e| JsValue::from_str(&e.to_string()))
    }

    pub fn from_json(json: &str) -> Result<Person, JsValue> {
        serde_json::from_str(json).map_err(|e| JsValue::from_str(&e.to_string()))
    }
}

#[derive(Serialize, Deserialize)]
#[wasm_bindgen]
pub struct Company {
    name: String,
    employees: Vec<Person>,
    founded_year: u32,
}

#[wasm_bindgen]
impl Company {
    #[wasm_bindgen(constructor)]
    pub fn new(name: String, founded_year: u32) -> Company {
        Company {
            name,
            employees: Vec::new(),
            founded_year,
        }
    }

    /// Takes the person: the JS object is spent afterwards.
    pub fn add_employee(&mut self, person: Person) {
        self.employees.push(person);
    }

    pub fn employee_count(&self) -> usize {
        self.employees.len()
    }

    /// `{"name":…,"employees":[…],"founded_year":…}`.
    pub fn to_json(&self) -> Result<String, JsValue> {
        serde_json::to_string(self).map_err(|e| JsValue::from_str(&e.to_string()))
    }

    pub fn from_json(json: &str) -> Result<Company, JsValue> {
        serde_json::from_str(json).map_err(|e| JsValue::from_str(&e.to_string()))
    }
}

/// A 16-byte header, a payload and the wrapping byte sum of both. Serialized as header,
/// payload length (u32 LE), payload, checksum (u32 LE).
#[wasm_bindgen]
pub struct BinaryData {
    header: [u8; 16],
    payload: Vec<u8>,
    checksum: u32,
}

#[wasm_bindgen]
impl BinaryData {
    #[wasm_bindgen(constructor)]
    #[allow(clippy::new_without_default)]
    pub fn new() -> BinaryData {
        BinaryData {
            header: [0; 16],
            payload: Vec::new(),
            checksum: 0,
        }
    }

    /// Sets the header when `data` is exactly 16 bytes; otherwise does nothing (as written).
    pub fn set_header(&mut self, data: &[u8]) {
        if data.len() == 16 {
            self.header.copy_from_slice(data);
        }
    }

    /// Copies the payload and recomputes the checksum.
    pub fn set_payload(&mut self, data: &[u8]) {
        self.payload = data.to_vec();
        self.calculate_checksum();
    }

    fn calculate_checksum(&mut self) {
        self.checksum = self
            .header
            .iter()
            .chain(self.payload.iter())
            .fold(0u32, |sum, &byte| sum.wrapping_add(byte as u32));
    }

    pub fn serialize(&self) -> Vec<u8> {
        let mut out = Vec::new();
        out.extend_from_slice(&self.header);
        out.extend_from_slice(&(self.payload.len() as u32).to_le_bytes());
        out.extend_from_slice(&self.payload);
        out.extend_from_slice(&self.checksum.to_le_bytes());
        out
    }

    /// Parses what `serialize` writes; throws "Data too short", "Invalid payload length" or
    /// "Checksum mismatch". Bytes after the record are ignored, as in the article.
    pub fn deserialize(data: &[u8]) -> Result<BinaryData, JsValue> {
        if data.len() < 24 {
            // 16 + 4 + 4 at least
            return Err(JsValue::from_str("Data too short"));
        }
        let mut record = BinaryData::new();
        record.header.copy_from_slice(&data[0..16]);
        let payload_len = u32::from_le_bytes([data[16], data[17], data[18], data[19]]) as usize;
        // FIX: the article computes `24 + payload_len`, which wraps in 32-bit usize for a
        // declared length near 4 GiB and then traps on a slice index.
        match 24usize.checked_add(payload_len) {
            Some(end) if data.len() >= end => {}
            _ => return Err(JsValue::from_str("Invalid payload length")),
        }
        record.payload = data[20..20 + payload_len].to_vec();
        record.checksum = u32::from_le_bytes([
            data[20 + payload_len],
            data[21 + payload_len],
            data[22 + payload_len],
            data[23 + payload_len],
        ]);
        // The article verifies with two loops instead of `calculate_checksum`; same sum.
        let mut expected = 0u32;
        for &byte in &record.header {
            expected = expected.wrapping_add(byte as u32);
        }
        for &byte in &record.payload {
            expected = expected.wrapping_add(byte as u32);
        }
        if expected != record.checksum {
            return Err(JsValue::from_str("Checksum mismatch"));
        }
        Ok(record)
    }

    pub fn get_header(&self) -> Vec<u8> {
        self.header.to_vec()
    }

    pub fn get_payload(&self) -> Vec<u8> {
        self.payload.clone()
    }

    pub fn get_checksum(&self) -> u32 {
        self.checksum
    }
}
