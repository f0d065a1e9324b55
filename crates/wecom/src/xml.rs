//! A small, hardened XML reader for WeCom payloads.
//!
//! WeCom's XML is a shallow tree of elements whose values come with or without CDATA and
//! sometimes padded with newlines. We read it into [`Element`]s with quick-xml and refuse
//! anything a legitimate payload never has: a DTD (so no entity expansion attacks), unknown
//! entities, deep nesting, huge element counts or oversized input.

use quick_xml::Reader;
use quick_xml::events::Event;
use serde::{Deserialize, Serialize};

/// Nesting deeper than this is never produced by WeCom (approval events reach about 6).
const MAX_DEPTH: usize = 32;
/// Upper bound on elements, so a flat flood of tiny tags cannot exhaust memory.
const MAX_ELEMENTS: usize = 100_000;

/// One XML element: its name, its trimmed text (CDATA and plain text joined) and children.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Element {
    /// Element name as written (WeCom is inconsistent about case, e.g. `UserID`/`UserId`).
    pub name: String,
    /// Text content with surrounding whitespace removed; empty for pure containers.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub text: String,
    /// Child elements in document order; repeated names are kept as repeated entries.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub children: Vec<Element>,
}

/// Why a payload was not accepted as XML.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum XmlError {
    /// Input exceeded the size cap.
    #[error("xml of {size} bytes exceeds the {limit}-byte limit")]
    TooLarge {
        /// Size of the input.
        size: usize,
        /// The cap.
        limit: usize,
    },
    /// A DTD, an unknown entity, or too deep / too many elements.
    #[error("xml refused: {0}")]
    Refused(&'static str),
    /// Not well-formed XML.
    #[error("malformed xml: {0}")]
    Malformed(String),
}

impl Element {
    /// First child whose name matches `name` ignoring ASCII case.
    pub fn child(&self, name: &str) -> Option<&Element> {
        self.children
            .iter()
            .find(|c| c.name.eq_ignore_ascii_case(name))
    }

    /// All children whose name matches `name` ignoring ASCII case.
    pub fn children_named<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Element> + 'a {
        self.children
            .iter()
            .filter(move |c| c.name.eq_ignore_ascii_case(name))
    }

    /// Text of the first child named `name`, if present (possibly empty).
    pub fn text_of(&self, name: &str) -> Option<&str> {
        self.child(name).map(|c| c.text.as_str())
    }
}

/// Parses `input` (at most `limit` bytes) into its root element.
pub(crate) fn parse(input: &[u8], limit: usize) -> Result<Element, XmlError> {
    if input.len() > limit {
        return Err(XmlError::TooLarge {
            size: input.len(),
            limit,
        });
    }
    let text = std::str::from_utf8(input).map_err(|_| XmlError::Malformed("not utf-8".into()))?;
    let mut reader = Reader::from_str(text);
    let mut stack: Vec<Element> = Vec::new();
    let mut elements = 0usize;
    let mut root: Option<Element> = None;
    loop {
        let event = reader
            .read_event()
            .map_err(|e| XmlError::Malformed(e.to_string()))?;
        match event {
            Event::Start(start) => open(&mut stack, &root, &mut elements, &start)?,
            Event::Empty(start) => {
                open(&mut stack, &root, &mut elements, &start)?;
                if let Some(element) = stack.pop() {
                    close(&mut stack, &mut root, element);
                }
            }
            Event::End(_) => {
                // quick-xml has already checked that the end tag matches the open one.
                let mut element = stack
                    .pop()
                    .ok_or_else(|| XmlError::Malformed("unexpected end tag".into()))?;
                trim_in_place(&mut element.text);
                close(&mut stack, &mut root, element);
            }
            Event::Text(t) => {
                let raw = t.decode().map_err(|e| XmlError::Malformed(e.to_string()))?;
                append_text(&mut stack, &raw)?;
            }
            Event::CData(c) => {
                let raw = c.decode().map_err(|e| XmlError::Malformed(e.to_string()))?;
                append_text(&mut stack, &raw)?;
            }
            Event::GeneralRef(r) => {
                let resolved = resolve_reference(&r)?;
                let mut buf = [0u8; 4];
                append_text(&mut stack, resolved.encode_utf8(&mut buf))?;
            }
            Event::DocType(_) => return Err(XmlError::Refused("a DTD is not allowed")),
            Event::Decl(_) | Event::Comment(_) | Event::PI(_) => {}
            Event::Eof => break,
        }
    }
    if !stack.is_empty() {
        return Err(XmlError::Malformed("unclosed element".into()));
    }
    root.ok_or_else(|| XmlError::Malformed("no root element".into()))
}

fn open(
    stack: &mut Vec<Element>,
    root: &Option<Element>,
    elements: &mut usize,
    start: &quick_xml::events::BytesStart<'_>,
) -> Result<(), XmlError> {
    if root.is_some() {
        return Err(XmlError::Malformed("content after the root element".into()));
    }
    *elements += 1;
    if *elements > MAX_ELEMENTS {
        return Err(XmlError::Refused("too many elements"));
    }
    if stack.len() >= MAX_DEPTH {
        return Err(XmlError::Refused("nesting too deep"));
    }
    let name = std::str::from_utf8(start.name().as_ref())
        .map_err(|_| XmlError::Malformed("element name is not utf-8".into()))?
        .to_owned();
    stack.push(Element {
        name,
        ..Element::default()
    });
    Ok(())
}

fn close(stack: &mut [Element], root: &mut Option<Element>, element: Element) {
    match stack.last_mut() {
        Some(parent) => parent.children.push(element),
        None => *root = Some(element),
    }
}

fn append_text(stack: &mut [Element], text: &str) -> Result<(), XmlError> {
    match stack.last_mut() {
        Some(open) => {
            open.text.push_str(text);
            Ok(())
        }
        // Whitespace around the root is fine; anything else is not XML.
        None if text.trim().is_empty() => Ok(()),
        None => Err(XmlError::Malformed("text outside the root element".into())),
    }
}

/// Only the five predefined entities and character references exist without a DTD.
fn resolve_reference(r: &quick_xml::events::BytesRef<'_>) -> Result<char, XmlError> {
    if let Some(c) = r
        .resolve_char_ref()
        .map_err(|e| XmlError::Malformed(e.to_string()))?
    {
        return Ok(c);
    }
    match r.as_ref() {
        b"amp" => Ok('&'),
        b"lt" => Ok('<'),
        b"gt" => Ok('>'),
        b"apos" => Ok('\''),
        b"quot" => Ok('"'),
        _ => Err(XmlError::Refused("unknown entity")),
    }
}

fn trim_in_place(text: &mut String) {
    let trimmed = text.trim();
    if trimmed.len() != text.len() {
        *text = trimmed.to_owned();
    }
}

/// Writes `value` as CDATA, splitting any `]]>` so the section cannot be closed early.
pub(crate) fn push_cdata(out: &mut String, value: &str) {
    out.push_str("<![CDATA[");
    out.push_str(&value.replace("]]>", "]]]]><![CDATA[>"));
    out.push_str("]]>");
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_str(s: &str) -> Result<Element, XmlError> {
        parse(s.as_bytes(), 1 << 20)
    }

    #[test]
    fn reads_cdata_and_bare_values_with_padding_whitespace() {
        let root = parse_str(
            "<xml><A><![CDATA[x]]></A>\n<B>\n  <![CDATA[ y ]]>\n</B><C>7</C><D/><E>a&amp;b&#x4e2d;</E></xml>",
        )
        .expect("valid xml");
        assert_eq!(root.name, "xml");
        assert_eq!(root.text_of("a"), Some("x"));
        assert_eq!(root.text_of("B"), Some("y"));
        assert_eq!(root.text_of("C"), Some("7"));
        assert_eq!(root.text_of("D"), Some(""));
        assert_eq!(root.text_of("E"), Some("a&b中"));
    }

    #[test]
    fn keeps_repeated_elements() {
        let root = parse_str("<xml><L><I>1</I><I>2</I></L></xml>").expect("valid xml");
        let items: Vec<_> = root
            .child("L")
            .expect("list")
            .children_named("I")
            .map(|e| e.text.clone())
            .collect();
        assert_eq!(items, ["1", "2"]);
    }

    #[test]
    fn refuses_dtd_entities_depth_and_size() {
        let dtd = "<!DOCTYPE x [<!ENTITY a \"b\">]><xml>&a;</xml>";
        assert_eq!(
            parse_str(dtd),
            Err(XmlError::Refused("a DTD is not allowed"))
        );
        assert_eq!(
            parse_str("<xml>&a;</xml>"),
            Err(XmlError::Refused("unknown entity"))
        );
        let deep = "<a>".repeat(40) + &"</a>".repeat(40);
        assert_eq!(parse_str(&deep), Err(XmlError::Refused("nesting too deep")));
        assert!(matches!(
            parse(b"<xml/>", 3),
            Err(XmlError::TooLarge { size: 6, limit: 3 })
        ));
    }

    #[test]
    fn rejects_malformed_input() {
        for bad in ["", "<xml>", "<xml></y>", "<a/><b/>", "text", "<xml>\u{0}", "\u{feff}"] {
            assert!(parse_str(bad).is_err(), "{bad:?} should fail");
        }
    }

    #[test]
    fn cdata_writer_escapes_terminator() {
        let mut out = String::new();
        push_cdata(&mut out, "a]]>b");
        let xml = format!("<x>{out}</x>");
        assert_eq!(parse_str(&xml).expect("valid").text, "a]]>b");
    }
}
